//! A JWK Set prepared for verification.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::alg::{Algorithm, Family};
use crate::error::{Error, Result};
use crate::jwk::JwkSet;
use crate::jws::Header;
use crate::jws::{known_to_any, select, KeyResolver};
use crate::key::VerifyingKey;
use crate::limits::Limits;

/// The keys of a JWK Set, each prepared once for every algorithm it may
/// verify (its own `alg`, or every algorithm of its type that the caller
/// allows). Selection is by `kid` and algorithm; ambiguity is an error.
///
/// Two rules hold for every set, checked when it is prepared so that
/// selection is unambiguous by construction:
///
/// - HMAC secrets and public keys are not mixed ([`Error::MixedKeySet`]):
///   with both in one set, a token naming the secret's `kid` is checked
///   with HMAC, and a verifier that publishes or shares that secret as a
///   "key" is open to algorithm confusion. [`LocalKeySet::from_jwks_mixed`]
///   takes such a set on purpose.
/// - No two keys have the same `kid` if they could verify the same
///   algorithm ([`Error::DuplicateKid`], naming the `kid`).
#[derive(Debug, Clone, Default)]
pub struct LocalKeySet {
    keys: Vec<VerifyingKey>,
    /// Keys left out as weak (short RSA, the ROCA fingerprint), by `kid`:
    /// a token naming one gets that reason, not "no matching key".
    weak: Vec<(String, Error)>,
}

impl LocalKeySet {
    /// Prepares the signature keys of `set` for the algorithms in `allowed`.
    ///
    /// Keys that cannot verify any allowed algorithm (encryption keys, weak
    /// keys, unknown `alg`) are left out, as RFC 7517 §5 suggests; a token
    /// whose `kid` names a key left out as weak (too short, or an RSA
    /// modulus with the ROCA fingerprint) fails with that
    /// [`Error::WeakKey`]. A set whose prepared keys break one of the
    /// [rules](LocalKeySet) is refused.
    pub fn from_jwks(set: &JwkSet, allowed: &[Algorithm]) -> Result<Self> {
        let set = Self::prepare(set, allowed)?;
        set.refuse_mixed()?;
        Ok(set)
    }

    /// Like [`LocalKeySet::from_jwks`], but accepts a set holding both HMAC
    /// secrets and public keys: for the rare verifier that must take both
    /// from one set and keeps the secrets out of anything it publishes. The
    /// `kid` rule still holds.
    pub fn from_jwks_mixed(set: &JwkSet, allowed: &[Algorithm]) -> Result<Self> {
        Self::prepare(set, allowed)
    }

    fn prepare(set: &JwkSet, allowed: &[Algorithm]) -> Result<Self> {
        let mut keys = Vec::new();
        // (index of the JWK, its prepared key): one JWK prepared for
        // several algorithms is one key, not a duplicate of itself.
        let mut sources = Vec::new();
        let mut weak = Vec::new();
        for (index, jwk) in set.keys.iter().enumerate() {
            // Every allowed algorithm is tried (not only those the key is
            // fit for), so that a key refused as weak is known by its kid.
            for &alg in allowed {
                match VerifyingKey::from_jwk(jwk, alg) {
                    Ok(k) => {
                        keys.push(k);
                        sources.push(index);
                    }
                    Err(e @ Error::WeakKey(_)) => {
                        if let Some(kid) = &jwk.kid {
                            if !weak.iter().any(|(k, _): &(String, Error)| k == kid) {
                                weak.push((kid.clone(), e));
                            }
                        }
                    }
                    Err(_) => {}
                }
            }
        }
        refuse_duplicate_kids(&keys, &sources)?;
        Ok(LocalKeySet { keys, weak })
    }

    /// Parses a JWK Set from JSON under `limits` (document size, depth, RSA
    /// modulus size; `&Limits::default()` for the defaults, as
    /// [`JwkSet::from_json`] takes them) and prepares it (see
    /// [`LocalKeySet::from_jwks`]).
    pub fn from_json(json: &[u8], allowed: &[Algorithm], limits: &Limits) -> Result<Self> {
        Self::from_jwks(&JwkSet::from_json(json, limits)?, allowed)
    }

    /// A set of already prepared keys, by the same [rules](LocalKeySet).
    pub fn from_keys(keys: Vec<VerifyingKey>) -> Result<Self> {
        let sources: Vec<usize> = (0..keys.len()).collect();
        refuse_duplicate_kids(&keys, &sources)?;
        let set = LocalKeySet {
            keys,
            weak: Vec::new(),
        };
        set.refuse_mixed()?;
        Ok(set)
    }

    /// A set of one key (nothing to mix or duplicate).
    #[cfg(feature = "remote")]
    pub(crate) fn one(key: VerifyingKey) -> Self {
        LocalKeySet {
            keys: vec![key],
            weak: Vec::new(),
        }
    }

    /// [`Error::MixedKeySet`] if the prepared keys hold both kinds.
    fn refuse_mixed(&self) -> Result<()> {
        let hmac = self.keys.iter().any(|k| k.family() == Family::Hmac);
        let public = self.keys.iter().any(|k| k.family() != Family::Hmac);
        if hmac && public {
            return Err(Error::MixedKeySet);
        }
        Ok(())
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
        match select(self.keys.iter(), header) {
            Err(Error::NoMatchingKey {
                kid: Some(kid),
                alg,
            }) => {
                // The key the token names was refused as weak: say so.
                match self.weak.iter().find(|(k, _)| *k == kid) {
                    Some((_, weak)) => Err(weak.clone()),
                    None => Err(Error::NoMatchingKey {
                        kid: Some(kid),
                        alg,
                    }),
                }
            }
            other => other.map(Cow::Borrowed),
        }
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        known_to_any(&self.keys, encoded)
    }
}

/// [`Error::DuplicateKid`] if two keys from different sources (JWKs) share
/// a `kid` and an algorithm.
fn refuse_duplicate_kids(keys: &[VerifyingKey], sources: &[usize]) -> Result<()> {
    let mut seen: HashMap<(&str, Algorithm), usize> = HashMap::new();
    for (key, &source) in keys.iter().zip(sources) {
        let Some(kid) = key.kid() else { continue };
        match seen.insert((kid, key.algorithm()), source) {
            Some(other) if other != source => return Err(Error::DuplicateKid(kid.to_owned())),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwk::Jwk;
    use crate::key::generate_for;

    fn public(alg: Algorithm, kid: &str) -> Jwk {
        generate_for(alg)
            .unwrap()
            .with_kid(kid)
            .to_public()
            .unwrap()
    }

    fn secret(kid: &str) -> Jwk {
        generate_for(Algorithm::HS256).unwrap().with_kid(kid)
    }

    #[test]
    fn hmac_secrets_and_public_keys_are_not_mixed() {
        let set = JwkSet::new(vec![public(Algorithm::ES256, "ec"), secret("hs")]);
        let all = [Algorithm::ES256, Algorithm::HS256];
        assert_eq!(
            LocalKeySet::from_jwks(&set, &all).unwrap_err(),
            Error::MixedKeySet
        );
        assert_eq!(
            Error::MixedKeySet.code(),
            "ERR_MIXED_KEY_SET",
            "a stable code of its own"
        );
        let mixed = LocalKeySet::from_jwks_mixed(&set, &all).unwrap();
        assert_eq!(mixed.keys().len(), 2);
        // Only one kind allowed: only that kind is prepared, nothing mixes.
        let ec = LocalKeySet::from_jwks(&set, &[Algorithm::ES256]).unwrap();
        assert_eq!(ec.kids(), ["ec"]);
        let hs = LocalKeySet::from_jwks(&set, &[Algorithm::HS256]).unwrap();
        assert_eq!(hs.kids(), ["hs"]);
        // Prepared keys follow the same rule.
        let keys = vec![
            VerifyingKey::from_jwk(&set.keys[0], Algorithm::ES256).unwrap(),
            VerifyingKey::from_jwk(&set.keys[1], Algorithm::HS256).unwrap(),
        ];
        assert_eq!(
            LocalKeySet::from_keys(keys).unwrap_err(),
            Error::MixedKeySet
        );
    }

    #[test]
    fn a_kid_serves_one_key_per_algorithm() {
        let (a, b) = (public(Algorithm::ES256, "k"), public(Algorithm::ES256, "k"));
        let err =
            LocalKeySet::from_jwks(&JwkSet::new(vec![a.clone(), b]), Algorithm::ALL).unwrap_err();
        assert_eq!(err, Error::DuplicateKid("k".into()));
        assert_eq!(err.code(), "ERR_DUPLICATE_KID");
        assert!(err.to_string().contains("kid \"k\""), "{err}");
        // The same kid on keys that cannot serve the same algorithm: no
        // ambiguity, accepted.
        let rsa = public(Algorithm::RS256, "k");
        let set =
            LocalKeySet::from_jwks(&JwkSet::new(vec![a.clone(), rsa]), Algorithm::ALL).unwrap();
        assert!(set.keys().len() >= 2);
        // An encryption key with the same kid never verifies: accepted.
        let enc = Jwk::from_json(
            {
                let mut v = serde_json::to_value(public(Algorithm::ES256, "k")).unwrap();
                v["use"] = "enc".into();
                v.to_string()
            }
            .as_bytes(),
            &Default::default(),
        )
        .unwrap();
        LocalKeySet::from_jwks(&JwkSet::new(vec![a.clone(), enc]), Algorithm::ALL).unwrap();
        // One RSA key without alg is prepared for every RSA algorithm: one
        // key under one kid, not duplicates of itself.
        let mut rsa = public(Algorithm::RS256, "r");
        rsa.alg = None;
        let one = LocalKeySet::from_jwks(&JwkSet::new(vec![rsa]), Algorithm::ALL).unwrap();
        assert_eq!(one.keys().len(), 6);
        // Prepared keys: the same kid and algorithm twice is refused.
        let vk = VerifyingKey::from_jwk(&a, Algorithm::ES256).unwrap();
        assert_eq!(
            LocalKeySet::from_keys(vec![vk.clone(), vk]).unwrap_err(),
            Error::DuplicateKid("k".into())
        );
    }

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
