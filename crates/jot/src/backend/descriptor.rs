//! One static descriptor per JWS algorithm: what the algorithm needs and
//! produces, and the aws-lc-rs handles that compute it, in one place, the
//! way ring describes its algorithms (`ECDSA_P256_SHA256_FIXED` names its
//! curve, digest and encoding together).
//!
//! Code that needs to know something about an algorithm looks it up here
//! ([`descriptor`]) instead of matching on [`Algorithm`] with a default
//! arm: adding an algorithm is a new descriptor (and, for a new kind of
//! primitive, its [`Imp`] arm in the key code, which the compiler lists).
//! `docs/architecture.md` has the list of edits.

use crate::error::KeyMismatch;
use std::sync::Arc;

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{
    self, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, PqdsaSigningAlgorithm,
    PqdsaVerificationAlgorithm, RsaEncoding, RsaParameters,
};

use super::digest::Hash;
use crate::alg::Algorithm;
use crate::error::Error;
use crate::jwk::{AkpAlgorithm, EcCurve, OkpCurve};

/// Smallest RSA modulus for any JOSE algorithm (RFC 7518 §3.3, §4.2).
pub(crate) const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus aws-lc-rs signs, verifies and decrypts with.
pub(crate) const MAX_RSA_BITS: usize = 8192;

/// A JWS algorithm as Jot implements it.
#[derive(Debug)]
pub(crate) struct SigAlg {
    /// The algorithm described (the tests check each descriptor against it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) alg: Algorithm,
    /// The hash the algorithm uses, if it names one (EdDSA hashes
    /// internally). Part of the description and checked by the tests; no
    /// code path needs it apart from the key size it sets.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) hash: Option<Hash>,
    /// The key it needs.
    pub(crate) key: KeyKind,
    /// The length of its signature in JOSE form.
    pub(crate) signature_len: SignatureLen,
    /// The primitive that computes it.
    pub(crate) imp: Imp,
}

/// The key an algorithm needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyKind {
    /// An `oct` secret of at least `min_len` bytes (RFC 7518 §3.2: the
    /// hash output size).
    Secret { min_len: usize },
    /// An RSA key of `min_bits..=max_bits`.
    Rsa { min_bits: usize, max_bits: usize },
    /// An `EC` key on this curve.
    Ec(EcCurve),
    /// An `OKP` key on one of these curves; `generate` is the one a new key
    /// for the algorithm gets.
    Okp {
        curves: &'static [OkpCurve],
        generate: OkpCurve,
    },
    /// An `AKP` key whose `alg` member is this algorithm (its public key and
    /// seed lengths come with it, as a curve's coordinate length does).
    Akp(AkpAlgorithm),
}

/// The length of a signature in JOSE form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureLen {
    /// Always this many bytes (HMAC tags; ECDSA's R||S, RFC 7518 §3.4).
    Fixed(usize),
    /// As long as the RSA modulus.
    Modulus,
    /// Set by the key's curve (EdDSA: 64 bytes for Ed25519, 114 for Ed448).
    ByCurve,
}

/// The primitive behind an algorithm, with its aws-lc-rs handles.
#[derive(Debug)]
pub(crate) enum Imp {
    Hmac(&'static hmac::Algorithm),
    Rsa {
        sign: &'static dyn RsaEncoding,
        verify: &'static RsaParameters,
    },
    Ecdsa {
        sign: &'static EcdsaSigningAlgorithm,
        verify: &'static EcdsaVerificationAlgorithm,
    },
    /// Ed25519 on aws-lc-rs, Ed448 on ed448-goldilocks, by the key's curve.
    EdDsa,
    /// ML-DSA (FIPS 204 pure mode, empty context, hedged signing).
    MlDsa {
        sign: &'static PqdsaSigningAlgorithm,
        verify: &'static PqdsaVerificationAlgorithm,
    },
}

const fn hmac(alg: Algorithm, hash: Hash, imp: &'static hmac::Algorithm) -> SigAlg {
    SigAlg {
        alg,
        hash: Some(hash),
        key: KeyKind::Secret {
            min_len: hash.len(),
        },
        signature_len: SignatureLen::Fixed(hash.len()),
        imp: Imp::Hmac(imp),
    }
}

const fn rsa(
    alg: Algorithm,
    hash: Hash,
    sign: &'static dyn RsaEncoding,
    verify: &'static RsaParameters,
) -> SigAlg {
    SigAlg {
        alg,
        hash: Some(hash),
        key: KeyKind::Rsa {
            min_bits: MIN_RSA_BITS,
            max_bits: MAX_RSA_BITS,
        },
        signature_len: SignatureLen::Modulus,
        imp: Imp::Rsa { sign, verify },
    }
}

const fn ecdsa(
    alg: Algorithm,
    hash: Hash,
    curve: EcCurve,
    sign: &'static EcdsaSigningAlgorithm,
    verify: &'static EcdsaVerificationAlgorithm,
) -> SigAlg {
    SigAlg {
        alg,
        hash: Some(hash),
        key: KeyKind::Ec(curve),
        signature_len: SignatureLen::Fixed(2 * curve.coordinate_len()),
        imp: Imp::Ecdsa { sign, verify },
    }
}

const fn eddsa(alg: Algorithm, curves: &'static [OkpCurve], generate: OkpCurve) -> SigAlg {
    SigAlg {
        alg,
        hash: None,
        key: KeyKind::Okp { curves, generate },
        signature_len: SignatureLen::ByCurve,
        imp: Imp::EdDsa,
    }
}

/// FIPS 204 Table 2 signature sizes; RFC 9964 §5 carries them as they are.
const fn ml_dsa(
    alg: Algorithm,
    key: AkpAlgorithm,
    signature_len: usize,
    sign: &'static PqdsaSigningAlgorithm,
    verify: &'static PqdsaVerificationAlgorithm,
) -> SigAlg {
    SigAlg {
        alg,
        // ML-DSA hashes internally (SHAKE256); HashML-DSA is not used.
        hash: None,
        key: KeyKind::Akp(key),
        signature_len: SignatureLen::Fixed(signature_len),
        imp: Imp::MlDsa { sign, verify },
    }
}

use Algorithm as A;

static HS256: SigAlg = hmac(A::HS256, Hash::Sha256, &hmac::HMAC_SHA256);
static HS384: SigAlg = hmac(A::HS384, Hash::Sha384, &hmac::HMAC_SHA384);
static HS512: SigAlg = hmac(A::HS512, Hash::Sha512, &hmac::HMAC_SHA512);
static RS256: SigAlg = rsa(
    A::RS256,
    Hash::Sha256,
    &signature::RSA_PKCS1_SHA256,
    &signature::RSA_PKCS1_2048_8192_SHA256,
);
static RS384: SigAlg = rsa(
    A::RS384,
    Hash::Sha384,
    &signature::RSA_PKCS1_SHA384,
    &signature::RSA_PKCS1_2048_8192_SHA384,
);
static RS512: SigAlg = rsa(
    A::RS512,
    Hash::Sha512,
    &signature::RSA_PKCS1_SHA512,
    &signature::RSA_PKCS1_2048_8192_SHA512,
);
// RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
static PS256: SigAlg = rsa(
    A::PS256,
    Hash::Sha256,
    &signature::RSA_PSS_SHA256,
    &signature::RSA_PSS_2048_8192_SHA256,
);
static PS384: SigAlg = rsa(
    A::PS384,
    Hash::Sha384,
    &signature::RSA_PSS_SHA384,
    &signature::RSA_PSS_2048_8192_SHA384,
);
static PS512: SigAlg = rsa(
    A::PS512,
    Hash::Sha512,
    &signature::RSA_PSS_SHA512,
    &signature::RSA_PSS_2048_8192_SHA512,
);
static ES256: SigAlg = ecdsa(
    A::ES256,
    Hash::Sha256,
    EcCurve::P256,
    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
    &signature::ECDSA_P256_SHA256_FIXED,
);
static ES384: SigAlg = ecdsa(
    A::ES384,
    Hash::Sha384,
    EcCurve::P384,
    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
    &signature::ECDSA_P384_SHA384_FIXED,
);
static ES512: SigAlg = ecdsa(
    A::ES512,
    Hash::Sha512,
    EcCurve::P521,
    &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
    &signature::ECDSA_P521_SHA512_FIXED,
);
static ES256K: SigAlg = ecdsa(
    A::ES256K,
    Hash::Sha256,
    EcCurve::Secp256k1,
    &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    &signature::ECDSA_P256K1_SHA256_FIXED,
);
// RFC 8037 §3.1: the curve comes from the key; RFC 9864 fixes it in the name.
static EDDSA: SigAlg = eddsa(
    A::EdDSA,
    &[OkpCurve::Ed25519, OkpCurve::Ed448],
    OkpCurve::Ed25519,
);
static ED25519: SigAlg = eddsa(A::Ed25519, &[OkpCurve::Ed25519], OkpCurve::Ed25519);
static ED448: SigAlg = eddsa(A::Ed448, &[OkpCurve::Ed448], OkpCurve::Ed448);
static ML_DSA_44: SigAlg = ml_dsa(
    A::MlDsa44,
    AkpAlgorithm::MlDsa44,
    2420,
    &signature::ML_DSA_44_SIGNING,
    &signature::ML_DSA_44,
);
static ML_DSA_65: SigAlg = ml_dsa(
    A::MlDsa65,
    AkpAlgorithm::MlDsa65,
    3309,
    &signature::ML_DSA_65_SIGNING,
    &signature::ML_DSA_65,
);
static ML_DSA_87: SigAlg = ml_dsa(
    A::MlDsa87,
    AkpAlgorithm::MlDsa87,
    4627,
    &signature::ML_DSA_87_SIGNING,
    &signature::ML_DSA_87,
);

/// The descriptor of `alg`. Exhaustive: a new [`Algorithm`] does not
/// compile until it has one.
pub(crate) const fn descriptor(alg: Algorithm) -> &'static SigAlg {
    match alg {
        A::HS256 => &HS256,
        A::HS384 => &HS384,
        A::HS512 => &HS512,
        A::RS256 => &RS256,
        A::RS384 => &RS384,
        A::RS512 => &RS512,
        A::PS256 => &PS256,
        A::PS384 => &PS384,
        A::PS512 => &PS512,
        A::ES256 => &ES256,
        A::ES384 => &ES384,
        A::ES512 => &ES512,
        A::ES256K => &ES256K,
        A::EdDSA => &EDDSA,
        A::Ed25519 => &ED25519,
        A::Ed448 => &ED448,
        A::MlDsa44 => &ML_DSA_44,
        A::MlDsa65 => &ML_DSA_65,
        A::MlDsa87 => &ML_DSA_87,
    }
}

/// The aws-lc-rs HMAC algorithm of `alg`'s descriptor (`None`: not HMAC).
fn hmac_algorithm(alg: Algorithm) -> Option<&'static hmac::Algorithm> {
    match descriptor(alg).imp {
        Imp::Hmac(h) => Some(h),
        Imp::Rsa { .. } | Imp::Ecdsa { .. } | Imp::EdDsa | Imp::MlDsa { .. } => None,
    }
}

/// A shared HMAC key for `alg` (`None`: not an HMAC algorithm).
pub(crate) fn hmac_key(alg: Algorithm, secret: &[u8]) -> Option<Arc<hmac::Key>> {
    hmac_algorithm(alg).map(|h| Arc::new(hmac::Key::new(*h, secret)))
}

pub(crate) fn mismatch(alg: Algorithm) -> Error {
    // check_compatible matched the key to the descriptor already.
    Error::key_alg(alg, KeyMismatch::Shape)
}

pub(crate) fn agreement_only(alg: Algorithm) -> Error {
    // check_compatible already refused X25519/X448 for signature algorithms.
    Error::key_alg(alg, KeyMismatch::AgreementOnly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Family;

    #[test]
    fn every_descriptor_describes_its_own_algorithm_and_family() {
        for &alg in Algorithm::ALL {
            let d = descriptor(alg);
            assert_eq!(d.alg, alg);
            let fits = match (alg.family(), d.key, &d.imp) {
                (Family::Hmac, KeyKind::Secret { min_len }, Imp::Hmac(h)) => {
                    h.digest_algorithm().output_len() == min_len
                        && d.signature_len == SignatureLen::Fixed(min_len)
                }
                (Family::RsaPkcs1 | Family::RsaPss, KeyKind::Rsa { .. }, Imp::Rsa { .. }) => {
                    d.signature_len == SignatureLen::Modulus
                }
                (Family::Ecdsa, KeyKind::Ec(c), Imp::Ecdsa { .. }) => {
                    d.signature_len == SignatureLen::Fixed(2 * c.coordinate_len())
                }
                (Family::EdDsa, KeyKind::Okp { curves, generate }, Imp::EdDsa) => {
                    curves.contains(&generate) && d.hash.is_none()
                }
                // The key's alg member is the algorithm, and aws-lc-rs
                // agrees on the lengths the JWK layer checks.
                (Family::MlDsa, KeyKind::Akp(key), Imp::MlDsa { sign, .. }) => {
                    key.name() == alg.name()
                        && d.signature_len == SignatureLen::Fixed(sign.signature_len())
                        && key.public_len() == sign.public_key_len()
                        && key.seed_len() == sign.seed_len()
                        && d.hash.is_none()
                }
                _ => false,
            };
            assert!(fits, "{alg}: {d:?}");
            // The hash is the one the name says (HS256, RS384, ES512...).
            if let Some(h) = d.hash {
                let bits = (h.len() * 8).to_string();
                let named =
                    alg.name().ends_with(&bits) || (alg == Algorithm::ES256K && h == Hash::Sha256);
                assert!(named, "{alg}: {h:?}");
            }
        }
    }
}
