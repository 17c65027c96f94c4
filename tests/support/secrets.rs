//! Patterns that betray a secret in text or bytes: a private key's PEM lines, its DER, its
//! base64 at every alignment, tokens and JWTs. Used to sweep logs, files and IPC messages.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub struct SecretPatterns {
    patterns: Vec<(String, Vec<u8>)>,
}

impl Default for SecretPatterns {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretPatterns {
    /// Starts with the shape of any JWT Appwarden signs (`{"alg":"RS256"` in base64url).
    pub fn new() -> Self {
        Self {
            patterns: vec![(
                "a JWT".to_owned(),
                b"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9".to_vec(),
            )],
        }
        .with_text("a JWT", "eyJhbGciOiJSUzI1NiIs")
    }

    pub fn with_text(mut self, label: &str, text: &str) -> Self {
        self.patterns
            .push((label.to_owned(), text.as_bytes().to_vec()));
        self
    }

    /// A fixture key: PEM body lines, a run of its PKCS#1 DER, and 40-character runs of the
    /// DER's base64 at each of the three byte alignments.
    pub fn with_key(mut self, fixture: &str) -> Self {
        let pem = crate::fixture_text(fixture);
        let label = format!("key material of {fixture}");
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 40)
            .skip(2)
            .take(3)
        {
            self.patterns
                .push((label.clone(), line.as_bytes().to_vec()));
        }
        let der = appwarden_core::PrivateKey::from_pem(pem.as_bytes())
            .unwrap()
            .expose_pkcs1_der()
            .to_vec();
        self.patterns.push((label.clone(), der[200..260].to_vec()));
        for offset in 0..3 {
            let encoded = STANDARD.encode(&der[300 + offset..420 + offset]);
            self.patterns
                .push((label.clone(), encoded.as_bytes()[8..48].to_vec()));
        }
        self
    }

    /// The first secret found in `haystack`, by label.
    pub fn find(&self, haystack: &[u8]) -> Option<&str> {
        self.patterns.iter().find_map(|(label, pattern)| {
            haystack
                .windows(pattern.len())
                .any(|w| w == pattern.as_slice())
                .then_some(label.as_str())
        })
    }

    /// Only the patterns with this label.
    pub fn only(&self, label: &str) -> SecretPatterns {
        SecretPatterns {
            patterns: self
                .patterns
                .iter()
                .filter(|(l, _)| l == label)
                .cloned()
                .collect(),
        }
    }

    /// All patterns but those with this label.
    pub fn except(&self, label: &str) -> SecretPatterns {
        SecretPatterns {
            patterns: self
                .patterns
                .iter()
                .filter(|(l, _)| l != label)
                .cloned()
                .collect(),
        }
    }
}
