//! AES Key Wrap: `A128KW`, `A192KW`, `A256KW` (RFC 7518 §4.4, RFC 3394).
//!
//! RFC 3394's integrity check (the 0xA6A6A6A6A6A6A6A6 initial value) is what
//! authenticates the wrapped CEK; any tampering makes [`AesKeyWrap::unwrap`]
//! fail with the opaque [`Error::DecryptionFailed`].
//!
//! AES-128 and AES-256 use aws-lc-rs `key_wrap`. aws-lc-rs 1.19 exposes no
//! AES-192 key wrap (its `BlockCipherId` has only `Aes128`/`Aes256`, and the
//! underlying C function cannot be reached without `unsafe`), so `A192KW`
//! uses the RustCrypto `aes-kw` crate, which performs the RFC 3394 integrity
//! check as a single 64-bit comparison and wipes its output on failure.
//!
//! Key data must be at least two 64-bit blocks (RFC 3394 §2: n ≥ 2); every
//! JWE CEK is 16 to 64 bytes, so the one-block case is refused.

use crate::error::InvalidKey;
use aes_kw::KeyInit;
use aws_lc_rs::key_wrap::{self, AesKek, KeyWrap};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// RFC 3394 semiblock length.
const SEMIBLOCK: usize = 8;
/// Smallest key data RFC 3394 wraps: two semiblocks.
const MIN_KEY_DATA: usize = 2 * SEMIBLOCK;

/// An AES key wrap algorithm (`A128KW`, `A192KW`, `A256KW`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AesKeyWrap {
    /// `A128KW`: 128-bit key encryption key.
    A128Kw,
    /// `A192KW`: 192-bit key encryption key.
    A192Kw,
    /// `A256KW`: 256-bit key encryption key.
    A256Kw,
}

registered_names!(AesKeyWrap {
    A128Kw => "A128KW",
    A192Kw => "A192KW",
    A256Kw => "A256KW",
});

impl AesKeyWrap {
    /// The key encryption key length in bytes.
    pub const fn kek_len(&self) -> usize {
        match self {
            AesKeyWrap::A128Kw => 16,
            AesKeyWrap::A192Kw => 24,
            AesKeyWrap::A256Kw => 32,
        }
    }

    /// The AES key wrap with a KEK of `kek_len` bytes, if there is one.
    pub const fn for_kek_len(kek_len: usize) -> Option<Self> {
        match kek_len {
            16 => Some(AesKeyWrap::A128Kw),
            24 => Some(AesKeyWrap::A192Kw),
            32 => Some(AesKeyWrap::A256Kw),
            _ => None,
        }
    }

    fn check_kek(&self, kek: &[u8]) -> Result<()> {
        super::check_kek_len(self.kek_len(), kek)
    }

    hazmat! {
       /// Wraps `cek` (a multiple of 8 bytes, at least 16) under `kek`; the
       /// result is 8 bytes longer.
       fn wrap(&self, kek: &[u8], cek: &[u8]) -> Result<Vec<u8>> {
           self.check_kek(kek)?;
           if cek.len() < MIN_KEY_DATA || cek.len() % SEMIBLOCK != 0 {
               return Err(Error::InvalidKey(InvalidKey::Length {
    expected: None,
    actual: cek.len(),
    }));
           }
           let mut out = vec![0u8; cek.len() + SEMIBLOCK];
           let fail = |_| Error::Crypto("AES key wrap failed");
           match self {
               AesKeyWrap::A192Kw => {
                   aes_kw::KwAes192::new_from_slice(kek)
                       .map_err(|_| Error::InvalidKey(InvalidKey::Length {
    expected: None,
    actual: kek.len(),
    }))?
                       .wrap_key(cek, &mut out)
                       .map_err(|_| Error::Crypto("AES key wrap failed"))?;
               }
               _ => {
                   aws_kek(self, kek)?.wrap(cek, &mut out).map_err(fail)?;
               }
           }
           Ok(out)
       }
       }

    hazmat! {
    /// Unwraps an encrypted key. A wrong KEK length is [`Error::InvalidKey`];
    /// anything wrong with `encrypted_key` is [`Error::DecryptionFailed`].
    fn unwrap(&self, kek: &[u8], encrypted_key: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.check_kek(kek)?;
        if encrypted_key.len() < MIN_KEY_DATA + SEMIBLOCK || encrypted_key.len() % SEMIBLOCK != 0 {
            return Err(Error::DecryptionFailed);
        }
        let mut out = Zeroizing::new(vec![0u8; encrypted_key.len() - SEMIBLOCK]);
        match self {
            AesKeyWrap::A192Kw => {
                aes_kw::KwAes192::new_from_slice(kek)
                    .map_err(|_| Error::DecryptionFailed)?
                    .unwrap_key(encrypted_key, &mut out)
                    .map_err(|_| Error::DecryptionFailed)?;
            }
            _ => {
                let n = aws_kek(self, kek)?
                    .unwrap(encrypted_key, &mut out)
                    .map_err(|_| Error::DecryptionFailed)?
                    .len();
                debug_assert_eq!(n, out.len());
            }
        }
        Ok(out)
    }
    }
}

fn aws_kek(alg: &AesKeyWrap, kek: &[u8]) -> Result<AesKek> {
    let cipher = match alg {
        AesKeyWrap::A128Kw => &key_wrap::AES_128,
        AesKeyWrap::A256Kw => &key_wrap::AES_256,
        // Handled by the aes-kw crate; never routed here.
        AesKeyWrap::A192Kw => return Err(Error::Crypto("AES-192 key wrap is not in aws-lc-rs")),
    };
    AesKek::new(cipher, kek).map_err(|_| {
        Error::InvalidKey(InvalidKey::Length {
            expected: None,
            actual: kek.len(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::jwe::test_util::hex as h;

    const KEY_DATA_128: &str = "00112233445566778899AABBCCDDEEFF";
    const KEY_DATA_256: &str = "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F";

    fn check(alg: AesKeyWrap, kek: &str, data: &str, ct: &str) {
        let (kek, data, ct) = (h(kek), h(data), h(ct));
        assert_eq!(alg.wrap(&kek, &data).unwrap(), ct, "{alg}");
        assert_eq!(&alg.unwrap(&kek, &ct).unwrap()[..], &data[..], "{alg}");
    }

    /// RFC 3394 §4.1: wrap 128 bits of key data with a 128-bit KEK.
    #[test]
    fn rfc3394_4_1() {
        check(
            AesKeyWrap::A128Kw,
            "000102030405060708090A0B0C0D0E0F",
            KEY_DATA_128,
            "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5",
        );
    }

    /// RFC 3394 §4.2: 128 bits of key data with a 192-bit KEK (aes-kw path).
    #[test]
    fn rfc3394_4_2() {
        check(
            AesKeyWrap::A192Kw,
            "000102030405060708090A0B0C0D0E0F1011121314151617",
            KEY_DATA_128,
            "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D",
        );
    }

    /// RFC 3394 §4.3: 128 bits of key data with a 256-bit KEK.
    #[test]
    fn rfc3394_4_3() {
        check(
            AesKeyWrap::A256Kw,
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            KEY_DATA_128,
            "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7",
        );
    }

    /// RFC 3394 §4.6: 256 bits of key data with a 256-bit KEK.
    #[test]
    fn rfc3394_4_6() {
        check(
            AesKeyWrap::A256Kw,
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            KEY_DATA_256,
            "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21",
        );
    }

    #[test]
    fn tampering_and_bad_lengths() {
        for &alg in AesKeyWrap::ALL {
            let kek = vec![0x42u8; alg.kek_len()];
            let cek = [7u8; 32];
            let wrapped = alg.wrap(&kek, &cek).unwrap();
            for i in 0..wrapped.len() {
                let mut w = wrapped.clone();
                w[i] ^= 1;
                assert_eq!(alg.unwrap(&kek, &w), Err(Error::DecryptionFailed));
            }
            for n in [0usize, 8, 16, 23, 25, 39] {
                assert_eq!(
                    alg.unwrap(&kek, &wrapped[..n.min(wrapped.len())]),
                    Err(Error::DecryptionFailed),
                    "{alg} {n}"
                );
            }
            let mut other = kek.clone();
            other[0] ^= 1;
            assert_eq!(alg.unwrap(&other, &wrapped), Err(Error::DecryptionFailed));
            assert!(matches!(
                alg.unwrap(&kek[1..], &wrapped),
                Err(Error::InvalidKey(_))
            ));
            assert!(matches!(
                alg.wrap(&kek, &cek[..8]),
                Err(Error::InvalidKey(_))
            ));
            assert!(matches!(
                alg.wrap(&kek, &cek[..20]),
                Err(Error::InvalidKey(_))
            ));
            assert_eq!(AesKeyWrap::from_name(alg.name()).unwrap(), alg);
            assert_eq!(AesKeyWrap::for_kek_len(alg.kek_len()), Some(alg));
        }
    }
}
