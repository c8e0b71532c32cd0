//! Compact serialization: `BASE64URL(header).BASE64URL(payload).BASE64URL(sig)`.

use crate::error::Malformed;
use std::mem::MaybeUninit;

use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::jws::KeyResolver;
use crate::jws::{header, header_for, Header, VerifyOptions};
use crate::key::SigningKey;
use crate::limits::Limits;

/// A verified JWS: its header and payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The header (protected; compact JWS has no other).
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

/// Signs `payload` with a header holding just `alg` and the key's `kid`
/// (encoded once per key).
pub fn sign(payload: &[u8], key: &SigningKey) -> Result<String> {
    sign_with_encoded_header(crate::jws::key_header_b64(key, false), payload, key)
}

/// `header.BASE64URL(payload).BASE64URL(sig)` for a header already encoded
/// (the ones a key caches), built in one buffer.
pub(crate) fn sign_with_encoded_header(
    header: &str,
    payload: &[u8],
    key: &SigningKey,
) -> Result<String> {
    // The signature's symbols fit in the spare 1400 up to RSA-8192 (1366).
    let mut out = String::with_capacity(header.len() + payload.len() * 4 / 3 + 1400);
    out.push_str(header);
    out.push('.');
    b64::encode_into(payload, &mut out);
    append_signature(out, key)
}

/// Signs `payload` with the given header. `header.alg` must be the key's
/// algorithm. With `b64: false` (RFC 7797) the payload must not contain `.`;
/// use [`sign_detached`] for arbitrary unencoded payloads.
pub fn sign_with_header(
    payload: &[u8],
    key: &SigningKey,
    header: Option<&Header>,
) -> Result<String> {
    let out = signing_input_for(payload, key, header)?;
    append_signature(out, key)
}

/// Signs with a detached payload (RFC 7515 Appendix F): the result's middle
/// segment is empty and the payload travels separately. An unencoded
/// (`b64: false`) payload may then be any bytes: with the payload detached,
/// RFC 7797 §5.2's character rules for the token do not apply to it.
pub fn sign_detached(payload: &[u8], key: &SigningKey, header: Option<&Header>) -> Result<String> {
    let h = header_for(key, header)?;
    let protected = serde_json::to_vec(&h.to_map()).map_err(|e| Error::json(Part::Header, &e))?;
    let protected_b64 = b64::encode(protected);
    let sig = key.sign(&crate::jws::signing_input(&protected_b64, payload, h.b64))?;
    Ok(format!("{protected_b64}..{}", b64::encode(sig)))
}

/// Signs `signing_input` (all of `out`) and appends `.` and the signature,
/// which goes from the stack into `out` without a buffer of its own.
pub(crate) fn append_signature(mut out: String, key: &SigningKey) -> Result<String> {
    // RSA-16384 signatures are 2048 bytes, 2731 symbols. ML-DSA ones (2420
    // to 4627 bytes) go through the heap: one allocation beside a signature
    // that costs far more to make.
    let mut buf = [MaybeUninit::<u8>::uninit(); 2752];
    let sig = key.sign_then(out.as_bytes(), |sig| {
        match b64::encode_to_uninit(sig, &mut buf) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => std::borrow::Cow::Owned(b64::encode(sig)),
        }
    })?;
    out.push('.');
    out.push_str(&sig);
    Ok(out)
}

/// Returns the signing input `header.payload` of an attached payload.
fn signing_input_for(payload: &[u8], key: &SigningKey, header: Option<&Header>) -> Result<String> {
    let h = header_for(key, header)?;
    let protected = serde_json::to_vec(&h.to_map()).map_err(|e| Error::json(Part::Header, &e))?;
    let mut out = String::with_capacity(protected.len() * 4 / 3 + payload.len() * 4 / 3 + 1400);
    b64::encode_into(&protected, &mut out);
    out.push('.');
    if h.b64 {
        b64::encode_into(payload, &mut out);
    } else {
        let text = std::str::from_utf8(payload)
            .map_err(|_| Error::Malformed(Malformed::UnencodedNotUtf8))?;
        if text.contains('.') {
            return Err(Error::Malformed(Malformed::UnencodedDot));
        }
        out.push_str(text);
    }
    Ok(out)
}

/// Verifies a compact JWS and returns its header and payload.
pub fn verify(token: &str, keys: &impl KeyResolver, opts: &VerifyOptions) -> Result<Verified> {
    let mut payload = Vec::new();
    let header = verify_into(token, keys, opts, &mut payload)?;
    Ok(Verified { header, payload })
}

/// Verifies a compact JWS and writes its payload into `payload` (cleared
/// first; its capacity is reused, so a caller verifying many tokens with
/// one buffer allocates nothing for payloads once it has grown).
pub fn verify_into(
    token: &str,
    keys: &impl KeyResolver,
    opts: &VerifyOptions,
    payload: &mut Vec<u8>,
) -> Result<Header> {
    verify_into_limited(token, keys, &opts.limits, payload)
}

/// [`verify_into`] for callers holding their limits elsewhere (a JWT's
/// [`crate::jwt::Validation`]).
pub(crate) fn verify_into_limited(
    token: &str,
    keys: &impl KeyResolver,
    limits: &Limits,
    payload: &mut Vec<u8>,
) -> Result<Header> {
    let parts = split(token, limits)?;
    let header = verify_parts(&parts, None, keys, limits)?;
    payload.clear();
    if header.b64 {
        b64::decode_into(parts.payload, payload, Part::Payload)?;
    } else {
        payload.extend_from_slice(parts.payload.as_bytes());
    }
    Ok(header)
}

/// Verifies a compact JWS and hands its header and payload to `f`, the
/// payload decoded on the stack when it fits in 4 KiB (it does for nearly
/// every JWT): for callers that only read the payload, such as
/// deserializing owned claims.
pub(crate) fn verify_with<T>(
    token: &str,
    keys: &impl KeyResolver,
    limits: &Limits,
    f: impl FnOnce(Header, &[u8]) -> Result<T>,
) -> Result<T> {
    let parts = split(token, limits)?;
    let header = verify_parts(&parts, None, keys, limits)?;
    if header.b64 {
        b64::with_decoded::<4096, _>(parts.payload, Part::Payload, |p| f(header, p))
    } else {
        f(header, parts.payload.as_bytes())
    }
}

/// Decodes the payload of a compact JWS whose signature has been verified.
pub(crate) fn finish(parts: &Parts<'_>, header: Header) -> Result<Verified> {
    let payload = if header.b64 {
        b64::decode(parts.payload, Part::Payload)?
    } else {
        parts.payload.as_bytes().to_vec()
    };
    Ok(Verified { header, payload })
}

/// Verifies a compact JWS whose payload is detached (empty middle segment)
/// against `payload`.
pub fn verify_detached(
    token: &str,
    payload: &[u8],
    keys: &impl KeyResolver,
    opts: &VerifyOptions,
) -> Result<Header> {
    let limits = &opts.limits;
    let parts = split(token, limits)?;
    if !parts.payload.is_empty() {
        return Err(Error::Malformed(Malformed::PayloadNotDetached));
    }
    verify_parts(&parts, Some(payload), keys, limits)
}

/// The three segments of a compact JWS, still encoded.
pub(crate) struct Parts<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`, the signing input when the payload is attached.
    pub(crate) signed: &'a str,
}

pub(crate) fn split<'a>(token: &'a str, limits: &Limits) -> Result<Parts<'a>> {
    limits.check_token_len(token.len())?;
    let three = || Error::Malformed(Malformed::JwsSegments);
    // One SIMD scan for the dots; a token of a million dots costs that one
    // pass, never a million segments.
    let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
    let (Some(d1), Some(d2)) = (dots.next(), dots.next()) else {
        return Err(three());
    };
    if dots.next().is_some() {
        // Five segments is the compact JWE form.
        if dots.count() == 1 {
            return Err(Error::NotJws);
        }
        return Err(three());
    }
    // The dots are ASCII, so these are character boundaries.
    let (Some(h), Some(p), Some(s), Some(signed)) = (
        token.get(..d1),
        token.get(d1 + 1..d2),
        token.get(d2 + 1..),
        token.get(..d2),
    ) else {
        return Err(three());
    };
    Ok(Parts {
        header: h,
        payload: p,
        signature: s,
        signed,
    })
}

/// Decodes the header, picks the key, verifies the signature. Nothing of
/// the payload is decoded before the signature is checked.
fn verify_parts(
    parts: &Parts<'_>,
    detached: Option<&[u8]>,
    keys: &impl KeyResolver,
    limits: &Limits,
) -> Result<Header> {
    // The size limit holds for remembered headers too: limits are per call.
    limits.check_header_b64_len(parts.header.len())?;
    let header = match keys.known_header(parts.header) {
        Some(h) => h,
        None => parse_header(parts, limits)?,
    };
    let key = crate::jws::resolve_checked(keys, &header)?;
    // 1 KiB holds every signature Jot can verify (RSA-8192 is 1024 bytes);
    // a longer one is decoded on the heap only to fail verification.
    b64::with_decoded::<1024, _>(parts.signature, Part::Signature, |sig| match detached {
        None => key.verify(parts.signed.as_bytes(), sig),
        Some(payload) => {
            let input = crate::jws::signing_input(parts.header, payload, header.b64);
            key.verify(&input, sig)
        }
    })?;
    // A no-op once the key remembers a header (one atomic load).
    crate::jws::HeaderMemo::remember(&key, parts.header, &header);
    Ok(header)
}

/// The checked header and the decoded signature: everything verification
/// does before it picks a key (the batch path's entry).
pub(crate) fn decode_header_and_signature(
    parts: &Parts<'_>,
    limits: &Limits,
) -> Result<(Header, Vec<u8>)> {
    let header = parse_header(parts, limits)?;
    let sig = b64::decode(parts.signature, Part::Signature)?;
    Ok((header, sig))
}

/// The header of a compact JWS, parsed and checked but **not verified**: for
/// choosing a key source (a remote set's refetch on an unknown `kid`)
/// before verification, which then parses it again.
#[cfg(feature = "remote")]
pub(crate) fn unverified_header(token: &str, limits: &Limits) -> Result<Header> {
    parse_header(&split(token, limits)?, limits)
}

fn parse_header(parts: &Parts<'_>, limits: &Limits) -> Result<Header> {
    limits.check_header_b64_len(parts.header.len())?;
    b64::with_decoded::<512, _>(parts.header, Part::Header, |protected| {
        header::parse(protected, None, limits)
    })
}

/// A JWS decoded without any verification. For display and debugging only:
/// nothing in it can be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverified {
    /// The protected header as JSON.
    pub header: serde_json::Map<String, serde_json::Value>,
    /// The payload bytes (raw if `b64` was false).
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Decodes a compact JWS **without verifying it**. Applies the same limits
/// and strict decoding as verification (`&Limits::default()` for the
/// defaults).
pub fn decode_unverified(token: &str, limits: &Limits) -> Result<Unverified> {
    let parts = split(token, limits)?;
    limits.check_header_b64_len(parts.header.len())?;
    let protected = b64::decode(parts.header, Part::Header)?;
    let header =
        crate::encoding::json::parse_object(&protected, limits.max_json_depth, Part::Header)?;
    let unencoded = header.get("b64") == Some(&serde_json::Value::Bool(false));
    let payload = if unencoded {
        parts.payload.as_bytes().to_vec()
    } else {
        b64::decode(parts.payload, Part::Payload)?
    };
    Ok(Unverified {
        header,
        payload,
        signature: b64::decode(parts.signature, Part::Signature)?,
    })
}
