//! JWS algorithm identifiers (RFC 7518 §3, RFC 8037, RFC 8812, RFC 9864,
//! RFC 9964 for ML-DSA).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A JWS signature or MAC algorithm.
///
/// `none` is deliberately absent: unsecured JWS lives in [`crate::jws::unsecured`]
/// and no verifying API can reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 SHA-256, 32-byte salt.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 SHA-384, 48-byte salt.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 SHA-512, 64-byte salt.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812).
    ES256K,
    /// EdDSA, curve given by the key (RFC 8037). Deprecated for new tokens by
    /// RFC 9864 in favour of [`Algorithm::Ed25519`] / [`Algorithm::Ed448`].
    EdDSA,
    /// Ed25519 (RFC 9864 fully-specified name).
    Ed25519,
    /// Ed448 (RFC 9864 fully-specified name).
    Ed448,
    /// ML-DSA-44 (FIPS 204, NIST security category 2) on an `AKP` key.
    MlDsa44,
    /// ML-DSA-65 (FIPS 204, category 3) on an `AKP` key.
    MlDsa65,
    /// ML-DSA-87 (FIPS 204, category 5) on an `AKP` key.
    MlDsa87,
}

/// The family an algorithm belongs to; decides which key type it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// HMAC: a shared secret (`oct`).
    Hmac,
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1,
    /// RSASSA-PSS.
    RsaPss,
    /// ECDSA on a named curve (`EC`).
    Ecdsa,
    /// EdDSA on an `OKP` key.
    EdDsa,
    /// ML-DSA (FIPS 204, the pure variant with an empty context) on an
    /// `AKP` key.
    MlDsa,
}

impl Algorithm {
    /// Every algorithm, in registry order. A slice, so that adding an
    /// algorithm is not a breaking change.
    pub const ALL: &'static [Algorithm] = &[
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::ES256K,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
        Algorithm::Ed448,
        Algorithm::MlDsa44,
        Algorithm::MlDsa65,
        Algorithm::MlDsa87,
    ];

    /// The registered name (`"HS256"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::ES256K => "ES256K",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::Ed448 => "Ed448",
            Algorithm::MlDsa44 => "ML-DSA-44",
            Algorithm::MlDsa65 => "ML-DSA-65",
            Algorithm::MlDsa87 => "ML-DSA-87",
        }
    }

    /// The algorithm family.
    pub const fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::RsaPkcs1,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => Family::RsaPss,
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 | Algorithm::ES256K => {
                Family::Ecdsa
            }
            Algorithm::EdDSA | Algorithm::Ed25519 | Algorithm::Ed448 => Family::EdDsa,
            Algorithm::MlDsa44 | Algorithm::MlDsa65 | Algorithm::MlDsa87 => Family::MlDsa,
        }
    }

    /// Whether the algorithm is a MAC over a shared secret.
    pub const fn is_symmetric(self) -> bool {
        matches!(self.family(), Family::Hmac)
    }

    /// Exact match on the registered name: algorithm names are
    /// case-sensitive (RFC 7515 §4.1.1), so `"hs256"` and `"None"` are unknown.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// Fails unless the key a resolver chose is for the header's algorithm.
///
/// A resolver (including one of the caller's) decides which key verifies or
/// decrypts; the key, not the token, decides the algorithm. Checking here,
/// once for JWS and JWE, keeps a resolver that returns another algorithm's
/// key from making a verified header report an algorithm that was never
/// checked.
pub(crate) fn check_resolved<A: PartialEq + fmt::Display>(
    header_alg: A,
    key_alg: A,
) -> Result<(), Error> {
    if header_alg == key_alg {
        Ok(())
    } else {
        Err(Error::AlgorithmNotAllowed(header_alg.to_string()))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::from_name(s).ok_or_else(|| Error::UnsupportedAlgorithm(s.to_owned()))
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::encoding::json::BorrowedStr::deserialize(d)?.0;
        Algorithm::from_name(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unsupported algorithm {s:?}")))
    }
}

/// The JWE `alg` (RFC 7518 §4.1) and `enc` (§5.1) names Jot implements, as
/// text: for the bottom layer (error messages decide which names from a
/// token they may echo) without depending on the JWE code above it, which
/// defines the enums. A test in `jwe::alg` checks that this list is exactly
/// the names of `KeyManagement::ALL` and `ContentEncryption::ALL`.
pub(crate) const JWE_NAMES: &[&str] = &[
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "RSA-OAEP-384",
    "RSA-OAEP-512",
    "A128KW",
    "A192KW",
    "A256KW",
    "dir",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
    "A128GCM",
    "A192GCM",
    "A256GCM",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for &a in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
            assert_eq!(Algorithm::from_name(&a.name().to_lowercase()), None);
        }
        for n in ["none", "None", "NONE", "nOnE", "", "hs256"] {
            assert_eq!(Algorithm::from_name(n), None);
        }
    }
}
