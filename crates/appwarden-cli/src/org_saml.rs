//! `appwarden org credentials`: the credentials members authorized for an organization's SAML
//! single sign-on, and `revoke` (removing one's authorization, confirmed by its owner's login).

use crate::args::{OrgCredentialAction, OrgCredentialsArgs};
use crate::commands::{runtime, session};
use crate::installation_admin::confirm_login;
use crate::org_pats::when;
use crate::output;
use appwarden_core::Error;
use appwarden_core::github::ClientOptions;

pub fn credentials(args: OrgCredentialsArgs) -> Result<i32, Error> {
    if let Some(OrgCredentialAction::Revoke {
        org,
        credential_id,
        confirm,
        app,
    }) = args.action
    {
        let session = session(&app, ClientOptions::default())?;
        let rt = runtime()?;
        // The owner's login is what is typed to confirm, as on GitHub's settings page.
        let all = rt.block_on(session.saml_authorizations(&org, None))?;
        let Some(found) = all.iter().find(|c| c.credential_id == credential_id) else {
            return Err(Error::InvalidInput(format!(
                "{org} has no SAML credential authorization {credential_id}: list them with `appwarden org credentials --org {org}`. Nothing was changed."
            )));
        };
        confirm_login(
            &format!(
                "remove the SAML authorization of {}'s {} {}",
                found.login,
                found.credential_type,
                found.identity()
            ),
            &found.login,
            confirm.as_deref(),
        )?;
        rt.block_on(session.remove_saml_authorization(&org, credential_id))?;
        eprintln!(
            "Removed: {} must authorize that {} again to use it with {org}.",
            found.login, found.credential_type
        );
        return Ok(0);
    }
    let org = args.org.unwrap_or_default();
    let session = session(&args.app, ClientOptions::default())?;
    let list = runtime()?.block_on(session.saml_authorizations(&org, args.login.as_deref()))?;
    if args.json {
        output::print_json(&list);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                c.credential_id.to_string(),
                c.login.clone(),
                c.credential_type.clone(),
                c.identity(),
                c.scopes.join(" "),
                output::date(c.credential_authorized_at),
                when(c.credential_accessed_at),
                when(c.authorized_credential_expires_at),
            ]
        })
        .collect();
    print!(
        "{}",
        output::table(
            &[
                "CREDENTIAL",
                "OWNER",
                "TYPE",
                "TOKEN / KEY",
                "SCOPES",
                "AUTHORIZED",
                "LAST USED",
                "EXPIRES"
            ],
            &rows
        )
    );
    eprintln!("{} SAML credential authorization(s) on {org}", list.len());
    Ok(0)
}
