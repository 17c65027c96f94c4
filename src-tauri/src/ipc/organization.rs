//! What crosses IPC for the Organization view: the organization's installed apps (for the
//! side-by-side comparison of their permissions) and its audit log, streamed page by page.

use appwarden_core::github::{AuditEvent, AuditInclude, Installation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// One app installed on the organization.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrgAppRow {
    #[ts(type = "number")]
    pub installation_id: u64,
    #[ts(type = "number")]
    pub app_id: u64,
    pub app_slug: String,
    /// `all` or `selected`.
    pub repository_selection: String,
    /// RFC 3339.
    pub installed_at: String,
    pub updated_at: String,
    pub suspended_at: Option<String>,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    /// This app's own installation.
    pub ours: bool,
    /// The installation's page on GitHub (the organization's settings).
    pub html_url: Option<String>,
}

impl OrgAppRow {
    pub fn new(inst: &Installation, our_app_id: u64) -> Self {
        Self {
            installation_id: inst.id,
            app_id: inst.app_id,
            app_slug: inst
                .app_slug
                .clone()
                .unwrap_or_else(|| format!("app {}", inst.app_id)),
            repository_selection: inst.repository_selection.clone(),
            installed_at: inst.created_at.to_rfc3339(),
            updated_at: inst.updated_at.to_rfc3339(),
            suspended_at: inst.suspended_at.map(|at| at.to_rfc3339()),
            permissions: (*inst.permissions).clone(),
            events: inst.events.to_vec(),
            ours: inst.app_id == our_app_id,
            html_url: inst.html_url.clone(),
        }
    }
}

/// The organization's installed apps, with every permission any of them has.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrgAppsView {
    pub org: String,
    pub apps: Vec<OrgAppRow>,
    /// Every permission granted to at least one app, by name.
    pub permissions: Vec<String>,
    /// RFC 3339.
    pub fetched_at: String,
}

/// What the audit-log tab asks for.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AuditSearch {
    /// GitHub's search phrase (qualifiers), beside the preset.
    pub phrase: String,
    /// Only events about programmatic access (the preset categories).
    pub programmatic_access: bool,
    /// Only the last so many days (on GitHub's clock); `None`: GitHub's default three months.
    pub since_days: Option<u32>,
    pub include: AuditInclude,
    /// Stop after this many events.
    pub limit: u32,
}

/// One audit event as the table shows it; `fields` is every field GitHub sent, flattened
/// (`actor_location.country_code`), for the details.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditEventRow {
    /// Its position in this read, for the export of what is shown.
    pub index: u32,
    /// RFC 3339.
    pub at: Option<String>,
    pub action: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub country: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl AuditEventRow {
    pub fn new(index: u32, event: &AuditEvent) -> Self {
        let mut fields = Vec::new();
        flatten("", &serde_json::Value::Object(event.0.clone()), &mut fields);
        Self {
            index,
            at: event.at().map(|at| at.to_rfc3339()),
            action: event.action().to_owned(),
            actor: event.actor().map(str::to_owned),
            subject: event.subject().map(str::to_owned),
            country: event.country().map(str::to_owned),
            fields,
        }
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, value, out);
            }
        }
        serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

/// The audit log's progress, streamed as pages arrive.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum AuditProgress {
    Page {
        page: u32,
        events: Vec<AuditEventRow>,
    },
}

/// How a read of the audit log ended.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditOutcome {
    pub events: u32,
    pub pages: u32,
    /// It stopped at the limit with more left.
    pub stopped_early: bool,
    /// The phrase sent to GitHub, as sent.
    pub phrase: String,
    /// GitHub searched only its default three months.
    pub default_window: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_fields_are_flattened_for_its_details() {
        let event: AuditEvent = serde_json::from_value(serde_json::json!({
            "action": "integration_installation.create", "@timestamp": 1_700_000_000_000_i64,
            "actor_location": { "country_code": "GB" }, "integration": "ci-runner"
        }))
        .unwrap();
        let row = AuditEventRow::new(3, &event);
        assert_eq!(row.index, 3);
        assert_eq!(row.subject.as_deref(), Some("ci-runner"));
        assert!(
            row.fields
                .contains(&("actor_location.country_code".into(), "GB".into()))
        );
        assert!(
            row.fields
                .contains(&("@timestamp".into(), "1700000000000".into()))
        );
    }
}
