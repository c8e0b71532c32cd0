//! Key material from raw components, checked exactly as a JWK would be (and a
//! little more: a private key must match the public key it comes with).
//!
//! Every format parser ends here, so PEM, DER and generated keys share one
//! set of checks.

use crate::error::InvalidKey;
use der::asn1::UintRef;
use der::Encode;
use zeroize::Zeroizing;

use crate::backend::material as derive;
use crate::backend::point::is_on_curve;
use crate::error::{Error, Result};
use crate::jwk::{
    check_rsa_public, not_on_curve, AkpAlgorithm, AkpParams, EcCurve, EcParams, KeyParams,
    OkpCurve, OkpParams, RsaParams, RsaPrimes, RsaPrivate,
};
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
        return Err(Error::InvalidKey(InvalidKey::MultiPrimeRsa));
    }
    let KeyParams::Rsa(public) = rsa_public(k.modulus.as_bytes(), k.public_exponent.as_bytes())?
    else {
        return Err(Error::InvalidKey(InvalidKey::WrongKind));
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
        return Err(Error::InvalidKey(InvalidKey::RsaPrivate));
    }
    Ok(KeyParams::Rsa(RsaParams {
        private: Some(RsaPrivate { d, primes }),
        ..public
    }))
}

/// Splits an uncompressed SEC1 point `04 || x || y`.
fn split_point(crv: EcCurve, point: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let n = crv.coordinate_len();
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * n => {
            let (x, y) = xy.split_at(n);
            Ok((x.to_vec(), y.to_vec()))
        }
        Some((2 | 3, x)) if x.len() == n => Err(Error::InvalidKey(InvalidKey::CompressedPoint)),
        _ => Err(Error::InvalidKey(InvalidKey::InvalidPublicKey)),
    }
}

pub(crate) fn ec_public(crv: EcCurve, point: &[u8]) -> Result<KeyParams> {
    let (x, y) = split_point(crv, point)?;
    if !is_on_curve(crv, &x, &y) {
        return Err(not_on_curve(crv));
    }
    Ok(KeyParams::Ec(EcParams { crv, x, y, d: None }))
}

/// An EC private key. `d` may arrive without its leading zero bytes (SEC1
/// says it is fixed-length, not every encoder agrees); the JWK form is
/// exactly the coordinate length (RFC 7518 §6.2.2.1). When the public point
/// is absent it is derived; when present it must match `d`.
pub(crate) fn ec_private(crv: EcCurve, d: &[u8], point: Option<&[u8]>) -> Result<KeyParams> {
    let n = crv.coordinate_len();
    let trimmed = strip_zeros(d);
    if trimmed.is_empty() || trimmed.len() > n {
        return Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(n),
            actual: d.len(),
        }));
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
                return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
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
                return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
            }
            derived
        }
        Some(_) => return Err(Error::InvalidKey(InvalidKey::InvalidPublicKey)),
    };
    let (x, y) = split_point(crv, &point)?;
    if !is_on_curve(crv, &x, &y) {
        return Err(not_on_curve(crv));
    }
    Ok(KeyParams::Ec(EcParams {
        crv,
        x,
        y,
        d: Some(SecretBytes::from_slice(&padded)),
    }))
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
            .map_err(|_| Error::InvalidKey(InvalidKey::Encode))?,
    );
    derive::ec_public_from_sec1(crv, &der).ok_or(Error::InvalidKey(InvalidKey::InvalidPrivateKey))
}

pub(crate) fn okp_public(crv: OkpCurve, x: &[u8]) -> Result<KeyParams> {
    if x.len() != crv.key_len() {
        return Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(crv.key_len()),
            actual: x.len(),
        }));
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
        return Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(crv.key_len()),
            actual: d.len(),
        }));
    }
    let derived = derive_okp_public(crv, d)?;
    if x.is_some_and(|x| x != derived.as_slice()) {
        return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
    }
    Ok(KeyParams::Okp(OkpParams {
        crv,
        x: derived,
        d: Some(SecretBytes::from_slice(d)),
    }))
}

fn derive_okp_public(crv: OkpCurve, d: &[u8]) -> Result<Vec<u8>> {
    derive::okp_public_from_private(crv, d).ok_or(Error::InvalidKey(InvalidKey::InvalidPrivateKey))
}

pub(crate) fn akp_public(alg: AkpAlgorithm, public: &[u8]) -> Result<KeyParams> {
    if public.len() != alg.public_len() {
        return Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(alg.public_len()),
            actual: public.len(),
        }));
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
        return Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(alg.seed_len()),
            actual: seed.len(),
        }));
    }
    let derived = derive::ml_dsa_public_from_seed(alg, seed, expanded)?;
    if public.is_some_and(|p| p != derived.as_slice()) {
        return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
    }
    Ok(KeyParams::Akp(AkpParams {
        alg,
        public: derived,
        private: Some(SecretBytes::from_slice(seed)),
    }))
}
