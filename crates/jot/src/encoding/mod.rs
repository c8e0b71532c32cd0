//! Wire encodings shared by JWS, JWE and JWK: strict base64url and JSON
//! objects that refuse duplicate members.

pub mod b64;
pub(crate) mod json;

use serde_json::{Map, Value};

use crate::error::{Part, Result};

/// Parses a JSON object as Jot parses headers and claims: a member named
/// twice (RFC 7515 §4, RFC 7519 §4) or nesting deeper than `max_depth` is an
/// error. For tools that show why Jot would refuse a document.
pub fn parse_json_object(bytes: &[u8], max_depth: usize, part: Part) -> Result<Map<String, Value>> {
    json::parse_object(bytes, max_depth, part)
}
