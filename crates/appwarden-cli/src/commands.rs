//! What each command does, in terms of the core.

use crate::args::{AppArgs, Command, KeyCommand};
use crate::input;
use appwarden_core::activity::ActivityLog;
use appwarden_core::github::{ClientOptions, GitHubClient, RateLimitKind, WaitObserver};
use appwarden_core::jwt::SigningKey;
use appwarden_core::store::{AppConfig, AppStore};
use appwarden_core::{ApiUrl, AppSession, Error, Fingerprint, PrivateKey, clock, key};
use std::sync::Arc;

/// Runs a command; returns the exit code.
pub fn run(command: Command) -> Result<i32, Error> {
    match command {
        Command::Key(KeyCommand::Fingerprint { file }) => {
            let public = key::public_key_from_pem(&input::read_key_source(&file)?)?;
            warn_about(&public);
            println!("{}", public.fingerprint());
            Ok(0)
        }
        Command::Key(KeyCommand::Compare { file, fingerprint }) => {
            let expected = Fingerprint::parse(&fingerprint)?;
            let public = key::public_key_from_pem(&input::read_key_source(&file)?)?;
            if public.fingerprint() == expected {
                println!("match: {}", public.fingerprint());
                Ok(0)
            } else {
                println!(
                    "mismatch: the key is {}, not {expected}",
                    public.fingerprint()
                );
                Ok(1)
            }
        }
        Command::App(command) => crate::apps::run(command),
        Command::Pkcs11(command) => crate::pkcs11::run(command),
        Command::Jwt(app) => {
            let session = session(&app, ClientOptions::default())?;
            let jwt = session.signer.jwt(session.client.github_now())?;
            println!("{}", jwt.expose_secret());
            Ok(0)
        }
        Command::Installations(args) => crate::installations::run(args),
        Command::Token(args) => crate::tokens::token(args),
        Command::Host(command) => crate::local_store::host_command(command),
        Command::Keyring(command) => crate::local_store::keyring_command(command),
        Command::GitCredential { operation } => crate::git_credential::git_credential(&operation),
        Command::Installation(command) => crate::installation_admin::installation_command(command),
        Command::Hook(command) => crate::hooks::run(command),
        Command::Org(command) => crate::org::run(*command),
        Command::Activity(args) => crate::activity::run(args),
        Command::Credentials(command) => crate::credentials::run(command),
        Command::Completions { shell } => crate::shell::completions(shell),
        Command::Manpages { dir } => crate::shell::manpages(&dir),
    }
}

/// A text file (or standard input for `-`), such as a CA certificate.
pub(crate) fn read_text(source: &str) -> Result<String, Error> {
    let bytes = input::read_key_source(source)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::InvalidInput(format!("{source} is not a text (PEM) file.")))
}

pub(crate) fn warn_about(public: &appwarden_core::PublicKey) {
    for warning in public.warnings() {
        eprintln!("warning: {warning}");
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::InvalidInput(format!("Could not start: {e}")))
}

/// The CLI says on stderr when it waits out a rate limit, and until when.
fn announcing_waits(options: ClientOptions) -> ClientOptions {
    ClientOptions {
        on_rate_limit_wait: Some(WaitObserver::new(|wait| {
            let what = match wait.kind {
                RateLimitKind::Primary => "rate limit is used up",
                RateLimitKind::Secondary => "secondary rate limit was hit",
            };
            eprintln!(
                "GitHub's {what} ({}): waiting until {} UTC…",
                wait.endpoint,
                wait.until.format("%H:%M:%S")
            );
        })),
        ..options
    }
}

pub(crate) fn stored_session(
    store: &AppStore,
    app: &AppConfig,
    key: impl Into<SigningKey>,
    options: ClientOptions,
) -> Result<AppSession, Error> {
    let api_url = ApiUrl::parse(&app.api_url)?;
    let options = store.client_options(&api_url, announcing_waits(options))?;
    let session = AppSession::new(
        api_url,
        app.app_id,
        app.client_id.as_deref(),
        key,
        clock::system(),
        options,
    )?;
    Ok(match activity_log() {
        Some(log) => session.with_activity(log, &app.name),
        None => session,
    })
}

/// Appwarden's activity record, where every change the CLI makes is written. A failure to
/// write it is a warning: the change itself has happened.
pub(crate) fn activity_log() -> Option<Arc<ActivityLog>> {
    static LOG: std::sync::OnceLock<Option<Arc<ActivityLog>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        ActivityLog::default_location(clock::system()).map(|log| {
            Arc::new(log.on_failure(|err| {
                eprintln!(
                    "warning: {err}. What was done is done; only its line in the activity record is missing."
                );
            }))
        })
    })
    .clone()
}

/// The session for a command that talks to GitHub: a stored app or ad hoc arguments.
pub(crate) fn session(args: &AppArgs, options: ClientOptions) -> Result<AppSession, Error> {
    if let Some(app_id) = &args.app_id {
        let app_id = input::app_id(app_id)?;
        let key_source = args.key.as_deref().unwrap_or("-");
        let private = PrivateKey::from_pem(&input::read_key_source(key_source)?)?;
        warn_about(private.public_key());
        let api_url = args
            .api_url
            .as_deref()
            .map(ApiUrl::parse)
            .transpose()?
            .unwrap_or_default();
        let mut options = announcing_waits(options);
        if let Some(file) = &args.ca_cert {
            let pem = appwarden_core::store::certificate_pem(&read_text(file)?)?;
            options.extra_root_certificates.push(pem);
        }
        let session = AppSession::new(
            api_url,
            app_id,
            args.client_id.as_deref(),
            private,
            clock::system(),
            options,
        )?;
        return Ok(match activity_log() {
            Some(log) => session.with_activity(log, format!("app {app_id} (ad hoc)")),
            None => session,
        });
    }
    let store = crate::pkcs11::open_store()?;
    let app = match &args.app {
        Some(name) => store.app(name)?,
        None => {
            let mut apps = store.apps()?;
            if apps.len() != 1 {
                return Err(Error::InvalidInput(if apps.is_empty() {
                    "No app given and none stored. Pass --app-id ID --key FILE, or store one with `appwarden app add`.".to_owned()
                } else {
                    "Several apps are stored; say which with --app NAME (or set APPWARDEN_APP)."
                        .to_owned()
                }));
            }
            apps.remove(0)
        }
    };
    let private = store.signing_key(&app)?;
    stored_session(&store, &app, private, options)
}

/// A client with no app behind it, for `api_url` (or the host of the stored `app`, with that
/// host's CA certificate when one is set; github.com by default).
pub(crate) fn anonymous_client(
    api_url: Option<&str>,
    app: Option<&str>,
) -> Result<GitHubClient, Error> {
    let (api_url, options) = match (api_url, app) {
        (Some(url), _) => (ApiUrl::parse(url)?, ClientOptions::default()),
        (None, Some(name)) => {
            let store = AppStore::open_default()?;
            let api_url = ApiUrl::parse(&store.app(name)?.api_url)?;
            let options = store.client_options(&api_url, ClientOptions::default())?;
            (api_url, options)
        }
        (None, None) => (ApiUrl::github_com(), ClientOptions::default()),
    };
    Ok(GitHubClient::new(api_url, clock::system(), options)?)
}
