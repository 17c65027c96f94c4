//! Any text pasted as a fingerprint (GitHub's `SHA256:` form, with junk around): parsing
//! and finding never panic, and what is found prints back to text that parses to itself.
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
    for found in Fingerprint::find_all(text) {
        assert_eq!(Fingerprint::parse(&found.to_string()), Ok(found));
        assert_eq!(Fingerprint::parse(&found.base64()), Ok(found));
    }
});
