//! Algorithm identifiers of key formats (RFC 8017, RFC 5480, RFC 5915,
//! RFC 8410, SEC 2) and what they mean for a JWK.

use crate::error::InvalidKey;
use der::asn1::{AnyRef, ObjectIdentifier};
use spki::AlgorithmIdentifierRef;

use crate::error::{Error, Result};
use crate::jwk::{AkpAlgorithm, EcCurve, OkpCurve};

/// rsaEncryption (RFC 8017 §A.1).
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 8017 §A.2.3): an RSA key restricted to PSS. JWK has no
/// way to say so; the key imports as a plain RSA key and the caller picks the
/// algorithm.
pub(crate) const RSASSA_PSS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// id-ecPublicKey (RFC 5480 §2.1.1).
pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / P-256.
pub(crate) const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 / P-384.
pub(crate) const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// secp521r1 / P-521.
pub(crate) const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// secp256k1.
pub(crate) const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
/// id-X25519 (RFC 8410 §3).
pub(crate) const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// id-X448.
pub(crate) const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
/// id-Ed25519.
pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// id-Ed448.
pub(crate) const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");

/// id-ml-dsa-44 (RFC 9881 §2, NIST's arc).
pub(crate) const ML_DSA_44: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17");
/// id-ml-dsa-65.
pub(crate) const ML_DSA_65: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18");
/// id-ml-dsa-87.
pub(crate) const ML_DSA_87: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19");

/// The kind of key an `AlgorithmIdentifier` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAlg {
    Rsa,
    Ec(EcCurve),
    Okp(OkpCurve),
    Akp(AkpAlgorithm),
}

pub(crate) fn curve_oid(crv: EcCurve) -> ObjectIdentifier {
    match crv {
        EcCurve::P256 => SECP256R1,
        EcCurve::P384 => SECP384R1,
        EcCurve::P521 => SECP521R1,
        EcCurve::Secp256k1 => SECP256K1,
    }
}

pub(crate) fn curve_from_oid(oid: &ObjectIdentifier) -> Result<EcCurve> {
    [
        EcCurve::P256,
        EcCurve::P384,
        EcCurve::P521,
        EcCurve::Secp256k1,
    ]
    .into_iter()
    .find(|&c| curve_oid(c) == *oid)
    .ok_or_else(|| Error::InvalidKey(InvalidKey::UnsupportedOid(oid.to_string())))
}

pub(crate) fn okp_oid(crv: OkpCurve) -> ObjectIdentifier {
    match crv {
        OkpCurve::Ed25519 => ED25519,
        OkpCurve::Ed448 => ED448,
        OkpCurve::X25519 => X25519,
        OkpCurve::X448 => X448,
    }
}

pub(crate) fn akp_oid(alg: AkpAlgorithm) -> ObjectIdentifier {
    match alg {
        AkpAlgorithm::MlDsa44 => ML_DSA_44,
        AkpAlgorithm::MlDsa65 => ML_DSA_65,
        AkpAlgorithm::MlDsa87 => ML_DSA_87,
    }
}

/// Maps an `AlgorithmIdentifier` of a PKCS#8 or SPKI structure to a key kind,
/// checking its parameters as the defining RFC requires.
pub(crate) fn identify(alg: &AlgorithmIdentifierRef<'_>) -> Result<KeyAlg> {
    let params = alg.parameters;
    if alg.oid == RSA_ENCRYPTION {
        // RFC 8017 §A.1: parameters are NULL; some encoders omit them.
        if params.is_some_and(|p| !p.is_null()) {
            return Err(Error::InvalidKey(InvalidKey::AlgorithmParameters));
        }
        return Ok(KeyAlg::Rsa);
    }
    if alg.oid == RSASSA_PSS {
        // The RSASSA-PSS-params only restrict which hash the key may be used
        // with; JWS names the hash in `alg`, so they are not carried over.
        return Ok(KeyAlg::Rsa);
    }
    if alg.oid == EC_PUBLIC_KEY {
        // RFC 5480 §2.1.1: only namedCurve is allowed in PKIX; implicit and
        // explicit curve parameters are refused (explicit ones are a classic
        // source of invalid-curve bugs).
        let p = params.ok_or(Error::InvalidKey(InvalidKey::AlgorithmParameters))?;
        let oid = named_curve(p)?;
        return curve_from_oid(&oid).map(KeyAlg::Ec);
    }
    for crv in [
        OkpCurve::Ed25519,
        OkpCurve::Ed448,
        OkpCurve::X25519,
        OkpCurve::X448,
    ] {
        if alg.oid == okp_oid(crv) {
            // RFC 8410 §3: the parameters MUST be absent.
            if params.is_some() {
                return Err(Error::InvalidKey(InvalidKey::AlgorithmParameters));
            }
            return Ok(KeyAlg::Okp(crv));
        }
    }
    for a in [
        AkpAlgorithm::MlDsa44,
        AkpAlgorithm::MlDsa65,
        AkpAlgorithm::MlDsa87,
    ] {
        if alg.oid == akp_oid(a) {
            // RFC 9881 §2: the parameters MUST be absent.
            if params.is_some() {
                return Err(Error::InvalidKey(InvalidKey::AlgorithmParameters));
            }
            return Ok(KeyAlg::Akp(a));
        }
    }
    Err(Error::InvalidKey(InvalidKey::UnsupportedOid(
        alg.oid.to_string(),
    )))
}

fn named_curve(p: AnyRef<'_>) -> Result<ObjectIdentifier> {
    p.decode_as::<ObjectIdentifier>()
        .map_err(|_| Error::InvalidKey(InvalidKey::AlgorithmParameters))
}
