//! Verifying keys prepared once on aws-lc-rs (and ed448-goldilocks), and
//! the check of a signature. As for signing, the key layer decides whether
//! a key may be used; this file holds the object that verifies.

use crate::error::InvalidKey;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::signature::{self, ParsedPublicKey};
use aws_lc_rs::{constant_time, hmac};

use super::descriptor::{agreement_only, hmac_key, mismatch};
use super::descriptor::{descriptor, Imp, SignatureLen};
use super::ed25519::{self, Point};
use super::material::rsa_spki;
use super::point::uncompressed_point;
use super::sign::Signer;
use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::jwk::{KeyParams, OkpCurve};

/// A prepared verifying key.
#[derive(Clone)]
pub(crate) enum Verifier {
    Hmac(Arc<hmac::Key>),
    /// RSA, ECDSA (with the fixed R||S length) and ML-DSA (with its fixed
    /// signature length).
    Parsed(Arc<ParsedPublicKey>, usize),
    Ed448(Arc<ed448_goldilocks::VerifyingKey>),
    /// Ed25519: aws-lc-rs decides. The key's point is made on first need,
    /// for the batch verifier only (`None`: a key the batch's cofactored
    /// equation may not be used with; see `backend/ed25519.rs`).
    Ed25519(Arc<ParsedPublicKey>, [u8; 32], Arc<OnceLock<Option<Point>>>),
}

impl Verifier {
    /// Prepares key material that fits `alg` (the caller checked it with
    /// the descriptor) for verifying.
    pub(crate) fn prepare(alg: Algorithm, params: &KeyParams) -> Result<Self> {
        Ok(match params {
            KeyParams::Oct { k } => {
                Verifier::Hmac(hmac_key(alg, k.expose()).ok_or_else(|| mismatch(alg))?)
            }
            KeyParams::Rsa(r) => {
                let der = rsa_spki(r)?;
                let Imp::Rsa { verify, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let key = ParsedPublicKey::new(verify, der.as_ref())
                    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))?;
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
                let key = ParsedPublicKey::new(*verify, uncompressed_point(&e.x, &e.y))
                    .map_err(|_| crate::jwk::not_on_curve(e.crv))?;
                Verifier::Parsed(Arc::new(key), len)
            }
            KeyParams::Okp(o) => match o.crv {
                OkpCurve::Ed25519 => {
                    let invalid = || Error::InvalidKey(InvalidKey::InvalidPublicKey);
                    let key =
                        ParsedPublicKey::new(&signature::ED25519, &o.x).map_err(|_| invalid())?;
                    let public: [u8; 32] = o.x.as_slice().try_into().map_err(|_| invalid())?;
                    // A small-order key (e.g. the identity) verifies
                    // signatures nobody made: refused, as libsodium does.
                    if !ed25519::is_acceptable_key(&public) {
                        return Err(Error::InvalidKey(InvalidKey::LowOrderPoint));
                    }
                    Verifier::Ed25519(Arc::new(key), public, Arc::default())
                }
                OkpCurve::Ed448 => {
                    let bytes =
                        o.x.as_slice()
                            .try_into()
                            .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))?;
                    let key = ed448_goldilocks::VerifyingKey::from_bytes(bytes)
                        .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))?;
                    Verifier::Ed448(Arc::new(key))
                }
                OkpCurve::X25519 | OkpCurve::X448 => return Err(agreement_only(alg)),
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
                    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))?;
                Verifier::Parsed(Arc::new(key), len)
            }
        })
    }

    /// The verifier of an HMAC signing key, which verifies with the same
    /// secret (`None`: an asymmetric key, verified through its public JWK).
    pub(crate) fn of_hmac_signer(signer: &Signer) -> Option<Self> {
        match signer {
            Signer::Hmac(k) => Some(Verifier::Hmac(Arc::clone(k))),
            Signer::Rsa(..)
            | Signer::Ecdsa(_)
            | Signer::Ed25519(_)
            | Signer::Ed448(_)
            | Signer::MlDsa(..) => None,
        }
    }

    /// The raw public key of an Ed25519 key.
    pub(crate) fn ed25519_public_key(&self) -> Option<&[u8; 32]> {
        match self {
            Verifier::Ed25519(_, public, _) => Some(public),
            Verifier::Hmac(_) | Verifier::Parsed(..) | Verifier::Ed448(_) => None,
        }
    }

    /// The Ed25519 key as a point, if the batch's cofactored equation may be
    /// used with it (see `backend/ed25519.rs`).
    pub(crate) fn ed25519_point(&self) -> Option<&Point> {
        match self {
            Verifier::Ed25519(_, public, point) => {
                point.get_or_init(|| ed25519::fit_key(public)).as_ref()
            }
            Verifier::Hmac(_) | Verifier::Parsed(..) | Verifier::Ed448(_) => None,
        }
    }

    /// Whether `sig` is a valid signature over `message`; a signature of
    /// the wrong length or form is not.
    #[inline]
    pub(crate) fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
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
        }
    }
}
