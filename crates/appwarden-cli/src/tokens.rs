//! `appwarden token`: mint an installation token (scoped or not) and `token revoke` one.

use crate::args::{TokenAction, TokenArgs};
use crate::commands::{anonymous_client, runtime, session};
use crate::{input, output};
use appwarden_core::activity::{Activity, ActivityAction};
use appwarden_core::github::ClientOptions;
use appwarden_core::{AccessToken, Error};
use std::io::{IsTerminal, Read};

pub(crate) fn token(args: TokenArgs) -> Result<i32, Error> {
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

pub(crate) fn revoke(token: &str, api_url: Option<&str>, app: Option<&str>) -> Result<i32, Error> {
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
    let done = runtime()?.block_on(client.revoke_installation_token(&token));
    if let Some(log) = crate::commands::activity_log() {
        // Only that a token was revoked: never the token.
        let mut activity = Activity::new(client.api_url().host(), ActivityAction::TokenRevoked)
            .target("an installation token");
        if let Some(app) = app {
            activity = activity.app(app);
        }
        log.record(activity.outcome(done.as_ref().map(|id| id.as_deref())));
    }
    done?;
    eprintln!("Token revoked.");
    Ok(0)
}
