//! Signing keys prepared once on aws-lc-rs (and ed448-goldilocks), and the
//! signature they make. The key layer decides whether a key may be used
//! (type, size, `key_ops`); this file turns the material it accepted into
//! the aws-lc-rs object that signs, and keeps that object.

use crate::error::InvalidKey;
use crate::error::KeyMismatch;
use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, PqdsaKeyPair, RsaEncoding};
use aws_lc_rs::{hmac, rsa};

use super::descriptor::{agreement_only, descriptor, hmac_key, mismatch, Imp, SignatureLen};
use super::material::rsa_key_pair;
use super::point::uncompressed_point;
use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::jwk::{KeyParams, OkpCurve};

/// A prepared signing key.
#[derive(Clone)]
pub(crate) enum Signer {
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

fn needs_private(alg: Algorithm) -> Error {
    Error::key_alg(alg, KeyMismatch::PublicOnly)
}

impl Signer {
    /// Prepares key material that fits `alg` (the caller checked it with
    /// the descriptor) for signing.
    pub(crate) fn prepare(alg: Algorithm, params: &KeyParams) -> Result<Self> {
        Ok(match params {
            KeyParams::Oct { k } => {
                Signer::Hmac(hmac_key(alg, k.expose()).ok_or_else(|| mismatch(alg))?)
            }
            KeyParams::Rsa(r) => {
                let Imp::Rsa { sign, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let pair = rsa_key_pair(r)?.ok_or_else(|| needs_private(alg))?;
                Signer::Rsa(Arc::new(pair), sign)
            }
            KeyParams::Ec(e) => {
                let d = e.d.as_ref().ok_or_else(|| needs_private(alg))?;
                let Imp::Ecdsa { sign, .. } = descriptor(alg).imp else {
                    return Err(mismatch(alg));
                };
                let pair = EcdsaKeyPair::from_private_key_and_public_key(
                    sign,
                    d.expose(),
                    &uncompressed_point(&e.x, &e.y),
                )
                .map_err(|_| Error::InvalidKey(InvalidKey::KeyPairMismatch))?;
                Signer::Ecdsa(Arc::new(pair))
            }
            KeyParams::Okp(o) => {
                let d = o.d.as_ref().ok_or_else(|| needs_private(alg))?;
                match o.crv {
                    OkpCurve::Ed25519 => {
                        let pair = Ed25519KeyPair::from_seed_and_public_key(d.expose(), &o.x)
                            .map_err(|_| Error::InvalidKey(InvalidKey::KeyPairMismatch))?;
                        Signer::Ed25519(Arc::new(pair))
                    }
                    OkpCurve::Ed448 => {
                        let key = ed448_goldilocks::SigningKey::try_from(d.expose())
                            .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPrivateKey))?;
                        if key.verifying_key().to_bytes().as_slice() != o.x.as_slice() {
                            return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
                        }
                        Signer::Ed448(Arc::new(key))
                    }
                    OkpCurve::X25519 | OkpCurve::X448 => return Err(agreement_only(alg)),
                }
            }
            KeyParams::Akp(a) => {
                let seed = a.private.as_ref().ok_or_else(|| needs_private(alg))?;
                let d = descriptor(alg);
                let (Imp::MlDsa { sign, .. }, SignatureLen::Fixed(len)) = (&d.imp, d.signature_len)
                else {
                    return Err(mismatch(alg));
                };
                let pair = PqdsaKeyPair::from_seed(sign, seed.expose())
                    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPrivateKey))?;
                // RFC 9964 §7.4: a `pub` that is not the seed's would publish
                // a key that verifies none of this key's signatures.
                if pair.public_key().as_ref() != a.public.as_slice() {
                    return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
                }
                Signer::MlDsa(Arc::new(pair), len)
            }
        })
    }

    /// Signs `message` and hands the signature, in JOSE form, to `f`
    /// without allocating for it (except RSA's and ML-DSA's).
    pub(crate) fn sign_then<T>(&self, message: &[u8], f: impl FnOnce(&[u8]) -> T) -> Result<T> {
        match self {
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
}
