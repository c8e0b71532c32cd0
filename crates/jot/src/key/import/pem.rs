//! PEM (RFC 7468) blocks: finding them in text and decoding one.
//!
//! Files in the wild hold several blocks (a key after `EC PARAMETERS`, a
//! certificate chain, a key next to its certificate). The first block with a
//! label Jot imports is used and the others are ignored.

use crate::error::{InvalidKey, PemError};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The labels Jot imports, each naming exactly one DER structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`.
    PrivateKey,
    /// PKCS#8 `EncryptedPrivateKeyInfo`.
    EncryptedPrivateKey,
    /// PKCS#1 `RSAPrivateKey`.
    RsaPrivateKey,
    /// SEC1 `ECPrivateKey`.
    EcPrivateKey,
    /// `SubjectPublicKeyInfo`.
    PublicKey,
    /// PKCS#1 `RSAPublicKey`.
    RsaPublicKey,
    /// X.509 `Certificate`.
    Certificate,
}

impl Label {
    fn from_text(s: &str) -> Option<Self> {
        Some(match s {
            "PRIVATE KEY" => Label::PrivateKey,
            "ENCRYPTED PRIVATE KEY" => Label::EncryptedPrivateKey,
            "RSA PRIVATE KEY" => Label::RsaPrivateKey,
            "EC PRIVATE KEY" => Label::EcPrivateKey,
            "PUBLIC KEY" => Label::PublicKey,
            "RSA PUBLIC KEY" => Label::RsaPublicKey,
            "CERTIFICATE" => Label::Certificate,
            _ => return None,
        })
    }
}

const BEGIN: &str = "-----BEGIN ";
const DASHES: &str = "-----";

/// The first importable block: its label and DER contents (zeroized on drop,
/// as it may be a private key).
pub(crate) fn first_block(pem: &str) -> Result<(Label, Zeroizing<Vec<u8>>)> {
    let mut rest = pem;
    // The first unsupported label, to name it if nothing else is found.
    let mut skipped: Option<&str> = None;
    // Every offset below comes from `find` on ASCII markers, so it is a
    // character boundary; `get` turns a mistake into an error, not a panic.
    let malformed = || Error::InvalidKey(InvalidKey::Pem(PemError::BeginLine));
    while let Some(start) = rest.find(BEGIN) {
        let after = rest.get(start + BEGIN.len()..).ok_or_else(malformed)?;
        let (label_text, _) = after
            .split_once(DASHES)
            .filter(|(label, _)| !label.contains('\n'))
            .ok_or_else(malformed)?;
        let end_line = format!("-----END {label_text}-----");
        let end = after
            .find(&end_line)
            .ok_or(Error::InvalidKey(InvalidKey::Pem(PemError::Unterminated)))?;
        let block_end = start + BEGIN.len() + end + end_line.len();
        let (Some(block), Some(next)) = (rest.get(start..block_end), rest.get(block_end..)) else {
            return Err(malformed());
        };
        rest = next;
        match Label::from_text(label_text) {
            Some(label) => return Ok((label, decode(block)?)),
            None => skipped = skipped.or(Some(label_text)),
        }
    }
    Err(match skipped {
        None => Error::InvalidKey(InvalidKey::Pem(PemError::NoBlock)),
        Some(label) => Error::InvalidKey(InvalidKey::Pem(PemError::UnsupportedLabel(
            label.to_owned(),
        ))),
    })
}

fn decode(block: &str) -> Result<Zeroizing<Vec<u8>>> {
    if block.contains("Proc-Type:") || block.contains("DEK-Info:") {
        // RFC 1421-style encryption: unauthenticated, MD5-based key
        // derivation, and not PEM under RFC 7468.
        return Err(Error::InvalidKey(InvalidKey::Pem(
            PemError::LegacyEncryption,
        )));
    }
    let bad = || Error::InvalidKey(InvalidKey::Pem(PemError::Base64));
    // Line width is detected rather than fixed at 64: some tools wrap at 76
    // or not at all, and the width carries no meaning.
    let mut decoder = der::pem::Decoder::new_detect_wrap(block.as_bytes()).map_err(|_| bad())?;
    let mut buf = Zeroizing::new(Vec::new());
    decoder.decode_to_end(&mut buf).map_err(|_| bad())?;
    if buf.is_empty() {
        return Err(Error::InvalidKey(InvalidKey::Pem(PemError::Empty)));
    }
    Ok(buf)
}

/// PEM text for DER contents, wrapped at 64 columns with LF line endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> Result<String> {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der)
        .map_err(|_| Error::InvalidKey(InvalidKey::Encode))
}
