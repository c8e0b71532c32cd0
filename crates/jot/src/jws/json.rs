//! JWS JSON serialization (RFC 7515 §7.2): general (several signatures) and
//! flattened.

use crate::error::HeaderProblem;
use crate::error::Malformed;
use serde_json::{Map, Value};

use crate::encoding::{b64, json};
use crate::error::{Error, Part, Result};
use crate::format;
use crate::jws::KeyResolver;
use crate::jws::{header, header_for, signing_input, Header, VerifyOptions};
use crate::key::SigningKey;
use crate::limits::Limits;

/// One signer of a JSON JWS: its key, protected header (optional; `alg` and
/// `kid` are filled from the key) and unprotected header members.
pub struct Signer<'a> {
    /// The key.
    pub key: &'a SigningKey,
    /// Protected header; `None` means `{"alg":..., "kid":...}` from the key.
    pub protected: Option<Header>,
    /// Unprotected per-signature header members (`header`).
    pub unprotected: Option<Map<String, Value>>,
}

impl<'a> Signer<'a> {
    /// A signer with the default protected header and no unprotected one.
    pub fn new(key: &'a SigningKey) -> Self {
        Signer {
            key,
            protected: None,
            unprotected: None,
        }
    }
}

/// Produces a general JWS JSON with one signature per signer. With
/// `detached`, the `payload` member is omitted.
pub fn sign_general(payload: &[u8], signers: &[Signer<'_>], detached: bool) -> Result<String> {
    if signers.is_empty() {
        return Err(Error::Malformed(Malformed::NoSigners));
    }
    let mut sigs = Vec::with_capacity(signers.len());
    let mut b64_mode = None;
    for s in signers {
        let (entry, b64) = sign_one(payload, s)?;
        if *b64_mode.get_or_insert(b64) != b64 {
            return Err(Error::header("b64", HeaderProblem::Disagreement));
        }
        sigs.push(Value::Object(entry));
    }
    let mut out = Map::new();
    if !detached {
        out.insert(
            "payload".into(),
            payload_value(payload, b64_mode.unwrap_or(true))?,
        );
    }
    out.insert("signatures".into(), Value::Array(sigs));
    Ok(Value::Object(out).to_string())
}

/// Produces a flattened JWS JSON.
pub fn sign_flattened(payload: &[u8], signer: &Signer<'_>, detached: bool) -> Result<String> {
    let (entry, b64) = sign_one(payload, signer)?;
    let mut out = Map::new();
    if !detached {
        out.insert("payload".into(), payload_value(payload, b64)?);
    }
    out.extend(entry);
    Ok(Value::Object(out).to_string())
}

fn payload_value(payload: &[u8], b64: bool) -> Result<Value> {
    Ok(Value::String(if b64 {
        b64::encode(payload)
    } else {
        std::str::from_utf8(payload)
            .map_err(|_| Error::Malformed(Malformed::UnencodedNotUtf8))?
            .to_owned()
    }))
}

fn sign_one(payload: &[u8], s: &Signer<'_>) -> Result<(Map<String, Value>, bool)> {
    let h = header_for(s.key, s.protected.as_ref())?;
    let mut protected_map = h.to_map();
    let mut entry = Map::new();
    if let Some(u) = &s.unprotected {
        // kid may live in the unprotected header instead.
        if u.contains_key("kid") && s.protected.as_ref().is_none_or(|p| p.kid.is_none()) {
            protected_map.remove("kid");
        }
        if let Some(k) = u.keys().find(|k| protected_map.contains_key(*k)) {
            return Err(Error::header(k, HeaderProblem::Duplicate));
        }
    }
    let protected =
        serde_json::to_vec(&protected_map).map_err(|e| Error::json(Part::Header, &e))?;
    let protected_b64 = b64::encode(&protected);
    let sig = s.key.sign(&signing_input(&protected_b64, payload, h.b64))?;
    entry.insert("protected".into(), Value::String(protected_b64));
    if let Some(u) = &s.unprotected {
        entry.insert("header".into(), Value::Object(u.clone()));
    }
    entry.insert("signature".into(), Value::String(b64::encode(sig)));
    Ok((entry, h.b64))
}

/// A verified JSON JWS.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The header of the signature that verified (protected merged with its
    /// unprotected members).
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// Which entry of `signatures` verified (0 for flattened).
    pub signature_index: usize,
}

/// Verifies a general or flattened JSON JWS. Succeeds with the first
/// signature whose key the resolver supplies and which verifies; reports
/// which one. `signatures: []` is an error.
pub fn verify(jws: &str, keys: &impl KeyResolver, opts: &VerifyOptions) -> Result<Verified> {
    verify_inner(jws, None, keys, &opts.limits)
}

/// [`verify`] for a JWS whose payload is detached.
pub fn verify_detached(
    jws: &str,
    payload: &[u8],
    keys: &impl KeyResolver,
    opts: &VerifyOptions,
) -> Result<Verified> {
    verify_inner(jws, Some(payload), keys, &opts.limits)
}

struct Entry<'a> {
    protected: &'a str,
    header: Option<&'a Map<String, Value>>,
    signature: &'a str,
}

fn entry(m: &Map<String, Value>) -> Result<Entry<'_>> {
    let header = json::member_obj(m, "header")?;
    Ok(Entry {
        protected: json::member_str(m, "protected")?.unwrap_or(""),
        header,
        signature: json::member_str(m, "signature")?
            .ok_or(Error::Malformed(Malformed::MissingMember("signature")))?,
    })
}

fn verify_inner(
    jws: &str,
    detached: Option<&[u8]>,
    keys: &impl KeyResolver,
    limits: &Limits,
) -> Result<Verified> {
    limits.check_token_len(jws.len())?;
    let root = json::parse_object_deep(jws.as_bytes(), limits.max_json_depth, Part::Payload)?;
    if ["ciphertext", "recipients", "encrypted_key", "iv"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return Err(Error::NotJws);
    }
    let payload_member = json::member_str(&root, "payload")?;
    if payload_member.is_some() == detached.is_some() {
        return Err(Error::Malformed(if detached.is_some() {
            Malformed::PayloadNotDetached
        } else {
            Malformed::MissingMember("payload")
        }));
    }
    let (_, maps) = format::entries(&root, &format::SIGNATURES, limits.max_signatures)?;
    let entries: Vec<Entry<'_>> = maps.into_iter().map(entry).collect::<Result<_>>()?;
    // RFC 7797 §3: every signature must agree on b64; decide per entry and
    // refuse a mix. An entry whose header Jot refuses (e.g. `alg` only in the
    // unprotected header, RFC 7520 §4.8) is one signature that cannot
    // verify, not a reason to ignore the others: its error is kept and
    // reported only if no signature verifies.
    let mut first_err = None;
    let mut b64_seen: Option<bool> = None;
    let mut parsed = Vec::with_capacity(entries.len());
    for e in &entries {
        let h = limits
            .check_header_b64_len(e.protected.len())
            .and_then(|()| b64::decode(e.protected, Part::Header))
            .and_then(|protected| header::parse(&protected, e.header, limits));
        if let Ok(h) = &h {
            if *b64_seen.get_or_insert(h.b64) != h.b64 {
                return Err(Error::header("b64", HeaderProblem::Disagreement));
            }
        }
        parsed.push(h);
    }
    for (i, (e, h)) in entries.iter().zip(parsed).enumerate() {
        let h = match h {
            Ok(h) => h,
            Err(err) => {
                first_err.get_or_insert(err);
                continue;
            }
        };
        let sig = b64::decode(e.signature, Part::Signature)?;
        let key = match crate::jws::resolve_checked(keys, &h) {
            Ok(k) => k,
            Err(err) => {
                first_err.get_or_insert(err);
                continue;
            }
        };
        let input = match (detached, payload_member) {
            (Some(p), _) => signing_input(e.protected, p, h.b64),
            (None, Some(p)) => {
                let mut v = Vec::with_capacity(e.protected.len() + 1 + p.len());
                v.extend_from_slice(e.protected.as_bytes());
                v.push(b'.');
                v.extend_from_slice(p.as_bytes());
                v
            }
            (None, None) => unreachable_payload()?,
        };
        if let Err(err) = key.verify(&input, &sig) {
            first_err.get_or_insert(err);
            continue;
        }
        let payload = match (detached, payload_member) {
            (Some(p), _) => p.to_vec(),
            (None, Some(p)) if h.b64 => b64::decode(p, Part::Payload)?,
            (None, Some(p)) => p.as_bytes().to_vec(),
            (None, None) => unreachable_payload()?,
        };
        return Ok(Verified {
            header: h,
            payload,
            signature_index: i,
        });
    }
    Err(first_err.unwrap_or(Error::InvalidSignature))
}

fn unreachable_payload<T>() -> Result<T> {
    // Checked above: exactly one of detached / payload member is present.
    Err(Error::Malformed(Malformed::MissingMember("payload")))
}
