//! A JWK Set prepared for verification.

use std::borrow::Cow;

use crate::alg::Algorithm;
use crate::error::Result;
use crate::jwk::JwkSet;
use crate::jws::Header;
use crate::jws::{known_to_any, select, KeyResolver};
use crate::key::{algorithms_for, VerifyingKey};
use crate::limits::Limits;

/// The keys of a JWK Set, each prepared once for every algorithm it may
/// verify (its own `alg`, or every algorithm of its type that the caller
/// allows). Selection is by `kid` and algorithm; ambiguity is an error.
#[derive(Debug, Clone, Default)]
pub struct LocalKeySet {
    keys: Vec<VerifyingKey>,
}

impl LocalKeySet {
    /// Prepares the signature keys of `set` for the algorithms in `allowed`.
    ///
    /// Keys that cannot verify any allowed algorithm (encryption keys, weak
    /// keys, unknown `alg`) are left out, as RFC 7517 §5 suggests.
    pub fn from_jwks(set: &JwkSet, allowed: &[Algorithm]) -> Self {
        let mut keys = Vec::new();
        for jwk in &set.keys {
            for alg in algorithms_for(jwk) {
                if !allowed.contains(&alg) {
                    continue;
                }
                if let Ok(k) = VerifyingKey::from_jwk(jwk, alg) {
                    keys.push(k);
                }
            }
        }
        LocalKeySet { keys }
    }

    /// Parses a JWK Set from JSON under `limits` (document size, depth, RSA
    /// modulus size; `&Limits::default()` for the defaults, as
    /// [`JwkSet::from_json`] takes them) and prepares it (see
    /// [`LocalKeySet::from_jwks`]).
    pub fn from_json(json: &[u8], allowed: &[Algorithm], limits: &Limits) -> Result<Self> {
        Ok(Self::from_jwks(&JwkSet::from_json(json, limits)?, allowed))
    }

    /// A set of already prepared keys.
    pub fn from_keys(keys: Vec<VerifyingKey>) -> Self {
        LocalKeySet { keys }
    }

    /// The prepared keys.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// The distinct `kid`s in the set (for diagnostics).
    pub fn kids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.keys.iter().filter_map(|k| k.kid()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether the set holds no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl KeyResolver for LocalKeySet {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        select(self.keys.iter(), header).map(Cow::Borrowed)
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        known_to_any(&self.keys, encoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::generate_for;

    #[test]
    fn from_json_applies_the_callers_limits() {
        let jwk = generate_for(Algorithm::ES256).unwrap().to_public().unwrap();
        let json = JwkSet::new(vec![jwk]).to_json();
        let set = LocalKeySet::from_json(json.as_bytes(), &[Algorithm::ES256], &Limits::default());
        assert_eq!(set.unwrap().keys().len(), 1);
        let tight = Limits::default().with_max_jwks_len(64).unwrap();
        assert!(json.len() > 64);
        assert!(matches!(
            LocalKeySet::from_json(json.as_bytes(), &[Algorithm::ES256], &tight),
            Err(crate::Error::TooLarge { .. })
        ));
    }
}
