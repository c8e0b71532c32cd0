//! Signing keys.

use crate::error::KeyMismatch;
use crate::error::{InvalidKey, WeakKey};
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::{check_compatible, min_hmac_key_len, VerifyingKey};
use crate::alg::{Algorithm, Family};
use crate::backend::sign::Signer;
use crate::backend::verify::Verifier;
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyOp, KeyParams};

/// A private or secret key prepared for signing with one algorithm.
///
/// Cheap to clone (the prepared key is shared) and usable from many threads.
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    kid: Option<String>,
    inner: Signer,
    /// The public JWK (asymmetric keys), kept for `verifying_key` and export.
    public: Option<Arc<Jwk>>,
    /// base64url of `{"alg":..,"kid":..,"typ":"JWT"}`, made on first use:
    /// signing a JWT then starts by copying it.
    jwt_header: Arc<OnceLock<String>>,
    /// The same for a plain JWS: `{"alg":..,"kid":..}`.
    jws_header: Arc<OnceLock<String>>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Prepares a private JWK (or an `oct` secret) for `alg`.
    ///
    /// Fails if the key's type, curve or size does not fit `alg`, if its own
    /// `alg`/`use`/`key_ops` forbid signing, if it is public, or if it is too
    /// weak (RSA under 2048 bits, HMAC secret shorter than the hash).
    pub fn from_jwk(jwk: &Jwk, alg: Algorithm) -> Result<Self> {
        check_compatible(jwk, alg)?;
        if !jwk.permits(KeyOp::Sign) {
            return Err(Error::key_alg(alg, KeyMismatch::KeyOps));
        }
        let public = jwk.to_public().ok().map(Arc::new);
        if let KeyParams::Oct { k } = &jwk.params {
            let min = min_hmac_key_len(alg);
            if k.len() < min {
                return Err(Error::WeakKey(WeakKey::ShortSecret {
                    bytes: k.len(),
                    minimum: min,
                }));
            }
        }
        let inner = Signer::prepare(alg, &jwk.params)?;
        Ok(SigningKey {
            alg,
            kid: jwk.kid.clone(),
            inner,
            public,
            jwt_header: Arc::default(),
            jws_header: Arc::default(),
        })
    }

    /// An HMAC key from raw secret bytes. Secrets shorter than the hash
    /// output are rejected (RFC 7518 §3.2).
    pub fn hmac(secret: &[u8], alg: Algorithm) -> Result<Self> {
        if !alg.is_symmetric() {
            return Err(Error::key_alg(alg, KeyMismatch::SecretNotHmac));
        }
        Self::from_jwk(&Jwk::from_secret(secret)?, alg)
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id written into headers, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Sets or replaces the key id.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self.jwt_header = Arc::default();
        self.jws_header = Arc::default();
        self
    }

    /// Where the JWS code keeps the encoded protected header it writes
    /// with this key (`jwt`: with `typ: JWT`), made on first use; emptied
    /// when the `kid` changes.
    pub(crate) fn header_cache(&self, jwt: bool) -> &OnceLock<String> {
        if jwt {
            &self.jwt_header
        } else {
            &self.jws_header
        }
    }

    /// The public JWK of an asymmetric key (`None` for HMAC).
    pub fn public_jwk(&self) -> Option<&Jwk> {
        self.public.as_deref()
    }

    /// A verifying key for the same algorithm (the public half, or the same
    /// secret for HMAC).
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        let vk = match (Verifier::of_hmac_signer(&self.inner), &self.public) {
            (Some(v), _) => VerifyingKey::from_verifier(self.alg, v),
            (_, Some(public)) => VerifyingKey::from_jwk(public, self.alg)?,
            (_, None) => return Err(Error::InvalidKey(InvalidKey::NoPublicKey)),
        };
        Ok(match &self.kid {
            Some(kid) => vk.with_kid(kid.clone()),
            None => vk,
        })
    }

    /// Signs `message` (the JWS signing input), returning the raw signature
    /// in JOSE form (R||S for ECDSA).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.sign_then(message, |sig| sig.to_vec())
    }

    /// Signs `message` and hands the signature to `f` without allocating for
    /// it (except RSA's, sized by the modulus).
    pub(crate) fn sign_then<T>(&self, message: &[u8], f: impl FnOnce(&[u8]) -> T) -> Result<T> {
        self.inner.sign_then(message, f)
    }

    /// The family of the algorithm (convenience).
    pub fn family(&self) -> Family {
        self.alg.family()
    }
}
