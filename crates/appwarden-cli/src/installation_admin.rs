//! `appwarden installation …`: suspend, unsuspend and uninstall an installation (the
//! destructive ones confirmed by typing the account's login), and pending installation requests.

use crate::args::InstallationCommand;
use crate::commands::{runtime, session};
use crate::output;
use appwarden_core::Error;
use appwarden_core::github::ClientOptions;
use std::io::{IsTerminal, Write};

pub(crate) fn installation_command(command: InstallationCommand) -> Result<i32, Error> {
    let (target, action) = match command {
        InstallationCommand::Requests { app, json } => {
            let session = session(&app, ClientOptions::default())?;
            let requests =
                runtime()?.block_on(session.client.installation_requests(&session.signer))?;
            if json {
                output::print_json(&requests);
            } else {
                let rows: Vec<Vec<String>> = requests
                    .iter()
                    .map(|r| {
                        vec![
                            r.account.display_name().to_owned(),
                            r.account.account_type.clone().unwrap_or_default(),
                            r.requester.display_name().to_owned(),
                            output::date(r.created_at),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    output::table(&["ACCOUNT", "TYPE", "REQUESTED BY", "ON"], &rows)
                );
                eprintln!("{} pending request(s)", requests.len());
            }
            return Ok(0);
        }
        InstallationCommand::Suspend(target) => (target, "suspend"),
        InstallationCommand::Unsuspend(target) => (target, "unsuspend"),
        InstallationCommand::Uninstall(target) => (target, "uninstall"),
    };
    let session = session(&target.app, ClientOptions::default())?;
    let rt = runtime()?;
    let installation = match target.installation.trim().parse::<u64>() {
        Ok(id) => rt.block_on(session.client.installation(&session.signer, id))?,
        Err(_) => rt.block_on(
            session
                .client
                .find_installation(&session.signer, &target.installation),
        )?,
    };
    let login = installation.account_login().to_owned();
    if action != "unsuspend" {
        confirm_login(
            &format!("{action} the installation on {login}"),
            &login,
            target.confirm.as_deref(),
        )?;
    }
    match action {
        "suspend" => rt.block_on(session.suspend(installation.id))?,
        "unsuspend" => rt.block_on(session.unsuspend(installation.id))?,
        _ => rt.block_on(session.uninstall(installation.id))?,
    }
    let done = match action {
        "suspend" => "Suspended",
        "unsuspend" => "Unsuspended",
        _ => "Uninstalled from",
    };
    eprintln!("{done} {login} (installation {}).", installation.id);
    Ok(0)
}

/// A destructive action goes ahead only once the account's login is typed (or given with
/// `--confirm`), as on GitHub's own settings pages.
/// `doing` says what is at stake ("suspend the installation on octo-org").
pub(crate) fn confirm_login(doing: &str, login: &str, given: Option<&str>) -> Result<(), Error> {
    let typed = match given {
        Some(given) => given.trim().to_owned(),
        None if std::io::stdin().is_terminal() => {
            eprint!("To {doing}, type {login}: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| Error::InvalidInput(format!("Could not read the answer: {e}")))?;
            line.trim().to_owned()
        }
        None => {
            return Err(Error::InvalidInput(format!(
                "To {doing}, confirm with --confirm {login}. Nothing was changed."
            )));
        }
    };
    if typed != login {
        return Err(Error::InvalidInput(format!(
            "\"{typed}\" is not {login}: nothing was changed. Type the login exactly to {doing}."
        )));
    }
    Ok(())
}
