//! `appwarden app …`: storing apps and their keys (in the OS keyring or on a PKCS#11
//! token), listing them, rotation, and GitHub's verdict on each key.

use crate::args::{AppCommand, AppKeyCommand};
use crate::commands::{read_text, runtime, stored_session, warn_about};
use crate::pkcs11::{self, KeyToAdd};
use crate::{input, output};
use appwarden_core::github::ClientOptions;
use appwarden_core::listing_cache::ListingCache;
use appwarden_core::store::{AppStore, NewApp};
use appwarden_core::{ApiUrl, AppSession, Error, Fingerprint, PrivateKey, clock};

/// The PEM given with --key, if any (with its warnings printed).
fn read_pem(source: Option<&str>) -> Result<Option<PrivateKey>, Error> {
    let Some(source) = source else {
        return Ok(None);
    };
    let private = PrivateKey::from_pem(&input::read_key_source(source)?)?;
    warn_about(private.public_key());
    Ok(Some(private))
}

pub fn run(command: AppCommand) -> Result<i32, Error> {
    let store = pkcs11::open_store()?;
    match command {
        AppCommand::Add {
            name,
            app_id,
            client_id,
            api_url,
            key,
            pkcs11: token_args,
            no_verify,
            ca_cert,
        } => {
            let app_id = input::app_id(&app_id)?;
            let api_url = api_url
                .as_deref()
                .map(ApiUrl::parse)
                .transpose()?
                .unwrap_or_default();
            let ca_pem = ca_cert.as_deref().map(read_text).transpose()?;
            let ca_pem = ca_pem
                .as_deref()
                .map(appwarden_core::store::certificate_pem)
                .transpose()?;
            let mut options = store.client_options(&api_url, ClientOptions::default())?;
            options.extra_root_certificates.extend(ca_pem.clone());
            // A key already on the token is opened first (it is what GitHub is asked about);
            // a PEM is checked with GitHub before anything is written to the token.
            let pem = read_pem(key.as_deref())?;
            let to_add = KeyToAdd::open(&store, &token_args, pem, key.as_deref())?;
            let signing = to_add.signing();
            let mut client_id = client_id.filter(|c| !c.trim().is_empty());
            if !no_verify {
                let session = AppSession::new(
                    api_url.clone(),
                    app_id,
                    client_id.as_deref(),
                    signing.clone(),
                    clock::system(),
                    options,
                )?;
                let app = runtime()?.block_on(session.client.app(&session.signer))?;
                if app.id != app_id {
                    return Err(Error::InvalidInput(format!(
                        "GitHub says this key belongs to app {} (\"{}\"), not app {app_id}. Check the app ID.",
                        app.id, app.name
                    )));
                }
                eprintln!(
                    "GitHub accepts this key for \"{}\" (app {}).",
                    app.name, app.id
                );
                client_id = client_id.or(app.client_id);
            }
            let placed =
                to_add.place(&store, &token_args, &format!("appwarden/{}", name.trim()))?;
            if let Some(pem) = &ca_pem {
                store.set_host_ca(&api_url, Some(pem))?;
            }
            let new = NewApp {
                name,
                api_url,
                app_id,
                client_id,
            };
            let app = store.add_app(new, placed.new_key(), chrono::Utc::now())?;
            eprintln!(
                "Stored \"{}\" ({}); its private key is {}.",
                app.name,
                app.api_url,
                placed.place_words()
            );
            println!("{}", signing.fingerprint());
            Ok(0)
        }
        AppCommand::List { json } => {
            let apps = store.apps()?;
            if json {
                println!("{}", output::json(&apps));
            } else if apps.is_empty() {
                eprintln!("No apps stored yet. Add one with `appwarden app add`.");
            } else {
                for app in &apps {
                    let client = app
                        .client_id
                        .as_deref()
                        .map(|c| format!(", client ID {c}"))
                        .unwrap_or_default();
                    println!(
                        "{}  (app {}{client}, {})",
                        app.name, app.app_id, app.api_url
                    );
                    let rows: Vec<Vec<String>> = app
                        .keys
                        .iter()
                        .map(|key| {
                            vec![
                                format!("  {}", key.fingerprint),
                                format!("{} bits", key.bits),
                                format!("added {}", output::date(key.added_at)),
                                key.source_description(),
                            ]
                        })
                        .collect();
                    let table = output::table(&["", "", "", ""], &rows);
                    print!(
                        "{}",
                        table
                            .lines()
                            .skip(1)
                            .map(|l| format!("{l}\n"))
                            .collect::<String>()
                    );
                }
            }
            Ok(0)
        }
        AppCommand::Remove { name } => {
            let removed = store.remove_app(&name)?;
            if let Some(cache) = ListingCache::default_location() {
                cache.remove(&removed.api_url, removed.app_id);
            }
            let on_tokens = removed.keys.iter().filter(|k| k.pkcs11.is_some()).count();
            eprintln!(
                "Removed \"{}\" and deleted {} key(s) from the OS keyring.",
                removed.name,
                removed.keys.len() - on_tokens
            );
            if on_tokens > 0 {
                eprintln!("{on_tokens} key(s) on PKCS#11 tokens stay on their tokens.");
            }
            Ok(0)
        }
        AppCommand::Key(AppKeyCommand::Add {
            app,
            key,
            pkcs11: token_args,
            no_verify,
        }) => {
            let config = store.app(&app)?;
            let pem = read_pem(key.as_deref())?;
            let to_add = KeyToAdd::open(&store, &token_args, pem, key.as_deref())?;
            let signing = to_add.signing();
            if !no_verify {
                let session =
                    stored_session(&store, &config, signing.clone(), ClientOptions::default())?;
                runtime()?.block_on(session.client.app(&session.signer))?;
                eprintln!("GitHub accepts this key.");
            }
            let placed =
                to_add.place(&store, &token_args, &format!("appwarden/{}", config.name))?;
            let added = store.add_key(&config.name, placed.new_key(), chrono::Utc::now())?;
            eprintln!(
                "Added a key to \"{}\"; it is {}.",
                config.name,
                placed.place_words()
            );
            println!("{}", added.fingerprint);
            Ok(0)
        }
        AppCommand::Key(AppKeyCommand::Remove { app, fingerprint }) => {
            let fingerprint = Fingerprint::parse(&fingerprint)?;
            let removed = store.remove_key(&app, &fingerprint)?;
            match &removed.pkcs11 {
                Some(token_key) => eprintln!(
                    "Removed {} from Appwarden; the {} stays on the token.",
                    removed.fingerprint,
                    token_key.describe()
                ),
                None => eprintln!(
                    "Removed {} and deleted it from the OS keyring.",
                    removed.fingerprint
                ),
            }
            Ok(0)
        }
        AppCommand::Verify { name, json } => verify(&store, &name, json),
    }
}

/// Asks GitHub about each stored key of an app.
fn verify(store: &AppStore, name: &str, json: bool) -> Result<i32, Error> {
    let app = store.app(name)?;
    let rt = runtime()?;
    let mut results = Vec::new();
    for key_config in &app.keys {
        let outcome = store
            .load_key(&app, key_config)
            .map_err(Error::from)
            .and_then(|private| stored_session(store, &app, private, ClientOptions::default()))
            .and_then(|session| {
                rt.block_on(session.client.app(&session.signer))
                    .map_err(Error::from)
            });
        results.push((key_config, outcome));
    }
    let all_accepted = results.iter().all(|(_, outcome)| outcome.is_ok());
    if json {
        let value: Vec<_> = results
            .iter()
            .map(|(key, outcome)| {
                serde_json::json!({
                    "fingerprint": key.fingerprint,
                    "accepted": outcome.is_ok(),
                    "error": outcome.as_ref().err().map(|e| serde_json::json!({"code": e.code(), "message": e.to_string()})),
                })
            })
            .collect();
        println!("{}", output::json(&value));
    } else {
        for (key, outcome) in &results {
            match outcome {
                Ok(github_app) => println!(
                    "{}  accepted by GitHub (\"{}\")",
                    key.fingerprint, github_app.name
                ),
                Err(err) => println!("{}  NOT accepted: {err}", key.fingerprint),
            }
        }
    }
    Ok(if all_accepted { 0 } else { 1 })
}
