//! JSON Web Signature (RFC 7515), with RFC 7797 unencoded payloads.
//!
//! - [`compact`]: `header.payload.signature`, the form JWTs use.
//! - [`batch`]: many compact Ed25519 JWS from one issuer verified together.
//! - [`decode_unverified`]: any serialization read **without** verifying, for display.
//! - [`json`]: the general (several signatures) and flattened JSON forms.
//! - [`unsecured`]: `alg: none`, for tests and debugging only; nothing that
//!   verifies can reach it.

pub mod batch;
pub mod compact;
pub(crate) mod decode;
mod embedded;
pub(crate) mod header;
pub mod json;
mod resolve;
pub mod unsecured;

pub use decode::{decode_unverified, UnverifiedJws, UnverifiedSignature};
pub use embedded::TrustEmbeddedJwk;
pub use header::Header;
pub use resolve::KeyResolver;
pub(crate) use resolve::{known_to_any, resolve_checked, select, HeaderMemo};

use crate::error::{Error, Result};
use crate::key::SigningKey;
use crate::limits::Limits;

/// Rules for verifying a JWS, in every serialization (compact, JSON,
/// detached, [`batch`]): one options value per operation, as
/// [`crate::jwe::DecryptOptions`] and [`crate::jwt::Validation`] are.
/// `&VerifyOptions::default()` gives the defaults.
/// Built with the methods; the field is crate-private, as in the other two.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Hard limits (token and header size, JSON depth, signatures).
    pub(crate) limits: Limits,
}

impl VerifyOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Verifies under `limits` instead of [`Limits::default`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// The base64url protected header Jot writes with `key` (`alg`, `kid` if
/// any, and `typ: JWT` for a JWT), computed once per key.
pub(crate) fn key_header_b64(key: &SigningKey, jwt: bool) -> &str {
    key.header_cache(jwt).get_or_init(|| {
        let mut h = Header::new(key.algorithm());
        h.kid = key.kid().map(str::to_owned);
        h.typ = jwt.then(|| "JWT".to_owned());
        let json = serde_json::Value::Object(h.to_map()).to_string();
        crate::encoding::b64::encode(json)
    })
}

/// Builds the protected header for signing with `key`: the caller's header
/// with `alg` (and `kid` if the key has one and the header does not) set
/// from the key, and `crit` completed for `b64`.
pub(crate) fn header_for(key: &SigningKey, header: Option<&Header>) -> Result<Header> {
    let mut h = match header {
        Some(h) => {
            if h.alg != key.algorithm() {
                return Err(Error::AlgorithmNotAllowed(format!(
                    "{} (the key signs {})",
                    h.alg,
                    key.algorithm()
                )));
            }
            h.clone()
        }
        None => Header::new(key.algorithm()),
    };
    if h.kid.is_none() {
        h.kid = key.kid().map(str::to_owned);
    }
    if !h.b64 && !h.crit.iter().any(|c| c == "b64") {
        h.crit.push("b64".into());
    }
    Ok(h)
}

/// The JWS signing input: `BASE64URL(protected) || '.' || payload`, where the
/// payload is base64url unless `b64` is false (RFC 7797 §3).
pub(crate) fn signing_input(protected_b64: &str, payload: &[u8], b64: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(protected_b64.len() + 1 + payload.len() * 4 / 3 + 4);
    v.extend_from_slice(protected_b64.as_bytes());
    v.push(b'.');
    if b64 {
        let mut s = String::new();
        crate::encoding::b64::encode_into(payload, &mut s);
        v.extend_from_slice(s.as_bytes());
    } else {
        v.extend_from_slice(payload);
    }
    v
}
