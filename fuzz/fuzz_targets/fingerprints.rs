//! Any text pasted as a fingerprint (GitHub's `SHA256:` form, with junk around): parsing
//! and finding never panic, and what is found prints back to text that parses to itself.
//! The same text as an `X-Hub-Signature-256` header never panics the signature check.
#![no_main]

use appwarden_core::Fingerprint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(fingerprint) = Fingerprint::parse(text) {
        assert_eq!(Fingerprint::parse(&fingerprint.to_string()), Ok(fingerprint));
    }
    let _ = appwarden_core::webhook::verify(data, b"secret", text);
    for found in Fingerprint::find_all(text) {
        assert_eq!(Fingerprint::parse(&found.to_string()), Ok(found));
        assert_eq!(Fingerprint::parse(&found.base64()), Ok(found));
    }
});
