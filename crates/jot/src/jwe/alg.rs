//! JWE key management algorithm identifiers (RFC 7518 §4).

use std::fmt;

use super::keymgmt::aes_gcm_kw::AesGcmKeyWrap;
use super::keymgmt::aes_kw::AesKeyWrap;
use super::keymgmt::ecdh_es::EcdhEs;
use super::keymgmt::pbes2::Pbes2;
use super::keymgmt::rsa::RsaEncryption;
use crate::error::{Error, Result};

/// A JWE `alg`: how the content encryption key reaches the recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyManagement {
    /// `RSA1_5`, `RSA-OAEP`, `RSA-OAEP-256/384/512`.
    Rsa(RsaEncryption),
    /// `A128KW`, `A192KW`, `A256KW`.
    AesKw(AesKeyWrap),
    /// `dir`: the shared symmetric key is the CEK.
    Dir,
    /// `ECDH-ES`, `ECDH-ES+A128KW/A192KW/A256KW`.
    EcdhEs(EcdhEs),
    /// `A128GCMKW`, `A192GCMKW`, `A256GCMKW`.
    AesGcmKw(AesGcmKeyWrap),
    /// `PBES2-HS256+A128KW`, `PBES2-HS384+A192KW`, `PBES2-HS512+A256KW`.
    Pbes2(Pbes2),
}

impl KeyManagement {
    /// Every algorithm, in registry order (a slice, like
    /// [`crate::Algorithm::ALL`]).
    pub const ALL: &'static [KeyManagement] = &[
        KeyManagement::Rsa(RsaEncryption::Rsa1_5),
        KeyManagement::Rsa(RsaEncryption::RsaOaep),
        KeyManagement::Rsa(RsaEncryption::RsaOaep256),
        KeyManagement::Rsa(RsaEncryption::RsaOaep384),
        KeyManagement::Rsa(RsaEncryption::RsaOaep512),
        KeyManagement::AesKw(AesKeyWrap::A128Kw),
        KeyManagement::AesKw(AesKeyWrap::A192Kw),
        KeyManagement::AesKw(AesKeyWrap::A256Kw),
        KeyManagement::Dir,
        KeyManagement::EcdhEs(EcdhEs::Direct),
        KeyManagement::EcdhEs(EcdhEs::A128Kw),
        KeyManagement::EcdhEs(EcdhEs::A192Kw),
        KeyManagement::EcdhEs(EcdhEs::A256Kw),
        KeyManagement::AesGcmKw(AesGcmKeyWrap::A128GcmKw),
        KeyManagement::AesGcmKw(AesGcmKeyWrap::A192GcmKw),
        KeyManagement::AesGcmKw(AesGcmKeyWrap::A256GcmKw),
        KeyManagement::Pbes2(Pbes2::Hs256A128Kw),
        KeyManagement::Pbes2(Pbes2::Hs384A192Kw),
        KeyManagement::Pbes2(Pbes2::Hs512A256Kw),
    ];

    /// Algorithms accepted for decryption unless the caller names others:
    /// everything but `RSA1_5` (a padding oracle by construction, RFC 8725
    /// §3.2) and PBES2 (a password-guessing and CPU cost surface).
    pub fn default_allowed() -> Vec<KeyManagement> {
        Self::ALL
            .iter()
            .copied()
            .filter(|a| !a.off_by_default())
            .collect()
    }

    /// Whether the algorithm must be named explicitly to be accepted.
    pub fn off_by_default(self) -> bool {
        matches!(
            self,
            KeyManagement::Rsa(RsaEncryption::Rsa1_5) | KeyManagement::Pbes2(_)
        )
    }

    /// The registered name.
    pub fn name(self) -> &'static str {
        match self {
            KeyManagement::Rsa(a) => a.name(),
            KeyManagement::AesKw(a) => a.name(),
            KeyManagement::Dir => "dir",
            KeyManagement::EcdhEs(a) => a.name(),
            KeyManagement::AesGcmKw(a) => a.name(),
            KeyManagement::Pbes2(a) => a.name(),
        }
    }

    /// Exact, case-sensitive lookup.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(name.to_owned()))
    }

    /// Whether the algorithm produces no encrypted key (the CEK is the key
    /// itself or is agreed directly).
    pub fn is_direct(self) -> bool {
        matches!(
            self,
            KeyManagement::Dir | KeyManagement::EcdhEs(EcdhEs::Direct)
        )
    }
}

impl fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for KeyManagement {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bottom layer's copy of the JWE names (for error messages) is
    /// exactly the names the enums define, in both directions.
    #[test]
    fn the_name_list_below_is_exactly_the_enums_names() {
        let mut from_enums: Vec<&str> = KeyManagement::ALL
            .iter()
            .map(|a| a.name())
            .chain(crate::jwe::ContentEncryption::ALL.iter().map(|e| e.name()))
            .collect();
        let mut listed = crate::alg::JWE_NAMES.to_vec();
        from_enums.sort_unstable();
        listed.sort_unstable();
        assert_eq!(from_enums, listed);
    }

    #[test]
    fn names_round_trip() {
        let all = KeyManagement::ALL;
        assert_eq!(all.len(), 19);
        for &a in all {
            assert_eq!(KeyManagement::from_name(a.name()).unwrap(), a);
        }
        let defaults = KeyManagement::default_allowed();
        assert!(!defaults
            .iter()
            .any(|a| a.name() == "RSA1_5" || a.name().starts_with("PBES2")));
        assert_eq!(defaults.len(), 15);
    }
}
