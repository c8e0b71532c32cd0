//! Key management: the JWE `alg` algorithms (RFC 7518 §4).
//!
//! One file per family, each a small type over byte slices:
//! [`aes_kw`] (`A*KW`), [`aes_gcm_kw`] (`A*GCMKW`), [`pbes2`] (`PBES2-*`),
//! [`ecdh_es`] (`ECDH-ES`, `ECDH-ES+A*KW`, with [`concat_kdf`]) and [`rsa`]
//! (`RSA1_5`, `RSA-OAEP*`). `dir` needs no code: the shared key is the CEK.
//!
//! Unwrapping functions return the CEK in a [`zeroize::Zeroizing`] buffer and
//! report every failure caused by the token's bytes as
//! [`crate::Error::DecryptionFailed`].

pub mod aes_gcm_kw;
pub mod aes_kw;
pub mod concat_kdf;
pub mod ecdh_es;
pub mod pbes2;
pub mod rsa;

use crate::error::InvalidKey;
use crate::error::{Error, Result};

/// A key encryption key of the wrong length is the caller's key, not the
/// token's bytes: [`Error::InvalidKey`], which may name the lengths.
pub(crate) fn check_kek_len(want: usize, kek: &[u8]) -> Result<()> {
    if kek.len() == want {
        Ok(())
    } else {
        Err(Error::InvalidKey(InvalidKey::Length {
            expected: Some(want),
            actual: kek.len(),
        }))
    }
}
