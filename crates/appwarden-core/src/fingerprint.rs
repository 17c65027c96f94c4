//! GitHub's key fingerprint: `SHA256:` + base64(SHA-256(DER SubjectPublicKeyInfo)).
//!
//! Identical to `openssl rsa -pubout -outform DER | openssl sha256 -binary | openssl base64`.
//! Values pasted from GitHub's settings page are parsed leniently: with or without the
//! `SHA256:` prefix, with whitespace or junk around them, with or without `=` padding.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 public key fingerprint.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

/// A pasted value that is not a SHA-256 fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{shown}\" is not a SHA-256 key fingerprint. Copy it from the app's settings page on GitHub \
     (\"Private keys\" section); it looks like SHA256:aBc…= (44 characters after SHA256:)."
)]
pub struct FingerprintParseError {
    shown: String,
}

impl Fingerprint {
    pub fn of_spki_der(spki_der: &[u8]) -> Self {
        Self(Sha256::digest(spki_der).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The base64 part alone, as openssl prints it.
    pub fn base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses one fingerprint from pasted text.
    pub fn parse(input: &str) -> Result<Self, FingerprintParseError> {
        match Self::find_all(input).as_slice() {
            [one] => Ok(*one),
            _ => Err(FingerprintParseError {
                shown: shorten(input.trim()),
            }),
        }
    }

    /// Finds every fingerprint in pasted text (GitHub's page lists several keys, with dates
    /// and labels between them). Duplicates are kept once, in order.
    pub fn find_all(input: &str) -> Vec<Self> {
        let mut found = Vec::new();
        for candidate in candidates(input) {
            if !found.contains(&candidate) {
                found.push(candidate);
            }
        }
        found
    }
}

/// Tokens of the input that decode to exactly 32 bytes of base64.
fn candidates(input: &str) -> Vec<Fingerprint> {
    input
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | ':')))
        .filter_map(|token| {
            let token = token
                .rsplit(':')
                .next()
                .unwrap_or(token)
                .trim_end_matches('=');
            if token.len() != 43 {
                return None;
            }
            let mut padded = token.to_owned();
            padded.push('=');
            let bytes = STANDARD.decode(padded).ok()?;
            <[u8; 32]>::try_from(bytes).ok().map(Fingerprint)
        })
        .collect()
}

fn shorten(input: &str) -> String {
    if input.chars().count() > 60 {
        let head: String = input.chars().take(57).collect();
        format!("{head}…")
    } else {
        input.to_owned()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHA256:{}", self.base64())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = FingerprintParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    #[test]
    fn of_empty_input_is_the_known_sha256() {
        assert_eq!(Fingerprint::of_spki_der(b"").to_string(), FP);
    }

    #[test]
    fn parses_pasted_variants() {
        let expected = Fingerprint::of_spki_der(b"");
        for pasted in [
            FP,
            "  SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU  \n",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
            "Fingerprint: (SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=) Added on Nov 2",
        ] {
            assert_eq!(Fingerprint::parse(pasted), Ok(expected), "{pasted:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_one_fingerprint() {
        let two = format!("{FP} {}", Fingerprint([7; 32]));
        for pasted in ["", "SHA256:abc", "MD5:aa:bb", &two] {
            assert!(Fingerprint::parse(pasted).is_err(), "{pasted:?}");
        }
        let err = Fingerprint::parse("nope").unwrap_err().to_string();
        assert!(err.contains("settings page"));
    }

    #[test]
    fn finds_all_in_a_page_paste() {
        let other = Fingerprint([7; 32]);
        let page = format!("Private keys\n{FP}\nAdded 2 days ago\n{other}\n{FP}");
        assert_eq!(
            Fingerprint::find_all(&page),
            vec![Fingerprint::of_spki_der(b""), other]
        );
    }
}
