//! JSON Web Tokens (RFC 7519) with the RFC 8725 best current practices.
//!
//! - [`sign`] / [`Builder`]: build claims and sign a compact JWS.
//! - [`verify`] with a [`Validation`]: signature first, then the claims.
//! - [`Claims`]: registered claims plus your own, for either direction.
//! - [`sign_and_encrypt`] / [`decrypt_and_verify`]: nested JWTs (JWS in JWE);
//!   [`decrypt_jwt`] is the first of its two steps.
//! - [`Actor`] / [`MayAct`]: the delegation claims of token exchange
//!   (RFC 8693 §4.1, §4.4).

mod actor;
mod builder;
mod claims;
mod nested;
mod registered;
mod single_pass;
mod validation;
mod verify;

pub use actor::{Actor, MayAct, MAX_ACTOR_DEPTH};
pub use builder::Builder;
pub use claims::{Audience, Claims, NumericDate};
pub use nested::{
    decrypt_and_verify, decrypt_jwt, encrypt_signed, sign_and_encrypt, DecryptedJwt, NestedError,
    NestedStage, NestedVerified,
};
pub use validation::Validation;
pub use verify::{verify, verify_borrowed, Verified};

use crate::error::ClaimsType;
use crate::error::{Error, Part, Result};
use crate::key::SigningKey;

/// Signs any serializable claims object as a compact JWT with
/// `{"alg":..,"typ":"JWT","kid":..}`. Use [`Builder`] for relative times,
/// a random `jti` or other header members.
pub fn sign<T: serde::Serialize + ?Sized>(claims: &T, key: &SigningKey) -> Result<String> {
    // Sized for a typical claims set, so serializing does not regrow it
    // (a `&mut [u8]` writer on the stack measured slower than this).
    let mut payload = Vec::with_capacity(512);
    serde_json::to_writer(&mut payload, claims).map_err(|e| Error::json(Part::Payload, &e))?;
    sign_payload(&payload, key)
}

/// Signs serialized claims with the key's cached JWT header.
pub(crate) fn sign_payload(payload: &[u8], key: &SigningKey) -> Result<String> {
    if payload.first() != Some(&b'{') {
        return Err(Error::ClaimsType(ClaimsType::NotObject));
    }
    crate::jws::compact::sign_with_encoded_header(
        crate::jws::key_header_b64(key, true),
        payload,
        key,
    )
}
