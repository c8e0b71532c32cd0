//! JWT verification: signature, then header rules, then claims.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;

use super::registered::{RegisteredVisitor, CLAIM_PREFIX};
use super::validation::Validation;
use crate::error::{Error, Part, Result};
use crate::jws::{compact, Header};
use crate::key::KeyResolver;

/// A verified JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<T> {
    /// The protected header.
    pub header: Header,
    /// The claims, deserialized once into your type.
    pub claims: T,
}

/// Verifies a compact JWT: the signature with a key from `keys` (whose
/// algorithm must be the token's), then `validation`'s header and claim
/// rules, then deserializes the claims into `T`.
///
/// A JWE, a JSON-serialized JWS or an unsecured token is rejected.
pub fn verify<T: DeserializeOwned>(
    token: &str,
    keys: &impl KeyResolver,
    validation: &Validation,
) -> Result<Verified<T>> {
    let mut payload = Vec::new();
    verify_borrowed(token, keys, validation, &mut payload)
}

/// [`verify`] for claims types that borrow from the decoded payload
/// (`#[serde(borrow)] sub: &'b str`), which lives in the caller's `buffer`.
/// Reusing one buffer across calls, a verification of such claims makes no
/// heap allocation for the payload or the claims.
///
/// ```
/// # use jot::{jwt, key::SigningKey, Algorithm};
/// #[derive(serde::Deserialize)]
/// struct Claims<'a> {
///     sub: &'a str,
/// }
/// let key = SigningKey::hmac(Algorithm::HS256, &[7u8; 32])?;
/// let token = jwt::Builder::new().subject("u1").expires_in(std::time::Duration::from_secs(60)).sign(&key)?;
/// let mut buffer = Vec::new();
/// let v = jwt::verify_borrowed::<Claims>(&token, &key.verifying_key()?, &jwt::Validation::new(), &mut buffer)?;
/// assert_eq!(v.claims.sub, "u1");
/// # Ok::<(), jot::Error>(())
/// ```
pub fn verify_borrowed<'b, T: Deserialize<'b>>(
    token: &str,
    keys: &impl KeyResolver,
    validation: &Validation,
    buffer: &'b mut Vec<u8>,
) -> Result<Verified<T>> {
    let header = compact::verify_into(token, keys, &validation.limits, buffer)?;
    validation.check_header(&header)?;
    let payload: &'b [u8] = buffer;
    crate::encoding::json::check_depth(payload, validation.limits.max_json_depth, Part::Payload)?;
    let mut de = serde_json::Deserializer::from_slice(payload);
    let registered = de
        .deserialize_map(RegisteredVisitor {
            required: &validation.required,
        })
        .map_err(claims_error)?;
    de.end().map_err(claims_error)?;
    validation.check_claims(&registered)?;
    drop(registered);
    let claims = serde_json::from_slice(payload)
        .map_err(|e| Error::ClaimsType(crate::error::serde_message(&e)))?;
    Ok(Verified { header, claims })
}

fn claims_error(e: serde_json::Error) -> Error {
    let msg = e.to_string();
    if let Some(rest) = msg.strip_prefix(CLAIM_PREFIX) {
        if let Some((name, reason)) = rest.split_once(": ") {
            return Error::InvalidClaim {
                name: name.to_owned(),
                reason: crate::error::scrub(reason),
            };
        }
    }
    Error::json(Part::Payload, &e)
}
