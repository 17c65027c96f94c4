//! The key-parsing corpus: every fixture either parses to the right fingerprint (checked
//! against openssl, which nobody here wrote) or is refused with the right plain-words error.

use appwarden_core::key::{self, KeyError, KeyWarning, PrivateKey};
use appwarden_core::{Fingerprint, jwt};
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/keys")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// `openssl pkey -pubout -outform DER | openssl sha256 -binary | openssl base64`, via a shell.
fn openssl_fingerprint(name: &str, public_in: bool) -> String {
    let pubin = if public_in { "-pubin" } else { "" };
    let script = format!(
        "openssl pkey {pubin} -in '{}' -pubout -outform DER | openssl sha256 -binary | openssl base64",
        fixture(name).display()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!("SHA256:{}", String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn accepted_private_keys_match_openssl() {
    let reference = openssl_fingerprint("rsa2048-pkcs1.pem", false);
    for name in [
        "rsa2048-pkcs1.pem",
        "rsa2048-pkcs8.pem",
        "rsa2048-crlf.pem",
        "rsa2048-bom.pem",
        "rsa2048-bag-with-cert.pem",
        "rsa2048-blank-lines.pem",
    ] {
        let key = PrivateKey::from_pem(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.fingerprint().to_string(), reference, "{name}");
        assert_eq!(key.public_key().bits(), 2048);
        assert!(key.public_key().warnings().is_empty());
    }
    for name in [
        "rsa4096-pkcs1.pem",
        "rsa2048-second.pem",
        "rsa1024-pkcs1.pem",
    ] {
        let key = PrivateKey::from_pem(&read(name)).unwrap();
        assert_eq!(
            key.fingerprint().to_string(),
            openssl_fingerprint(name, false),
            "{name}"
        );
    }
}

#[test]
fn public_keys_fingerprint_like_openssl() {
    let reference = openssl_fingerprint("rsa2048-public.pem", true);
    for name in [
        "rsa2048-public.pem",
        "rsa2048-rsapublic.pem",
        "rsa2048-pkcs1.pem",
        "rsa2048-bag-with-cert.pem",
    ] {
        let public =
            key::public_key_from_pem(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(public.fingerprint().to_string(), reference, "{name}");
    }
}

#[test]
fn small_keys_are_accepted_with_a_warning() {
    let key = PrivateKey::from_pem(&read("rsa1024-pkcs1.pem")).unwrap();
    assert_eq!(
        key.public_key().warnings(),
        vec![KeyWarning::SmallKey { bits: 1024 }]
    );
    assert!(key.public_key().warnings()[0].to_string().contains("2048"));
}

#[test]
fn refused_keys_say_why_and_what_to_do() {
    type Case = (&'static str, fn(&KeyError) -> bool, &'static str);
    let cases: &[Case] = &[
        (
            "encrypted-pkcs8.pem",
            |e| *e == KeyError::Encrypted,
            "passphrase",
        ),
        (
            "encrypted-pkcs1.pem",
            |e| *e == KeyError::Encrypted,
            "openssl pkey",
        ),
        (
            "ec-sec1.pem",
            |e| matches!(e, KeyError::NotRsa { .. }),
            "elliptic-curve",
        ),
        (
            "ec-pkcs8.pem",
            |e| matches!(e, KeyError::NotRsa { .. }),
            "elliptic-curve",
        ),
        (
            "ed25519.pem",
            |e| matches!(e, KeyError::NotRsa { .. }),
            "Ed25519",
        ),
        ("dsa.pem", |e| matches!(e, KeyError::NotRsa { .. }), "DSA"),
        (
            "dsa-pkcs8.pem",
            |e| matches!(e, KeyError::NotRsa { .. }),
            "DSA",
        ),
        ("cert.pem", |e| *e == KeyError::Certificate, "certificate"),
        (
            "rsa2048-public.pem",
            |e| *e == KeyError::PublicKeyOnly,
            "public key",
        ),
        (
            "truncated.pem",
            |e| matches!(e, KeyError::Truncated { .. }),
            "cut short",
        ),
        (
            "corrupt-base64.pem",
            |e| matches!(e, KeyError::Corrupt { .. }),
            "corrupt",
        ),
        ("rsa2048.der", |e| *e == KeyError::Binary, "binary"),
    ];
    for (name, is_expected, words) in cases {
        let err = PrivateKey::from_pem(&read(name)).expect_err(name);
        assert!(is_expected(&err), "{name}: got {err:?}");
        assert!(err.to_string().contains(words), "{name}: {err}");
    }
}

#[test]
fn jwt_claims_follow_githubs_rules() {
    use base64::Engine;
    let key = PrivateKey::from_pem(&read("rsa2048-pkcs1.pem")).unwrap();
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let signed = jwt::sign(&key, &jwt::Issuer::new(123, None), now).unwrap();
    let parts: Vec<&str> = signed.jwt.expose_secret().split('.').collect();
    let decode = |part: &str| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    assert_eq!(decode(parts[0])["alg"], "RS256");
    let claims = decode(parts[1]);
    assert_eq!(claims["iss"], "123", "iss is a string");
    assert_eq!(claims["iat"], 1_800_000_000 - 60);
    assert!(claims["exp"].as_i64().unwrap() <= 1_800_000_000 + 600);
    let with_client = jwt::sign(&key, &jwt::Issuer::new(123, Some("Iv23liABC")), now).unwrap();
    assert!(
        decode(with_client.jwt.expose_secret().split('.').nth(1).unwrap())["iss"] == "Iv23liABC"
    );
}

#[test]
fn signer_makes_one_jwt_per_window_the_same_in_every_signer() {
    use base64::Engine;
    let key = || PrivateKey::from_pem(&read("rsa2048-pkcs1.pem")).unwrap();
    let claims = |jwt: &appwarden_core::Jwt| {
        let part = jwt.expose_secret().split('.').nth(1).unwrap().to_owned();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    let start = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    assert_eq!(
        jwt::window_start(start),
        start,
        "1,800,000,000 is a multiple of 300"
    );
    let signer = jwt::JwtSigner::new(key(), 1, None);
    let first = signer.jwt(start + chrono::Duration::seconds(10)).unwrap();
    // Another signer (another process) later in the same window makes the very same JWT.
    let other = jwt::JwtSigner::new(key(), 1, None);
    assert_eq!(
        other.jwt(start + chrono::Duration::seconds(299)).unwrap(),
        first
    );
    assert_eq!(
        signer.jwt(start + chrono::Duration::seconds(200)).unwrap(),
        first
    );
    let c = claims(&first);
    assert_eq!(
        c["iat"],
        1_800_000_000 - 60,
        "60 s before the window's start"
    );
    assert_eq!(c["exp"], 1_800_000_000 + 540, "ten minutes after iat");
    // Even used at the window's last second it has over four minutes left.
    assert!(c["exp"].as_i64().unwrap() - (1_800_000_000 + 299) > 240);
    // The next window: a new JWT.
    let next = signer.jwt(start + chrono::Duration::seconds(300)).unwrap();
    assert_ne!(next, first);
    assert_eq!(claims(&next)["iat"], 1_800_000_000 + 300 - 60);

    // The issuer: the client ID when known, the app ID after falling back.
    let with_client = jwt::JwtSigner::new(key(), 7, Some("Iv23liABC"));
    assert!(with_client.uses_client_id());
    assert_eq!(claims(&with_client.jwt(start).unwrap())["iss"], "Iv23liABC");
    assert!(with_client.use_app_id(), "the issuer changed");
    assert!(!with_client.use_app_id(), "only once");
    assert_eq!(claims(&with_client.jwt(start).unwrap())["iss"], "7");
}

#[test]
fn fingerprint_compare_accepts_pasted_forms() {
    let key = PrivateKey::from_pem(&read("rsa2048-pkcs1.pem")).unwrap();
    let shown = key.fingerprint().to_string();
    let bare = shown.trim_start_matches("SHA256:").trim_end_matches('=');
    assert_eq!(
        Fingerprint::parse(&format!("  {bare}\n")).unwrap(),
        key.fingerprint()
    );
}
