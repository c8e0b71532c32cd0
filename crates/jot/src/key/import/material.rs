//! Key material from raw components, checked exactly as a JWK would be (and a
//! little more: a private key must match the public key it comes with).
//!
//! Every format parser ends here, so PEM, DER and generated keys share one
//! set of checks.

use aws_lc_rs::encoding::AsRawBytes;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, PqdsaKeyPair, PqdsaSigningAlgorithm,
};
use aws_lc_rs::{agreement, constant_time};
use der::asn1::UintRef;
use der::Encode;
use zeroize::Zeroizing;

use crate::backend::{descriptor, Imp};
use crate::error::{Error, Result};
use crate::jwk::{
    check_rsa_public, AkpAlgorithm, AkpParams, EcCurve, EcParams, KeyParams, OkpCurve, OkpParams,
    RsaParams, RsaPrimes, RsaPrivate,
};
use crate::key::check;
use crate::secret::SecretBytes;

/// DER INTEGERs carry a leading zero byte when the top bit is set; JWK
/// integers are minimal (RFC 7518 §6.3.1.1).
fn strip_zeros(v: &[u8]) -> &[u8] {
    let z = v.iter().take_while(|&&b| b == 0).count();
    v.get(z..).unwrap_or_default()
}

pub(crate) fn rsa_public(n: &[u8], e: &[u8]) -> Result<KeyParams> {
    let params = RsaParams {
        n: strip_zeros(n).to_vec(),
        e: strip_zeros(e).to_vec(),
        private: None,
    };
    check_rsa_public(&params)?;
    Ok(KeyParams::Rsa(params))
}

/// An RSA private key from a PKCS#1 `RSAPrivateKey`. All CRT parameters come
/// from the structure; their consistency is checked by aws-lc when the key is
/// prepared for signing (as for a JWK).
pub(crate) fn rsa_private(k: &pkcs1::RsaPrivateKeyRef<'_>) -> Result<KeyParams> {
    if k.other_prime_infos.is_some() {
        return Err(Error::invalid_key("multi-prime RSA keys are not supported"));
    }
    let KeyParams::Rsa(public) = rsa_public(k.modulus.as_bytes(), k.public_exponent.as_bytes())?
    else {
        return Err(Error::invalid_key("not an RSA key"));
    };
    let secret = |u: &UintRef<'_>| SecretBytes::from_slice(strip_zeros(u.as_bytes()));
    let d = secret(&k.private_exponent);
    let primes = RsaPrimes {
        p: secret(&k.prime1),
        q: secret(&k.prime2),
        dp: secret(&k.exponent1),
        dq: secret(&k.exponent2),
        qi: secret(&k.coefficient),
    };
    if d.is_empty() || primes.p.is_empty() || primes.q.is_empty() {
        return Err(Error::invalid_key("RSA private key has a zero component"));
    }
    Ok(KeyParams::Rsa(RsaParams {
        private: Some(RsaPrivate { d, primes }),
        ..public
    }))
}

pub(crate) fn ecdsa_signing(crv: EcCurve) -> &'static signature::EcdsaSigningAlgorithm {
    match crv {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

/// Splits an uncompressed SEC1 point `04 || x || y`.
fn split_point(crv: EcCurve, point: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let n = crv.coordinate_len();
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * n => {
            let (x, y) = xy.split_at(n);
            Ok((x.to_vec(), y.to_vec()))
        }
        Some((2 | 3, x)) if x.len() == n => Err(Error::invalid_key(
            "compressed EC public keys are not supported",
        )),
        _ => Err(Error::invalid_key(format!(
            "malformed {} public point",
            crv.name()
        ))),
    }
}

pub(crate) fn ec_public(crv: EcCurve, point: &[u8]) -> Result<KeyParams> {
    let (x, y) = split_point(crv, point)?;
    let params = EcParams { crv, x, y, d: None };
    check::ec_public_point(&params)?;
    Ok(KeyParams::Ec(params))
}

/// An EC private key. `d` may arrive without its leading zero bytes (SEC1
/// says it is fixed-length, not every encoder agrees); the JWK form is
/// exactly the coordinate length (RFC 7518 §6.2.2.1). When the public point
/// is absent it is derived; when present it must match `d`.
pub(crate) fn ec_private(crv: EcCurve, d: &[u8], point: Option<&[u8]>) -> Result<KeyParams> {
    let n = crv.coordinate_len();
    let trimmed = strip_zeros(d);
    if trimmed.is_empty() || trimmed.len() > n {
        return Err(Error::invalid_key(format!(
            "{} private key has the wrong length",
            crv.name()
        )));
    }
    let mut padded = Zeroizing::new(vec![0u8; n]);
    // trimmed.len() <= n, checked above.
    if let Some(tail) = padded.get_mut(n - trimmed.len()..) {
        tail.copy_from_slice(trimmed);
    }

    let derived = derive_ec_point(crv, &padded)?;
    let point = match point {
        None => derived,
        Some(p) if p.first() == Some(&4) => {
            if p != derived.as_slice() {
                return Err(Error::invalid_key(
                    "EC private key does not match its public key",
                ));
            }
            derived
        }
        Some(p) if matches!(p.first(), Some(2 | 3)) => {
            // A compressed point is `02|03 || x`, the prefix carrying y's
            // parity: compare it with the compressed form of the derived one.
            let (x, y) = split_point(crv, &derived)?;
            let mut compressed = vec![2 | (y.last().copied().unwrap_or(0) & 1)];
            compressed.extend_from_slice(&x);
            if p != compressed.as_slice() {
                return Err(Error::invalid_key(
                    "EC private key does not match its public key",
                ));
            }
            derived
        }
        Some(_) => {
            return Err(Error::invalid_key(format!(
                "malformed {} public point",
                crv.name()
            )))
        }
    };
    let (x, y) = split_point(crv, &point)?;
    let params = EcParams {
        crv,
        x,
        y,
        d: Some(SecretBytes::from_slice(&padded)),
    };
    check::ec_public_point(&params)?;
    Ok(KeyParams::Ec(params))
}

/// The public point of a private scalar, computed by aws-lc from a minimal
/// SEC1 `ECPrivateKey` (aws-lc also range-checks `d`: 0 < d < order).
fn derive_ec_point(crv: EcCurve, d: &[u8]) -> Result<Vec<u8>> {
    let sec1 = sec1::EcPrivateKey {
        private_key: d,
        parameters: Some(sec1::EcParameters::NamedCurve(super::oid::curve_oid(crv))),
        public_key: None,
    };
    let der = Zeroizing::new(
        sec1.to_der()
            .map_err(|_| Error::invalid_key("cannot encode EC private key"))?,
    );
    let pair = EcdsaKeyPair::from_private_key_der(ecdsa_signing(crv), &der)
        .map_err(|_| Error::invalid_key(format!("invalid {} private key", crv.name())))?;
    Ok(pair.public_key().as_ref().to_vec())
}

pub(crate) fn okp_public(crv: OkpCurve, x: &[u8]) -> Result<KeyParams> {
    if x.len() != crv.key_len() {
        return Err(Error::invalid_key(format!(
            "{} public keys must be {} bytes",
            crv.name(),
            crv.key_len()
        )));
    }
    Ok(KeyParams::Okp(OkpParams {
        crv,
        x: x.to_vec(),
        d: None,
    }))
}

/// An OKP private key; the public key is derived and, when one is given
/// (PKCS#8 v2), must match.
pub(crate) fn okp_private(crv: OkpCurve, d: &[u8], x: Option<&[u8]>) -> Result<KeyParams> {
    if d.len() != crv.key_len() {
        return Err(Error::invalid_key(format!(
            "{} private keys must be {} bytes",
            crv.name(),
            crv.key_len()
        )));
    }
    let derived = derive_okp_public(crv, d)?;
    if x.is_some_and(|x| x != derived.as_slice()) {
        return Err(Error::invalid_key(format!(
            "{} private key does not match its public key",
            crv.name()
        )));
    }
    Ok(KeyParams::Okp(OkpParams {
        crv,
        x: derived,
        d: Some(SecretBytes::from_slice(d)),
    }))
}

fn derive_okp_public(crv: OkpCurve, d: &[u8]) -> Result<Vec<u8>> {
    let bad = || Error::invalid_key(format!("invalid {} private key", crv.name()));
    match crv {
        OkpCurve::Ed25519 => {
            let pair = Ed25519KeyPair::from_seed_unchecked(d).map_err(|_| bad())?;
            Ok(pair.public_key().as_ref().to_vec())
        }
        OkpCurve::X25519 => {
            let key = agreement::PrivateKey::from_private_key(&agreement::X25519, d)
                .map_err(|_| bad())?;
            let public = key.compute_public_key().map_err(|_| bad())?;
            Ok(public.as_ref().to_vec())
        }
        OkpCurve::Ed448 => {
            let key = ed448_goldilocks::SigningKey::try_from(d).map_err(|_| bad())?;
            Ok(key.verifying_key().to_bytes().to_vec())
        }
        OkpCurve::X448 => {
            let scalar: Zeroizing<[u8; 56]> = Zeroizing::new(d.try_into().map_err(|_| bad())?);
            // x448() refuses results of low order; the base point never
            // produces one, but a None must not become a panic.
            x448::x448(*scalar, x448::X448_BASEPOINT_BYTES)
                .map(|p| p.to_vec())
                .ok_or_else(bad)
        }
    }
}

/// The aws-lc-rs signing algorithm of an AKP key, from its descriptor.
pub(crate) fn ml_dsa_signing(alg: AkpAlgorithm) -> Result<&'static PqdsaSigningAlgorithm> {
    match descriptor(alg.algorithm()).imp {
        Imp::MlDsa { sign, .. } => Ok(sign),
        Imp::Hmac(_) | Imp::Rsa { .. } | Imp::Ecdsa { .. } | Imp::EdDsa => Err(Error::invalid_key(
            format!("{} has no ML-DSA descriptor", alg.name()),
        )),
    }
}

pub(crate) fn akp_public(alg: AkpAlgorithm, public: &[u8]) -> Result<KeyParams> {
    if public.len() != alg.public_len() {
        return Err(Error::invalid_key(format!(
            "{} public keys must be {} bytes",
            alg.name(),
            alg.public_len()
        )));
    }
    Ok(KeyParams::Akp(AkpParams {
        alg,
        public: public.to_vec(),
        private: None,
    }))
}

/// An ML-DSA private key from its seed: the public key is derived (FIPS 204
/// ML-DSA.KeyGen_internal) and, when the structure carries one, must match,
/// as must an expanded private key that comes with the seed.
pub(crate) fn akp_private(
    alg: AkpAlgorithm,
    seed: &[u8],
    expanded: Option<&[u8]>,
    public: Option<&[u8]>,
) -> Result<KeyParams> {
    if seed.len() != alg.seed_len() {
        return Err(Error::invalid_key(format!(
            "{} private keys must be the {}-byte seed",
            alg.name(),
            alg.seed_len()
        )));
    }
    let bad = || Error::invalid_key(format!("invalid {} private key", alg.name()));
    let pair = PqdsaKeyPair::from_seed(ml_dsa_signing(alg)?, seed).map_err(|_| bad())?;
    if let Some(expanded) = expanded {
        let ours = pair.private_key().as_raw_bytes().map_err(|_| bad())?;
        if constant_time::verify_slices_are_equal(ours.as_ref(), expanded).is_err() {
            return Err(Error::invalid_key(format!(
                "{} expanded private key does not match its seed",
                alg.name()
            )));
        }
    }
    let derived = pair.public_key().as_ref();
    if public.is_some_and(|p| p != derived) {
        return Err(Error::invalid_key(format!(
            "{} private key does not match its public key",
            alg.name()
        )));
    }
    Ok(KeyParams::Akp(AkpParams {
        alg,
        public: derived.to_vec(),
        private: Some(SecretBytes::from_slice(seed)),
    }))
}
