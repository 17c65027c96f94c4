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

/// A moment given as time ago (`90m`, `24h`, `3d`, `2w`) or as a date or date and time
/// (`2026-11-20`, `2026-11-20T08:00:00Z`, UTC unless an offset is given).
pub fn moment(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    let value = value.trim();
    let unit = value.chars().last().unwrap_or(' ');
    if let Ok(amount) = value[..value.len() - unit.len_utf8().min(value.len())].parse::<i64>() {
        let ago = match unit {
            'm' => Some(chrono::Duration::minutes(amount)),
            'h' => Some(chrono::Duration::hours(amount)),
            'd' => Some(chrono::Duration::days(amount)),
            'w' => Some(chrono::Duration::weeks(amount)),
            _ => None,
        };
        if let Some(ago) = ago.filter(|_| amount >= 0) {
            return Ok(now - ago);
        }
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M"))
    {
        return Ok(at.and_utc());
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Err(Error::InvalidInput(format!(
        "\"{value}\" is not a time: write how long ago (90m, 24h, 3d) or a date (2026-11-20) or date and time (2026-11-20T08:00:00Z)."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_ago_and_dates() {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap();
        assert_eq!(
            moment("90m", now).unwrap(),
            now - chrono::Duration::minutes(90)
        );
        assert_eq!(moment("3d", now).unwrap(), now - chrono::Duration::days(3));
        assert_eq!(
            moment("2026-11-20", now).unwrap(),
            chrono::Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap()
        );
        assert_eq!(
            moment("2026-11-20T08:30:00+01:00", now).unwrap(),
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 20, 7, 30, 0)
                .unwrap()
        );
        for bad in ["", "yesterday", "-3d", "3x", "é"] {
            assert!(moment(bad, now).is_err(), "{bad}");
        }
    }
}
