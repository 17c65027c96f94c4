//! `appwarden credentials revoke`: exposed credentials found in text, shown masked, and after
//! confirmation revoked by value (`POST /credentials/revoke`).

use crate::args::CredentialsCommand;
use crate::commands::{anonymous_client, runtime};
use appwarden_core::Error;
use appwarden_core::leaked_credentials::{self, CredentialKind};
use std::io::{IsTerminal, Read, Write};

pub fn run(command: CredentialsCommand) -> Result<i32, Error> {
    let CredentialsCommand::Revoke {
        text,
        api_url,
        app,
        yes,
    } = command;
    let mut input = zeroize::Zeroizing::new(String::new());
    if text.is_empty() || text == ["-"] {
        if text.is_empty() && std::io::stdin().is_terminal() {
            return Err(Error::InvalidInput(
                "Give the credentials (or text containing them), or - to read them from standard input.".into(),
            ));
        }
        std::io::stdin()
            .read_to_string(&mut input)
            .map_err(|e| Error::InvalidInput(format!("Could not read standard input: {e}.")))?;
    } else {
        input.push_str(&text.join("\n"));
    }
    let found = leaked_credentials::find(&input);
    if found.is_empty() {
        return Err(Error::InvalidInput(
            "No credential was found in the text: GitHub revokes tokens that start with ghp_, github_pat_, gho_, ghu_ or ghr_. Nothing was sent.".into(),
        ));
    }
    let client = anonymous_client(api_url.as_deref(), app.as_deref())?;
    leaked_credentials::check_host(client.api_url())?;
    let revocable = found.len();
    eprintln!("Found {} credential(s):", found.len());
    for credential in &found {
        let note = if credential.kind == CredentialKind::Installation {
            " — not taken by GitHub's revocation endpoint: revoked with its own token instead"
        } else {
            ""
        };
        eprintln!(
            "  {}  {}{note}",
            credential.masked(),
            credential.kind.describe()
        );
    }
    if !yes {
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(Error::InvalidInput(format!(
                "Revoking {revocable} credential(s) cannot be undone and tells their owners: confirm with --yes. Nothing was sent."
            )));
        }
        eprint!(
            "GitHub will revoke {revocable} credential(s) and tell their owners; this cannot be undone. Type revoke to go on: "
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| Error::InvalidInput(format!("Could not read the answer: {e}")))?;
        if answer.trim() != "revoke" {
            eprintln!("Nothing was sent.");
            return Ok(1);
        }
    }
    let log = crate::commands::activity_log();
    let report = runtime()?.block_on(leaked_credentials::revoke(&client, &found, log.as_deref()));
    if report.accepted > 0 {
        eprintln!(
            "GitHub accepted {} credential(s) for revocation; their owners are notified.",
            report.accepted
        );
    }
    if report.installation_tokens_revoked > 0 {
        eprintln!(
            "{} installation token(s) revoked with their own token.",
            report.installation_tokens_revoked
        );
    }
    if report.installation_tokens_invalid > 0 {
        eprintln!(
            "{} installation token(s) were no longer valid (expired or revoked already).",
            report.installation_tokens_invalid
        );
    }
    for (count, why) in &report.refused {
        eprintln!("error: {count} credential(s) were not accepted: {why}");
    }
    let done =
        report.accepted + report.installation_tokens_revoked + report.installation_tokens_invalid;
    Ok(match (done, report.refused.is_empty()) {
        (_, true) => 0,
        (0, false) => 2,
        _ => 1,
    })
}
