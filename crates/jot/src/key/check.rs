//! Import-time validation of public key material.

use aws_lc_rs::rsa::{self, KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{self, ParsedPublicKey};

use crate::error::{Error, Result};
use crate::jwk::{EcCurve, EcParams, RsaParams};

/// The SEC1 uncompressed encoding `04 || x || y`.
pub(crate) fn uncompressed_point(p: &EcParams) -> Vec<u8> {
    let mut v = Vec::with_capacity(1 + p.x.len() + p.y.len());
    v.push(4);
    v.extend_from_slice(&p.x);
    v.extend_from_slice(&p.y);
    v
}

pub(crate) fn ecdsa_verification(crv: EcCurve) -> &'static signature::EcdsaVerificationAlgorithm {
    match crv {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_FIXED,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED,
    }
}

/// Rejects points that are not on the curve (invalid-curve attacks) and
/// coordinates out of range. aws-lc checks the point when parsing it.
pub(crate) fn ec_public_point(p: &EcParams) -> Result<ParsedPublicKey> {
    ParsedPublicKey::new(ecdsa_verification(p.crv), uncompressed_point(p))
        .map_err(|_| Error::invalid_key(format!("the point is not on curve {}", p.crv.name())))
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
        .map_err(|_| Error::invalid_key("inconsistent RSA private key"))
}
