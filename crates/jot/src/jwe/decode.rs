//! Reading a JWE's headers **without decrypting it**, in any serialization:
//! for display and debugging. The content stays ciphertext.
//!
//! The same limits and strict decoding as decryption apply (token and
//! header sizes, number of recipients, strict base64url for every part, no
//! duplicate JSON members at any depth, disjoint header sources), so an
//! inspector shows only what a decrypter would parse. Algorithm names are
//! not checked: showing a token with an unknown `alg` is the point.

use crate::error::HeaderProblem;
use crate::error::Malformed;
use serde_json::{Map, Value};

use crate::encoding::{b64, json};
use crate::error::{Error, Part, Result};
use crate::format::{self, Format, Serialization};
use crate::jws::decode::protected_header;
use crate::limits::Limits;

/// A JWE that has **not** been decrypted: its headers and encoded parts.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedJwe {
    /// Compact, general or flattened.
    pub serialization: Serialization,
    /// The protected header (empty when a JSON JWE has none).
    pub protected: Map<String, Value>,
    /// The shared unprotected header (`unprotected`, JSON only).
    pub unprotected: Option<Map<String, Value>>,
    /// The recipients, in order (one for compact and flattened).
    pub recipients: Vec<UnverifiedRecipient>,
    /// The initialization vector.
    pub iv: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The authentication tag.
    pub tag: Vec<u8>,
    /// The `aad` member (JSON only).
    pub aad: Option<Vec<u8>>,
}

/// One recipient of an [`UnverifiedJwe`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedRecipient {
    /// The per-recipient unprotected header (JSON only).
    pub header: Option<Map<String, Value>>,
    /// The encrypted key (empty for `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
}

/// Decodes a compact or JSON JWE **without decrypting it**, under
/// `limits`. A JWS is [`Error::NotJwe`].
///
/// ```
/// use jot::jwe::decode_unverified;
/// use jot::limits::Limits;
/// // RFC 7516 Appendix A.3's header, with empty parts after it.
/// let jwe = decode_unverified(
///     "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0....",
///     &Limits::default(),
/// )?;
/// assert_eq!(jwe.protected["alg"], "A128KW");
/// # Ok::<(), jot::Error>(())
/// ```
pub fn decode_unverified(jwe: &str, limits: &Limits) -> Result<UnverifiedJwe> {
    match format::detect_parsed(jwe, limits)? {
        (Format::CompactJwe, _) => compact(jwe, limits),
        (Format::JsonJwe, Some(root)) => from_json(&root, limits),
        _ => Err(Error::NotJwe),
    }
}

fn compact(token: &str, limits: &Limits) -> Result<UnverifiedJwe> {
    let [h, ek, iv, ct, tag] = super::compact::split(token)?;
    Ok(UnverifiedJwe {
        serialization: Serialization::Compact,
        protected: protected_header(h, limits)?,
        unprotected: None,
        recipients: vec![UnverifiedRecipient {
            header: None,
            encrypted_key: b64::decode(ek, Part::EncryptedKey)?,
        }],
        iv: b64::decode(iv, Part::Iv)?,
        ciphertext: b64::decode(ct, Part::Ciphertext)?,
        tag: b64::decode(tag, Part::Tag)?,
        aad: None,
    })
}

/// A parsed JWE JSON document (the format detector parsed it once).
pub(crate) fn from_json(root: &Map<String, Value>, limits: &Limits) -> Result<UnverifiedJwe> {
    let protected = match json::member_str(root, "protected")? {
        Some(p) => protected_header(p, limits)?,
        None => Map::new(),
    };
    let unprotected = json::member_obj(root, "unprotected")?;
    let (serialization, entries) =
        format::entries(root, &format::RECIPIENTS, limits.max_recipients)?;
    let mut recipients = Vec::with_capacity(entries.len());
    for r in entries {
        let header = json::member_obj(r, "header")?;
        disjoint(&protected, unprotected, header)?;
        recipients.push(UnverifiedRecipient {
            header: header.cloned(),
            encrypted_key: b64::decode(
                json::member_str(r, "encrypted_key")?.unwrap_or(""),
                Part::EncryptedKey,
            )?,
        });
    }
    let part = |name: &'static str, part: Part| -> Result<Vec<u8>> {
        b64::decode(json::member_str(root, name)?.unwrap_or(""), part)
    };
    Ok(UnverifiedJwe {
        serialization,
        unprotected: unprotected.cloned(),
        recipients,
        iv: part("iv", Part::Iv)?,
        ciphertext: b64::decode(
            json::member_str(root, "ciphertext")?
                .ok_or(Error::Malformed(Malformed::MissingMember("ciphertext")))?,
            Part::Ciphertext,
        )?,
        tag: part("tag", Part::Tag)?,
        aad: json::member_str(root, "aad")?
            .map(|a| b64::decode(a, Part::Aad))
            .transpose()?,
        protected,
    })
}

/// RFC 7516 §7.2.1: the protected, shared and per-recipient headers have no
/// member in common.
fn disjoint(
    protected: &Map<String, Value>,
    shared: Option<&Map<String, Value>>,
    recipient: Option<&Map<String, Value>>,
) -> Result<()> {
    let shared_keys = shared.into_iter().flat_map(Map::keys);
    for k in shared_keys.clone() {
        if protected.contains_key(k) {
            return Err(Error::header(k, HeaderProblem::Duplicate));
        }
    }
    for k in recipient.into_iter().flat_map(Map::keys) {
        if protected.contains_key(k) || shared.is_some_and(|s| s.contains_key(k)) {
            return Err(Error::header(k, HeaderProblem::Duplicate));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwe::{self, ContentEncryption, EncryptOptions, EncryptionKey, KeyManagement};

    fn dec(token: &str) -> Result<UnverifiedJwe> {
        decode_unverified(token, &Limits::default())
    }

    fn key() -> EncryptionKey {
        EncryptionKey::secret(&[1u8; 16], KeyManagement::from_name("A128KW").unwrap()).unwrap()
    }

    #[test]
    fn every_serialization() {
        let opts = EncryptOptions::new(ContentEncryption::A128Gcm);
        let c = dec(&jwe::compact::encrypt(b"secret", &key(), &opts).unwrap()).unwrap();
        assert_eq!(c.serialization, Serialization::Compact);
        assert_eq!(c.protected["alg"], "A128KW");
        assert_eq!(c.recipients[0].encrypted_key.len(), 24);
        assert_eq!(c.ciphertext.len(), 6);
        assert_eq!(c.tag.len(), 16);

        let k = key();
        let r = [jwe::Recipient::new(&k), jwe::Recipient::new(&k)];
        let g = dec(&jwe::json::encrypt_general(b"secret", &r, &opts).unwrap()).unwrap();
        assert_eq!(g.serialization, Serialization::General);
        assert_eq!(g.recipients.len(), 2);

        let f = dec(&jwe::json::encrypt_flattened(b"secret", &r[0], &opts).unwrap()).unwrap();
        assert_eq!(f.serialization, Serialization::Flattened);
        assert_eq!(f.protected["enc"], "A128GCM");
    }

    #[test]
    fn strict_like_decryption() {
        assert!(matches!(dec("a.b.c"), Err(Error::NotJwe)));
        let dup = format!("{}....", b64::encode(br#"{"alg":"dir","alg":"x"}"#));
        assert!(matches!(dec(&dup), Err(Error::DuplicateMember(..))));
        let bad_iv = format!("{}..a=..", b64::encode(br#"{"alg":"dir"}"#));
        assert!(matches!(dec(&bad_iv), Err(Error::Base64(Part::Iv))));
        let overlap = format!(
            r#"{{"protected":"{}","header":{{"alg":"dir"}},"ciphertext":""}}"#,
            b64::encode(br#"{"alg":"dir","enc":"A128GCM"}"#)
        );
        assert!(matches!(dec(&overlap), Err(Error::InvalidHeader { .. })));
        let shared_overlap =
            r#"{"unprotected":{"kid":"a"},"recipients":[{"header":{"kid":"b"}}],"ciphertext":""}"#;
        assert!(matches!(
            dec(shared_overlap),
            Err(Error::InvalidHeader { .. })
        ));
        let deep_dup = r#"{"unprotected":{"kid":"a","kid":"b"},"ciphertext":""}"#;
        assert!(matches!(dec(deep_dup), Err(Error::DuplicateMember(..))));
        let many = format!(
            r#"{{"recipients":[{}],"ciphertext":""}}"#,
            vec!["{}"; 17].join(",")
        );
        assert!(matches!(
            dec(&many),
            Err(Error::TooLarge {
                what: "recipients",
                ..
            })
        ));
        let header_limit = Limits {
            max_header_len: 8,
            ..Limits::default()
        };
        let long = format!("{}....", b64::encode(br#"{"alg":"dir","enc":"A128GCM"}"#));
        assert!(matches!(
            decode_unverified(&long, &header_limit),
            Err(Error::TooLarge {
                what: "protected header",
                ..
            })
        ));
    }
}
