//! Key material checked and derived by aws-lc-rs and the RustCrypto
//! crates: consistency of RSA key pairs, public keys derived from private
//! ones, and the DER forms aws-lc-rs reads. The key layer's import and
//! preparation code call these; they return what they compute and leave
//! the policy (which checks, which errors) to the caller.

use crate::error::InvalidKey;
use aws_lc_rs::encoding::{AsDer, AsRawBytes, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{self, KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, PqdsaKeyPair, PqdsaSigningAlgorithm,
};
use aws_lc_rs::{agreement, constant_time};
use zeroize::Zeroizing;

use super::descriptor::{descriptor, Imp};
use crate::error::{Error, Result};
use crate::jwk::{AkpAlgorithm, EcCurve, OkpCurve, RsaParams};

pub(crate) fn ecdsa_signing(crv: EcCurve) -> &'static signature::EcdsaSigningAlgorithm {
    match crv {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

/// The aws-lc RSA key pair of a private JWK; aws-lc checks the components
/// are consistent (RSA_check_key). `None` for a public key.
pub(crate) fn rsa_key_pair(r: &RsaParams) -> Result<Option<rsa::KeyPair>> {
    let Some(p) = &r.private else {
        return Ok(None);
    };
    let c = &p.primes;
    let components = KeyPairComponents {
        public_key: PublicKeyComponents {
            n: r.n.as_slice(),
            e: r.e.as_slice(),
        },
        d: p.d.expose(),
        p: c.p.expose(),
        q: c.q.expose(),
        dP: c.dp.expose(),
        dQ: c.dq.expose(),
        qInv: c.qi.expose(),
    };
    rsa::KeyPair::from_components(&components)
        .map(Some)
        .map_err(|_| Error::InvalidKey(InvalidKey::RsaPrivate))
}

/// The PKCS#8 form of a private RSA JWK, checked as [`rsa_key_pair`]
/// checks it (`None` for a public key).
pub(crate) fn rsa_pkcs8(r: &RsaParams) -> Result<Option<Pkcs8V1Der<'static>>> {
    let Some(pair) = rsa_key_pair(r)? else {
        return Ok(None);
    };
    pair.as_der()
        .map(Some)
        .map_err(|_| Error::InvalidKey(InvalidKey::Encode))
}

/// The SubjectPublicKeyInfo of an RSA public key.
pub(crate) fn rsa_spki(r: &RsaParams) -> Result<PublicKeyX509Der<'static>> {
    PublicKeyComponents {
        n: r.n.as_slice(),
        e: r.e.as_slice(),
    }
    .as_der()
    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))
}

/// The uncompressed public point of a private scalar given as a SEC1
/// `ECPrivateKey` (aws-lc also range-checks `d`: 0 < d < order). `None`:
/// not a valid private key on `crv`.
pub(crate) fn ec_public_from_sec1(crv: EcCurve, sec1_der: &[u8]) -> Option<Vec<u8>> {
    let pair = EcdsaKeyPair::from_private_key_der(ecdsa_signing(crv), sec1_der).ok()?;
    Some(pair.public_key().as_ref().to_vec())
}

/// The public key of an OKP private key. `None`: not a valid private key.
pub(crate) fn okp_public_from_private(crv: OkpCurve, d: &[u8]) -> Option<Vec<u8>> {
    match crv {
        OkpCurve::Ed25519 => {
            let pair = Ed25519KeyPair::from_seed_unchecked(d).ok()?;
            Some(pair.public_key().as_ref().to_vec())
        }
        OkpCurve::X25519 => {
            let key = agreement::PrivateKey::from_private_key(&agreement::X25519, d).ok()?;
            let public = key.compute_public_key().ok()?;
            Some(public.as_ref().to_vec())
        }
        OkpCurve::Ed448 => {
            let key = ed448_goldilocks::SigningKey::try_from(d).ok()?;
            Some(key.verifying_key().to_bytes().to_vec())
        }
        OkpCurve::X448 => {
            let scalar: Zeroizing<[u8; 56]> = Zeroizing::new(d.try_into().ok()?);
            // x448() refuses results of low order; the base point never
            // produces one, but a None must not become a panic.
            x448::x448(*scalar, x448::X448_BASEPOINT_BYTES).map(|p| p.to_vec())
        }
    }
}

/// The aws-lc-rs signing algorithm of an AKP key, from its descriptor.
pub(crate) fn ml_dsa_signing(alg: AkpAlgorithm) -> Result<&'static PqdsaSigningAlgorithm> {
    match descriptor(alg.algorithm()).imp {
        Imp::MlDsa { sign, .. } => Ok(sign),
        Imp::Hmac(_) | Imp::Rsa { .. } | Imp::Ecdsa { .. } | Imp::EdDsa => {
            Err(Error::InvalidKey(InvalidKey::UnsupportedAlgorithm))
        }
    }
}

/// The public key of an ML-DSA seed (FIPS 204 ML-DSA.KeyGen_internal);
/// an expanded private key that comes with the seed must be the seed's.
pub(crate) fn ml_dsa_public_from_seed(
    alg: AkpAlgorithm,
    seed: &[u8],
    expanded: Option<&[u8]>,
) -> Result<Vec<u8>> {
    let bad = || Error::InvalidKey(InvalidKey::InvalidPrivateKey);
    let pair = PqdsaKeyPair::from_seed(ml_dsa_signing(alg)?, seed).map_err(|_| bad())?;
    if let Some(expanded) = expanded {
        let ours = pair.private_key().as_raw_bytes().map_err(|_| bad())?;
        if constant_time::verify_slices_are_equal(ours.as_ref(), expanded).is_err() {
            return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
        }
    }
    Ok(pair.public_key().as_ref().to_vec())
}
