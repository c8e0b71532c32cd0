//! The EC public point check, at the bottom of the stack with the curve
//! names: the JWK layer refuses a point that is not on its curve when it
//! parses it (invalid-curve attacks), before anything can use the key.

use aws_lc_rs::signature::{self, ParsedPublicKey};

use crate::curve::EcCurve;

/// The SEC1 uncompressed encoding `04 || x || y`.
pub(crate) fn uncompressed_point(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(1 + x.len() + y.len());
    v.push(4);
    v.extend_from_slice(x);
    v.extend_from_slice(y);
    v
}

/// The aws-lc-rs verification algorithm on `crv` (any will do to check a
/// point: aws-lc checks it when parsing).
pub(crate) fn ecdsa_verification(crv: EcCurve) -> &'static signature::EcdsaVerificationAlgorithm {
    match crv {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_FIXED,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED,
    }
}

/// Whether `(x, y)` is a point of `crv` with coordinates in range (not the
/// point at infinity, which has no affine coordinates).
pub(crate) fn is_on_curve(crv: EcCurve, x: &[u8], y: &[u8]) -> bool {
    ParsedPublicKey::new(ecdsa_verification(crv), uncompressed_point(x, y)).is_ok()
}
