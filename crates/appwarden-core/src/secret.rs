//! Wrapper types for secrets: private key bytes, JWTs, installation tokens and webhook secrets.
//!
//! Every type here has a redacted `Debug` and `Display`, implements no `Serialize`, and
//! wipes its memory on drop. The only way to read one is an explicit `expose_*` call, which
//! makes every place that touches secret material easy to find.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Secret bytes, such as the DER encoding of a private key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Zeroizing<Vec<u8>>> for SecretBytes {
    fn from(mut bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(std::mem::take(&mut *bytes))
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([redacted; {} bytes])", self.0.len())
    }
}

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Call only where it must leave the process (an HTTP
            /// header, the terminal, the clipboard), never for logging.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_string!(
    /// A signed GitHub App JSON Web Token.
    Jwt
);

secret_string!(
    /// The user PIN of a PKCS#11 token.
    Pin
);

secret_string!(
    /// Someone's credential found exposed (a personal access token, an OAuth or user-to-server
    /// token), held only to be sent to `POST /credentials/revoke`.
    ExposedCredential
);
/// An installation access token (`ghs_…`), with when this process minted it (if it did):
/// GitHub may refuse a token for a few seconds after minting it while it replicates.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AccessToken {
    value: String,
    #[zeroize(skip)]
    minted: Option<std::time::Instant>,
}

impl AccessToken {
    /// A token from elsewhere (typed, piped, given by git): its age is unknown.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            minted: None,
        }
    }

    /// A token GitHub has just minted for this process.
    pub fn minted_now(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            minted: Some(std::time::Instant::now()),
        }
    }

    /// How long ago this process minted it; `None` for a token from elsewhere.
    pub fn age(&self) -> Option<std::time::Duration> {
        self.minted.map(|at| at.elapsed())
    }

    /// The secret itself. Call only where it must leave the process (an HTTP header, the
    /// terminal, the clipboard), never for logging.
    pub fn expose_secret(&self) -> &str {
        &self.value
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
secret_string!(
    /// A webhook secret: the HMAC key GitHub signs deliveries with.
    WebhookSecret
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let token = AccessToken::new("ghs_supersecret");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{token}"), "[redacted]");
        let jwt = Jwt::new("eyJhbGciOi.x.y");
        assert!(!format!("{jwt:?}{jwt}").contains("eyJ"));
        let bytes = SecretBytes::new(vec![1, 2, 3]);
        assert_eq!(format!("{bytes:?}"), "SecretBytes([redacted; 3 bytes])");
        assert_eq!(token.expose_secret(), "ghs_supersecret");
    }
}
