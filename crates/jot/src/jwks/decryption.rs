//! A JWK Set prepared for JWE decryption.

use std::borrow::Cow;

use crate::error::Result;
use crate::jwe::{DecryptionKey, DecryptionKeyResolver, JweHeader, KeyManagement};
use crate::jwk::JwkSet;

/// The encryption keys of a JWK Set, each prepared once for every allowed
/// `alg` it fits (its own `alg` if it names one). Selection is by `kid` and
/// `alg`; `use`/`key_ops` are honoured; ambiguity is an error.
#[derive(Debug, Clone, Default)]
pub struct DecryptionKeySet {
    keys: Vec<DecryptionKey>,
}

impl DecryptionKeySet {
    /// Prepares the private keys of `set` for the algorithms in `allowed`.
    /// Keys that fit none (signature keys, public keys) are left out.
    pub fn from_jwks(set: &JwkSet, allowed: &[KeyManagement]) -> Self {
        let mut keys = Vec::new();
        for jwk in &set.keys {
            for &alg in allowed {
                if let Ok(k) = DecryptionKey::from_jwk(jwk, alg) {
                    keys.push(k);
                }
            }
        }
        DecryptionKeySet { keys }
    }

    /// The prepared keys.
    pub fn keys(&self) -> &[DecryptionKey] {
        &self.keys
    }

    /// Whether no key could be prepared.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl DecryptionKeyResolver for DecryptionKeySet {
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>> {
        self.keys.as_slice().resolve(header)
    }
}
