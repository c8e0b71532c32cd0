//! AES-GCM (RFC 7518 §5.3), shared by the `A*GCM` content encryption and the
//! `A*GCMKW` key wrapping (§4.7).
//!
//! The IV is exactly 96 bits and the tag exactly 128 bits: other IV lengths
//! go through GHASH (NIST SP 800-38D §7.1) and are not JOSE, and a truncated
//! tag lowers the forgery bound (Ferguson 2005) — both are refused before the
//! key is touched. AES-128/192/256-GCM all come from aws-lc-rs `aead`.

use crate::error::InvalidKey;
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};

use crate::error::{Error, Result};

/// The GCM IV length used by JOSE: 96 bits.
pub(crate) const IV_LEN: usize = 12;
/// The GCM tag length used by JOSE: 128 bits.
pub(crate) const TAG_LEN: usize = 16;

fn algorithm(key_len: usize) -> Option<&'static aead::Algorithm> {
    match key_len {
        16 => Some(&aead::AES_128_GCM),
        24 => Some(&aead::AES_192_GCM),
        32 => Some(&aead::AES_256_GCM),
        _ => None,
    }
}

/// Encrypts; returns `(ciphertext, tag)`. The key length picks AES-128/192/256.
pub(crate) fn seal(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let alg = algorithm(key.len()).ok_or({
        Error::InvalidKey(InvalidKey::Length {
            expected: None,
            actual: key.len(),
        })
    })?;
    let key = UnboundKey::new(alg, key)
        .map(LessSafeKey::new)
        .map_err(|_| {
            Error::InvalidKey(InvalidKey::Length {
                expected: None,
                actual: key.len(),
            })
        })?;
    let nonce = Nonce::try_assume_unique_for_key(iv)
        .map_err(|_| Error::Crypto("AES-GCM IV must be 12 bytes"))?;
    let mut buf = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buf)
        .map_err(|_| Error::Crypto("AES-GCM encryption failed"))?;
    Ok((buf, tag.as_ref().to_vec()))
}

/// Authenticates and decrypts. Every failure is [`Error::DecryptionFailed`].
pub(crate) fn open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>> {
    if iv.len() != IV_LEN || tag.len() != TAG_LEN {
        return Err(Error::DecryptionFailed);
    }
    let alg = algorithm(key.len()).ok_or(Error::DecryptionFailed)?;
    let key = UnboundKey::new(alg, key)
        .map(LessSafeKey::new)
        .map_err(|_| Error::DecryptionFailed)?;
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Error::DecryptionFailed)?;
    let mut buf = ciphertext.to_vec();
    key.open_in_place_separate_tag(nonce, Aad::from(aad), tag, &mut buf)
        .map_err(|_| Error::DecryptionFailed)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_192_gcm_is_available() {
        let key = [3u8; 24];
        let iv = [4u8; 12];
        let (ct, tag) = seal(&key, &iv, b"h", b"secret").unwrap();
        assert_eq!(open(&key, &iv, b"h", &ct, &tag).unwrap(), b"secret");
    }

    #[test]
    fn rejects_non_jose_iv_and_tag_lengths() {
        let key = [5u8; 16];
        let iv = [6u8; 12];
        let (ct, tag) = seal(&key, &iv, b"", b"m").unwrap();
        for n in [0usize, 8, 11, 13, 16] {
            assert_eq!(
                open(&key, &vec![6u8; n], b"", &ct, &tag),
                Err(Error::DecryptionFailed)
            );
        }
        for n in [0usize, 4, 8, 12, 15] {
            assert_eq!(
                open(&key, &iv, b"", &ct, &tag[..n]),
                Err(Error::DecryptionFailed)
            );
        }
        let mut long = tag.clone();
        long.push(0);
        assert_eq!(
            open(&key, &iv, b"", &ct, &long),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            open(&[5u8; 20], &iv, b"", &ct, &tag),
            Err(Error::DecryptionFailed)
        );
    }
}
