//! Webhook signatures. GitHub signs each delivery's body with the webhook secret
//! (HMAC-SHA256) and sends the result as `X-Hub-Signature-256: sha256=<hex>`; checking it
//! proves a delivery came from GitHub and was not altered. The comparison takes the same
//! time whatever the input (the MAC library's constant-time check).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// A signature header that cannot be a GitHub signature at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{shown}\" is not an X-Hub-Signature-256 value: it looks like sha256= followed by 64 hex digits. Copy the whole header value from the delivery."
)]
pub struct SignatureFormatError {
    shown: String,
}

/// The `X-Hub-Signature-256` value for `payload` signed with `secret`.
pub fn sign(payload: &[u8], secret: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(payload);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Whether `header` (`sha256=<hex>`, as GitHub sends it, surrounding spaces allowed) is the
/// signature of `payload` with `secret`.
pub fn verify(payload: &[u8], secret: &[u8], header: &str) -> Result<bool, SignatureFormatError> {
    let value = header.trim();
    let malformed = || SignatureFormatError {
        shown: value.chars().take(80).collect(),
    };
    let hex = value
        .strip_prefix("sha256=")
        .or_else(|| value.strip_prefix("SHA256="))
        .ok_or_else(malformed)?;
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(malformed());
    }
    let expected = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| malformed())?;
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(payload);
    Ok(mac.verify_slice(&expected).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    // GitHub's documented example ("Validating webhook deliveries"), also what
    // `openssl dgst -sha256 -hmac` gives.
    const SECRET: &[u8] = b"It's a Secret to Everybody";
    const PAYLOAD: &[u8] = b"Hello, World!";
    const SIGNATURE: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn matches_githubs_example() {
        assert_eq!(sign(PAYLOAD, SECRET), SIGNATURE);
        assert_eq!(verify(PAYLOAD, SECRET, SIGNATURE), Ok(true));
        assert_eq!(
            verify(PAYLOAD, SECRET, &format!("  {SIGNATURE}\n")),
            Ok(true)
        );
    }

    #[test]
    fn a_changed_payload_secret_or_signature_is_invalid() {
        assert_eq!(verify(b"Hello, World?", SECRET, SIGNATURE), Ok(false));
        assert_eq!(verify(PAYLOAD, b"another secret", SIGNATURE), Ok(false));
        let mut flipped = SIGNATURE.to_owned();
        flipped.replace_range(70..71, "0");
        assert_eq!(verify(PAYLOAD, SECRET, &flipped), Ok(false));
    }

    #[test]
    fn malformed_headers_say_what_is_expected() {
        let multibyte = format!("sha256={}", "é".repeat(32));
        for header in [
            "",
            "sha1=abc",
            "757107ea0eb2",
            "sha256=zz",
            &SIGNATURE[..60],
            &multibyte,
        ] {
            let err = verify(PAYLOAD, SECRET, header).unwrap_err();
            assert!(err.to_string().contains("64 hex digits"), "{header}: {err}");
        }
    }
}
