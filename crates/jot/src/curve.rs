//! The names of elliptic curves: at the bottom of the stack, beside the
//! algorithm names, so that the EC point check (`backend::point`) can take
//! one without depending on the JWK layer.

/// Curves of `EC` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
    /// secp256k1 (RFC 8812).
    Secp256k1,
}

impl EcCurve {
    /// The registered `crv` value.
    pub fn name(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
            EcCurve::P521 => "P-521",
            EcCurve::Secp256k1 => "secp256k1",
        }
    }

    /// Parses a `crv` value (exact, case-sensitive).
    pub fn from_name(s: &str) -> Option<Self> {
        [
            EcCurve::P256,
            EcCurve::P384,
            EcCurve::P521,
            EcCurve::Secp256k1,
        ]
        .into_iter()
        .find(|c| c.name() == s)
    }

    /// Length of a coordinate or private scalar in bytes (RFC 7518 §6.2.1.2).
    pub const fn coordinate_len(self) -> usize {
        match self {
            EcCurve::P256 | EcCurve::Secp256k1 => 32,
            EcCurve::P384 => 48,
            EcCurve::P521 => 66,
        }
    }
}
