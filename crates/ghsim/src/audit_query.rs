//! The audit log's search phrase, as GitHub documents it ("Reviewing the audit log for your
//! organization", Searching the audit log): qualifiers only, no free text ("You cannot search
//! for entries using text"): `action:` (a whole category such as `action:team`, or one action
//! such as `action:team.create`), `actor:`, `user:`, `repo:`, `org:`, `operation:`,
//! `country:`, `created:` (a date, a comparison such as `>=2026-11-01`, or a range
//! `2026-11-01..2026-11-30`), each negated with a leading `-`. Several values of one
//! qualifier match any of them; different qualifiers must all match.
//!
//! What ghsim cannot tell is refused with a message that says it is ghsim's (GitHub does not
//! document what it answers to free text), so that no test passes on a query nobody modelled.

use crate::orgs::AuditEvent;
use chrono::{NaiveDate, TimeZone, Utc};

#[derive(Debug, Clone, PartialEq)]
struct Term {
    negated: bool,
    key: String,
    value: String,
}

/// A parsed phrase.
#[derive(Debug, Clone, Default)]
pub struct Phrase {
    terms: Vec<Term>,
    /// Whether a `created:` qualifier was given (else only the last three months are searched).
    pub has_created: bool,
}

const KEYS: &[&str] = &[
    "action",
    "actor",
    "user",
    "repo",
    "org",
    "operation",
    "country",
    "created",
];

impl Phrase {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for word in split_words(text) {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, word),
            };
            let Some((key, value)) = word.split_once(':') else {
                return Err(format!(
                    "ghsim models the audit log's qualifiers only ({}); '{word}' is free text, which GitHub's audit log does not search",
                    KEYS.join(", ")
                ));
            };
            let key = key.to_ascii_lowercase();
            if !KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "ghsim does not model the audit-log qualifier '{key}:' (it models {})",
                    KEYS.join(", ")
                ));
            }
            let value = value.replace("\\/", "/");
            if key == "created" && created_range(&value).is_none() {
                return Err(format!(
                    "ghsim cannot read the date in 'created:{value}' (it reads YYYY-MM-DD, >=, >, <=, < and A..B)"
                ));
            }
            terms.push(Term {
                negated,
                key,
                value,
            });
        }
        let has_created = terms.iter().any(|t| t.key == "created");
        Ok(Self { terms, has_created })
    }

    /// Whether the event matches every qualifier.
    pub fn matches(&self, event: &AuditEvent, org: &str) -> bool {
        KEYS.iter().all(|key| {
            let positive: Vec<&Term> = self
                .terms
                .iter()
                .filter(|t| t.key == *key && !t.negated)
                .collect();
            let negative = self.terms.iter().filter(|t| t.key == *key && t.negated);
            (positive.is_empty() || positive.iter().any(|t| term_matches(t, event, org)))
                && negative.into_iter().all(|t| !term_matches(t, event, org))
        })
    }
}

fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn term_matches(term: &Term, event: &AuditEvent, org: &str) -> bool {
    let value = term.value.as_str();
    let same = |field: Option<&str>| field.is_some_and(|f| f.eq_ignore_ascii_case(value));
    match term.key.as_str() {
        "action" => {
            if value.contains('.') {
                event.action.eq_ignore_ascii_case(value)
            } else {
                event
                    .action
                    .split_once('.')
                    .is_some_and(|(category, _)| category.eq_ignore_ascii_case(value))
            }
        }
        "actor" => same(Some(&event.actor)),
        "user" => same(event.user.as_deref()),
        "repo" => same(event.repo.as_deref()),
        "org" => org.eq_ignore_ascii_case(value),
        "operation" => same(Some(event.operation_type)),
        "country" => {
            event.country.0.eq_ignore_ascii_case(value)
                || event.country.1.eq_ignore_ascii_case(value)
        }
        "created" => {
            created_range(value).is_some_and(|(from, to)| event.at_ms >= from && event.at_ms < to)
        }
        _ => false,
    }
}

/// A `created:` value as a half-open range of milliseconds.
fn created_range(value: &str) -> Option<(i64, i64)> {
    let day = |text: &str| -> Option<i64> {
        let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
        Some(
            Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?)
                .timestamp_millis(),
        )
    };
    const DAY: i64 = 86_400_000;
    if let Some((from, to)) = value.split_once("..") {
        return Some((day(from)?, day(to)? + DAY));
    }
    if let Some(rest) = value.strip_prefix(">=") {
        return Some((day(rest)?, i64::MAX));
    }
    if let Some(rest) = value.strip_prefix("<=") {
        return Some((i64::MIN, day(rest)? + DAY));
    }
    if let Some(rest) = value.strip_prefix('>') {
        return Some((day(rest)? + DAY, i64::MAX));
    }
    if let Some(rest) = value.strip_prefix('<') {
        return Some((i64::MIN, day(rest)?));
    }
    let start = day(value)?;
    Some((start, start + DAY))
}

/// An opaque cursor naming an event (its time and document ID), base64 as GitHub's look.
pub fn cursor_of(event: &AuditEvent) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(format!("{}|{}", event.at_ms, event.document_id))
}

/// The event a cursor names: (time, document ID).
pub fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (at, id) = text.split_once('|')?;
    Some((at.parse().ok()?, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &'static str, at_ms: i64) -> AuditEvent {
        AuditEvent {
            document_id: "doc".into(),
            at_ms,
            action,
            actor: "mona".into(),
            actor_id: 1,
            user: Some("bob-dev".into()),
            repo: None,
            integration: None,
            operation_type: "create",
            country: ("GB", "United Kingdom"),
            git: false,
        }
    }

    #[test]
    fn a_category_an_action_a_negation_and_dates() {
        let day = Utc
            .with_ymd_and_hms(2026, 11, 15, 12, 0, 0)
            .unwrap()
            .timestamp_millis();
        let e = event("integration_installation.create", day);
        let matches = |p: &str| Phrase::parse(p).unwrap().matches(&e, "acme");
        assert!(matches("action:integration_installation"));
        assert!(matches("action:integration_installation.create"));
        assert!(!matches("action:integration"));
        assert!(!matches("-action:integration_installation"));
        assert!(matches("action:team action:integration_installation"));
        assert!(matches(
            "actor:mona user:bob-dev operation:create country:GB"
        ));
        assert!(matches("created:2026-11-15"));
        assert!(matches("created:>=2026-11-01"));
        assert!(!matches("created:<2026-11-15"));
        assert!(matches("created:2026-11-01..2026-11-15"));
        assert!(!matches("created:2026-11-16..2026-11-30"));
        assert!(Phrase::parse("integration").is_err());
        assert!(Phrase::parse("hash:abc").is_err());
        assert!(Phrase::parse("created:yesterday").is_err());
    }

    #[test]
    fn a_cursor_comes_back_as_it_went() {
        let e = event("repo.create", 1_700_000_000_000);
        assert_eq!(
            parse_cursor(&cursor_of(&e)),
            Some((1_700_000_000_000, "doc".to_owned()))
        );
        assert_eq!(parse_cursor("not base64!"), None);
    }
}
