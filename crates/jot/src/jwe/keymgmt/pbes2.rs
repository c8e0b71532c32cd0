//! Password-based key wrapping: `PBES2-HS256+A128KW`, `PBES2-HS384+A192KW`,
//! `PBES2-HS512+A256KW` (RFC 7518 §4.8).
//!
//! The KEK is PBKDF2 (RFC 8018 §5.2, aws-lc-rs `pbkdf2`) with HMAC-SHA-2 over
//! the salt `UTF8(alg) || 0x00 || p2s` with `p2c` iterations, then AES key
//! wrap. The iteration count comes from the token, so an attacker can ask for
//! 2³¹ iterations and pin a CPU per request (CVE-2022-36083 and friends):
//! `p2c` is bounded by a caller-chosen maximum ([`DEFAULT_MAX_P2C`]) and
//! checked, with `p2s`'s minimum length of 8 bytes (§4.8.1.1), *before* any
//! derivation work is done.

use crate::error::{HeaderProblem, JsonType};
use std::num::NonZeroU32;

use aws_lc_rs::pbkdf2;
use zeroize::Zeroizing;

use super::aes_kw::AesKeyWrap;
use crate::error::{Error, Result};

/// The default largest `p2c` accepted when decrypting.
#[cfg(any(test, feature = "hazmat"))]
pub const DEFAULT_MAX_P2C: u32 = 10_000;
/// The smallest `p2s` RFC 7518 §4.8.1.1 allows, in bytes.
pub const MIN_P2S_LEN: usize = 8;

/// A PBES2 key management algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pbes2 {
    /// `PBES2-HS256+A128KW`.
    Hs256A128Kw,
    /// `PBES2-HS384+A192KW`.
    Hs384A192Kw,
    /// `PBES2-HS512+A256KW`.
    Hs512A256Kw,
}

registered_names!(Pbes2 {
    Hs256A128Kw => "PBES2-HS256+A128KW",
    Hs384A192Kw => "PBES2-HS384+A192KW",
    Hs512A256Kw => "PBES2-HS512+A256KW",
});

impl Pbes2 {
    /// The AES key wrap applied with the derived key.
    pub const fn key_wrap(&self) -> AesKeyWrap {
        match self {
            Pbes2::Hs256A128Kw => AesKeyWrap::A128Kw,
            Pbes2::Hs384A192Kw => AesKeyWrap::A192Kw,
            Pbes2::Hs512A256Kw => AesKeyWrap::A256Kw,
        }
    }

    fn prf(&self) -> pbkdf2::Algorithm {
        match self {
            Pbes2::Hs256A128Kw => pbkdf2::PBKDF2_HMAC_SHA256,
            Pbes2::Hs384A192Kw => pbkdf2::PBKDF2_HMAC_SHA384,
            Pbes2::Hs512A256Kw => pbkdf2::PBKDF2_HMAC_SHA512,
        }
    }

    hazmat! {
    /// PBKDF2 with this algorithm's PRF over an explicit, complete `salt`,
    /// filling `out`. [`Self::derive_kek`] is this with the JOSE salt input
    /// and `out` the KEK length; it is public so the PBKDF2 step can be
    /// checked against PKCS #5 test vectors. `iterations` must be in
    /// `1..=max_iterations`, checked before any work.
    fn pbkdf2(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u64,
        max_iterations: u32,
        out: &mut [u8],
    ) -> Result<()> {
        let iterations = check_p2c(iterations, max_iterations)?;
        if out.is_empty() {
            return Err(Error::Crypto("PBKDF2 output length must not be zero"));
        }
        pbkdf2::derive(self.prf(), iterations, salt, password, out);
        Ok(())
    }
    }

    hazmat! {
    /// Derives the key encryption key from the password and the `p2s` /
    /// `p2c` header values; refuses `p2s` shorter than 8 bytes and `p2c`
    /// outside `1..=max_p2c` without deriving anything.
    fn derive_kek(
        &self,
        password: &[u8],
        p2s: &[u8],
        p2c: u64,
        max_p2c: u32,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if p2s.len() < MIN_P2S_LEN {
            return Err(Error::header("p2s", HeaderProblem::TooShort { min_bytes: 8 }));
        }
        check_p2c(p2c, max_p2c)?;
        let name = self.name().as_bytes();
        let mut salt = Vec::with_capacity(name.len() + 1 + p2s.len());
        salt.extend_from_slice(name);
        salt.push(0);
        salt.extend_from_slice(p2s);
        let mut kek = Zeroizing::new(vec![0u8; self.key_wrap().kek_len()]);
        self.pbkdf2(password, &salt, p2c, max_p2c, &mut kek)?;
        Ok(kek)
    }
    }

    hazmat! {
    /// Wraps `cek` for the password. The caller picks `p2s` (random, at least
    /// 8 bytes) and `p2c`; `p2c` above `max_p2c` is refused here too so a
    /// sender cannot produce tokens its own recipients would reject.
    fn wrap(
        &self,
        password: &[u8],
        p2s: &[u8],
        p2c: u64,
        max_p2c: u32,
        cek: &[u8],
    ) -> Result<Vec<u8>> {
        let kek = self.derive_kek(password, p2s, p2c, max_p2c)?;
        self.key_wrap().wrap(&kek, cek)
    }
    }

    hazmat! {
    /// Unwraps an encrypted key. Bad `p2s`/`p2c` are header errors (found
    /// before any PBKDF2 work); a wrong password or tampered key is
    /// [`Error::DecryptionFailed`].
    fn unwrap(
        &self,
        password: &[u8],
        p2s: &[u8],
        p2c: u64,
        max_p2c: u32,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let kek = self.derive_kek(password, p2s, p2c, max_p2c)?;
        self.key_wrap().unwrap(&kek, encrypted_key)
    }
    }
}

fn check_p2c(p2c: u64, max: u32) -> Result<NonZeroU32> {
    if p2c > u64::from(max) {
        return Err(Error::TooLarge {
            what: "p2c",
            actual: usize::try_from(p2c).unwrap_or(usize::MAX),
            limit: max as usize,
        });
    }
    u32::try_from(p2c)
        .ok()
        .and_then(NonZeroU32::new)
        .ok_or_else(|| Error::header("p2c", HeaderProblem::WrongType(JsonType::PositiveInteger)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::b64;
    use crate::error::Part;

    /// RFC 7517 Appendix C: a JWK set encrypted with PBES2-HS256+A128KW.
    #[test]
    fn rfc7517_appendix_c() {
        let password = b"Thus from my lips, by yours, my sin is purged.";
        let p2s = b64::decode("2WCTcJZ1Rvd_CJuJripQ1w", Part::HeaderParameter).unwrap();
        assert_eq!(
            p2s,
            [217, 96, 147, 112, 150, 117, 70, 247, 127, 8, 155, 137, 174, 42, 80, 215]
        );
        let alg = Pbes2::Hs256A128Kw;
        let kek = alg
            .derive_kek(password, &p2s, 4096, DEFAULT_MAX_P2C)
            .unwrap();
        assert_eq!(
            &kek[..],
            &[110, 171, 169, 92, 129, 92, 109, 117, 233, 242, 116, 233, 170, 14, 24, 75]
        );
        let cek = [
            111, 27, 25, 52, 66, 29, 20, 78, 92, 176, 56, 240, 65, 208, 82, 112, 161, 131, 36, 55,
            202, 236, 185, 172, 129, 23, 153, 194, 195, 48, 253, 182,
        ];
        let wrapped = alg
            .wrap(password, &p2s, 4096, DEFAULT_MAX_P2C, &cek)
            .unwrap();
        assert_eq!(
            b64::encode(&wrapped),
            "TrqXOwuNUfDV9VPTNbyGvEJ9JMjefAVn-TR1uIxR9p6hsRQh9Tk7BA"
        );
        let back = alg
            .unwrap(password, &p2s, 4096, DEFAULT_MAX_P2C, &wrapped)
            .unwrap();
        assert_eq!(&back[..], &cek[..]);
        assert_eq!(
            alg.unwrap(b"wrong password", &p2s, 4096, DEFAULT_MAX_P2C, &wrapped),
            Err(Error::DecryptionFailed)
        );
    }

    #[test]
    fn limits_are_checked_before_derivation() {
        let alg = Pbes2::Hs512A256Kw;
        let salt = [0u8; 8];
        // Over the limit: refused at once (u32::MAX iterations would take
        // hours, so this test finishing quickly is itself the check).
        assert!(matches!(
            alg.derive_kek(b"pw", &salt, u64::from(u32::MAX), DEFAULT_MAX_P2C),
            Err(Error::TooLarge { what: "p2c", .. })
        ));
        assert!(matches!(
            alg.derive_kek(b"pw", &salt, u64::MAX, u32::MAX),
            Err(Error::TooLarge { what: "p2c", .. })
        ));
        assert!(matches!(
            alg.derive_kek(b"pw", &salt, 10_001, DEFAULT_MAX_P2C),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            alg.derive_kek(b"pw", &salt, 0, DEFAULT_MAX_P2C),
            Err(Error::InvalidHeader { .. })
        ));
        assert!(matches!(
            alg.derive_kek(b"pw", &salt[..7], 1000, DEFAULT_MAX_P2C),
            Err(Error::InvalidHeader { .. })
        ));
        assert!(matches!(
            alg.unwrap(b"pw", &[], 1000, DEFAULT_MAX_P2C, &[0u8; 40]),
            Err(Error::InvalidHeader { .. })
        ));
        // The maximum is configurable, both ways.
        assert!(alg
            .derive_kek(b"pw", &salt, 10_000, DEFAULT_MAX_P2C)
            .is_ok());
        assert!(alg.derive_kek(b"pw", &salt, 20_000, 20_000).is_ok());
        assert!(alg.derive_kek(b"pw", &salt, 1_000, 999).is_err());
    }

    #[test]
    fn round_trip_each_variant() {
        for &alg in Pbes2::ALL {
            assert_eq!(Pbes2::from_name(alg.name()).unwrap(), alg);
            let cek = [9u8; 48];
            let w = alg.wrap(b"hunter2", b"saltsalt", 1000, 1000, &cek).unwrap();
            let got = alg.unwrap(b"hunter2", b"saltsalt", 1000, 1000, &w).unwrap();
            assert_eq!(&got[..], &cek[..]);
            // A different p2s or p2c gives a different KEK.
            assert_eq!(
                alg.unwrap(b"hunter2", b"saltsalT", 1000, 1000, &w),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                alg.unwrap(b"hunter2", b"saltsalt", 999, 1000, &w),
                Err(Error::DecryptionFailed)
            );
        }
    }
}
