//! New keys from aws-lc-rs, handed over in PKCS#8 (or as raw private
//! bytes) for the key layer's import code to parse and check, as it does
//! any imported key.

use crate::error::InvalidKey;
use aws_lc_rs::encoding::{AsBigEndian, AsDer, Curve25519SeedBin, Pkcs8V1Der};
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, PqdsaKeyPair};
use aws_lc_rs::{agreement, rand, rsa};
use zeroize::Zeroizing;

use super::material::{ecdsa_signing, ml_dsa_signing};
use crate::error::{Error, Result};
use crate::jwk::{AkpAlgorithm, EcCurve};

fn failed() -> Error {
    Error::Crypto("key generation failed")
}

/// An RSA key of `bits` (2048, 3072, 4096 or 8192; e = 65537), in PKCS#8.
pub(crate) fn rsa(bits: usize) -> Result<impl AsRef<[u8]>> {
    let size = match bits {
        2048 => rsa::KeySize::Rsa2048,
        3072 => rsa::KeySize::Rsa3072,
        4096 => rsa::KeySize::Rsa4096,
        8192 => rsa::KeySize::Rsa8192,
        _ => return Err(Error::InvalidKey(InvalidKey::UnsupportedSize(bits))),
    };
    let pair = rsa::KeyPair::generate(size).map_err(|_| failed())?;
    let der: Pkcs8V1Der<'static> = pair.as_der().map_err(|_| failed())?;
    Ok(Zeroizing::new(der.as_ref().to_vec()))
}

/// An EC key on `crv`, in PKCS#8.
pub(crate) fn ec(crv: EcCurve) -> Result<impl AsRef<[u8]>> {
    let pair = EcdsaKeyPair::generate(ecdsa_signing(crv)).map_err(|_| failed())?;
    pair.to_pkcs8v1().map_err(|_| failed())
}

/// An Ed25519 key, in PKCS#8.
pub(crate) fn ed25519() -> Result<impl AsRef<[u8]>> {
    let pair = Ed25519KeyPair::generate().map_err(|_| failed())?;
    pair.to_pkcs8().map_err(|_| failed())
}

/// An X25519 private key (its 32 bytes).
pub(crate) fn x25519() -> Result<impl AsRef<[u8]>> {
    let key = agreement::PrivateKey::generate(&agreement::X25519).map_err(|_| failed())?;
    let seed: Curve25519SeedBin<'static> = key.as_be_bytes().map_err(|_| failed())?;
    Ok(Zeroizing::new(seed.as_ref().to_vec()))
}

/// An ML-DSA key: aws-lc draws the seed (its FIPS-approved path) and
/// writes it in PKCS#8.
pub(crate) fn ml_dsa(alg: AkpAlgorithm) -> Result<impl AsRef<[u8]>> {
    let pair = PqdsaKeyPair::generate(ml_dsa_signing(alg)?).map_err(|_| failed())?;
    pair.to_pkcs8v1().map_err(|_| failed())
}

/// `len` bytes from the system RNG, wiped when dropped.
pub(crate) fn random(len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; len]);
    rand::fill(&mut buf).map_err(|_| Error::Crypto("random number generation failed"))?;
    Ok(buf)
}
