//! Installations written out for other tools: RFC 4180 CSV (a header, one line per
//! installation, dates in RFC 3339) and JSON (GitHub's installation objects), each optionally
//! with what the installation has not accepted yet. The CLI prints these; the window saves them.

use crate::acceptance::AcceptanceGap;
use crate::github::Installation;

/// One installation to export, with its acceptance gap when gaps are being shown.
pub type ExportRow<'a> = (&'a Installation, Option<&'a AcceptanceGap>);

/// RFC 4180 CSV; with `with_gap` a `not_accepted` column (empty where nothing is missing).
pub fn csv(rows: &[ExportRow<'_>], with_gap: bool) -> String {
    let mut header = vec![
        "id",
        "account",
        "type",
        "repository_selection",
        "suspended_at",
        "created_at",
        "updated_at",
    ];
    if with_gap {
        header.push("not_accepted");
    }
    let mut out = header.join(",") + "\r\n";
    for (inst, gap) in rows {
        let mut line = vec![
            inst.id.to_string(),
            inst.account_login().to_owned(),
            inst.target_type.clone().unwrap_or_default(),
            inst.repository_selection.clone(),
            inst.suspended_at
                .map(|at| at.to_rfc3339())
                .unwrap_or_default(),
            inst.created_at.to_rfc3339(),
            inst.updated_at.to_rfc3339(),
        ];
        if with_gap {
            line.push(gap.map(AcceptanceGap::summary).unwrap_or_default());
        }
        let line: Vec<String> = line.iter().map(|cell| csv_field(cell)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// One installation as JSON: GitHub's object, with `awaiting_acceptance` added when gaps are
/// being shown. Serialized straight from the installation (no intermediate JSON tree).
#[derive(serde::Serialize)]
pub struct JsonRow<'a> {
    #[serde(flatten)]
    installation: &'a Installation,
    #[serde(skip_serializing_if = "Option::is_none")]
    awaiting_acceptance: Option<Option<&'a AcceptanceGap>>,
}

/// GitHub's installation objects, to serialize as a JSON array; with `with_gap`, each has
/// `awaiting_acceptance` added (null where nothing is missing).
pub fn json<'a>(rows: &[ExportRow<'a>], with_gap: bool) -> Vec<JsonRow<'a>> {
    rows.iter()
        .map(|(installation, gap)| JsonRow {
            installation,
            awaiting_acceptance: with_gap.then_some(*gap),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installation(id: u64, login: &str) -> Installation {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "account": {"login": login, "id": id, "type": "Organization"},
            "target_type": "Organization",
            "repository_selection": "all",
            "permissions": {"contents": "read"},
            "events": [],
            "created_at": "2024-06-14T09:00:00Z",
            "updated_at": "2024-06-14T09:00:00Z",
            "suspended_at": null,
            "app_id": 1,
            "target_id": id,
            "html_url": "https://github.com/x",
            "access_tokens_url": "https://api.github.com/x",
            "repositories_url": "https://api.github.com/x",
            "app_slug": "a",
            "single_file_name": null
        }))
        .unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_ends_lines_with_crlf() {
        let a = installation(1, "plain");
        let b = installation(2, "with,comma \"quoted\"");
        let text = csv(&[(&a, None), (&b, None)], false);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,account,type,repository_selection,suspended_at,created_at,updated_at"
        );
        assert!(lines[1].starts_with("1,plain,Organization,all,,2024-06-14T09:00:00+00:00"));
        assert!(
            lines[2].starts_with("2,\"with,comma \"\"quoted\"\"\",Organization"),
            "{}",
            lines[2]
        );
        assert_eq!(lines[3], "");
    }

    #[test]
    fn json_keeps_githubs_objects_and_adds_the_gap_only_when_asked() {
        let a = installation(1, "plain");
        let plain = serde_json::to_value(json(&[(&a, None)], false)).unwrap();
        assert!(plain[0].get("awaiting_acceptance").is_none());
        assert_eq!(plain[0]["account"]["login"], "plain");
        assert_eq!(
            plain[0],
            serde_json::to_value(&a).unwrap(),
            "GitHub's object as it was"
        );
        let with_gap = serde_json::to_value(json(&[(&a, None)], true)).unwrap();
        assert!(with_gap[0]["awaiting_acceptance"].is_null());
    }
}
