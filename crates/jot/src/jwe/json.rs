//! JWE JSON serialization (RFC 7516 §7.2): general (several recipients) and
//! flattened.

use crate::error::Malformed;
use serde_json::{Map, Value};

use super::compact::Decrypted;
use super::decrypt::{
    open_content, resolve_checked, unwrap_cek, DecryptOptions, DecryptionKeyResolver,
};
use super::encrypt::{produce, EncryptOptions, Recipient};
use super::header;
use crate::encoding::{b64, json};
use crate::error::{Error, Part, Result};
use crate::format;

fn output(p: super::encrypt::Produced, opts: &EncryptOptions, flattened: bool) -> String {
    let mut out = Map::new();
    if !p.protected_b64.is_empty() {
        out.insert("protected".into(), Value::String(p.protected_b64));
    }
    if let Some(u) = &opts.unprotected {
        out.insert("unprotected".into(), Value::Object(u.clone()));
    }
    let entry = |(h, ek): (Option<super::encrypt::HeaderMap>, Vec<u8>)| {
        let mut r = Map::new();
        if let Some(h) = h {
            r.insert("header".into(), Value::Object(h));
        }
        if !ek.is_empty() {
            r.insert("encrypted_key".into(), Value::String(b64::encode(ek)));
        }
        r
    };
    if flattened {
        if let Some(r) = p.recipients.into_iter().next() {
            out.extend(entry(r));
        }
    } else {
        let list = p
            .recipients
            .into_iter()
            .map(|r| Value::Object(entry(r)))
            .collect();
        out.insert("recipients".into(), Value::Array(list));
    }
    if let Some(a) = p.aad_b64 {
        out.insert("aad".into(), Value::String(a));
    }
    out.insert("iv".into(), Value::String(b64::encode(&p.iv)));
    out.insert(
        "ciphertext".into(),
        Value::String(b64::encode(&p.ciphertext)),
    );
    out.insert("tag".into(), Value::String(b64::encode(&p.tag)));
    Value::Object(out).to_string()
}

/// Encrypts to several recipients (general JSON serialization).
pub fn encrypt_general(
    plaintext: &[u8],
    recipients: &[Recipient<'_>],
    opts: &EncryptOptions,
) -> Result<String> {
    Ok(output(
        produce(plaintext, recipients, opts, false)?,
        opts,
        false,
    ))
}

/// Encrypts to one recipient (flattened JSON serialization).
pub fn encrypt_flattened(
    plaintext: &[u8],
    recipient: &Recipient<'_>,
    opts: &EncryptOptions,
) -> Result<String> {
    Ok(output(
        produce(plaintext, std::slice::from_ref(recipient), opts, false)?,
        opts,
        true,
    ))
}

/// Decrypts a general or flattened JSON JWE with the first recipient whose
/// key the resolver supplies and which decrypts; reports which one.
pub fn decrypt(
    jwe: &str,
    keys: &impl DecryptionKeyResolver,
    opts: &DecryptOptions,
) -> Result<Decrypted> {
    let limits = &opts.limits;
    limits.check_token_len(jwe.len())?;
    let root = json::parse_object_deep(jwe.as_bytes(), limits.max_json_depth, Part::Payload)?;
    if ["payload", "signatures", "signature"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return Err(Error::NotJwe);
    }
    let protected_b64 = json::member_str(&root, "protected")?.unwrap_or("");
    limits.check_header_b64_len(protected_b64.len())?;
    let protected = b64::decode(protected_b64, Part::Header)?;
    let shared = json::member_obj(&root, "unprotected")?;
    let aad_b64 = json::member_str(&root, "aad")?;
    let iv = b64::decode(json::member_str(&root, "iv")?.unwrap_or(""), Part::Iv)?;
    let ct = b64::decode(
        json::member_str(&root, "ciphertext")?
            .ok_or(Error::Malformed(Malformed::MissingMember("ciphertext")))?,
        Part::Ciphertext,
    )?;
    let tag = b64::decode(json::member_str(&root, "tag")?.unwrap_or(""), Part::Tag)?;
    let (_, entries) = format::entries(&root, &format::RECIPIENTS, limits.max_recipients)?;
    let mut aad = protected_b64.as_bytes().to_vec();
    if let Some(a) = aad_b64 {
        aad.push(b'.');
        aad.extend_from_slice(a.as_bytes());
    }
    let aad_bytes = aad_b64.map(|a| b64::decode(a, Part::Aad)).transpose()?;
    // A recipient whose alg the caller does not accept, or for whom no key
    // resolves, may be someone else's: it is skipped. The error of an
    // attempted decryption says more than a skipped recipient's.
    let mut skipped_err = None;
    let mut first_err = None;
    for (i, r) in entries.iter().enumerate() {
        let h = header::parse(&protected, shared, json::member_obj(r, "header")?, limits)?;
        let key = match opts.check(&h).and_then(|()| resolve_checked(keys, &h)) {
            Ok(k) => k,
            Err(e) => {
                skipped_err.get_or_insert(e);
                continue;
            }
        };
        let ek = b64::decode(
            json::member_str(r, "encrypted_key")?.unwrap_or(""),
            Part::EncryptedKey,
        )?;
        let result = unwrap_cek(&key, &h, &ek, limits)
            .and_then(|cek| open_content(&h, &cek, &aad, &iv, &ct, &tag, limits));
        match result {
            Ok(plaintext) => {
                return Ok(Decrypted {
                    header: h,
                    plaintext,
                    recipient_index: i,
                    aad: aad_bytes,
                })
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.or(skipped_err).unwrap_or(Error::DecryptionFailed))
}
