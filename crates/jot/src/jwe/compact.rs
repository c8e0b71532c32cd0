//! Compact JWE: `header.encrypted_key.iv.ciphertext.tag` (RFC 7516 §7.1).

use super::decrypt::{open_content, unwrap_cek, DecryptOptions, DecryptionKeyResolver};
use super::encrypt::{produce, EncryptOptions, Recipient};
use super::header::{self, JweHeader};
use super::key::EncryptionKey;
use crate::encoding::b64;
use crate::error::{Error, Part, Result};

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
    encrypt_to(plaintext, &Recipient::new(key), opts)
}

/// [`encrypt`] with a full [`Recipient`] (fixed inputs for test vectors).
#[doc(hidden)]
pub fn encrypt_to(
    plaintext: &[u8],
    recipient: &Recipient<'_>,
    opts: &EncryptOptions,
) -> Result<String> {
    let p = produce(plaintext, std::slice::from_ref(recipient), opts, true)?;
    let ek = &p.recipients[0].1;
    let mut out = p.protected_b64;
    for part in [&ek[..], &p.iv, &p.ciphertext, &p.tag] {
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
    if token.len() > limits.max_token_len {
        return Err(Error::TooLarge {
            what: "token",
            actual: token.len(),
            limit: limits.max_token_len,
        });
    }
    let parts: Vec<&str> = token.splitn(6, '.').collect();
    let [h, ek, iv, ct, tag] = parts[..] else {
        if parts.len() == 3 {
            return Err(Error::NotJwe);
        }
        return Err(Error::malformed("a compact JWE has five segments"));
    };
    let protected = b64::decode(h, Part::Header)?;
    let header: JweHeader = header::parse(&protected, None, None, limits)?;
    opts.check(&header)?;
    let key = keys.resolve(&header)?;
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

/// The protected header of a compact JWE, **without decrypting** (for
/// display and key selection).
pub fn decode_header(token: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    let limits = crate::limits::Limits::default();
    if token.len() > limits.max_token_len {
        return Err(Error::TooLarge {
            what: "token",
            actual: token.len(),
            limit: limits.max_token_len,
        });
    }
    let h = token.split('.').next().unwrap_or_default();
    if token.split('.').count() != 5 {
        return Err(Error::NotJwe);
    }
    crate::encoding::json::parse_object(
        &b64::decode(h, Part::Header)?,
        limits.max_json_depth,
        Part::Header,
    )
}
