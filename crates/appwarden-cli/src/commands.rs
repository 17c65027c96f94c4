//! What each command does, in terms of the core.

use crate::args::{AppArgs, Command, KeyCommand, TokenAction, TokenArgs};
use crate::args::{HostCommand, InstallationCommand, KeyringCommand};
use crate::{input, output};
use appwarden_core::git_credential::{self, CredentialRequest};
use appwarden_core::github::{
    ClientOptions, GitHubClient, RateLimitKind, TokenRequest, WaitObserver,
};
use appwarden_core::jwt::SigningKey;
use appwarden_core::store::{AppConfig, AppStore};
use appwarden_core::{AccessToken, ApiUrl, AppSession, Error, Fingerprint, PrivateKey, clock, key};
use std::io::{IsTerminal, Read, Write};

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
        Command::Token(args) => token(args),
        Command::Host(command) => host_command(command),
        Command::Keyring(command) => keyring_command(command),
        Command::GitCredential { operation } => git_credential(&operation),
        Command::Installation(command) => installation_command(command),
        Command::Hook(command) => crate::hooks::run(command),
        Command::Org(command) => crate::org::run(command),
        Command::Completions { shell } => crate::shell::completions(shell),
        Command::Manpages { dir } => crate::shell::manpages(&dir),
    }
}

fn installation_command(command: InstallationCommand) -> Result<i32, Error> {
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
        confirm_login(action, &login, target.confirm.as_deref())?;
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
fn confirm_login(action: &str, login: &str, given: Option<&str>) -> Result<(), Error> {
    let typed = match given {
        Some(given) => given.trim().to_owned(),
        None if std::io::stdin().is_terminal() => {
            eprint!("To {action} the installation on {login}, type its login: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| Error::InvalidInput(format!("Could not read the answer: {e}")))?;
            line.trim().to_owned()
        }
        None => {
            return Err(Error::InvalidInput(format!(
                "To {action} the installation on {login}, confirm with --confirm {login}. Nothing was changed."
            )));
        }
    };
    if typed != login {
        return Err(Error::InvalidInput(format!(
            "\"{typed}\" is not {login}: nothing was changed. Type the account's login exactly to {action} it."
        )));
    }
    Ok(())
}

/// git's credential helper. Answers `get` for a stored app's host with a token scoped to the
/// repository in `path`; `erase` revokes the token git rejected unless it is seconds old (or
/// of unknown age); `store` does nothing (a
/// token is never written anywhere). For hosts no app serves it answers nothing, and it
/// never fails git: problems go to stderr and git moves on to its other helpers.
fn git_credential(operation: &str) -> Result<i32, Error> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Error::InvalidInput(format!("Could not read git's request: {e}")))?;
    let request = CredentialRequest::parse(&text);
    let outcome = match operation {
        "get" => git_credential_get(&request),
        "erase" => git_credential_erase(&request),
        _ => Ok(None),
    };
    match outcome {
        Ok(Some(answer)) => print!("{answer}"),
        Ok(None) => {}
        Err(err) => eprintln!("appwarden git-credential: {err}"),
    }
    Ok(0)
}

/// The stored apps on the request's host, opened as sessions.
fn git_sessions(request: &CredentialRequest) -> Result<Vec<AppSession>, Error> {
    let store = crate::pkcs11::open_store_without_prompts()?;
    let mut sessions = Vec::new();
    for app in store.apps()? {
        let Ok(api_url) = ApiUrl::parse(&app.api_url) else {
            continue;
        };
        if request.served_by(&api_url) {
            let key = store.signing_key(&app)?;
            sessions.push(stored_session(&store, &app, key, ClientOptions::default())?);
        }
    }
    Ok(sessions)
}

fn git_credential_get(request: &CredentialRequest) -> Result<Option<String>, Error> {
    let Some((owner, repo)) = request.repository() else {
        return Ok(None);
    };
    let sessions = git_sessions(request)?;
    if sessions.is_empty() {
        return Ok(None);
    }
    runtime()?.block_on(async {
        for session in &sessions {
            let installation = match session
                .client
                .repo_installation(&session.signer, &owner, &repo)
                .await
            {
                Ok(installation) => installation,
                // This app is not installed on the repository: maybe another one is.
                Err(err) if err.status() == Some(404) => continue,
                Err(err) => return Err(Error::from(err)),
            };
            let scope = TokenRequest {
                repositories: vec![repo.clone()],
                ..TokenRequest::default()
            };
            let (token, _) = session.token(installation.id, &scope).await?;
            // git compares the expiry with this computer's clock: GitHub's expiry is
            // converted with the clock difference learnt from GitHub's answers.
            return Ok(Some(git_credential::answer(
                token.token.expose_secret(),
                session.client.to_local_time(token.expires_at),
            )));
        }
        Ok(None)
    })
}

fn git_credential_erase(request: &CredentialRequest) -> Result<Option<String>, Error> {
    let Some(password) = request
        .password
        .as_deref()
        .filter(|p| p.starts_with("ghs_"))
    else {
        return Ok(None);
    };
    // A token minted seconds ago may be refused only while GitHub replicates it: it is
    // kept, as is one whose age git does not say (it expires within the hour anyway).
    if !git_credential::should_revoke_on_erase(request, chrono::Utc::now()) {
        return Ok(None);
    }
    let Some(session) = git_sessions(request)?.into_iter().next() else {
        return Ok(None);
    };
    let token = AccessToken::new(password.to_owned());
    runtime()?.block_on(session.revoke(&token))?;
    Ok(None)
}

fn keyring_command(command: KeyringCommand) -> Result<i32, Error> {
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

fn host_command(command: HostCommand) -> Result<i32, Error> {
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
    AppSession::new(
        api_url,
        app.app_id,
        app.client_id.as_deref(),
        key,
        clock::system(),
        options,
    )
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
        return AppSession::new(
            api_url,
            app_id,
            args.client_id.as_deref(),
            private,
            clock::system(),
            options,
        );
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

fn token(args: TokenArgs) -> Result<i32, Error> {
    if let Some(TokenAction::Revoke {
        token,
        api_url,
        app,
    }) = args.action
    {
        return revoke(&token, api_url.as_deref(), app.as_deref());
    }
    let Some(target) = args.installation.as_deref() else {
        return Err(Error::InvalidInput(
            "Say which installation with --installation ID (or an account login, or owner/repo)."
                .to_owned(),
        ));
    };
    let request = input::token_request(&args.repos, &args.permissions)?;
    let session = session(&args.app, ClientOptions::default())?;
    let rt = runtime()?;
    let installation_id = match target.trim().parse::<u64>() {
        Ok(id) => id,
        Err(_) => {
            rt.block_on(session.client.find_installation(&session.signer, target))?
                .id
        }
    };
    let (minted, _) = rt.block_on(session.token(installation_id, &request))?;
    if args.json {
        let repositories: Option<Vec<&str>> = minted
            .repositories
            .as_ref()
            .map(|repos| repos.iter().map(|r| r.full_name.as_str()).collect());
        let value = serde_json::json!({
            "token": minted.token.expose_secret(),
            "expires_at": minted.expires_at,
            "installation_id": installation_id,
            "permissions": minted.permissions,
            "repository_selection": minted.repository_selection,
            "repositories": repositories,
        });
        println!("{}", output::json(&value));
    } else {
        println!("{}", minted.token.expose_secret());
        if std::io::stderr().is_terminal() {
            eprintln!("expires {} UTC", minted.expires_at.format("%Y-%m-%d %H:%M"));
        }
    }
    Ok(0)
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

fn revoke(token: &str, api_url: Option<&str>, app: Option<&str>) -> Result<i32, Error> {
    let token = if token == "-" {
        let mut text = zeroize::Zeroizing::new(String::new());
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Error::InvalidInput(format!(
                "Could not read the token from standard input: {e}."
            ))
        })?;
        AccessToken::new(text.trim())
    } else {
        AccessToken::new(token.trim())
    };
    if token.expose_secret().is_empty() {
        return Err(Error::InvalidInput("No token given.".to_owned()));
    }
    let client = anonymous_client(api_url, app)?;
    runtime()?.block_on(client.revoke_installation_token(&token))?;
    eprintln!("Token revoked.");
    Ok(0)
}
