//! Importing keys from PEM and DER.
//!
//! Every format becomes a [`Jwk`], checked exactly as a JWK would be (EC
//! points on their curve, sane RSA exponents, private halves matching their
//! public halves), so there is one kind of key material and one set of
//! checks. Prepare the result for an algorithm with
//! [`SigningKey::from_jwk`] / [`VerifyingKey::from_jwk`], or use the
//! `from_pem` / `from_der` shortcuts on those types.
//!
//! | PEM label | structure |
//! |---|---|
//! | `PRIVATE KEY` | PKCS#8 (RSA, EC P-256/P-384/P-521/secp256k1, Ed25519, Ed448, X25519, X448, ML-DSA-44/65/87 with its seed) |
//! | `ENCRYPTED PRIVATE KEY` | PKCS#8 encrypted with PBES2 ([`from_encrypted_pem`]) |
//! | `RSA PRIVATE KEY` | PKCS#1 |
//! | `EC PRIVATE KEY` | SEC1 |
//! | `PUBLIC KEY` | SubjectPublicKeyInfo (all of the above) |
//! | `RSA PUBLIC KEY` | PKCS#1 |
//! | `CERTIFICATE` | X.509 (its subject public key; the certificate is not validated) |
//!
//! ```
//! # fn main() -> jot::Result<()> {
//! use jot::key::{generate, KeySpec, SigningKey};
//! use jot::jwk::{EcCurve, Jwk};
//! use jot::Algorithm;
//!
//! let pem = generate(KeySpec::Ec(EcCurve::P256))?.to_pem()?;
//! let jwk = Jwk::from_pem(&pem)?;
//! let key = SigningKey::from_pem(&pem, Algorithm::ES256)?;
//! # let _ = (jwk, key);
//! # Ok(())
//! # }
//! ```

mod material;
pub(crate) mod oid;
pub(crate) mod pem;
mod structures;

pub(crate) use material::okp_private;

use crate::error::{DerStructure, InvalidKey};
use zeroize::Zeroizing;

use self::pem::Label;
use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::jwk::{EcCurve, Jwk, KeyParams};
use crate::key::{SigningKey, VerifyingKey};

/// Largest PEM or DER document accepted (an RSA-16384 private key is about
/// 10 KiB; certificates are rarely over a few KiB).
pub const MAX_DOCUMENT_LEN: usize = 1 << 20;

fn check_len(len: usize) -> Result<()> {
    if len > MAX_DOCUMENT_LEN {
        return Err(Error::TooLarge {
            what: "key document",
            actual: len,
            limit: MAX_DOCUMENT_LEN,
        });
    }
    Ok(())
}

/// Imports the first key or certificate in PEM text.
///
/// Encrypted keys (`ENCRYPTED PRIVATE KEY`) need [`from_encrypted_pem`]. A
/// SEC1 `EC PRIVATE KEY` without its curve parameter needs
/// [`from_pem_with_curve`].
pub fn from_pem(pem: &str) -> Result<Jwk> {
    import_pem(pem, None)
}

/// Like [`from_pem`], for a SEC1 EC private key that does not name its
/// curve. If the key does name one, it must be `curve`. The curve is ignored
/// for other key types.
pub fn from_pem_with_curve(pem: &str, curve: EcCurve) -> Result<Jwk> {
    import_pem(pem, Some(curve))
}

fn import_pem(pem: &str, curve: Option<EcCurve>) -> Result<Jwk> {
    check_len(pem.len())?;
    let (label, der) = pem::first_block(pem)?;
    let params = match label {
        Label::PrivateKey => structures::pkcs8(&decode(&der, DerStructure::Pkcs8)?)?,
        Label::PublicKey => structures::spki(&decode(&der, DerStructure::Spki)?)?,
        Label::RsaPrivateKey => material::rsa_private(&decode(&der, DerStructure::Pkcs1Private)?)?,
        Label::RsaPublicKey => {
            let k: pkcs1::RsaPublicKeyRef<'_> = decode(&der, DerStructure::Pkcs1Public)?;
            material::rsa_public(k.modulus.as_bytes(), k.public_exponent.as_bytes())?
        }
        Label::EcPrivateKey => {
            structures::sec1_key(&decode(&der, DerStructure::Sec1)?, curve, None)?
        }
        Label::Certificate => structures::certificate(&der)?,
        Label::EncryptedPrivateKey => return Err(Error::InvalidKey(InvalidKey::Encrypted)),
    };
    Ok(Jwk::new(params))
}

fn decode<'a, T: der::Decode<'a>>(der: &'a [u8], what: DerStructure) -> Result<T> {
    T::from_der(der).map_err(|_| Error::InvalidKey(InvalidKey::Der(what)))
}

/// Imports an `ENCRYPTED PRIVATE KEY` (PKCS#8 encrypted with PBES2: PBKDF2
/// or scrypt, AES-CBC; what `openssl pkcs8 -topk8` and most tools write).
///
/// Wrong passwords and unsupported ciphers give the same error: PBES2 has no
/// integrity check that could tell them apart.
pub fn from_encrypted_pem(pem: &str, password: &[u8]) -> Result<Jwk> {
    check_len(pem.len())?;
    match pem::first_block(pem)? {
        (Label::EncryptedPrivateKey, der) => from_encrypted_der(&der, password),
        _ => Err(Error::InvalidKey(InvalidKey::NotEncrypted)),
    }
}

/// Imports a DER `EncryptedPrivateKeyInfo`; see [`from_encrypted_pem`].
pub fn from_encrypted_der(der: &[u8], password: &[u8]) -> Result<Jwk> {
    check_len(der.len())?;
    structures::encrypted_pkcs8(der, password).map(Jwk::new)
}

/// Imports a DER key or certificate, recognising PKCS#8, SubjectPublicKeyInfo,
/// PKCS#1 private and public keys, SEC1 and X.509 certificates (tried in that
/// order).
pub fn from_der(der: &[u8]) -> Result<Jwk> {
    check_len(der.len())?;
    structures::any(der, None).map(Jwk::new)
}

/// Like [`from_der`], with the curve for a SEC1 EC private key that does not
/// name one.
pub fn from_der_with_curve(der: &[u8], curve: EcCurve) -> Result<Jwk> {
    check_len(der.len())?;
    structures::any(der, Some(curve)).map(Jwk::new)
}

/// Parses PKCS#8 DER produced by aws-lc (key generation) with the same code
/// as imported keys.
pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<KeyParams> {
    let der = Zeroizing::new(der.to_vec());
    structures::pkcs8(&decode(&der, DerStructure::Pkcs8)?)
}

impl Jwk {
    /// Imports a PEM key or certificate; see [`from_pem`].
    pub fn from_pem(pem: &str) -> Result<Jwk> {
        from_pem(pem)
    }

    /// Imports a DER key or certificate; see [`from_der`].
    pub fn from_der(der: &[u8]) -> Result<Jwk> {
        from_der(der)
    }

    /// Imports an encrypted PKCS#8 PEM key; see [`from_encrypted_pem`].
    pub fn from_encrypted_pem(pem: &str, password: &[u8]) -> Result<Jwk> {
        from_encrypted_pem(pem, password)
    }
}

impl SigningKey {
    /// A signing key for `alg` from a PEM private key. Public keys and
    /// certificates are refused: they hold no private key.
    pub fn from_pem(pem: &str, alg: Algorithm) -> Result<Self> {
        SigningKey::from_jwk(&from_pem(pem)?, alg)
    }

    /// A signing key for `alg` from a DER private key.
    pub fn from_der(der: &[u8], alg: Algorithm) -> Result<Self> {
        SigningKey::from_jwk(&from_der(der)?, alg)
    }
}

impl VerifyingKey {
    /// A verifying key for `alg` from a PEM public key, certificate or
    /// private key (its public half is used).
    ///
    /// PEM and DER never hold an HMAC secret, so HS* algorithms always fail
    /// here: an RSA or EC public key cannot be turned into an HMAC key
    /// (the classic "alg confusion" attack).
    pub fn from_pem(pem: &str, alg: Algorithm) -> Result<Self> {
        VerifyingKey::from_jwk(&from_pem(pem)?, alg)
    }

    /// A verifying key for `alg` from a DER public key, certificate or
    /// private key.
    pub fn from_der(der: &[u8], alg: Algorithm) -> Result<Self> {
        VerifyingKey::from_jwk(&from_der(der)?, alg)
    }
}
