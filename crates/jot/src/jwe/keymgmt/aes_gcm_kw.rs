//! Key wrapping with AES-GCM: `A128GCMKW`, `A192GCMKW`, `A256GCMKW`
//! (RFC 7518 §4.7).
//!
//! The CEK is encrypted with AES-GCM under the KEK with an empty AAD; the
//! 96-bit IV and 128-bit tag travel in the `iv` and `tag` header parameters.
//! The IV must never repeat under one KEK (a repeat leaks the GHASH key and
//! lets an attacker forge), so [`AesGcmKeyWrap::wrap`] always draws a fresh
//! random IV; [`AesGcmKeyWrap::encrypt`] takes one only for known-answer tests
//! and callers that manage IVs themselves.

use crate::error::HeaderProblem;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::jwe::content::gcm;

/// An AES-GCM key wrap algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AesGcmKeyWrap {
    /// `A128GCMKW`.
    A128GcmKw,
    /// `A192GCMKW`.
    A192GcmKw,
    /// `A256GCMKW`.
    A256GcmKw,
}

/// The output of [`AesGcmKeyWrap::wrap`].
#[cfg(any(test, feature = "hazmat"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcmWrapped {
    /// The JWE Encrypted Key.
    pub encrypted_key: Vec<u8>,
    /// The `iv` header parameter (12 bytes, before base64url).
    pub iv: Vec<u8>,
    /// The `tag` header parameter (16 bytes, before base64url).
    pub tag: Vec<u8>,
}

registered_names!(AesGcmKeyWrap {
    A128GcmKw => "A128GCMKW",
    A192GcmKw => "A192GCMKW",
    A256GcmKw => "A256GCMKW",
});

impl AesGcmKeyWrap {
    /// The length of the `iv` header parameter in bytes.
    pub const IV_LEN: usize = gcm::IV_LEN;
    /// The length of the `tag` header parameter in bytes.
    pub const TAG_LEN: usize = gcm::TAG_LEN;

    /// The key encryption key length in bytes.
    pub const fn kek_len(&self) -> usize {
        match self {
            AesGcmKeyWrap::A128GcmKw => 16,
            AesGcmKeyWrap::A192GcmKw => 24,
            AesGcmKeyWrap::A256GcmKw => 32,
        }
    }

    fn check_kek(&self, kek: &[u8]) -> Result<()> {
        super::check_kek_len(self.kek_len(), kek)
    }

    #[cfg(any(test, feature = "hazmat"))]
    hazmat! {
    /// Encrypts `cek` under `kek` with a fresh random IV.
    fn wrap(&self, kek: &[u8], cek: &[u8]) -> Result<GcmWrapped> {
        let mut iv = vec![0u8; Self::IV_LEN];
        aws_lc_rs::rand::fill(&mut iv)
            .map_err(|_| Error::Crypto("random number generator failed"))?;
        let (encrypted_key, tag) = self.encrypt(kek, &iv, cek)?;
        Ok(GcmWrapped {
            encrypted_key,
            iv,
            tag,
        })
    }
    }

    hazmat! {
    /// Encrypts `cek` under `kek` with the given 12-byte IV; returns
    /// `(encrypted_key, tag)`. The IV must be unique for this KEK.
    fn encrypt(&self, kek: &[u8], iv: &[u8], cek: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        self.check_kek(kek)?;
        if iv.len() != Self::IV_LEN {
            return Err(Error::header("iv", HeaderProblem::Length { bytes: 12 }));
        }
        gcm::seal(kek, iv, &[], cek)
    }
    }

    hazmat! {
    /// Decrypts an encrypted key given the `iv` and `tag` header values.
    /// A wrong KEK length is [`Error::InvalidKey`]; anything wrong with the
    /// token's bytes (IV or tag length, authentication) is
    /// [`Error::DecryptionFailed`].
    fn decrypt(
        &self,
        kek: &[u8],
        iv: &[u8],
        encrypted_key: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.check_kek(kek)?;
        gcm::open(kek, iv, &[], encrypted_key, tag).map(Zeroizing::new)
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tampering() {
        for &alg in AesGcmKeyWrap::ALL {
            assert_eq!(AesGcmKeyWrap::from_name(alg.name()).unwrap(), alg);
            let kek = vec![0x11u8; alg.kek_len()];
            let cek = [0x22u8; 32];
            let w = alg.wrap(&kek, &cek).unwrap();
            assert_eq!(w.iv.len(), 12);
            assert_eq!(w.tag.len(), 16);
            assert_eq!(w.encrypted_key.len(), 32);
            let got = alg.decrypt(&kek, &w.iv, &w.encrypted_key, &w.tag).unwrap();
            assert_eq!(&got[..], &cek[..]);
            // Fresh IV each time.
            assert_ne!(alg.wrap(&kek, &cek).unwrap().iv, w.iv);

            let fail = Err(Error::DecryptionFailed);
            let mut t = w.tag.clone();
            t[15] ^= 1;
            assert_eq!(alg.decrypt(&kek, &w.iv, &w.encrypted_key, &t), fail);
            assert_eq!(
                alg.decrypt(&kek, &w.iv, &w.encrypted_key, &w.tag[..12]),
                fail
            );
            assert_eq!(
                alg.decrypt(&kek, &w.iv[..8], &w.encrypted_key, &w.tag),
                fail
            );
            let mut k = w.encrypted_key.clone();
            k[0] ^= 1;
            assert_eq!(alg.decrypt(&kek, &w.iv, &k, &w.tag), fail);
            assert!(matches!(
                alg.decrypt(&kek[1..], &w.iv, &w.encrypted_key, &w.tag),
                Err(Error::InvalidKey(_))
            ));
            assert!(alg.encrypt(&kek, &[0u8; 16], &cek).is_err());
        }
    }
}
