//! Installations that have not accepted the app's current permissions. When an app asks for
//! more (a new permission, a higher level, a new event), every installation keeps what its
//! owner accepted until the owner approves the request; until then the app works there with
//! the old grant. Compared here from `GET /app` (what the app asks) and each installation.

use crate::github::{App, Installation, Permissions, level_rank as rank};
use serde::Serialize;
use std::collections::BTreeMap;

/// What an installation has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptanceGap {
    /// Permission → what the app asks and what the installation has (`None`: nothing).
    pub permissions: BTreeMap<String, Asked>,
    /// Events the app subscribes to that the installation does not send.
    pub events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asked {
    pub asked: String,
    pub granted: Option<String>,
}

/// The gap between what `app` asks and what `installation` accepted, if any.
pub fn gap(app: &App, installation: &Installation) -> Option<AcceptanceGap> {
    gap_of_grant(app, &installation.permissions, &installation.events)
}

/// The gap between what `app` asks and a grant (an installation's permissions and events):
/// the same for every installation with that grant.
pub fn gap_of_grant(
    app: &App,
    granted_permissions: &Permissions,
    granted_events: &[String],
) -> Option<AcceptanceGap> {
    let permissions: BTreeMap<String, Asked> = app
        .permissions
        .iter()
        .filter_map(|(name, asked)| {
            let granted = granted_permissions.get(name);
            let short = granted.is_none_or(|level| rank(level) < rank(asked));
            short.then(|| {
                (
                    name.clone(),
                    Asked {
                        asked: asked.clone(),
                        granted: granted.cloned(),
                    },
                )
            })
        })
        .collect();
    let events: Vec<String> = app
        .events
        .iter()
        .filter(|event| !granted_events.contains(event))
        .cloned()
        .collect();
    (!permissions.is_empty() || !events.is_empty()).then_some(AcceptanceGap {
        permissions,
        events,
    })
}

impl AcceptanceGap {
    /// In a few words: `issues: write (none); event check_run`.
    pub fn summary(&self) -> String {
        self.permissions
            .iter()
            .map(|(name, asked)| {
                format!(
                    "{name}: {} ({})",
                    asked.asked,
                    asked.granted.as_deref().unwrap_or("none")
                )
            })
            .chain(self.events.iter().map(|event| format!("event {event}")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        serde_json::from_value(serde_json::json!({
            "id": 1, "name": "bot",
            "permissions": { "contents": "write", "issues": "write", "metadata": "read" },
            "events": ["push", "issues"],
        }))
        .unwrap()
    }

    fn installation(permissions: serde_json::Value, events: serde_json::Value) -> Installation {
        serde_json::from_value(serde_json::json!({
            "id": 7, "account": null, "repository_selection": "all", "app_id": 1,
            "permissions": permissions, "events": events,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn an_installation_that_accepted_everything_has_no_gap() {
        let all = installation(
            serde_json::json!({ "contents": "write", "issues": "admin", "metadata": "read" }),
            serde_json::json!(["push", "issues", "check_run"]),
        );
        assert_eq!(gap(&app(), &all), None, "more than asked is no gap");
    }

    #[test]
    fn missing_permissions_lower_levels_and_events_are_the_gap() {
        let behind = installation(
            serde_json::json!({ "contents": "read", "metadata": "read" }),
            serde_json::json!(["push"]),
        );
        let found = gap(&app(), &behind).unwrap();
        assert_eq!(found.permissions.len(), 2);
        assert_eq!(
            found.permissions["contents"].granted.as_deref(),
            Some("read")
        );
        assert_eq!(found.permissions["issues"].granted, None);
        assert_eq!(found.events, vec!["issues".to_owned()]);
        assert_eq!(
            found.summary(),
            "contents: write (read); issues: write (none); event issues"
        );
    }
}
