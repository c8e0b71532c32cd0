//! Prepared keys: material parsed once and bound to exactly one algorithm.
//!
//! A [`SigningKey`] or [`VerifyingKey`] is made from a [`crate::jwk::Jwk`]
//! (or PEM/DER, which import to a JWK) *and* an [`Algorithm`]. There is no
//! conversion between key kinds: an RSA or EC public key can never become an
//! HMAC secret, an ES256 key never verifies an HS256 token.

mod export;
mod generate;
pub mod import;
mod roca;
mod sign;
mod verify;

pub use generate::{generate, generate_for, KeySpec, MAX_SECRET_BYTES, MIN_SECRET_BYTES};
pub use sign::SigningKey;
pub use verify::VerifyingKey;

use crate::alg::Algorithm;
use crate::backend::{descriptor, KeyKind};
use crate::error::KeyMismatch;
use crate::error::WeakKey;
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyParams, KeyUse};

/// Minimum RSA modulus for signatures (RFC 7518 §3.3: 2048 bits or larger).
pub const MIN_RSA_BITS: usize = crate::backend::MIN_RSA_BITS;
/// Largest RSA modulus aws-lc-rs verifies signatures for.
pub const MAX_RSA_SIGNATURE_BITS: usize = crate::backend::MAX_RSA_BITS;

/// The minimum HMAC key length for an algorithm: the hash output size
/// (RFC 7518 §3.2). Zero for an algorithm that takes no secret.
pub fn min_hmac_key_len(alg: Algorithm) -> usize {
    match descriptor(alg).key {
        KeyKind::Secret { min_len } => min_len,
        KeyKind::Rsa { .. } | KeyKind::Ec(_) | KeyKind::Okp { .. } | KeyKind::Akp(_) => 0,
    }
}

/// The algorithms a key can be used with, by its material alone.
pub fn algorithms_for(jwk: &Jwk) -> Vec<Algorithm> {
    Algorithm::ALL
        .iter()
        .copied()
        .filter(|&a| check_compatible(jwk, a).is_ok())
        .collect()
}

/// [`Error::WeakKey`] for an RSA modulus with the ROCA fingerprint
/// (CVE-2017-15361): its factors can be recovered, so every use of the key
/// is refused, public or private, signature or encryption.
pub(crate) fn refuse_roca(r: &crate::jwk::RsaParams) -> Result<()> {
    if roca::has_fingerprint(&r.n) {
        return Err(Error::WeakKey(WeakKey::Roca));
    }
    Ok(())
}

/// Checks that the key's material fits the algorithm (kty, curve, size, as
/// its descriptor says) and that its own `alg`, `use` and `key_ops` do not
/// forbid it.
pub(crate) fn check_compatible(jwk: &Jwk, alg: Algorithm) -> Result<()> {
    if let Some(key_alg) = &jwk.alg {
        if key_alg != alg.name() {
            return Err(Error::key_alg(
                alg,
                KeyMismatch::KeyAlgorithm(key_alg.clone()),
            ));
        }
    }
    if jwk.key_use.as_ref().is_some_and(|u| *u != KeyUse::Sig) {
        return Err(Error::key_alg(alg, KeyMismatch::Use));
    }
    let ok = match (descriptor(alg).key, &jwk.params) {
        (KeyKind::Secret { .. }, KeyParams::Oct { .. }) => true,
        (KeyKind::Rsa { min_bits, max_bits }, KeyParams::Rsa(r)) => {
            let bits = r.modulus_bits();
            if bits < min_bits {
                return Err(Error::WeakKey(WeakKey::SmallRsa {
                    bits,
                    minimum: min_bits,
                }));
            }
            refuse_roca(r)?;
            if bits > max_bits {
                return Err(Error::key_alg(alg, KeyMismatch::TooLarge { max_bits }));
            }
            true
        }
        (KeyKind::Ec(curve), KeyParams::Ec(e)) => e.crv == curve,
        (KeyKind::Okp { curves, .. }, KeyParams::Okp(o)) => curves.contains(&o.crv),
        // The material's own algorithm, whatever the JWK's `alg` says.
        (KeyKind::Akp(a), KeyParams::Akp(p)) => p.alg == a,
        // A key of another type: no descriptor takes it.
        (
            KeyKind::Secret { .. }
            | KeyKind::Rsa { .. }
            | KeyKind::Ec(_)
            | KeyKind::Okp { .. }
            | KeyKind::Akp(_),
            _,
        ) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::key_alg(alg, describe(&jwk.params)))
    }
}

fn describe(p: &KeyParams) -> KeyMismatch {
    let (kty, subtype) = match p {
        KeyParams::Oct { .. } => ("oct", None),
        KeyParams::Rsa(_) => ("RSA", None),
        KeyParams::Ec(e) => ("EC", Some(e.crv.name())),
        KeyParams::Okp(o) => ("OKP", Some(o.crv.name())),
        KeyParams::Akp(a) => ("AKP", Some(a.alg.name())),
    };
    KeyMismatch::KeyIs { kty, subtype }
}
