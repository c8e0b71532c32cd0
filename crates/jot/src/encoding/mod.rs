//! Wire encodings shared by JWS, JWE and JWK: strict base64url and JSON
//! objects that refuse duplicate members.

pub mod b64;
pub(crate) mod json;
