//! Signing keys.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, PqdsaKeyPair, RsaEncoding};
use aws_lc_rs::{hmac, rsa};

use super::{check, check_compatible, min_hmac_key_len, VerifyingKey};
use crate::alg::{Algorithm, Family};
use crate::backend::{descriptor, Imp, SignatureLen};
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyOp, KeyParams, OkpCurve};

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

#[derive(Clone)]
enum Signer {
    // hmac::Key holds precomputed pads (~1.2 kB): shared, not copied.
    Hmac(Arc<hmac::Key>),
    Rsa(Arc<rsa::KeyPair>, &'static dyn RsaEncoding),
    Ecdsa(Arc<EcdsaKeyPair>),
    Ed25519(Arc<Ed25519KeyPair>),
    Ed448(Arc<ed448_goldilocks::SigningKey>),
    /// ML-DSA, expanded from the seed once; the signature length is the
    /// descriptor's.
    MlDsa(Arc<PqdsaKeyPair>, usize),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The aws-lc-rs HMAC algorithm of `alg`'s descriptor (`None`: not HMAC).
pub(crate) fn hmac_algorithm(alg: Algorithm) -> Option<hmac::Algorithm> {
    match descriptor(alg).imp {
        Imp::Hmac(h) => Some(*h),
        Imp::Rsa { .. } | Imp::Ecdsa { .. } | Imp::EdDsa | Imp::MlDsa { .. } => None,
    }
}

pub(crate) fn mismatch(alg: Algorithm) -> Error {
    // check_compatible matched the key to the descriptor already.
    Error::key_alg(alg, "the key does not fit the algorithm")
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
            return Err(Error::key_alg(
                alg,
                "the key's key_ops do not include \"sign\"",
            ));
        }
        let public = jwk.to_public().ok().map(Arc::new);
        let inner = match &jwk.params {
            KeyParams::Oct { k } => {
                let min = min_hmac_key_len(alg);
                if k.len() < min {
                    return Err(Error::WeakKey(format!(
                        "{alg} needs a secret of at least {min} bytes, this one has {}",
                        k.len()
                    )));
                }
                let h = hmac_algorithm(alg).ok_or_else(|| mismatch(alg))?;
                Signer::Hmac(Arc::new(hmac::Key::new(h, k.expose())))
            }
            KeyParams::Rsa(r) => {
                let Imp::Rsa { sign, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let pair = check::rsa_key_pair(r)?
                    .ok_or_else(|| Error::key_alg(alg, "signing needs a private key"))?;
                Signer::Rsa(Arc::new(pair), sign)
            }
            KeyParams::Ec(e) => {
                let d =
                    e.d.as_ref()
                        .ok_or_else(|| Error::key_alg(alg, "signing needs a private key"))?;
                let Imp::Ecdsa { sign, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let pair = EcdsaKeyPair::from_private_key_and_public_key(
                    sign,
                    d.expose(),
                    &check::uncompressed_point(e),
                )
                .map_err(|_| Error::invalid_key("EC private key does not match its public key"))?;
                Signer::Ecdsa(Arc::new(pair))
            }
            KeyParams::Okp(o) => {
                let d =
                    o.d.as_ref()
                        .ok_or_else(|| Error::key_alg(alg, "signing needs a private key"))?;
                match o.crv {
                    OkpCurve::Ed25519 => {
                        let pair = Ed25519KeyPair::from_seed_and_public_key(d.expose(), &o.x)
                            .map_err(|_| {
                                Error::invalid_key(
                                    "Ed25519 private key does not match its public key",
                                )
                            })?;
                        Signer::Ed25519(Arc::new(pair))
                    }
                    OkpCurve::Ed448 => {
                        let key = ed448_goldilocks::SigningKey::try_from(d.expose())
                            .map_err(|_| Error::invalid_key("invalid Ed448 private key"))?;
                        if key.verifying_key().to_bytes().as_slice() != o.x.as_slice() {
                            return Err(Error::invalid_key(
                                "Ed448 private key does not match its public key",
                            ));
                        }
                        Signer::Ed448(Arc::new(key))
                    }
                    OkpCurve::X25519 | OkpCurve::X448 => unreachable_curve(alg)?,
                }
            }
            KeyParams::Akp(a) => {
                let seed = a
                    .private
                    .as_ref()
                    .ok_or_else(|| Error::key_alg(alg, "signing needs a private key"))?;
                let d = descriptor(alg);
                let (Imp::MlDsa { sign, .. }, SignatureLen::Fixed(len)) = (&d.imp, d.signature_len)
                else {
                    return Err(mismatch(alg));
                };
                let pair = PqdsaKeyPair::from_seed(sign, seed.expose())
                    .map_err(|_| Error::invalid_key(format!("invalid {alg} seed")))?;
                // RFC 9964 §7.4: a `pub` that is not the seed's would publish
                // a key that verifies none of this key's signatures.
                if pair.public_key().as_ref() != a.public.as_slice() {
                    return Err(Error::invalid_key(format!(
                        "{alg} private key (seed) does not match its public key"
                    )));
                }
                Signer::MlDsa(Arc::new(pair), len)
            }
        };
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
            return Err(Error::key_alg(
                alg,
                "a raw secret can only be used with HS256/HS384/HS512",
            ));
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
        let vk = match (&self.inner, &self.public) {
            (Signer::Hmac(k), _) => VerifyingKey::from_hmac_key(self.alg, Arc::clone(k)),
            (_, Some(public)) => VerifyingKey::from_jwk(public, self.alg)?,
            (_, None) => return Err(Error::invalid_key("no public key available")),
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
        match &self.inner {
            Signer::Hmac(k) => Ok(f(hmac::sign(k, message).as_ref())),
            Signer::Rsa(pair, enc) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(*enc, &SystemRandom::new(), message, &mut sig)
                    .map_err(|_| Error::Crypto("RSA signing failed"))?;
                Ok(f(&sig))
            }
            Signer::Ecdsa(pair) => pair
                .sign(&SystemRandom::new(), message)
                .map(|s| f(s.as_ref()))
                .map_err(|_| Error::Crypto("ECDSA signing failed")),
            Signer::Ed25519(pair) => Ok(f(pair.sign(message).as_ref())),
            Signer::Ed448(key) => Ok(f(&key.sign_raw(message).to_bytes())),
            Signer::MlDsa(pair, len) => {
                let mut sig = vec![0u8; *len];
                let written = pair
                    .sign(message, &mut sig)
                    .map_err(|_| Error::Crypto("ML-DSA signing failed"))?;
                Ok(f(sig.get(..written).unwrap_or_default()))
            }
        }
    }

    /// The family of the algorithm (convenience).
    pub fn family(&self) -> Family {
        self.alg.family()
    }
}

fn unreachable_curve<T>(alg: Algorithm) -> Result<T> {
    // check_compatible already refused X25519/X448 for signature algorithms.
    Err(Error::key_alg(
        alg,
        "X25519/X448 keys are for key agreement only",
    ))
}
