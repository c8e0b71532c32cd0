//! Content encryption: the JWE `enc` algorithms (RFC 7518 §5).
//!
//! [`ContentEncryption`] names the six registered algorithms and encrypts or
//! decrypts with a content encryption key (CEK) that the key management step
//! produced. Decryption checks every length (CEK, IV, tag) before touching the
//! ciphertext, authenticates before decrypting, and reports every failure as
//! the same [`Error::DecryptionFailed`] (RFC 7516 §11.5).

mod cbc_hmac;
pub(crate) mod gcm;

use crate::error::InvalidKey;
use aws_lc_rs::rand;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A JWE content encryption algorithm (`enc`, RFC 7518 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentEncryption {
    /// `A128CBC-HS256`: AES-128-CBC with HMAC-SHA-256 truncated to 128 bits.
    A128CbcHs256,
    /// `A192CBC-HS384`: AES-192-CBC with HMAC-SHA-384 truncated to 192 bits.
    A192CbcHs384,
    /// `A256CBC-HS512`: AES-256-CBC with HMAC-SHA-512 truncated to 256 bits.
    A256CbcHs512,
    /// `A128GCM`: AES-128-GCM.
    A128Gcm,
    /// `A192GCM`: AES-192-GCM.
    A192Gcm,
    /// `A256GCM`: AES-256-GCM.
    A256Gcm,
}

registered_names!(ContentEncryption {
    A128CbcHs256 => "A128CBC-HS256",
    A192CbcHs384 => "A192CBC-HS384",
    A256CbcHs512 => "A256CBC-HS512",
    A128Gcm => "A128GCM",
    A192Gcm => "A192GCM",
    A256Gcm => "A256GCM",
});

impl ContentEncryption {
    /// The CEK length in bytes (for CBC-HMAC: MAC key and encryption key).
    pub const fn key_len(&self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256 => 32,
            ContentEncryption::A192CbcHs384 => 48,
            ContentEncryption::A256CbcHs512 => 64,
            ContentEncryption::A128Gcm => 16,
            ContentEncryption::A192Gcm => 24,
            ContentEncryption::A256Gcm => 32,
        }
    }

    /// The IV length in bytes: 16 for CBC, 12 for GCM.
    pub const fn iv_len(&self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256
            | ContentEncryption::A192CbcHs384
            | ContentEncryption::A256CbcHs512 => cbc_hmac::IV_LEN,
            _ => gcm::IV_LEN,
        }
    }

    /// The authentication tag length in bytes.
    pub const fn tag_len(&self) -> usize {
        match self {
            ContentEncryption::A128CbcHs256 => 16,
            ContentEncryption::A192CbcHs384 => 24,
            ContentEncryption::A256CbcHs512 => 32,
            _ => gcm::TAG_LEN,
        }
    }

    hazmat! {
    /// A fresh random CEK of [`Self::key_len`] bytes.
    fn generate_cek(&self) -> Result<Zeroizing<Vec<u8>>> {
        random_bytes(self.key_len())
    }
    }

    hazmat! {
    /// A fresh random IV of [`Self::iv_len`] bytes.
    ///
    /// For GCM the IV must never repeat under one key (a repeat reveals the
    /// XOR of plaintexts and the GHASH key); a random 96-bit IV per message is
    /// what RFC 7518 §5.3 asks for.
    fn generate_iv(&self) -> Result<Vec<u8>> {
        let mut iv = vec![0u8; self.iv_len()];
        rand::fill(&mut iv).map_err(|_| Error::Crypto("random number generator failed"))?;
        Ok(iv)
    }
    }

    hazmat! {
       /// Encrypts `plaintext`, authenticating `aad` too; returns
       /// `(ciphertext, tag)`.
       ///
       /// `cek` must be [`Self::key_len`] bytes and `iv` [`Self::iv_len`] bytes
       /// (from [`Self::generate_iv`]); otherwise [`Error::InvalidKey`] /
       /// [`Error::Crypto`] is returned.
       fn encrypt(
           &self,
           cek: &[u8],
           iv: &[u8],
           aad: &[u8],
           plaintext: &[u8],
       ) -> Result<(Vec<u8>, Vec<u8>)> {
           if cek.len() != self.key_len() {
               return Err(Error::InvalidKey(InvalidKey::Length {
    expected: Some(self.key_len()),
    actual: cek.len(),
    }));
           }
           if iv.len() != self.iv_len() {
               return Err(Error::Crypto("initialization vector has the wrong length"));
           }
           match self.cbc_hmac_params() {
               Some(params) => cbc_hmac::encrypt(params, cek, iv, aad, plaintext),
               None => gcm::seal(cek, iv, aad, plaintext),
           }
       }
       }

    hazmat! {
    /// Authenticates and decrypts; returns the plaintext.
    ///
    /// Any problem — wrong CEK, IV or tag length, a tag that does not verify,
    /// bad padding — is [`Error::DecryptionFailed`], without detail.
    fn decrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>> {
        // The CEK may come from an attacker-chosen encrypted key, so its
        // length is checked here and reported like any other failure.
        if cek.len() != self.key_len() || iv.len() != self.iv_len() || tag.len() != self.tag_len() {
            return Err(Error::DecryptionFailed);
        }
        match self.cbc_hmac_params() {
            Some(params) => cbc_hmac::decrypt(params, cek, iv, aad, ciphertext, tag),
            None => gcm::open(cek, iv, aad, ciphertext, tag),
        }
    }
    }

    fn cbc_hmac_params(&self) -> Option<&'static cbc_hmac::Params> {
        match self {
            ContentEncryption::A128CbcHs256 => Some(&cbc_hmac::A128CBC_HS256),
            ContentEncryption::A192CbcHs384 => Some(&cbc_hmac::A192CBC_HS384),
            ContentEncryption::A256CbcHs512 => Some(&cbc_hmac::A256CBC_HS512),
            _ => None,
        }
    }
}

/// `len` bytes from the system CSPRNG, wiped on drop.
pub(crate) fn random_bytes(len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    rand::fill(&mut out).map_err(|_| Error::Crypto("random number generator failed"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_exact() {
        for &enc in ContentEncryption::ALL {
            assert_eq!(ContentEncryption::from_name(enc.name()).unwrap(), enc);
            assert_eq!(enc.to_string().parse::<ContentEncryption>().unwrap(), enc);
        }
        for bad in ["a128gcm", "A128GCM ", "A128CBC_HS256", "", "A128KW", "dir"] {
            assert!(matches!(
                ContentEncryption::from_name(bad),
                Err(Error::UnsupportedAlgorithm(_))
            ));
        }
    }

    #[test]
    fn round_trip_every_algorithm() {
        for &enc in ContentEncryption::ALL {
            let cek = enc.generate_cek().unwrap();
            let iv = enc.generate_iv().unwrap();
            for len in [0usize, 1, 15, 16, 17, 100] {
                let pt: Vec<u8> = (0..len as u8).collect();
                let (ct, tag) = enc.encrypt(&cek, &iv, b"aad", &pt).unwrap();
                assert_eq!(tag.len(), enc.tag_len());
                assert_eq!(enc.decrypt(&cek, &iv, b"aad", &ct, &tag).unwrap(), pt);
                // Changing the AAD must break authentication.
                assert_eq!(
                    enc.decrypt(&cek, &iv, b"aaD", &ct, &tag),
                    Err(Error::DecryptionFailed)
                );
            }
        }
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        for &enc in ContentEncryption::ALL {
            let cek = enc.generate_cek().unwrap();
            let iv = enc.generate_iv().unwrap();
            let (ct, tag) = enc.encrypt(&cek, &iv, b"", b"hello").unwrap();
            let fail = Err(Error::DecryptionFailed);
            // CEK one byte short / long.
            assert_eq!(enc.decrypt(&cek[1..], &iv, b"", &ct, &tag), fail);
            let mut long = cek.to_vec();
            long.push(0);
            assert_eq!(enc.decrypt(&long, &iv, b"", &ct, &tag), fail);
            assert!(matches!(
                enc.encrypt(&cek[1..], &iv, b"", b"x"),
                Err(Error::InvalidKey(_))
            ));
            // IV: GCM needs exactly 12 bytes, CBC exactly 16.
            for n in [0, 8, 11, 12, 13, 15, 16, 17, 32] {
                if n == enc.iv_len() {
                    continue;
                }
                let other = vec![0u8; n];
                assert_eq!(
                    enc.decrypt(&cek, &other, b"", &ct, &tag),
                    fail,
                    "{enc} iv {n}"
                );
                assert!(enc.encrypt(&cek, &other, b"", b"x").is_err());
            }
            // Truncated and extended tags, including a truncation to the
            // length the other family would use.
            for cut in 1..tag.len() {
                assert_eq!(enc.decrypt(&cek, &iv, b"", &ct, &tag[..cut]), fail);
            }
            let mut ext = tag.clone();
            ext.push(0);
            assert_eq!(enc.decrypt(&cek, &iv, b"", &ct, &ext), fail);
            assert_eq!(enc.decrypt(&cek, &iv, b"", &ct, &[]), fail);
        }
    }

    #[test]
    fn every_tag_bit_matters() {
        for &enc in ContentEncryption::ALL {
            let cek = enc.generate_cek().unwrap();
            let iv = enc.generate_iv().unwrap();
            let (ct, tag) = enc.encrypt(&cek, &iv, b"a", b"some plaintext").unwrap();
            for i in 0..tag.len() * 8 {
                let mut t = tag.clone();
                t[i / 8] ^= 1 << (i % 8);
                assert_eq!(
                    enc.decrypt(&cek, &iv, b"a", &ct, &t),
                    Err(Error::DecryptionFailed)
                );
            }
            for i in 0..ct.len() {
                let mut c = ct.clone();
                c[i] ^= 0x80;
                assert_eq!(
                    enc.decrypt(&cek, &iv, b"a", &c, &tag),
                    Err(Error::DecryptionFailed)
                );
            }
        }
    }
}
