//! Verifying keys.

use crate::error::KeyMismatch;
use crate::error::WeakKey;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::{check_compatible, min_hmac_key_len};
use crate::alg::{Algorithm, Family};
use crate::backend::ed25519::Point;
use crate::backend::verify::Verifier;
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyOp, KeyParams};

/// Room a key keeps for the layer above it: the JWS code stores the first
/// plain header that verified through the key there (`jws::resolve`). The
/// key neither reads nor knows its content.
pub(crate) type MemoSlot = OnceLock<Box<dyn std::any::Any + Send + Sync>>;

/// A public key (or HMAC secret) prepared for verifying one algorithm.
///
/// Cheap to clone and usable from many threads.
#[derive(Clone)]
pub struct VerifyingKey {
    alg: Algorithm,
    kid: Option<String>,
    inner: Verifier,
    /// Shared by clones: it caches parsing, which does not depend on the key.
    memo: Arc<MemoSlot>,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// Where the JWS code remembers the first plain header that verified
    /// through this key (`jws::resolve`).
    pub(crate) fn memo_slot(&self) -> &MemoSlot {
        &self.memo
    }

    /// Prepares a JWK (public or private; only the public half is used) for
    /// verifying `alg`. `oct` keys work only with HS* and must be at least as
    /// long as the hash output.
    pub fn from_jwk(jwk: &Jwk, alg: Algorithm) -> Result<Self> {
        Self::prepare(jwk, alg, true)
    }

    /// Like [`VerifyingKey::from_jwk`], but accepts HMAC secrets shorter than
    /// the hash output. Only for verifying legacy tokens; RFC 7518 §3.2
    /// forbids such keys.
    pub fn from_jwk_allow_short_hmac(jwk: &Jwk, alg: Algorithm) -> Result<Self> {
        Self::prepare(jwk, alg, false)
    }

    /// An HMAC key from raw secret bytes (at least the hash length).
    pub fn hmac(secret: &[u8], alg: Algorithm) -> Result<Self> {
        if !alg.is_symmetric() {
            return Err(Error::key_alg(alg, KeyMismatch::SecretNotHmac));
        }
        Self::from_jwk(&Jwk::from_secret(secret)?, alg)
    }

    /// The verifying half of a signing key that has no public JWK (HMAC).
    pub(crate) fn from_verifier(alg: Algorithm, inner: Verifier) -> Self {
        VerifyingKey {
            alg,
            kid: None,
            inner,
            memo: Arc::default(),
        }
    }

    fn prepare(jwk: &Jwk, alg: Algorithm, enforce_hmac_len: bool) -> Result<Self> {
        check_compatible(jwk, alg)?;
        if !jwk.permits(KeyOp::Verify) {
            return Err(Error::key_alg(alg, KeyMismatch::KeyOps));
        }
        if let KeyParams::Oct { k } = &jwk.params {
            let min = min_hmac_key_len(alg);
            if enforce_hmac_len && k.len() < min {
                return Err(Error::WeakKey(WeakKey::ShortSecret {
                    bytes: k.len(),
                    minimum: min,
                }));
            }
        }
        let inner = Verifier::prepare(alg, &jwk.params)?;
        Ok(VerifyingKey {
            alg,
            kid: jwk.kid.clone(),
            inner,
            memo: Arc::default(),
        })
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Sets or replaces the key id.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The family of the algorithm (convenience).
    pub fn family(&self) -> Family {
        self.alg.family()
    }

    /// The raw public key if this key verifies Ed25519 signatures (for the
    /// batch verifier, which needs the encoded point).
    pub(crate) fn ed25519_public_key(&self) -> Option<&[u8; 32]> {
        self.inner.ed25519_public_key()
    }

    /// The Ed25519 key as a point, if the batch's cofactored equation may be
    /// used with it (see `backend/ed25519.rs`).
    pub(crate) fn ed25519_point(&self) -> Option<&Point> {
        self.inner.ed25519_point()
    }

    /// Verifies a raw signature over `message`. Every failure, including a
    /// signature of the wrong length or form, is [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> Result<()> {
        if self.inner.verify(message, sig) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}
