//! AES-256-GCM sealing with random nonces: the one way this crate encrypts
//! data at rest (private signing keys under the KEK, a refresh token's
//! successor under a key only its predecessor's holder can derive).
//!
//! Format: nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes). The associated
//! data binds a sealed value to where it is stored (e.g. the key's `kid`),
//! so a value moved to another row does not open.

use aws_lc_rs::aead::{Aad, Nonce, RandomizedNonceKey, AES_256_GCM, NONCE_LEN};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A 256-bit AES-GCM key.
pub(crate) struct SealKey(RandomizedNonceKey);

impl SealKey {
    /// `None` unless `bytes` is 32 bytes long.
    pub(crate) fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 32 {
            return None;
        }
        RandomizedNonceKey::new(&AES_256_GCM, bytes)
            .ok()
            .map(SealKey)
    }

    /// Encrypts `plaintext` bound to `aad`. Fails only if the system's
    /// random number generator does.
    pub(crate) fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut in_out = Zeroizing::new(plaintext.to_vec());
        let nonce = self
            .0
            .seal_in_place_append_tag(Aad::from(aad), &mut *in_out)
            .map_err(|_| Error::Random)?;
        let mut out = Vec::with_capacity(NONCE_LEN + in_out.len());
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&in_out);
        Ok(out)
    }

    /// Decrypts a value sealed with this key and `aad`; `None` for any
    /// failure (wrong key, wrong `aad`, altered or truncated value).
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN + 16 {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut in_out = Zeroizing::new(body.to_vec());
        let len = self
            .0
            .open_in_place(nonce, Aad::from(aad), &mut in_out)
            .ok()?
            .len();
        in_out.truncate(len);
        Some(in_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_the_same_key_and_aad() {
        let key = SealKey::new(&[7; 32]).unwrap();
        let sealed = key.seal(b"kid-1", b"private").unwrap();
        assert_eq!(sealed.len(), 12 + 7 + 16);
        assert_eq!(key.open(b"kid-1", &sealed).unwrap().as_slice(), b"private");
        assert!(key.open(b"kid-2", &sealed).is_none());
        assert!(SealKey::new(&[8; 32])
            .unwrap()
            .open(b"kid-1", &sealed)
            .is_none());
        let mut altered = sealed.clone();
        altered[15] ^= 1;
        assert!(key.open(b"kid-1", &altered).is_none());
        assert!(key.open(b"kid-1", &sealed[..20]).is_none());
        // Random nonces: sealing twice gives different bytes.
        assert_ne!(key.seal(b"kid-1", b"private").unwrap(), sealed);
        assert!(SealKey::new(&[7; 31]).is_none());
    }
}
