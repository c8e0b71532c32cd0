//! Key generation.
//!
//! aws-lc generates (through `backend::generate`) RSA, EC and Ed25519 keys and hands them over as PKCS#8,
//! which is parsed by the import code: one parser, one set of checks, for
//! generated and imported keys alike. Curve25519/448 keys without an aws-lc
//! PKCS#8 form are built from random bytes and go through the same checks.

use super::import;
use crate::alg::Algorithm;
use crate::backend::{self, descriptor, KeyKind};
use crate::error::InvalidKey;
use crate::error::{Error, Result};
use crate::jwk::{AkpAlgorithm, EcCurve, Jwk, OkpCurve};

/// Smallest secret [`generate`] makes: 128 bits, the least any JOSE
/// algorithm uses (A128KW, A128GCM).
pub const MIN_SECRET_BYTES: usize = 16;
/// Largest secret [`generate`] makes.
pub const MAX_SECRET_BYTES: usize = 1024;

/// What kind of key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySpec {
    /// A random `oct` secret of `bytes` bytes
    /// ([`MIN_SECRET_BYTES`]..=[`MAX_SECRET_BYTES`]).
    Oct {
        /// Length in bytes.
        bytes: usize,
    },
    /// An RSA key of 2048, 3072, 4096 or 8192 bits (e = 65537).
    Rsa {
        /// Modulus size.
        bits: usize,
    },
    /// An EC key on a curve.
    Ec(EcCurve),
    /// An OKP key (Ed25519, Ed448, X25519, X448).
    Okp(OkpCurve),
    /// An AKP key for ML-DSA-44/65/87 (its seed and public key).
    Akp(AkpAlgorithm),
}

/// Generates a new private key (or secret).
pub fn generate(spec: KeySpec) -> Result<Jwk> {
    let params = match spec {
        KeySpec::Oct { bytes } => {
            if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&bytes) {
                return Err(Error::InvalidKey(InvalidKey::UnsupportedSize(bytes)));
            }
            return Jwk::from_secret(&backend::generate::random(bytes)?);
        }
        KeySpec::Rsa { bits } => import::from_pkcs8_der(backend::generate::rsa(bits)?.as_ref())?,
        KeySpec::Ec(crv) => import::from_pkcs8_der(backend::generate::ec(crv)?.as_ref())?,
        KeySpec::Okp(OkpCurve::Ed25519) => {
            import::from_pkcs8_der(backend::generate::ed25519()?.as_ref())?
        }
        KeySpec::Okp(OkpCurve::X25519) => import::okp_private(
            OkpCurve::X25519,
            backend::generate::x25519()?.as_ref(),
            None,
        )?,
        // Ed448 private keys are 57 uniformly random bytes (RFC 8032 §5.2.5),
        // X448 ones 56 (RFC 7748 §6.2; clamping happens when used).
        KeySpec::Okp(crv @ (OkpCurve::Ed448 | OkpCurve::X448)) => {
            import::okp_private(crv, &backend::generate::random(crv.key_len())?, None)?
        }
        // The import code reads the seed back and derives `pub`.
        KeySpec::Akp(alg) => import::from_pkcs8_der(backend::generate::ml_dsa(alg)?.as_ref())?,
    };
    Ok(Jwk::new(params))
}

/// Generates a key for a JWS algorithm, with `alg` set: HS256/384/512 get a
/// secret as long as the hash (RFC 7518 §3.2), RS*/PS* an RSA-2048 key,
/// ES256/384/512/256K a key on their curve, EdDSA and Ed25519 an Ed25519
/// key, Ed448 an Ed448 key, ML-DSA-44/65/87 an AKP key for that algorithm.
pub fn generate_for(alg: Algorithm) -> Result<Jwk> {
    let spec = match descriptor(alg).key {
        KeyKind::Secret { min_len } => KeySpec::Oct { bytes: min_len },
        KeyKind::Rsa { min_bits, .. } => KeySpec::Rsa { bits: min_bits },
        KeyKind::Ec(curve) => KeySpec::Ec(curve),
        KeyKind::Okp { generate, .. } => KeySpec::Okp(generate),
        KeyKind::Akp(alg) => KeySpec::Akp(alg),
    };
    Ok(generate(spec)?.with_alg(alg.name()))
}
