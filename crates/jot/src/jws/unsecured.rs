//! Unsecured JWS (`alg: none`, RFC 7515 Appendix A.5).
//!
//! **Unsafe by design.** An unsecured JWS has no integrity at all. This
//! module exists for tests and debugging; no verifying function in Jot
//! accepts `none`, and nothing here is called by one.

use crate::encoding::b64;
use crate::error::Malformed;
use crate::error::{Error, Part, Result};

/// Produces `BASE64URL({"alg":"none"}).BASE64URL(payload).` (empty
/// signature).
pub fn encode_unsecured(payload: &[u8]) -> String {
    let mut out = b64::encode(br#"{"alg":"none"}"#);
    out.push('.');
    b64::encode_into(payload, &mut out);
    out.push('.');
    out
}

/// Returns the payload of an unsecured JWS **without any verification**.
/// Fails unless the header is exactly `alg: none` and the signature empty.
pub fn decode_unsecured(token: &str) -> Result<Vec<u8>> {
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(""), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Error::Malformed(Malformed::NotUnsecured));
    };
    let header: serde_json::Value = serde_json::from_slice(&b64::decode(h, Part::Header)?)
        .map_err(|e| Error::json(Part::Header, &e))?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("none") {
        return Err(Error::Malformed(Malformed::NotUnsecured));
    }
    b64::decode(p, Part::Payload)
}
