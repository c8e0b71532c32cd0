//! Reading a JWS **without verifying it**, in any serialization: for
//! display and debugging (a token inspector, `jot decode`), never for
//! trusting what it says.
//!
//! The same limits and the same strict decoding as verification apply
//! (token and header sizes, number of signatures, strict base64url, no
//! duplicate JSON members, bounded depth, `b64` agreed by every
//! signature), so an inspector shows only what a verifier would parse.
//! The header *rules* (known `alg`, `crit`) are not applied: showing a
//! token that uses `alg: none` or an unknown extension is the point.

use crate::error::Malformed;
use crate::error::{HeaderProblem, JsonType};
use serde_json::{Map, Value};

use crate::encoding::{b64, json};
use crate::error::{Error, Part, Result};
use crate::format::{self, Format, Serialization};
use crate::limits::Limits;

/// A JWS whose signatures have **not** been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedJws {
    /// Compact, general or flattened.
    pub serialization: Serialization,
    /// The payload bytes (raw when `b64` is false). `None` only for a JSON
    /// serialization without a `payload` member (a detached payload, RFC
    /// 7515 Appendix F); a compact JWS always has one, possibly empty.
    pub payload: Option<Vec<u8>>,
    /// Whether the payload is unencoded (`b64: false`, RFC 7797).
    pub unencoded: bool,
    /// The signatures, in order (one for compact and flattened).
    pub signatures: Vec<UnverifiedSignature>,
}

/// One signature of an [`UnverifiedJws`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedSignature {
    /// The protected header (empty when a JSON entry has none).
    pub protected: Map<String, Value>,
    /// The unprotected header of a JSON entry.
    pub unprotected: Option<Map<String, Value>>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Decodes a compact or JSON JWS **without verifying it**, under `limits`.
/// A JWE is [`Error::NotJws`].
///
/// ```
/// use jot::jws::decode_unverified;
/// use jot::limits::Limits;
/// let jws = decode_unverified("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", &Limits::default())?;
/// assert_eq!(jws.signatures[0].protected["alg"], "none");
/// assert_eq!(jws.payload.as_deref(), Some(&br#"{"sub":"x"}"#[..]));
/// # Ok::<(), jot::Error>(())
/// ```
pub fn decode_unverified(jws: &str, limits: &Limits) -> Result<UnverifiedJws> {
    match format::detect_parsed(jws, limits)? {
        (Format::CompactJws, _) => compact(jws, limits),
        (Format::JsonJws, Some(root)) => from_json(&root, limits),
        _ => Err(Error::NotJws),
    }
}

fn compact(token: &str, limits: &Limits) -> Result<UnverifiedJws> {
    let parts = crate::jws::compact::split(token, limits)?;
    let protected = protected_header(parts.header, limits)?;
    let unencoded = is_unencoded(&protected)?;
    let payload = if unencoded {
        parts.payload.as_bytes().to_vec()
    } else {
        b64::decode(parts.payload, Part::Payload)?
    };
    Ok(UnverifiedJws {
        serialization: Serialization::Compact,
        payload: Some(payload),
        unencoded,
        signatures: vec![UnverifiedSignature {
            protected,
            unprotected: None,
            signature: b64::decode(parts.signature, Part::Signature)?,
        }],
    })
}

/// A parsed JWS JSON document (the format detector parsed it once).
pub(crate) fn from_json(root: &Map<String, Value>, limits: &Limits) -> Result<UnverifiedJws> {
    let (serialization, entries) =
        format::entries(root, &format::SIGNATURES, limits.max_signatures)?;
    let mut signatures = Vec::with_capacity(entries.len());
    let mut unencoded = None;
    for e in entries {
        let protected = match json::member_str(e, "protected")? {
            Some(p) => protected_header(p, limits)?,
            None => Map::new(),
        };
        let unprotected = json::member_obj(e, "header")?;
        if let Some(name) = unprotected
            .into_iter()
            .flat_map(Map::keys)
            .find(|k| protected.contains_key(*k))
        {
            // RFC 7515 §7.2.1: the two headers must be disjoint.
            return Err(Error::header(name, HeaderProblem::Duplicate));
        }
        let b64_false = is_unencoded(&protected)?;
        // RFC 7797 §3: every signature must agree on b64.
        if *unencoded.get_or_insert(b64_false) != b64_false {
            return Err(Error::header("b64", HeaderProblem::Disagreement));
        }
        let signature = json::member_str(e, "signature")?
            .ok_or(Error::Malformed(Malformed::MissingMember("signature")))?;
        signatures.push(UnverifiedSignature {
            protected,
            unprotected: unprotected.cloned(),
            signature: b64::decode(signature, Part::Signature)?,
        });
    }
    let unencoded = unencoded.unwrap_or(false);
    let payload = match json::member_str(root, "payload")? {
        None => None,
        Some(p) if unencoded => Some(p.as_bytes().to_vec()),
        Some(p) => Some(b64::decode(p, Part::Payload)?),
    };
    Ok(UnverifiedJws {
        serialization,
        payload,
        unencoded,
        signatures,
    })
}

/// A base64url protected header, size-checked before it is decoded.
pub(crate) fn protected_header(encoded: &str, limits: &Limits) -> Result<Map<String, Value>> {
    limits.check_header_b64_len(encoded.len())?;
    json::parse_object(
        &b64::decode(encoded, Part::Header)?,
        limits.max_json_depth,
        Part::Header,
    )
}

/// `b64` of a protected header: absent means true; anything but a boolean
/// is refused, as verification refuses it.
fn is_unencoded(protected: &Map<String, Value>) -> Result<bool> {
    match protected.get("b64") {
        None | Some(Value::Bool(true)) => Ok(false),
        Some(Value::Bool(false)) => Ok(true),
        Some(_) => Err(Error::header(
            "b64",
            HeaderProblem::WrongType(JsonType::Boolean),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::{compact, json as jws_json, Header};
    use crate::key::SigningKey;
    use crate::Algorithm;

    fn key() -> SigningKey {
        SigningKey::hmac(&[7u8; 32], Algorithm::HS256).unwrap()
    }

    fn dec(token: &str) -> Result<UnverifiedJws> {
        decode_unverified(token, &Limits::default())
    }

    #[test]
    fn every_serialization() {
        let k = key();
        let c = dec(&compact::sign(b"hi", &k).unwrap()).unwrap();
        assert_eq!(c.serialization, Serialization::Compact);
        assert_eq!(c.payload.as_deref(), Some(&b"hi"[..]));
        assert_eq!(c.signatures[0].protected["alg"], "HS256");
        assert_eq!(c.signatures[0].signature.len(), 32);

        let signer = jws_json::Signer::new(&k);
        let g = dec(&jws_json::sign_general(b"hi", &[signer], false).unwrap()).unwrap();
        assert_eq!(g.serialization, Serialization::General);
        assert_eq!(g.payload.as_deref(), Some(&b"hi"[..]));

        let signer = jws_json::Signer::new(&k);
        let f = dec(&jws_json::sign_flattened(b"hi", &signer, true).unwrap()).unwrap();
        assert_eq!(f.serialization, Serialization::Flattened);
        assert_eq!(f.payload, None, "detached");
    }

    #[test]
    fn empty_compact_payload_is_a_payload() {
        let c = dec(&compact::sign(b"", &key()).unwrap()).unwrap();
        assert_eq!(c.payload, Some(Vec::new()));
    }

    #[test]
    fn unencoded_payload_is_raw() {
        let mut h = Header::new(Algorithm::HS256);
        h.b64 = false;
        let token = compact::sign_with_header(b"$x", &key(), Some(&h)).unwrap();
        let c = dec(&token).unwrap();
        assert!(c.unencoded);
        assert_eq!(c.payload.as_deref(), Some(&b"$x"[..]));
    }

    #[test]
    fn strict_like_verification() {
        // duplicate header member, non-canonical base64, bad b64 type,
        // overlapping headers, too many signatures, a JWE.
        let dup = format!("{}.e30.", b64::encode(br#"{"alg":"HS256","alg":"none"}"#));
        assert!(matches!(dec(&dup), Err(Error::DuplicateMember(..))));
        assert!(matches!(
            dec("eyJhbGciOiJub25lIn0=.e30."),
            Err(Error::Base64(_))
        ));
        let b64_str = format!("{}.e30.", b64::encode(br#"{"alg":"HS256","b64":"no"}"#));
        assert!(matches!(dec(&b64_str), Err(Error::InvalidHeader { .. })));
        let overlap = format!(
            r#"{{"payload":"","protected":"{}","header":{{"alg":"HS256"}},"signature":""}}"#,
            b64::encode(br#"{"alg":"HS256"}"#)
        );
        assert!(matches!(dec(&overlap), Err(Error::InvalidHeader { .. })));
        let many = format!(
            r#"{{"payload":"","signatures":[{}]}}"#,
            vec![r#"{"signature":""}"#; 17].join(",")
        );
        assert!(matches!(
            dec(&many),
            Err(Error::TooLarge {
                what: "signatures",
                ..
            })
        ));
        assert!(matches!(dec("a.b.c.d.e"), Err(Error::NotJws)));
        let big = "a".repeat(70_000) + ".e30.";
        assert!(matches!(
            dec(&big),
            Err(Error::TooLarge { what: "token", .. })
        ));
        let mixed = format!(
            r#"{{"payload":"","signatures":[{{"protected":"{}","signature":""}},{{"protected":"{}","signature":""}}]}}"#,
            b64::encode(br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#),
            b64::encode(br#"{"alg":"HS256"}"#)
        );
        assert!(matches!(dec(&mixed), Err(Error::InvalidHeader { .. })));
    }
}
