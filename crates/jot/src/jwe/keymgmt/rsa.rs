//! RSA key encryption: `RSA1_5`, `RSA-OAEP`, `RSA-OAEP-256`, `RSA-OAEP-384`,
//! `RSA-OAEP-512` (RFC 7518 §4.2, §4.3; the last two from the IANA JOSE
//! registry). Keys are 2048 to 8192 bits (RFC 7518 §4.2/§4.3 require at
//! least 2048), the OAEP label is always empty and MGF1 uses the same hash as
//! OAEP, as JOSE specifies.
//!
//! `RSA1_5` decryption is a Bleichenbacher (1998) padding oracle unless every
//! failure looks like success. Following RFC 7516 §11.5 and RFC 3218 §2.3.2,
//! [`RsaEncryption::decrypt`] draws a random CEK of the expected length
//! *first*, then decrypts; if the padding is bad or the recovered key has the
//! wrong length it returns the random CEK instead, chosen by a constant-time
//! select, with no early return. The caller then fails at content decryption
//! exactly as it would for a wrong key. (The only branch left is on the
//! `Result` aws-lc-rs returns from its padding check; its two arms do the
//! same trivial work.)

use crate::error::{InvalidKey, WeakKey};
use std::fmt;

use aws_lc_rs::rsa::{
    OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey, OAEP_SHA1_MGF1SHA1,
    OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::jwe::content::random_bytes;

/// PKCS #1 v1.5 encryption padding overhead (RFC 8017 §7.2.1).
const PKCS1_OVERHEAD: usize = 11;

/// An RSA key encryption algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaEncryption {
    /// `RSA1_5`: RSAES-PKCS1-v1_5. Decrypt only what you must.
    Rsa1_5,
    /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1-SHA-1.
    RsaOaep,
    /// `RSA-OAEP-256`: SHA-256 and MGF1-SHA-256.
    RsaOaep256,
    /// `RSA-OAEP-384`: SHA-384 and MGF1-SHA-384.
    RsaOaep384,
    /// `RSA-OAEP-512`: SHA-512 and MGF1-SHA-512.
    RsaOaep512,
}

registered_names!(RsaEncryption {
    Rsa1_5 => "RSA1_5",
    RsaOaep => "RSA-OAEP",
    RsaOaep256 => "RSA-OAEP-256",
    RsaOaep384 => "RSA-OAEP-384",
    RsaOaep512 => "RSA-OAEP-512",
});

impl RsaEncryption {
    fn oaep(&self) -> Option<&'static OaepAlgorithm> {
        match self {
            RsaEncryption::Rsa1_5 => None,
            RsaEncryption::RsaOaep => Some(&OAEP_SHA1_MGF1SHA1),
            RsaEncryption::RsaOaep256 => Some(&OAEP_SHA256_MGF1SHA256),
            RsaEncryption::RsaOaep384 => Some(&OAEP_SHA384_MGF1SHA384),
            RsaEncryption::RsaOaep512 => Some(&OAEP_SHA512_MGF1SHA512),
        }
    }

    hazmat! {
    /// Encrypts `cek` to the recipient's public key.
    fn encrypt(&self, key: &RsaPublicKey, cek: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; key.key.key_size_bytes()];
        let too_long = |_| Error::Crypto("CEK too long for this RSA key");
        let n = match self.oaep() {
            Some(alg) => OaepPublicEncryptingKey::new(key.key.clone())
                .map_err(|_| Error::Crypto("RSA-OAEP key setup failed"))?
                .encrypt(alg, cek, &mut out, None)
                .map_err(too_long)?
                .len(),
            None => Pkcs1PublicEncryptingKey::new(key.key.clone())
                .map_err(|_| Error::Crypto("RSA1_5 key setup failed"))?
                .encrypt(cek, &mut out)
                .map_err(too_long)?
                .len(),
        };
        out.truncate(n);
        Ok(out)
    }
    }

    hazmat! {
    /// Decrypts an encrypted key holding a `cek_len`-byte CEK (the `enc`
    /// algorithm's [`key_len`](crate::jwe::content::ContentEncryption::key_len)).
    ///
    /// RSA-OAEP: any failure, including a CEK of the wrong length, is
    /// [`Error::DecryptionFailed`]. `RSA1_5`: never fails because of the
    /// ciphertext; a bad one yields a random CEK (see the module docs).
    /// `cek_len` larger than the key can carry is [`Error::InvalidKey`].
    fn decrypt(
        &self,
        key: &RsaPrivateKey,
        encrypted_key: &[u8],
        cek_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let k = key.key.key_size_bytes();
        match self.oaep() {
            Some(alg) => {
                let oaep = OaepPrivateDecryptingKey::new(key.key.clone())
                    .map_err(|_| Error::Crypto("RSA-OAEP key setup failed"))?;
                let mut buf = Zeroizing::new(vec![0u8; oaep.min_output_size()]);
                let n = oaep
                    .decrypt(alg, encrypted_key, &mut buf, None)
                    .map_err(|_| Error::DecryptionFailed)?
                    .len();
                if n != cek_len {
                    return Err(Error::DecryptionFailed);
                }
                buf.truncate(n);
                Ok(buf)
            }
            None => {
                if cek_len > k - PKCS1_OVERHEAD {
                    return Err(Error::InvalidKey(InvalidKey::RsaTooSmall));
                }
                let pkcs1 = Pkcs1PrivateDecryptingKey::new(key.key.clone())
                    .map_err(|_| Error::Crypto("RSA1_5 key setup failed"))?;
                rsa1_5_implicit_rejection(&pkcs1, encrypted_key, cek_len)
            }
        }
    }
    }
}

/// RFC 3218 §2.3.2: random CEK first, one outcome for every ciphertext.
fn rsa1_5_implicit_rejection(
    key: &Pkcs1PrivateDecryptingKey,
    encrypted_key: &[u8],
    cek_len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let random = random_bytes(cek_len)?;
    let mut buf = Zeroizing::new(vec![0u8; key.min_output_size()]);
    let (decrypted, len) = match key.decrypt(encrypted_key, &mut buf) {
        Ok(pt) => (1u8, pt.len()),
        Err(_) => (0u8, 0),
    };
    let good = subtle::Choice::from(decrypted) & (len as u64).ct_eq(&(cek_len as u64));
    let mut out = Zeroizing::new(vec![0u8; cek_len]);
    for ((o, r), d) in out.iter_mut().zip(random.iter()).zip(buf.iter()) {
        *o = u8::conditional_select(r, d, good);
    }
    Ok(out)
}

/// Smallest and largest modulus aws-lc-rs encrypts and decrypts with.
const MIN_BITS: usize = 2048;
const MAX_BITS: usize = 8192;

/// Why aws-lc-rs refused a key, told from the modulus size Jot reads itself:
/// aws-lc-rs's `KeyRejected` gives its reason only as a text.
fn rejected(modulus_bits: Option<usize>) -> Error {
    match modulus_bits {
        Some(bits) if bits < MIN_BITS => Error::WeakKey(WeakKey::SmallRsa {
            bits,
            minimum: MIN_BITS,
        }),
        Some(bits) if bits > MAX_BITS => {
            Error::InvalidKey(InvalidKey::RsaTooLarge { max_bits: MAX_BITS })
        }
        _ => Error::InvalidKey(InvalidKey::InvalidPublicKey),
    }
}

fn bit_len(uint: &[u8]) -> usize {
    match uint.first() {
        Some(&b) => uint.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    }
}

/// The modulus size of a DER SubjectPublicKeyInfo holding an RSA key.
fn spki_modulus_bits(der: &[u8]) -> Option<usize> {
    use der::Decode;
    let info = spki::SubjectPublicKeyInfoRef::from_der(der).ok()?;
    let key = pkcs1::RsaPublicKeyRef::from_der(info.subject_public_key.as_bytes()?).ok()?;
    Some(bit_len(key.modulus.as_bytes()))
}

/// The modulus size of a DER PKCS #8 PrivateKeyInfo holding an RSA key.
fn pkcs8_modulus_bits(der: &[u8]) -> Option<usize> {
    use der::Decode;
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
    let key = pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes()).ok()?;
    Some(bit_len(key.modulus.as_bytes()))
}

/// An RSA public key for encrypting CEKs.
#[derive(Clone)]
pub struct RsaPublicKey {
    key: PublicEncryptingKey,
}

impl RsaPublicKey {
    /// From a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        PublicEncryptingKey::from_der(der)
            .map(|key| RsaPublicKey { key })
            .map_err(|_| rejected(spki_modulus_bits(der)))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.key_size_bits()
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits())
            .finish()
    }
}

/// An RSA private key for decrypting CEKs.
#[derive(Clone)]
pub struct RsaPrivateKey {
    key: PrivateDecryptingKey,
}

impl RsaPrivateKey {
    /// From a DER PKCS #8 v1 PrivateKeyInfo (RFC 5208).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        PrivateDecryptingKey::from_pkcs8(der)
            .map(|key| RsaPrivateKey { key })
            .map_err(|_| rejected(pkcs8_modulus_bits(der)))
    }

    /// The matching public key.
    #[cfg(any(test, feature = "hazmat"))]
    pub fn public_key(&self) -> RsaPublicKey {
        RsaPublicKey {
            key: self.key.public_key(),
        }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.key_size_bits()
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::KeySize;

    fn key() -> RsaPrivateKey {
        let k = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        RsaPrivateKey::from_pkcs8_der(k.as_der().unwrap().as_ref()).unwrap()
    }

    #[test]
    fn round_trip_every_algorithm() {
        let private = key();
        let public = private.public_key();
        assert_eq!(public.bits(), 2048);
        for &alg in RsaEncryption::ALL {
            assert_eq!(RsaEncryption::from_name(alg.name()).unwrap(), alg);
            let cek = [0x5cu8; 32];
            let ct = alg.encrypt(&public, &cek).unwrap();
            assert_eq!(ct.len(), 256);
            assert_eq!(&alg.decrypt(&private, &ct, 32).unwrap()[..], &cek[..]);
        }
    }

    #[test]
    fn oaep_failures_are_opaque() {
        let private = key();
        let public = private.public_key();
        let ct = RsaEncryption::RsaOaep256
            .encrypt(&public, &[1u8; 16])
            .unwrap();
        let fail = Err(Error::DecryptionFailed);
        // Wrong expected CEK length, wrong hash, tampering, bad length.
        assert_eq!(RsaEncryption::RsaOaep256.decrypt(&private, &ct, 32), fail);
        assert_eq!(RsaEncryption::RsaOaep.decrypt(&private, &ct, 16), fail);
        assert_eq!(RsaEncryption::RsaOaep512.decrypt(&private, &ct, 16), fail);
        let mut t = ct.clone();
        t[100] ^= 1;
        assert_eq!(RsaEncryption::RsaOaep256.decrypt(&private, &t, 16), fail);
        assert_eq!(
            RsaEncryption::RsaOaep256.decrypt(&private, &ct[1..], 16),
            fail
        );
        assert_eq!(RsaEncryption::RsaOaep256.decrypt(&private, &[], 16), fail);
    }

    /// RFC 7516 §11.5: for RSA1_5 a bad ciphertext, a CEK of the wrong
    /// length and a good one all return `Ok` with a CEK of the expected
    /// length; the bad cases give fresh random bytes.
    #[test]
    fn rsa1_5_implicit_rejection() {
        let private = key();
        let public = private.public_key();
        let alg = RsaEncryption::Rsa1_5;
        let cek = [0xa5u8; 32];
        let ct = alg.encrypt(&public, &cek).unwrap();
        assert_eq!(&alg.decrypt(&private, &ct, 32).unwrap()[..], &cek[..]);

        // Wrong expected length: random, not a prefix or extension.
        for n in [16usize, 31, 33, 64] {
            let got = alg.decrypt(&private, &ct, n).unwrap();
            assert_eq!(got.len(), n);
            assert_ne!(&got[..16], &cek[..16]);
        }
        // Tampered, truncated, empty, oversized: random, and not repeated.
        let mut tampered = ct.clone();
        tampered[5] ^= 0x40;
        let long = [ct.as_slice(), &[0]].concat();
        for bad in [&tampered[..], &ct[1..], &[][..], &long[..], &[0u8; 256][..]] {
            let a = alg.decrypt(&private, bad, 32).unwrap();
            let b = alg.decrypt(&private, bad, 32).unwrap();
            assert_eq!(a.len(), 32);
            assert_ne!(&a[..], &cek[..]);
            assert_ne!(a, b, "the substitute CEK must be fresh randomness");
        }
        // A CEK longer than the key can hold is a caller error.
        assert!(matches!(
            alg.decrypt(&private, &ct, 246),
            Err(Error::InvalidKey(_))
        ));
    }

    #[test]
    fn key_loading() {
        let private = key();
        let spki = private.key.public_key().as_der().unwrap();
        let public = RsaPublicKey::from_spki_der(spki.as_ref()).unwrap();
        assert_eq!(public.bits(), 2048);
        assert!(matches!(
            RsaPrivateKey::from_pkcs8_der(b"not der"),
            Err(Error::InvalidKey(_))
        ));
        assert!(matches!(
            RsaPublicKey::from_spki_der(b"\x30\x00"),
            Err(Error::InvalidKey(_))
        ));
    }
}
