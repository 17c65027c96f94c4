//! `appwarden git-credential get|store|erase`: git's credential helper over the stored apps.

use crate::commands::{runtime, stored_session};
use appwarden_core::git_credential::{self, CredentialRequest};
use appwarden_core::github::{ClientOptions, TokenRequest};
use appwarden_core::{AccessToken, ApiUrl, AppSession, Error};
use std::io::Read;

/// git's credential helper. Answers `get` for a stored app's host with a token scoped to the
/// repository in `path`; `erase` revokes the token git rejected unless it is seconds old (or
/// of unknown age); `store` does nothing (a
/// token is never written anywhere). For hosts no app serves it answers nothing, and it
/// never fails git: problems go to stderr and git moves on to its other helpers.
pub(crate) fn git_credential(operation: &str) -> Result<i32, Error> {
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
pub(crate) fn git_sessions(request: &CredentialRequest) -> Result<Vec<AppSession>, Error> {
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

pub(crate) fn git_credential_get(request: &CredentialRequest) -> Result<Option<String>, Error> {
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

pub(crate) fn git_credential_erase(request: &CredentialRequest) -> Result<Option<String>, Error> {
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
