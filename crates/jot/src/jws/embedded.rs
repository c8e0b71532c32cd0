//! Using a key carried in the token's own header (`jwk`), only after an
//! explicit trust decision (CVE-2018-0114: a token must not bring the key
//! that verifies it).

use crate::error::{HeaderProblem, JsonType};
use std::borrow::Cow;

use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::jwk::Jwk;
use crate::jws::Header;
use crate::jws::KeyResolver;
use crate::key::VerifyingKey;

/// A [`KeyResolver`] that verifies with the header's `jwk` **if** `trust`
/// accepts that key (for example, because its thumbprint is pinned) and the
/// token's algorithm is in `allowed`. Symmetric embedded keys are refused.
pub struct TrustEmbeddedJwk<F> {
    trust: F,
    allowed: Vec<Algorithm>,
}

impl<F: Fn(&Jwk) -> bool> TrustEmbeddedJwk<F> {
    /// `trust` decides, per key, whether it may be used.
    pub fn new(allowed: &[Algorithm], trust: F) -> Self {
        TrustEmbeddedJwk {
            trust,
            allowed: allowed.to_vec(),
        }
    }
}

impl<F: Fn(&Jwk) -> bool> KeyResolver for TrustEmbeddedJwk<F> {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        if !self.allowed.contains(&header.alg) || header.alg.is_symmetric() {
            return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
        }
        let Some(value) = header.other.get("jwk") else {
            return Err(Error::NoMatchingKey {
                kid: header.kid.clone(),
                alg: header.alg.name().into(),
            });
        };
        let serde_json::Value::Object(members) = value else {
            return Err(Error::header(
                "jwk",
                HeaderProblem::WrongType(JsonType::Object),
            ));
        };
        let jwk = Jwk::from_map(members.clone()).map_err(|e| Error::header_key("jwk", e))?;
        if jwk.is_private() {
            // A header must never carry private or secret material.
            return Err(Error::header("jwk", HeaderProblem::PrivateKey));
        }
        if !(self.trust)(&jwk) {
            return Err(Error::UntrustedEmbeddedKey("jwk".into()));
        }
        VerifyingKey::from_jwk(&jwk, header.alg).map(Cow::Owned)
    }
}
