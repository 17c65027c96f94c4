//! A tolerant PEM scanner.
//!
//! Real key files are messy: CRLF line endings, a UTF-8 byte order mark, openssl's
//! "Bag Attributes" text before the block, several blocks (a key and a certificate) in one
//! file, RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED`. This module finds every
//! `-----BEGIN X-----` … `-----END X-----` block and decodes its base64 body, reporting a
//! block that never ends or whose body is not base64 instead of guessing.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

/// One decoded PEM block.
#[derive(Debug)]
pub struct PemBlock {
    /// The label between `BEGIN ` and the dashes, e.g. `RSA PRIVATE KEY`.
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`), as `(name, value)`.
    pub headers: Vec<(String, String)>,
    /// The decoded body. It may hold private key material, so it is wiped on drop.
    pub der: zeroize::Zeroizing<Vec<u8>>,
}

impl PemBlock {
    /// True when legacy OpenSSL encryption headers mark the body as encrypted.
    pub fn has_encryption_headers(&self) -> bool {
        self.headers.iter().any(|(name, value)| {
            (name.eq_ignore_ascii_case("Proc-Type") && value.contains("ENCRYPTED"))
                || name.eq_ignore_ascii_case("DEK-Info")
        })
    }
}

/// What went wrong while scanning.
#[derive(Debug, PartialEq, Eq)]
pub enum PemProblem {
    /// A `BEGIN` line with no matching `END` line: the file was cut short.
    Truncated { label: String },
    /// The body between the markers is not valid base64.
    BadBase64 { label: String },
}

const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Finds and decodes every PEM block in `text`, in order.
pub fn scan(text: &str) -> Result<Vec<PemBlock>, PemProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut blocks = Vec::new();
    let mut lines = text
        .lines()
        .map(|line| line.trim_matches(|c: char| c.is_whitespace()));
    while let Some(line) = lines.next() {
        let Some(label) = marker(line, "BEGIN") else {
            continue;
        };
        let mut headers = Vec::new();
        let mut body = zeroize::Zeroizing::new(String::new());
        let mut ended = false;
        for line in lines.by_ref() {
            if let Some(end_label) = marker(line, "END") {
                ended = end_label == label;
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            } else {
                body.push_str(line);
            }
        }
        if !ended {
            return Err(PemProblem::Truncated {
                label: label.to_owned(),
            });
        }
        let der = LENIENT_BASE64
            .decode(body.as_bytes())
            .or_else(|_| general_purpose::STANDARD.decode(body.as_bytes()))
            .map_err(|_| PemProblem::BadBase64 {
                label: label.to_owned(),
            })?;
        blocks.push(PemBlock {
            label: label.to_owned(),
            headers,
            der: der.into(),
        });
    }
    Ok(blocks)
}

fn marker<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix("-----")?
        .strip_prefix(kind)?
        .strip_prefix(' ')?;
    rest.strip_suffix("-----").map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_among_noise_and_crlf() {
        let text = "\u{feff}Bag Attributes\r\n    localKeyID: 01\r\n-----BEGIN THING-----\r\nAQID\r\n\r\n-----END THING-----\r\n-----BEGIN OTHER-----\nBA\n-----END OTHER-----\n";
        let blocks = scan(text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "THING");
        assert_eq!(&*blocks[0].der, &[1, 2, 3]);
        assert_eq!(&*blocks[1].der, &[4]);
    }

    #[test]
    fn reports_truncation_and_bad_base64() {
        assert_eq!(
            scan("-----BEGIN RSA PRIVATE KEY-----\nAQID\n").unwrap_err(),
            PemProblem::Truncated {
                label: "RSA PRIVATE KEY".into()
            }
        );
        assert_eq!(
            scan("-----BEGIN X-----\n!!!\n-----END X-----").unwrap_err(),
            PemProblem::BadBase64 { label: "X".into() }
        );
    }

    #[test]
    fn reads_legacy_encryption_headers() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAQID\n-----END RSA PRIVATE KEY-----";
        let blocks = scan(text).unwrap();
        assert!(blocks[0].has_encryption_headers());
    }
}
