//! RSA keys of GitHub Apps: parsing what users paste or pick, refusing everything else in
//! plain words.
//!
//! GitHub downloads app keys as PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`); openssl often turns
//! them into PKCS#8 (`BEGIN PRIVATE KEY`). Both are accepted. The `rsa` crate is used only
//! to parse keys and derive public keys: signing happens in [`crate::jwt`] with aws-lc.

use crate::fingerprint::Fingerprint;
use crate::pem::{self, PemBlock, PemProblem};
use crate::secret::SecretBytes;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, ObjectIdentifier};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

/// Keys smaller than this get a warning: GitHub generates 2048-bit keys.
pub const RECOMMENDED_MIN_BITS: usize = 2048;

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

const DECRYPT_HINT: &str = "Decrypt a copy first with `openssl pkey -in key.pem -out decrypted.pem` \
     (it asks for the passphrase), or download a new private key from the app's settings page on GitHub.";
const GITHUB_KEYS_ARE_RSA: &str = "GitHub App private keys are RSA keys: use the .pem file \
     GitHub downloads from the app's settings page (\"Generate a private key\").";

/// Why a key was refused. Each message says what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("The key is empty. Paste the whole .pem file, from -----BEGIN to -----END.")]
    Empty,
    #[error("This is a passphrase-protected (encrypted) private key. {DECRYPT_HINT}")]
    Encrypted,
    #[error("This is {kind} key, not an RSA key. {GITHUB_KEYS_ARE_RSA}")]
    NotRsa { kind: &'static str },
    #[error(
        "The key file is cut short: it has a -----BEGIN {label}----- line but no matching -----END line. Copy the whole file again."
    )]
    Truncated { label: String },
    #[error(
        "The {label} block is corrupt (its body is not valid base64). Copy the whole .pem file again, or download a new key from GitHub."
    )]
    Corrupt { label: String },
    #[error(
        "The {label} block does not hold a valid RSA key (the data inside is damaged). Download a new private key from the app's settings page on GitHub."
    )]
    Malformed { label: String },
    #[error("This is a certificate, not a private key. {GITHUB_KEYS_ARE_RSA}")]
    Certificate,
    #[error("This is a public key; a private key is needed here. {GITHUB_KEYS_ARE_RSA}")]
    PublicKeyOnly,
    #[error("This is an OpenSSH key, not a GitHub App key. {GITHUB_KEYS_ARE_RSA}")]
    OpenSsh,
    #[error("This is a binary file, not a PEM key. {GITHUB_KEYS_ARE_RSA}")]
    Binary,
    #[error("No PEM key found: the text has no -----BEGIN … KEY----- block. {GITHUB_KEYS_ARE_RSA}")]
    NotAKey,
}

/// Something worth telling the user about a key that was nonetheless accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyWarning {
    /// The modulus is shorter than [`RECOMMENDED_MIN_BITS`].
    SmallKey { bits: usize },
}

impl std::fmt::Display for KeyWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyWarning::SmallKey { bits } => write!(
                f,
                "This is a {bits}-bit RSA key; GitHub App keys are at least {RECOMMENDED_MIN_BITS} bits. \
                 It may be rejected: generate a new private key on the app's settings page."
            ),
        }
    }
}

/// An RSA public key, as GitHub identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    spki_der: Vec<u8>,
    bits: usize,
}

impl PublicKey {
    fn from_rsa(key: &RsaPublicKey) -> Self {
        let spki_der = key
            .to_public_key_der()
            .map(|doc| doc.as_bytes().to_vec())
            .unwrap_or_default();
        Self {
            spki_der,
            bits: key.n().bits(),
        }
    }

    /// The public key of an RSA modulus and public exponent (big-endian bytes), as a
    /// PKCS#11 token reports them.
    pub fn from_modulus_and_exponent(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        let key = RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(modulus),
            rsa::BigUint::from_bytes_be(exponent),
        )
        .map_err(|_| KeyError::Malformed {
            label: "RSA public key (modulus and exponent)".into(),
        })?;
        Ok(Self::from_rsa(&key))
    }

    /// DER SubjectPublicKeyInfo, the bytes GitHub's fingerprint hashes.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    pub fn bits(&self) -> usize {
        self.bits
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_spki_der(&self.spki_der)
    }

    pub fn warnings(&self) -> Vec<KeyWarning> {
        if self.bits < RECOMMENDED_MIN_BITS {
            vec![KeyWarning::SmallKey { bits: self.bits }]
        } else {
            Vec::new()
        }
    }
}

/// An RSA private key. Holds its PKCS#1 DER (wiped on drop) and its public half.
#[derive(Clone)]
pub struct PrivateKey {
    pkcs1_der: SecretBytes,
    public: PublicKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.public.bits)
            .field("fingerprint", &self.public.fingerprint().to_string())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Parses a PEM private key (PKCS#1 or PKCS#8) from what a user gave: a file's bytes or
    /// pasted text.
    pub fn from_pem(input: &[u8]) -> Result<Self, KeyError> {
        let blocks = blocks_of(input)?;
        let mut first_problem = None;
        for block in &blocks {
            match private_key_of(block) {
                Some(Ok(key)) => return Ok(key),
                Some(Err(err)) => {
                    first_problem.get_or_insert(err);
                }
                None => {}
            }
        }
        if let Some(err) = first_problem {
            return Err(err);
        }
        Err(no_private_key_reason(&blocks))
    }

    /// Rebuilds a key from the PKCS#1 DER bytes kept in the keyring.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = RsaPrivateKey::from_pkcs1_der(der).map_err(|_| KeyError::Malformed {
            label: "stored".into(),
        })?;
        Self::from_rsa(&key)
    }

    fn from_rsa(key: &RsaPrivateKey) -> Result<Self, KeyError> {
        let der = key.to_pkcs1_der().map_err(|_| KeyError::Malformed {
            label: "RSA PRIVATE KEY".into(),
        })?;
        Ok(Self {
            pkcs1_der: SecretBytes::new(der.as_bytes().to_vec()),
            public: PublicKey::from_rsa(&key.to_public_key()),
        })
    }

    /// PKCS#1 DER of the private key: for the keyring and the signer only.
    pub fn expose_pkcs1_der(&self) -> &[u8] {
        self.pkcs1_der.expose_bytes()
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.public.fingerprint()
    }

    /// The key's numbers (big-endian, wiped on drop), for importing it into a PKCS#11 token.
    pub fn rsa_components(&self) -> Result<RsaComponents, KeyError> {
        let key = RsaPrivateKey::from_pkcs1_der(self.expose_pkcs1_der()).map_err(|_| {
            KeyError::Malformed {
                label: "stored".into(),
            }
        })?;
        let malformed = || KeyError::Malformed {
            label: "RSA PRIVATE KEY".into(),
        };
        let [p, q] = key.primes() else {
            return Err(malformed());
        };
        let bytes = |n: &rsa::BigUint| Zeroizing::new(n.to_bytes_be());
        let dp = key.dp().ok_or_else(malformed)?;
        let dq = key.dq().ok_or_else(malformed)?;
        let qinv = key.crt_coefficient().ok_or_else(malformed)?;
        Ok(RsaComponents {
            modulus: bytes(key.n()),
            public_exponent: bytes(key.e()),
            private_exponent: bytes(key.d()),
            prime1: bytes(p),
            prime2: bytes(q),
            exponent1: bytes(dp),
            exponent2: bytes(dq),
            coefficient: bytes(&qinv),
        })
    }
}

/// An RSA private key's numbers, big-endian, each wiped on drop.
pub struct RsaComponents {
    pub modulus: Zeroizing<Vec<u8>>,
    pub public_exponent: Zeroizing<Vec<u8>>,
    pub private_exponent: Zeroizing<Vec<u8>>,
    pub prime1: Zeroizing<Vec<u8>>,
    pub prime2: Zeroizing<Vec<u8>>,
    pub exponent1: Zeroizing<Vec<u8>>,
    pub exponent2: Zeroizing<Vec<u8>>,
    pub coefficient: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for RsaComponents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RsaComponents([redacted])")
    }
}

/// Reads the public key out of a private or public PEM key, for fingerprinting.
pub fn public_key_from_pem(input: &[u8]) -> Result<PublicKey, KeyError> {
    let blocks = blocks_of(input)?;
    let mut first_problem = None;
    for block in &blocks {
        let found = match block.label.as_str() {
            "PUBLIC KEY" => Some(public_spki(block)),
            "RSA PUBLIC KEY" => Some(
                RsaPublicKey::from_pkcs1_der(&block.der)
                    .map(|key| PublicKey::from_rsa(&key))
                    .map_err(|_| malformed(block)),
            ),
            _ => private_key_of(block).map(|key| key.map(|key| key.public)),
        };
        match found {
            Some(Ok(key)) => return Ok(key),
            Some(Err(err)) => {
                first_problem.get_or_insert(err);
            }
            None => {}
        }
    }
    Err(first_problem.unwrap_or_else(|| no_private_key_reason(&blocks)))
}

fn blocks_of(input: &[u8]) -> Result<Vec<PemBlock>, KeyError> {
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(_) => return Err(KeyError::Binary),
    };
    if text.contains('\0') {
        return Err(KeyError::Binary);
    }
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(KeyError::Empty);
    }
    pem::scan(text).map_err(|problem| match problem {
        PemProblem::Truncated { label } => KeyError::Truncated { label },
        PemProblem::BadBase64 { label } => KeyError::Corrupt { label },
    })
}

/// `None` when the block is not a private key at all (a certificate, parameters…).
fn private_key_of(block: &PemBlock) -> Option<Result<PrivateKey, KeyError>> {
    let result = match block.label.as_str() {
        "RSA PRIVATE KEY" if block.has_encryption_headers() => Err(KeyError::Encrypted),
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&block.der)
            .map_err(|_| malformed(block))
            .and_then(|key| PrivateKey::from_rsa(&key)),
        "PRIVATE KEY" => pkcs8_private(block),
        "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted),
        "EC PRIVATE KEY" => Err(KeyError::NotRsa {
            kind: "an elliptic-curve (EC)",
        }),
        "DSA PRIVATE KEY" => Err(KeyError::NotRsa { kind: "a DSA" }),
        "OPENSSH PRIVATE KEY" => Err(KeyError::OpenSsh),
        _ => return None,
    };
    Some(result)
}

fn pkcs8_private(block: &PemBlock) -> Result<PrivateKey, KeyError> {
    let info =
        rsa::pkcs8::PrivateKeyInfo::try_from(block.der.as_slice()).map_err(|_| malformed(block))?;
    check_rsa_algorithm(info.algorithm.oid)?;
    let key = RsaPrivateKey::from_pkcs8_der(&block.der).map_err(|_| malformed(block))?;
    PrivateKey::from_rsa(&key)
}

fn public_spki(block: &PemBlock) -> Result<PublicKey, KeyError> {
    let info = rsa::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(block.der.as_slice())
        .map_err(|_| malformed(block))?;
    check_rsa_algorithm(info.algorithm.oid)?;
    let key = RsaPublicKey::from_public_key_der(&block.der).map_err(|_| malformed(block))?;
    Ok(PublicKey::from_rsa(&key))
}

fn check_rsa_algorithm(oid: ObjectIdentifier) -> Result<(), KeyError> {
    let kind = match oid {
        OID_RSA => return Ok(()),
        OID_EC => "an elliptic-curve (EC)",
        OID_ED25519 => "an Ed25519",
        OID_ED448 => "an Ed448",
        OID_DSA => "a DSA",
        OID_RSA_PSS => "an RSA-PSS-only",
        _ => "an unknown kind of",
    };
    Err(KeyError::NotRsa { kind })
}

fn malformed(block: &PemBlock) -> KeyError {
    KeyError::Malformed {
        label: block.label.clone(),
    }
}

fn no_private_key_reason(blocks: &[PemBlock]) -> KeyError {
    let has = |label: &str| blocks.iter().any(|block| block.label == label);
    if has("PUBLIC KEY") || has("RSA PUBLIC KEY") {
        KeyError::PublicKeyOnly
    } else if has("CERTIFICATE") || has("TRUSTED CERTIFICATE") {
        KeyError::Certificate
    } else {
        KeyError::NotAKey
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_plain_words() {
        assert_eq!(PrivateKey::from_pem(b"").unwrap_err(), KeyError::Empty);
        assert_eq!(
            PrivateKey::from_pem(b"  \n\t").unwrap_err(),
            KeyError::Empty
        );
        assert_eq!(
            PrivateKey::from_pem(b"hello").unwrap_err(),
            KeyError::NotAKey
        );
        assert_eq!(
            PrivateKey::from_pem(&[0x30, 0x82, 0xff, 0x00]).unwrap_err(),
            KeyError::Binary
        );
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAQID\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(
            PrivateKey::from_pem(encrypted.as_bytes()).unwrap_err(),
            KeyError::Encrypted
        );
        let message = KeyError::Encrypted.to_string();
        assert!(message.contains("passphrase") && message.contains("openssl pkey"));
        let ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nAQID\n-----END OPENSSH PRIVATE KEY-----\n";
        assert_eq!(
            PrivateKey::from_pem(ssh.as_bytes()).unwrap_err(),
            KeyError::OpenSsh
        );
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAQID\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            PrivateKey::from_pem(garbage.as_bytes()).unwrap_err(),
            KeyError::Malformed { .. }
        ));
    }
}
