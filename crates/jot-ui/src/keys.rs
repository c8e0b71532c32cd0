//! Keys as the page sends them: a PEM, a JWK or a JWK Set pasted as text
//! (detected from the content, as `jot --key` does), or an HMAC secret as
//! UTF-8 or base64url; and preparing them for verification.

use std::borrow::Cow;

use jot::jwk::{Jwk, JwkSet};
use jot::jwks::LocalKeySet;
use jot::jws::Header;
use jot::jws::KeyResolver;
use jot::key::{algorithms_for, VerifyingKey};
use jot::Algorithm;
use serde::Deserialize;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::api::ApiError;

/// How the pasted text is to be read.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// PEM, JWK or JWK Set, detected from the content.
    #[default]
    Key,
    /// An HMAC secret or password, as UTF-8.
    Secret,
    /// An HMAC secret or password, base64url (padding tolerated).
    SecretB64,
}

/// A key field of a request. Wiped when dropped.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct KeyInput {
    #[serde(default)]
    #[zeroize(skip)]
    pub form: Form,
    pub value: String,
}

/// A key or a set of keys.
// One per request: the size difference between the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Loaded {
    Key(Jwk),
    Set(JwkSet),
}

impl KeyInput {
    /// The secret's bytes, for the secret forms (the lint checks them).
    pub fn secret(&self) -> Result<Option<Zeroizing<Vec<u8>>>, ApiError> {
        match self.form {
            Form::Key => Ok(None),
            Form::Secret => Ok(Some(Zeroizing::new(self.value.as_bytes().to_vec()))),
            Form::SecretB64 => {
                let t = self.value.trim().trim_end_matches('=');
                jot::encoding::b64::decode(t, jot::error::Part::Key)
                    .map(|b| Some(Zeroizing::new(b)))
                    .map_err(|_| ApiError::input("the secret is not valid base64url"))
            }
        }
    }

    /// Parses the key.
    pub fn load(&self) -> Result<Loaded, ApiError> {
        if let Some(secret) = self.secret()? {
            return Ok(Loaded::Key(Jwk::from_secret(&secret)?));
        }
        let t = self.value.trim();
        if t.starts_with('{') {
            // A shallow look for a top-level "keys" member decides the kind;
            // the library's strict parsers then do the real work.
            let is_set = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t)
                .is_ok_and(|m| m.contains_key("keys"));
            return Ok(if is_set {
                Loaded::Set(JwkSet::from_json(t.as_bytes(), &Default::default())?)
            } else {
                Loaded::Key(Jwk::from_json(t.as_bytes(), &Default::default())?)
            });
        }
        if t.starts_with("-----BEGIN") {
            return Ok(Loaded::Key(jot::key::import::from_pem(t)?));
        }
        Err(ApiError::input(
            "paste a PEM (SPKI, PKCS#1, PKCS#8, SEC1 or X.509), a JWK or a JWK Set",
        ))
    }

    /// Parses the key, which must be a single key.
    pub fn load_one(&self) -> Result<Jwk, ApiError> {
        match self.load()? {
            Loaded::Key(k) => Ok(k),
            Loaded::Set(mut s) if s.keys.len() == 1 => Ok(s.keys.remove(0)),
            Loaded::Set(_) => Err(ApiError::input("this needs one key, not a JWK Set")),
        }
    }
}

/// Keys prepared for verification.
pub enum Verifier {
    /// One key, prepared for each algorithm it may verify; the token's
    /// `kid` is not consulted because the user named the key.
    One(Vec<VerifyingKey>),
    /// A JWK Set: the key is chosen by `kid` and algorithm, by the library.
    Set(LocalKeySet),
}

/// Prepares `loaded` for `allowed` (empty: the key's own `alg`, else every
/// algorithm its type can do). `short_hmac` accepts HMAC secrets shorter
/// than the hash, for checking legacy tokens (the lint flags them).
pub fn verifier(
    loaded: &Loaded,
    allowed: &[Algorithm],
    short_hmac: bool,
) -> Result<Verifier, ApiError> {
    match loaded {
        Loaded::Set(set) => {
            let algs: &[Algorithm] = if allowed.is_empty() {
                Algorithm::ALL
            } else {
                allowed
            };
            let keys = LocalKeySet::from_jwks(set, algs).map_err(|e| {
                ApiError::input(format!("the JWK Set cannot be used for verification: {e}"))
            })?;
            if keys.is_empty() {
                return Err(ApiError::input(
                    "no key in the JWK Set can verify the allowed algorithms",
                ));
            }
            Ok(Verifier::Set(keys))
        }
        Loaded::Key(jwk) => {
            let declared = jwk.alg.as_deref().and_then(Algorithm::from_name);
            let candidates = match (allowed, declared) {
                ([], Some(a)) => vec![a],
                ([], None) => algorithms_for(jwk),
                (algs, _) => algs.to_vec(),
            };
            let mut keys = Vec::new();
            let mut first_err = None;
            for a in candidates {
                let prepared = if short_hmac {
                    VerifyingKey::from_jwk_allow_short_hmac(jwk, a)
                } else {
                    VerifyingKey::from_jwk(jwk, a)
                };
                match prepared {
                    Ok(k) => keys.push(k),
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            match (keys.is_empty(), first_err) {
                (false, _) => Ok(Verifier::One(keys)),
                (true, Some(e)) => Err(e.into()),
                (true, None) => Err(ApiError::input("this key cannot verify any JWS algorithm")),
            }
        }
    }
}

impl KeyResolver for Verifier {
    fn resolve(&self, header: &Header) -> jot::Result<Cow<'_, VerifyingKey>> {
        match self {
            Verifier::Set(keys) => keys.resolve(header),
            Verifier::One(keys) => keys
                .iter()
                .find(|k| k.algorithm() == header.alg)
                .map(Cow::Borrowed)
                .ok_or_else(|| jot::Error::AlgorithmNotAllowed(header.alg.name().into())),
        }
    }
}
