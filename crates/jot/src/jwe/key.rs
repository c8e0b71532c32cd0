//! JWE keys: material prepared once for one key management algorithm.

use crate::error::KeyMismatch;
use crate::error::{InvalidKey, WeakKey};
use std::fmt;
use std::sync::Arc;

use super::alg::KeyManagement;
use super::content::ContentEncryption;
use super::keymgmt::ecdh_es::{EcdhCurve, EcdhPrivateKey, EcdhPublicKey};
use super::keymgmt::rsa::{RsaPrivateKey, RsaPublicKey};
use crate::error::{Error, Result};
use crate::jwk::{EcCurve, Jwk, KeyOp, KeyParams, KeyUse, OkpCurve, RsaParams};
use crate::key::MIN_RSA_BITS;
use crate::secret::SecretBytes;

/// Default PBES2 iteration count for new tokens; equal to the default
/// decryption limit so that Jot reads what it writes.
pub const DEFAULT_PBES2_COUNT: u32 = 10_000;

/// A key that encrypts to one recipient with one `alg`.
#[derive(Clone)]
pub struct EncryptionKey {
    pub(crate) alg: KeyManagement,
    pub(crate) kid: Option<String>,
    pub(crate) inner: EncKey,
}

#[derive(Clone)]
pub(crate) enum EncKey {
    Rsa(Arc<RsaPublicKey>),
    /// `dir`, `A*KW`, `A*GCMKW`.
    Secret(SecretBytes),
    /// PBES2 password and iteration count.
    Password(SecretBytes, u32),
    Ecdh(Arc<EcdhPublicKey>),
}

/// A key that decrypts for one `alg`.
#[derive(Clone)]
pub struct DecryptionKey {
    pub(crate) alg: KeyManagement,
    pub(crate) kid: Option<String>,
    pub(crate) inner: DecKey,
}

#[derive(Clone)]
pub(crate) enum DecKey {
    Rsa(Arc<RsaPrivateKey>),
    Secret(SecretBytes),
    Password(SecretBytes),
    Ecdh(Arc<EcdhPrivateKey>),
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn ecdh_curve(p: &KeyParams) -> Option<EcdhCurve> {
    match p {
        KeyParams::Ec(e) => match e.crv {
            EcCurve::P256 => Some(EcdhCurve::P256),
            EcCurve::P384 => Some(EcdhCurve::P384),
            EcCurve::P521 => Some(EcdhCurve::P521),
            EcCurve::Secp256k1 => None,
        },
        KeyParams::Okp(o) => match o.crv {
            OkpCurve::X25519 => Some(EcdhCurve::X25519),
            OkpCurve::X448 => Some(EcdhCurve::X448),
            OkpCurve::Ed25519 | OkpCurve::Ed448 => None,
        },
        KeyParams::Oct { .. } | KeyParams::Rsa(_) | KeyParams::Akp(_) => None,
    }
}

/// Checks kty/curve/size against `alg`, and the key's own `alg`, `use` and
/// `key_ops` (`ops` are the operations that would permit this use).
fn check(jwk: &Jwk, alg: KeyManagement, ops: &[KeyOp]) -> Result<()> {
    // Said first, before its `alg` member (which it always has) is compared.
    if let KeyParams::Akp(a) = &jwk.params {
        return Err(Error::key_alg(
            alg,
            KeyMismatch::SignatureOnly { alg: a.alg.name() },
        ));
    }
    if let Some(a) = &jwk.alg {
        // A `dir` key is the CEK itself, so its `alg` may name the content
        // encryption it is for (RFC 7520 §5.6 gives `"alg": "A128GCM"`).
        let dir_for_enc = alg == KeyManagement::Dir && ContentEncryption::from_name(a).is_ok();
        if a != alg.name() && !dir_for_enc {
            return Err(Error::key_alg(alg, KeyMismatch::KeyAlgorithm(a.clone())));
        }
    }
    if jwk.key_use.as_ref().is_some_and(|u| *u != KeyUse::Enc) {
        return Err(Error::key_alg(alg, KeyMismatch::Use));
    }
    if let Some(key_ops) = &jwk.key_ops {
        if !key_ops.iter().any(|o| ops.contains(o)) {
            return Err(Error::key_alg(alg, KeyMismatch::KeyOps));
        }
    }
    // One arm per algorithm: what key each takes.
    let ok = match alg {
        KeyManagement::Rsa(_) => match &jwk.params {
            KeyParams::Rsa(r) if r.modulus_bits() < MIN_RSA_BITS => {
                return Err(Error::WeakKey(WeakKey::SmallRsa {
                    bits: r.modulus_bits(),
                    minimum: MIN_RSA_BITS,
                }));
            }
            KeyParams::Rsa(r) => {
                crate::key::refuse_roca(r)?;
                true
            }
            p => matches!(p, KeyParams::Rsa(_)),
        },
        KeyManagement::AesKw(kw) => {
            matches!(&jwk.params, KeyParams::Oct { k } if k.len() == kw.kek_len())
        }
        KeyManagement::AesGcmKw(kw) => {
            matches!(&jwk.params, KeyParams::Oct { k } if k.len() == kw.kek_len())
        }
        KeyManagement::Dir | KeyManagement::Pbes2(_) => {
            matches!(jwk.params, KeyParams::Oct { .. })
        }
        KeyManagement::EcdhEs(_) => ecdh_curve(&jwk.params).is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::key_alg(alg, KeyMismatch::Shape))
    }
}

fn mismatch(alg: KeyManagement) -> Error {
    // check() refused every other pairing already.
    Error::key_alg(alg, KeyMismatch::Shape)
}

fn rsa_public(r: &RsaParams) -> Result<RsaPublicKey> {
    RsaPublicKey::from_spki_der(crate::backend::material::rsa_spki(r)?.as_ref())
}

fn rsa_private(r: &RsaParams, alg: KeyManagement) -> Result<RsaPrivateKey> {
    let der = crate::backend::material::rsa_pkcs8(r)?
        .ok_or_else(|| Error::key_alg(alg, KeyMismatch::PublicOnly))?;
    RsaPrivateKey::from_pkcs8_der(der.as_ref())
}

fn ecdh_public(jwk: &Jwk, curve: EcdhCurve) -> Result<EcdhPublicKey> {
    match &jwk.params {
        KeyParams::Ec(e) => EcdhPublicKey::from_ec_coordinates(curve, &e.x, &e.y),
        KeyParams::Okp(o) => EcdhPublicKey::from_okp(curve, &o.x),
        KeyParams::Oct { .. } | KeyParams::Rsa(_) | KeyParams::Akp(_) => {
            Err(Error::InvalidKey(InvalidKey::WrongKind))
        }
    }
}

impl EncryptionKey {
    /// Prepares a recipient's JWK (the public half of asymmetric keys; an
    /// `oct` key for `dir`, `A*KW`, `A*GCMKW`, or as a PBES2 password).
    pub fn from_jwk(jwk: &Jwk, alg: KeyManagement) -> Result<Self> {
        let ops = [
            KeyOp::Encrypt,
            KeyOp::WrapKey,
            KeyOp::DeriveKey,
            KeyOp::DeriveBits,
        ];
        check(jwk, alg, &ops)?;
        let inner = match (alg, &jwk.params) {
            (KeyManagement::Rsa(_), KeyParams::Rsa(r)) => EncKey::Rsa(Arc::new(rsa_public(r)?)),
            (KeyManagement::Pbes2(_), KeyParams::Oct { k }) => {
                EncKey::Password(k.clone(), DEFAULT_PBES2_COUNT)
            }
            (
                KeyManagement::Dir | KeyManagement::AesKw(_) | KeyManagement::AesGcmKw(_),
                KeyParams::Oct { k },
            ) => EncKey::Secret(k.clone()),
            (KeyManagement::EcdhEs(_), p) => {
                let curve = ecdh_curve(p).ok_or_else(|| Error::key_alg(alg, KeyMismatch::Shape))?;
                EncKey::Ecdh(Arc::new(ecdh_public(jwk, curve)?))
            }
            (
                KeyManagement::Rsa(_)
                | KeyManagement::Pbes2(_)
                | KeyManagement::Dir
                | KeyManagement::AesKw(_)
                | KeyManagement::AesGcmKw(_),
                _,
            ) => return Err(mismatch(alg)),
        };
        Ok(EncryptionKey {
            alg,
            kid: jwk.kid.clone(),
            inner,
        })
    }

    /// A PBES2 password key (RFC 7518 §4.8), with the default iteration
    /// count.
    pub fn password(password: &[u8], alg: KeyManagement) -> Result<Self> {
        if !matches!(alg, KeyManagement::Pbes2(_)) {
            return Err(Error::key_alg(alg, KeyMismatch::NotPbes2));
        }
        if password.is_empty() {
            return Err(Error::InvalidKey(InvalidKey::EmptyPassword));
        }
        Ok(EncryptionKey {
            alg,
            kid: None,
            inner: EncKey::Password(SecretBytes::from_slice(password), DEFAULT_PBES2_COUNT),
        })
    }

    /// A symmetric key for `dir`, `A*KW` or `A*GCMKW` from raw bytes.
    pub fn secret(secret: &[u8], alg: KeyManagement) -> Result<Self> {
        Self::from_jwk(&Jwk::from_secret(secret)?, alg)
    }

    /// Sets the PBES2 iteration count for new tokens.
    pub fn with_pbes2_count(mut self, count: u32) -> Result<Self> {
        match &mut self.inner {
            EncKey::Password(_, c) if count > 0 => *c = count,
            _ => return Err(Error::key_alg(self.alg, KeyMismatch::NotPbes2)),
        }
        Ok(self)
    }

    /// Sets the `kid` written to the header.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The key management algorithm.
    pub fn algorithm(&self) -> KeyManagement {
        self.alg
    }

    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

impl DecryptionKey {
    /// Prepares a private JWK (or `oct` secret / PBES2 password) for `alg`.
    pub fn from_jwk(jwk: &Jwk, alg: KeyManagement) -> Result<Self> {
        let ops = [
            KeyOp::Decrypt,
            KeyOp::UnwrapKey,
            KeyOp::DeriveKey,
            KeyOp::DeriveBits,
        ];
        check(jwk, alg, &ops)?;
        let inner = match (alg, &jwk.params) {
            (KeyManagement::Rsa(_), KeyParams::Rsa(r)) => {
                DecKey::Rsa(Arc::new(rsa_private(r, alg)?))
            }
            (KeyManagement::Pbes2(_), KeyParams::Oct { k }) => DecKey::Password(k.clone()),
            (
                KeyManagement::Dir | KeyManagement::AesKw(_) | KeyManagement::AesGcmKw(_),
                KeyParams::Oct { k },
            ) => DecKey::Secret(k.clone()),
            (
                KeyManagement::Rsa(_)
                | KeyManagement::Pbes2(_)
                | KeyManagement::Dir
                | KeyManagement::AesKw(_)
                | KeyManagement::AesGcmKw(_),
                _,
            ) => return Err(mismatch(alg)),
            (KeyManagement::EcdhEs(_), p) => {
                let curve = ecdh_curve(p).ok_or_else(|| Error::key_alg(alg, KeyMismatch::Shape))?;
                let d = match p {
                    KeyParams::Ec(e) => e.d.as_ref(),
                    KeyParams::Okp(o) => o.d.as_ref(),
                    KeyParams::Oct { .. } | KeyParams::Rsa(_) | KeyParams::Akp(_) => None,
                }
                .ok_or_else(|| Error::key_alg(alg, KeyMismatch::PublicOnly))?;
                let key = EcdhPrivateKey::from_bytes(curve, d.expose())?;
                // The private key must belong to the public key it came with.
                if key.public_key()? != ecdh_public(jwk, curve)? {
                    return Err(Error::InvalidKey(InvalidKey::KeyPairMismatch));
                }
                DecKey::Ecdh(Arc::new(key))
            }
        };
        Ok(DecryptionKey {
            alg,
            kid: jwk.kid.clone(),
            inner,
        })
    }

    /// A PBES2 password.
    pub fn password(password: &[u8], alg: KeyManagement) -> Result<Self> {
        if !matches!(alg, KeyManagement::Pbes2(_)) {
            return Err(Error::key_alg(alg, KeyMismatch::NotPbes2));
        }
        Ok(DecryptionKey {
            alg,
            kid: None,
            inner: DecKey::Password(SecretBytes::from_slice(password)),
        })
    }

    /// A symmetric key for `dir`, `A*KW` or `A*GCMKW` from raw bytes.
    pub fn secret(secret: &[u8], alg: KeyManagement) -> Result<Self> {
        Self::from_jwk(&Jwk::from_secret(secret)?, alg)
    }

    /// Sets the `kid` used for key selection.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The key management algorithm.
    pub fn algorithm(&self) -> KeyManagement {
        self.alg
    }

    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}
