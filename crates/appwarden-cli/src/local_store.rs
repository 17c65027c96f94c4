//! Commands about what is kept on this computer besides the apps: hosts' CA certificates
//! (`appwarden host …`) and keys an interrupted change left in the keyring (`appwarden keyring …`).

use crate::args::{HostCommand, KeyringCommand};
use crate::commands::read_text;
use crate::output;
use appwarden_core::store::AppStore;
use appwarden_core::{ApiUrl, Error};

pub(crate) fn keyring_command(command: KeyringCommand) -> Result<i32, Error> {
    let store = AppStore::open_default()?;
    let now = chrono::Utc::now();
    match command {
        KeyringCommand::Check => {
            let orphans = store.orphans(now)?;
            if orphans.is_empty() {
                eprintln!(
                    "No orphaned keys: every Appwarden entry in the keyring belongs to an app."
                );
                return Ok(0);
            }
            for orphan in &orphans {
                println!(
                    "{}\t(an interrupted {} at {})",
                    orphan.keyring_entry,
                    if orphan.operation == "remove" {
                        "removal"
                    } else {
                        "addition"
                    },
                    output::date(orphan.started_at)
                );
            }
            eprintln!(
                "{} key(s) in the keyring belong to no app. `appwarden keyring clean` deletes them (add the app again if you still need it).",
                orphans.len()
            );
            Ok(1)
        }
        KeyringCommand::Clean => {
            let cleaned = store.clean_orphans(now)?;
            for entry in &cleaned {
                println!("{entry}");
            }
            eprintln!(
                "Deleted {} orphaned key(s) from the keyring.",
                cleaned.len()
            );
            Ok(0)
        }
    }
}

pub(crate) fn host_command(command: HostCommand) -> Result<i32, Error> {
    let store = AppStore::open_default()?;
    match command {
        HostCommand::List { json } => {
            let hosts = store.hosts()?;
            if json {
                println!("{}", output::json(&hosts));
            } else if hosts.is_empty() {
                eprintln!(
                    "No host settings. Add an Enterprise Server's CA with `appwarden host set-ca`."
                );
            } else {
                let rows: Vec<Vec<String>> = hosts
                    .iter()
                    .map(|h| {
                        vec![
                            h.api_url.clone(),
                            if h.ca_certificate.is_some() {
                                "own CA"
                            } else {
                                ""
                            }
                            .to_owned(),
                        ]
                    })
                    .collect();
                print!("{}", output::table(&["API URL", "TRUST"], &rows));
            }
            Ok(0)
        }
        HostCommand::SetCa { api_url, file } => {
            let api_url = ApiUrl::parse(&api_url)?;
            let pem = read_text(&file)?;
            store.set_host_ca(&api_url, Some(&pem))?;
            eprintln!("{api_url} now also trusts that CA certificate.");
            Ok(0)
        }
        HostCommand::RemoveCa { api_url } => {
            let api_url = ApiUrl::parse(&api_url)?;
            store.set_host_ca(&api_url, None)?;
            eprintln!("{api_url} trusts only the OS's certificate authorities again.");
            Ok(0)
        }
    }
}
