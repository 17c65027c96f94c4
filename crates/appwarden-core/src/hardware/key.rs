//! A private key on a PKCS#11 token: found by label or ID, imported from a PEM as a
//! sensitive, non-extractable token object, and used to sign RS256 JWTs on the token.

use super::token::{TokenSession, device};
use super::{HardwareError, Pkcs11KeyRef, hex, key_id_for, unhex};
use crate::key::{PrivateKey, PublicKey};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// DER of `DigestInfo` for SHA-256 without the digest (RFC 8017 §9.2, note 1): what
/// `CKM_RSA_PKCS` signs when the token has no `CKM_SHA256_RSA_PKCS`.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// How the token makes an RS256 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningMechanism {
    /// `CKM_SHA256_RSA_PKCS`: the token hashes and signs.
    Sha256RsaPkcs,
    /// `CKM_RSA_PKCS` over SHA-256 `DigestInfo` made here (tokens without the combined one).
    RsaPkcsOverDigestInfo,
}

impl SigningMechanism {
    /// The mechanism to use given what a token offers, preferring the combined one.
    pub fn choose(offered: &[MechanismType]) -> Option<Self> {
        if offered.contains(&MechanismType::SHA256_RSA_PKCS) {
            Some(Self::Sha256RsaPkcs)
        } else if offered.contains(&MechanismType::RSA_PKCS) {
            Some(Self::RsaPkcsOverDigestInfo)
        } else {
            None
        }
    }
}

/// A key object on a token, as the window's key picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TokenKeyInfo {
    pub label: String,
    /// `CKA_ID` in hex.
    pub id: String,
    /// "RSA", "EC", … .
    pub key_type: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub bits: Option<usize>,
    /// `SHA256:…`, for RSA keys.
    pub fingerprint: Option<String>,
    pub sensitive: bool,
    pub extractable: bool,
}

/// A private key on a token, ready to sign. The private key never leaves the token.
#[derive(Debug, Clone)]
pub struct HardwareKey {
    session: Arc<TokenSession>,
    handle: ObjectHandle,
    public: PublicKey,
    reference: Pkcs11KeyRef,
    mechanism: SigningMechanism,
}

/// The outcome of an import: the key, and whether it was created (false: it was already on
/// the token, so undoing must leave it).
#[derive(Debug)]
pub struct ImportedKey {
    pub key: HardwareKey,
    pub created: bool,
}

impl HardwareKey {
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    pub fn fingerprint(&self) -> crate::Fingerprint {
        self.public.fingerprint()
    }

    /// Where the key is, for the config.
    pub fn reference(&self) -> &Pkcs11KeyRef {
        &self.reference
    }

    /// Whether the token session behind the key still works (false once the token was
    /// removed or logged out: open the key again).
    pub fn session_alive(&self) -> bool {
        self.session.alive()
    }

    pub fn mechanism(&self) -> SigningMechanism {
        self.mechanism
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 and SHA-256 (RS256) on the token.
    pub fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, HardwareError> {
        let session = self.session.lock();
        let signed = match self.mechanism {
            SigningMechanism::Sha256RsaPkcs => {
                session.sign(&Mechanism::Sha256RsaPkcs, self.handle, message)
            }
            SigningMechanism::RsaPkcsOverDigestInfo => {
                let mut digest_info = SHA256_DIGEST_INFO.to_vec();
                digest_info.extend_from_slice(&Sha256::digest(message));
                session.sign(&Mechanism::RsaPkcs, self.handle, &digest_info)
            }
        };
        drop(session);
        signed.map_err(|err| match err {
            CkError::Pkcs11(RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid, _)
                if self.session.still_present() =>
            {
                HardwareError::KeyNotFound {
                    token: self.reference.token_label.clone(),
                    key: self.reference.key_label.clone(),
                    available: " It was deleted from the token while in use.".into(),
                }
            }
            err => self.session.error("sign", err),
        })
    }

    /// Deletes the key's objects (private and public) from the token: only to undo an import
    /// this process just made.
    pub fn destroy(&self) -> Result<(), HardwareError> {
        let session = self.session.lock();
        let id = unhex(&self.reference.key_id).unwrap_or_default();
        let mut result = Ok(());
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            let found = session
                .find_objects(&[Attribute::Class(class), Attribute::Id(id.clone())])
                .unwrap_or_default();
            for handle in found {
                if let Err(err) = session.destroy_object(handle) {
                    result = Err(device(&self.reference.token_label, "delete the key", err));
                }
            }
        }
        result
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

fn key_type_name(key_type: KeyType) -> String {
    match key_type {
        KeyType::RSA => "RSA".into(),
        KeyType::EC => "EC".into(),
        KeyType::EC_EDWARDS => "EdDSA".into(),
        KeyType::DSA => "DSA".into(),
        other => format!("{other}"),
    }
}

impl TokenSession {
    /// The private keys on the token.
    pub fn keys(&self) -> Result<Vec<TokenKeyInfo>, HardwareError> {
        let handles = self
            .lock()
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .map_err(|err| self.error("list its keys", err))?;
        let mut keys = Vec::new();
        for handle in handles {
            let attributes = self.attributes(handle)?;
            keys.push(attributes.info());
        }
        keys.sort_by(|a, b| a.label.cmp(&b.label).then(a.id.cmp(&b.id)));
        Ok(keys)
    }

    /// The private key with this label (and ID, when given), ready to sign.
    pub fn key(
        self: &Arc<Self>,
        label: &str,
        id: Option<&str>,
    ) -> Result<HardwareKey, HardwareError> {
        let mut template = vec![
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(label.as_bytes().to_vec()),
        ];
        if let Some(id) = id.and_then(unhex) {
            template.push(Attribute::Id(id));
        }
        let handles = self
            .lock()
            .find_objects(&template)
            .map_err(|err| self.error("find the key", err))?;
        let Some(&handle) = handles.first() else {
            let labels: Vec<String> = self
                .keys()
                .unwrap_or_default()
                .into_iter()
                .map(|key| format!("\"{}\"", key.label))
                .collect();
            return Err(HardwareError::KeyNotFound {
                token: self.token().label.clone(),
                key: label.to_owned(),
                available: if labels.is_empty() {
                    " It holds no private keys.".into()
                } else {
                    format!(" It holds {}.", labels.join(", "))
                },
            });
        };
        self.ready_key(handle)
    }

    /// Imports `key` as a token object that cannot be read back (`CKA_SENSITIVE`, not
    /// `CKA_EXTRACTABLE`), with its public key beside it, under `label`. A key that is
    /// already on the token (same ID and modulus) is used as it is.
    pub fn import(
        self: &Arc<Self>,
        key: &PrivateKey,
        label: &str,
    ) -> Result<ImportedKey, HardwareError> {
        let token = self.token().label.clone();
        let id = key_id_for(&key.fingerprint());
        let existing = self
            .lock()
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(id.clone()),
            ])
            .map_err(|err| self.error("look for the key", err))?;
        for handle in existing {
            let found = self.ready_key(handle)?;
            if found.fingerprint() == key.fingerprint() {
                return Ok(ImportedKey {
                    key: found,
                    created: false,
                });
            }
        }
        if !self.read_write() || self.token().write_protected {
            return Err(HardwareError::ReadOnly { token });
        }
        let parts = key.rsa_components().map_err(|err| HardwareError::Device {
            token: token.clone(),
            operation: "import the key".into(),
            detail: err.to_string(),
        })?;
        let label_bytes = label.as_bytes().to_vec();
        let mut private_template = vec![
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::RSA),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Decrypt(false),
            Attribute::Label(label_bytes.clone()),
            Attribute::Id(id.clone()),
            Attribute::Modulus(parts.modulus.to_vec()),
            Attribute::PublicExponent(parts.public_exponent.to_vec()),
            Attribute::PrivateExponent(parts.private_exponent.to_vec()),
            Attribute::Prime1(parts.prime1.to_vec()),
            Attribute::Prime2(parts.prime2.to_vec()),
            Attribute::Exponent1(parts.exponent1.to_vec()),
            Attribute::Exponent2(parts.exponent2.to_vec()),
            Attribute::Coefficient(parts.coefficient.to_vec()),
        ];
        let created = self.lock().create_object(&private_template);
        wipe(&mut private_template);
        let private = created.map_err(|err| match err {
            CkError::Pkcs11(RvError::TokenWriteProtected, _) => HardwareError::ReadOnly {
                token: token.clone(),
            },
            err => self.error("import the key", err),
        })?;
        let public_template = [
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::KeyType(KeyType::RSA),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::Label(label_bytes),
            Attribute::Id(id),
            Attribute::Modulus(parts.modulus.to_vec()),
            Attribute::PublicExponent(parts.public_exponent.to_vec()),
        ];
        let undo_private = |session: &TokenSession| {
            let _ = session.lock().destroy_object(private);
        };
        let public = match self.lock().create_object(&public_template) {
            Ok(public) => public,
            Err(err) => {
                undo_private(self);
                return Err(self.error("store the public key", err));
            }
        };
        let undo_both = |session: &TokenSession| {
            undo_private(session);
            let _ = session.lock().destroy_object(public);
        };
        // A token may ignore what it was asked: check that the key cannot be read back.
        let attributes = match self.attributes(private) {
            Ok(attributes) => attributes,
            Err(err) => {
                undo_both(self);
                return Err(err);
            }
        };
        if !attributes.sensitive || attributes.extractable {
            undo_both(self);
            return Err(HardwareError::ImportNotProtected {
                token,
                what: if attributes.extractable {
                    "CKA_EXTRACTABLE true".into()
                } else {
                    "CKA_SENSITIVE false".into()
                },
            });
        }
        match self.ready_key(private) {
            Ok(key) => Ok(ImportedKey { key, created: true }),
            Err(err) => {
                undo_both(self);
                Err(err)
            }
        }
    }

    fn ready_key(self: &Arc<Self>, handle: ObjectHandle) -> Result<HardwareKey, HardwareError> {
        let attributes = self.attributes(handle)?;
        let token = self.token().label.clone();
        if attributes.key_type != Some(KeyType::RSA) {
            return Err(HardwareError::NotRsa {
                token,
                key: attributes.label,
                key_type: attributes
                    .key_type
                    .map(key_type_name)
                    .unwrap_or_else(|| "of an unknown type".into()),
            });
        }
        let public = attributes
            .public_key()
            .ok_or_else(|| HardwareError::Device {
                token: token.clone(),
                operation: "tell the key's public half".into(),
                detail: "it shows no modulus or public exponent".into(),
            })?;
        let offered = self
            .module()
            .context()
            .get_mechanism_list(self.slot())
            .map_err(|err| self.error("list its mechanisms", err))?;
        let mechanism = SigningMechanism::choose(&offered)
            .ok_or(HardwareError::MechanismUnsupported { token })?;
        Ok(HardwareKey {
            session: self.clone(),
            handle,
            public,
            reference: Pkcs11KeyRef {
                module: self.module().path().to_path_buf(),
                token_label: self.token().label.clone(),
                token_serial: self.token().serial.clone(),
                key_label: attributes.label,
                key_id: hex(&attributes.id),
            },
            mechanism,
        })
    }

    fn attributes(&self, handle: ObjectHandle) -> Result<KeyAttributes, HardwareError> {
        let wanted = [
            AttributeType::Label,
            AttributeType::Id,
            AttributeType::KeyType,
            AttributeType::Modulus,
            AttributeType::PublicExponent,
            AttributeType::Sensitive,
            AttributeType::Extractable,
        ];
        let found = self
            .lock()
            .get_attributes(handle, &wanted)
            .map_err(|err| self.error("read the key's attributes", err))?;
        let mut attributes = KeyAttributes::default();
        for attribute in found {
            match attribute {
                Attribute::Label(label) => attributes.label = text(&label),
                Attribute::Id(id) => attributes.id = id,
                Attribute::KeyType(key_type) => attributes.key_type = Some(key_type),
                Attribute::Modulus(modulus) => attributes.modulus = modulus,
                Attribute::PublicExponent(exponent) => attributes.exponent = exponent,
                Attribute::Sensitive(sensitive) => attributes.sensitive = sensitive,
                Attribute::Extractable(extractable) => attributes.extractable = extractable,
                _ => {}
            }
        }
        Ok(attributes)
    }
}

#[derive(Debug, Default)]
struct KeyAttributes {
    label: String,
    id: Vec<u8>,
    key_type: Option<KeyType>,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    sensitive: bool,
    extractable: bool,
}

impl KeyAttributes {
    fn public_key(&self) -> Option<PublicKey> {
        if self.modulus.is_empty() || self.exponent.is_empty() {
            return None;
        }
        PublicKey::from_modulus_and_exponent(&self.modulus, &self.exponent).ok()
    }

    fn info(&self) -> TokenKeyInfo {
        let public = (self.key_type == Some(KeyType::RSA))
            .then(|| self.public_key())
            .flatten();
        TokenKeyInfo {
            label: self.label.clone(),
            id: hex(&self.id),
            key_type: self
                .key_type
                .map(key_type_name)
                .unwrap_or_else(|| "unknown".into()),
            bits: public.as_ref().map(PublicKey::bits),
            fingerprint: public.map(|key| key.fingerprint().to_string()),
            sensitive: self.sensitive,
            extractable: self.extractable,
        }
    }
}

/// Overwrites the secret numbers in an import template once the token has them.
fn wipe(template: &mut [Attribute]) {
    use zeroize::Zeroize;
    for attribute in template {
        match attribute {
            Attribute::PrivateExponent(bytes)
            | Attribute::Prime1(bytes)
            | Attribute::Prime2(bytes)
            | Attribute::Exponent1(bytes)
            | Attribute::Exponent2(bytes)
            | Attribute::Coefficient(bytes) => bytes.zeroize(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_mechanism_is_preferred_and_plain_rsa_is_a_fallback() {
        assert_eq!(
            SigningMechanism::choose(&[MechanismType::RSA_PKCS, MechanismType::SHA256_RSA_PKCS]),
            Some(SigningMechanism::Sha256RsaPkcs)
        );
        assert_eq!(
            SigningMechanism::choose(&[MechanismType::RSA_PKCS]),
            Some(SigningMechanism::RsaPkcsOverDigestInfo)
        );
        assert_eq!(
            SigningMechanism::choose(&[MechanismType::ECDSA, MechanismType::AES_CBC]),
            None
        );
    }
}
