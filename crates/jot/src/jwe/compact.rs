//! Compact JWE: `header.encrypted_key.iv.ciphertext.tag` (RFC 7516 §7.1).

use super::decrypt::{
    open_content, resolve_checked, unwrap_cek, DecryptOptions, DecryptionKeyResolver,
};
use super::encrypt::{produce, EncryptOptions, Recipient};
use super::header::{self, JweHeader};
use super::key::EncryptionKey;
use crate::encoding::b64;
use crate::error::Malformed;
use crate::error::{Error, Part, Result};
use crate::limits::Limits;

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq)]
pub struct Decrypted {
    /// The merged header of the recipient that decrypted.
    pub header: JweHeader,
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// Which recipient decrypted (0 for compact and flattened).
    pub recipient_index: usize,
    /// The `aad` member, if the JWE had one (JSON only).
    pub aad: Option<Vec<u8>>,
}

/// Encrypts `plaintext` to one recipient.
pub fn encrypt(plaintext: &[u8], key: &EncryptionKey, opts: &EncryptOptions) -> Result<String> {
    encrypt_one(plaintext, &Recipient::new(key), opts)
}

/// [`encrypt`] with a full [`Recipient`], whose fixed inputs reproduce
/// published vectors (feature `test-vectors`).
#[cfg(feature = "test-vectors")]
pub fn encrypt_to(
    plaintext: &[u8],
    recipient: &Recipient<'_>,
    opts: &EncryptOptions,
) -> Result<String> {
    encrypt_one(plaintext, recipient, opts)
}

fn encrypt_one(
    plaintext: &[u8],
    recipient: &Recipient<'_>,
    opts: &EncryptOptions,
) -> Result<String> {
    let p = produce(plaintext, std::slice::from_ref(recipient), opts, true)?;
    let ek: &[u8] = p.recipients.first().map_or(&[], |r| &r.1);
    let mut out = p.protected_b64;
    for part in [ek, &p.iv, &p.ciphertext, &p.tag] {
        out.push('.');
        b64::encode_into(part, &mut out);
    }
    Ok(out)
}

/// Decrypts a compact JWE.
pub fn decrypt(
    token: &str,
    keys: &impl DecryptionKeyResolver,
    opts: &DecryptOptions,
) -> Result<Decrypted> {
    let limits = &opts.limits;
    limits.check_token_len(token.len())?;
    let [h, ek, iv, ct, tag] = split(token)?;
    limits.check_header_b64_len(h.len())?;
    let protected = b64::decode(h, Part::Header)?;
    let header: JweHeader = header::parse(&protected, None, None, limits)?;
    opts.check(&header)?;
    let key = resolve_checked(keys, &header)?;
    let ek = b64::decode(ek, Part::EncryptedKey)?;
    let iv = b64::decode(iv, Part::Iv)?;
    let ct = b64::decode(ct, Part::Ciphertext)?;
    let tag = b64::decode(tag, Part::Tag)?;
    let cek = unwrap_cek(&key, &header, &ek, limits)?;
    let plaintext = open_content(&header, &cek, h.as_bytes(), &iv, &ct, &tag, limits)?;
    Ok(Decrypted {
        header,
        plaintext,
        recipient_index: 0,
        aad: None,
    })
}

/// The five segments of a compact JWE. `splitn` bounds the work whatever
/// the number of dots.
pub(crate) fn split(token: &str) -> Result<[&str; 5]> {
    let mut it = token.splitn(6, '.');
    let mut parts = [""; 5];
    let mut n = 0;
    for (slot, part) in parts.iter_mut().zip(&mut it) {
        *slot = part;
        n += 1;
    }
    match (n, it.next()) {
        (5, None) => Ok(parts),
        (3, _) => Err(Error::NotJwe),
        _ => Err(Error::Malformed(Malformed::JweSegments)),
    }
}

/// The protected header of a compact JWE, **without decrypting** (for
/// display and key selection), under `limits` (`&Limits::default()` for
/// the defaults).
pub fn decode_header(
    token: &str,
    limits: &Limits,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    limits.check_token_len(token.len())?;
    let [h, ..] = split(token).map_err(|_| Error::NotJwe)?;
    limits.check_header_b64_len(h.len())?;
    crate::encoding::json::parse_object(
        &b64::decode(h, Part::Header)?,
        limits.max_json_depth,
        Part::Header,
    )
}
