//! Verifying keys.

use std::fmt;
use std::sync::{Arc, OnceLock};

use curve25519_dalek::edwards::EdwardsPoint;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature::{self, ParsedPublicKey};
use aws_lc_rs::{constant_time, hmac};

use super::{check, check_compatible, min_hmac_key_len};
use crate::alg::{Algorithm, Family};
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyOp, KeyParams, OkpCurve};

use super::sign::{hmac_algorithm, mismatch};
use crate::backend::{descriptor, Imp, SignatureLen};

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

#[derive(Clone)]
enum Verifier {
    Hmac(Arc<hmac::Key>),
    /// RSA, ECDSA (with the fixed R||S length) and ML-DSA (with its fixed
    /// signature length).
    Parsed(Arc<ParsedPublicKey>, usize),
    Ed448(Arc<ed448_goldilocks::VerifyingKey>),
    /// Ed25519: aws-lc-rs decides. The key's point is made on first need,
    /// for the batch verifier only (`None`: a key the batch's cofactored
    /// equation may not be used with; see `key/ed25519.rs`).
    Ed25519(
        Arc<ParsedPublicKey>,
        [u8; 32],
        Arc<OnceLock<Option<EdwardsPoint>>>,
    ),
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
            return Err(Error::key_alg(
                alg,
                "a raw secret can only be used with HS256/HS384/HS512",
            ));
        }
        Self::from_jwk(&Jwk::from_secret(secret)?, alg)
    }

    pub(crate) fn from_hmac_key(alg: Algorithm, key: Arc<hmac::Key>) -> Self {
        VerifyingKey {
            alg,
            kid: None,
            inner: Verifier::Hmac(key),
            memo: Arc::default(),
        }
    }

    fn prepare(jwk: &Jwk, alg: Algorithm, enforce_hmac_len: bool) -> Result<Self> {
        check_compatible(jwk, alg)?;
        if !jwk.permits(KeyOp::Verify) {
            return Err(Error::key_alg(
                alg,
                "the key's key_ops do not include \"verify\"",
            ));
        }
        let inner = match &jwk.params {
            KeyParams::Oct { k } => {
                let min = min_hmac_key_len(alg);
                if enforce_hmac_len && k.len() < min {
                    return Err(Error::WeakKey(format!(
                        "{alg} needs a secret of at least {min} bytes, this one has {}",
                        k.len()
                    )));
                }
                let h = hmac_algorithm(alg).ok_or_else(|| mismatch(alg))?;
                Verifier::Hmac(Arc::new(hmac::Key::new(h, k.expose())))
            }
            KeyParams::Rsa(r) => {
                let der = PublicKeyComponents {
                    n: r.n.as_slice(),
                    e: r.e.as_slice(),
                }
                .as_der()
                .map_err(|_| Error::invalid_key("invalid RSA public key"))?;
                let Imp::Rsa { verify, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let key = ParsedPublicKey::new(verify, der.as_ref())
                    .map_err(|_| Error::invalid_key("invalid RSA public key"))?;
                Verifier::Parsed(Arc::new(key), 0)
            }
            KeyParams::Ec(e) => {
                let d = descriptor(alg);
                let (Imp::Ecdsa { verify, .. }, SignatureLen::Fixed(len)) =
                    (&d.imp, d.signature_len)
                else {
                    return Err(mismatch(alg));
                };
                // aws-lc-rs checks the point is on the curve when parsing it.
                let key =
                    ParsedPublicKey::new(*verify, check::uncompressed_point(e)).map_err(|_| {
                        Error::invalid_key(format!("the point is not on curve {}", e.crv.name()))
                    })?;
                Verifier::Parsed(Arc::new(key), len)
            }
            KeyParams::Okp(o) => match o.crv {
                OkpCurve::Ed25519 => {
                    let invalid = || Error::invalid_key("invalid Ed25519 public key");
                    let key =
                        ParsedPublicKey::new(&signature::ED25519, &o.x).map_err(|_| invalid())?;
                    let public: [u8; 32] = o.x.as_slice().try_into().map_err(|_| invalid())?;
                    // A small-order key (e.g. the identity) verifies
                    // signatures nobody made: refused, as libsodium does.
                    if !super::ed25519::is_acceptable_key(&public) {
                        return Err(Error::invalid_key(
                            "Ed25519 public key is not a canonical point of large order",
                        ));
                    }
                    Verifier::Ed25519(Arc::new(key), public, Arc::default())
                }
                OkpCurve::Ed448 => {
                    let bytes =
                        o.x.as_slice()
                            .try_into()
                            .map_err(|_| Error::invalid_key("invalid Ed448 public key"))?;
                    let key = ed448_goldilocks::VerifyingKey::from_bytes(bytes)
                        .map_err(|_| Error::invalid_key("invalid Ed448 public key"))?;
                    Verifier::Ed448(Arc::new(key))
                }
                OkpCurve::X25519 | OkpCurve::X448 => {
                    return Err(Error::key_alg(
                        alg,
                        "X25519/X448 keys are for key agreement only",
                    ))
                }
            },
            KeyParams::Akp(a) => {
                let d = descriptor(alg);
                let (Imp::MlDsa { verify, .. }, SignatureLen::Fixed(len)) =
                    (&d.imp, d.signature_len)
                else {
                    return Err(mismatch(alg));
                };
                // `pub` has the raw length (checked when the JWK was parsed),
                // so aws-lc-rs reads it as a raw key, never as an SPKI.
                let key = ParsedPublicKey::new(*verify, &a.public)
                    .map_err(|_| Error::invalid_key(format!("invalid {alg} public key")))?;
                Verifier::Parsed(Arc::new(key), len)
            }
        };
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
        match &self.inner {
            Verifier::Ed25519(_, public, _) => Some(public),
            _ => None,
        }
    }

    /// The Ed25519 key as a point, if the batch's cofactored equation may be
    /// used with it (see `key/ed25519.rs`).
    pub(crate) fn ed25519_point(&self) -> Option<&EdwardsPoint> {
        match &self.inner {
            Verifier::Ed25519(_, public, point) => point
                .get_or_init(|| super::ed25519::fit_key(public))
                .as_ref(),
            _ => None,
        }
    }

    /// Verifies a raw signature over `message`. Every failure, including a
    /// signature of the wrong length or form, is [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> Result<()> {
        let ok = match &self.inner {
            Verifier::Hmac(k) => {
                // hmac::verify recomputes the full tag and compares in
                // constant time; a truncated tag never matches.
                let tag = hmac::sign(k, message);
                constant_time::verify_slices_are_equal(tag.as_ref(), sig).is_ok()
            }
            Verifier::Parsed(key, fixed_len) => {
                // ECDSA must be exactly R||S (no DER, no short forms), ML-DSA
                // exactly its FIPS 204 length. RSA checks its own length.
                (*fixed_len == 0 || sig.len() == *fixed_len) && key.verify_sig(message, sig).is_ok()
            }
            // aws-lc-rs alone (RFC 8032 §5.1.7's cofactorless check): a
            // rejected signature costs one verification, no more.
            Verifier::Ed25519(key, _, _) => sig.len() == 64 && key.verify_sig(message, sig).is_ok(),
            // RFC 8032 §5.2.2/§5.2.7: bits 448..454 of the encoded R are
            // unused and must be zero; ed448-goldilocks ignores them, which
            // would let anyone make several valid encodings of one signature
            // (Wycheproof ed448 tcId 63-65).
            Verifier::Ed448(_) if sig.len() != 114 || sig.get(56).is_none_or(|b| b & 0x7f != 0) => {
                false
            }
            Verifier::Ed448(key) => match ed448_goldilocks::Signature::from_slice(sig) {
                Ok(s) => key.verify_raw(&s, message).is_ok(),
                Err(_) => false,
            },
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}
