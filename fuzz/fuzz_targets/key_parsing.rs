//! Any bytes given as a key file: parsing never panics, and whatever is accepted is
//! self-consistent (the private key's fingerprint is its public key's, and the key
//! round-trips through the PKCS#1 DER the keyring stores).
#![no_main]

use appwarden_core::{PrivateKey, key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(private) = PrivateKey::from_pem(data) {
        let public = key::public_key_from_pem(data).expect("a private key's file has a public key");
        assert_eq!(public.fingerprint(), private.fingerprint());
        let again = PrivateKey::from_pkcs1_der(private.expose_pkcs1_der()).expect("round trip");
        assert_eq!(again.fingerprint(), private.fingerprint());
    } else if let Ok(public) = key::public_key_from_pem(data) {
        let _ = public.fingerprint().to_string();
        let _ = public.warnings();
    }
    let _ = PrivateKey::from_pkcs1_der(data);
});
