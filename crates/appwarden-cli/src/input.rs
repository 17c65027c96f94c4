//! Reading what the user gives: files (keys, CA certificates) or standard input, IDs, scopes.

use appwarden_core::Error;
use appwarden_core::github::{Permissions, TokenRequest};
use std::io::Read;
use zeroize::Zeroizing;

/// The bytes of a file (a key or a certificate), or of standard input for `-`. Wiped on drop.
pub fn read_key_source(source: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut bytes = Zeroizing::new(Vec::new());
    if source == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::InvalidInput(format!("Could not read standard input: {e}.")))?;
    } else {
        let mut file = std::fs::File::open(source).map_err(|e| {
            Error::InvalidInput(format!(
                "Could not open {source}: {}. Check the path.",
                describe_io(&e)
            ))
        })?;
        file.read_to_end(&mut bytes).map_err(|e| {
            Error::InvalidInput(format!("Could not read {source}: {}.", describe_io(&e)))
        })?;
    }
    Ok(bytes)
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// An app ID: a positive whole number.
pub fn app_id(value: &str) -> Result<u64, Error> {
    match value.trim().parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(Error::InvalidInput(format!(
            "\"{value}\" is not an app ID. The app ID is a positive number shown as \"App ID\" on the app's settings page."
        ))),
    }
}

/// `--repo` and `--permission` values as a token request.
pub fn token_request(repos: &[String], permissions: &[String]) -> Result<TokenRequest, Error> {
    let mut request = TokenRequest::default();
    for repo in repos {
        let name = repo.trim().rsplit('/').next().unwrap_or("").trim();
        if name.is_empty() {
            return Err(Error::InvalidInput(format!(
                "\"{repo}\" is not a repository name."
            )));
        }
        request.repositories.push(name.to_owned());
    }
    let mut map = Permissions::new();
    for item in permissions {
        let Some((name, level)) = item.split_once('=') else {
            return Err(Error::InvalidInput(format!(
                "\"{item}\" is not NAME=LEVEL; write for example --permission contents=read."
            )));
        };
        let (name, level) = (name.trim(), level.trim().to_ascii_lowercase());
        if name.is_empty() || !matches!(level.as_str(), "read" | "write" | "admin") {
            return Err(Error::InvalidInput(format!(
                "\"{item}\": the level must be read, write or admin, e.g. --permission issues=write."
            )));
        }
        map.insert(name.to_owned(), level);
    }
    request.permissions = map;
    Ok(request)
}
