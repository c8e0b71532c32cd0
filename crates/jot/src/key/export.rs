//! Exporting JWKs as PEM and DER: private keys as PKCS#8 (`PRIVATE KEY`),
//! public keys as SubjectPublicKeyInfo (`PUBLIC KEY`). These are the two
//! formats every current tool reads; the legacy per-algorithm ones (PKCS#1,
//! SEC1) are import-only.

use crate::error::InvalidKey;
use der::asn1::{AnyRef, BitStringRef, OctetStringRef, UintRef};
use der::Encode;
use pkcs8::PrivateKeyInfoRef;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::import::{oid, pem};
use crate::backend::point::uncompressed_point;
use crate::error::{Error, Result};
use crate::jwk::{Jwk, KeyParams};

fn encoding_failed(_: der::Error) -> Error {
    Error::InvalidKey(InvalidKey::Encode)
}

fn oct_error() -> Error {
    Error::InvalidKey(InvalidKey::SymmetricNoPem)
}

impl Jwk {
    /// DER of the key: PKCS#8 for a private key, SubjectPublicKeyInfo for a
    /// public one. `oct` keys are refused.
    ///
    /// The bytes may be a private key, so they come in a buffer that is
    /// wiped when dropped (also for a public key: one type for both).
    pub fn to_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        if self.is_private() {
            pkcs8_der(&self.params)
        } else {
            spki_der(&self.params).map(Zeroizing::new)
        }
    }

    /// PEM of the key: `PRIVATE KEY` (PKCS#8) for a private key, `PUBLIC
    /// KEY` (SubjectPublicKeyInfo) for a public one. `oct` keys are refused.
    /// Wiped when dropped, like [`Jwk::to_der`].
    pub fn to_pem(&self) -> Result<Zeroizing<String>> {
        if self.is_private() {
            pem::encode("PRIVATE KEY", &pkcs8_der(&self.params)?).map(Zeroizing::new)
        } else {
            self.to_public_pem().map(Zeroizing::new)
        }
    }

    /// DER SubjectPublicKeyInfo of the public half (private or public key).
    pub fn to_public_der(&self) -> Result<Vec<u8>> {
        spki_der(&self.params)
    }

    /// `PUBLIC KEY` PEM of the public half (private or public key).
    pub fn to_public_pem(&self) -> Result<String> {
        pem::encode("PUBLIC KEY", &spki_der(&self.params)?)
    }
}

/// The AlgorithmIdentifier and (for EC) the curve OID it borrows.
fn algorithm<'a>(
    params: &KeyParams,
    curve: &'a der::asn1::ObjectIdentifier,
) -> Result<AlgorithmIdentifierRef<'a>> {
    Ok(match params {
        KeyParams::Oct { .. } => return Err(oct_error()),
        // RFC 8017 §A.1: parameters NULL.
        KeyParams::Rsa(_) => AlgorithmIdentifierRef {
            oid: oid::RSA_ENCRYPTION,
            parameters: Some(AnyRef::NULL),
        },
        KeyParams::Ec(_) => AlgorithmIdentifierRef {
            oid: oid::EC_PUBLIC_KEY,
            parameters: Some(AnyRef::from(curve)),
        },
        // RFC 8410 §3: parameters absent.
        KeyParams::Okp(o) => AlgorithmIdentifierRef {
            oid: oid::okp_oid(o.crv),
            parameters: None,
        },
        // RFC 9881 §2: parameters absent.
        KeyParams::Akp(a) => AlgorithmIdentifierRef {
            oid: oid::akp_oid(a.alg),
            parameters: None,
        },
    })
}

fn curve_of(params: &KeyParams) -> der::asn1::ObjectIdentifier {
    match params {
        KeyParams::Ec(e) => oid::curve_oid(e.crv),
        // Unused for other key types; any value will do.
        _ => oid::EC_PUBLIC_KEY,
    }
}

fn uint(v: &[u8]) -> Result<UintRef<'_>> {
    UintRef::new(v).map_err(encoding_failed)
}

fn spki_der(params: &KeyParams) -> Result<Vec<u8>> {
    let curve = curve_of(params);
    let algorithm = algorithm(params, &curve)?;
    let key = match params {
        KeyParams::Oct { .. } => return Err(oct_error()),
        KeyParams::Rsa(r) => pkcs1::RsaPublicKeyRef {
            modulus: uint(&r.n)?,
            public_exponent: uint(&r.e)?,
        }
        .to_der()
        .map_err(encoding_failed)?,
        KeyParams::Ec(e) => uncompressed_point(&e.x, &e.y),
        KeyParams::Okp(o) => o.x.clone(),
        KeyParams::Akp(a) => a.public.clone(),
    };
    SubjectPublicKeyInfoRef {
        algorithm,
        subject_public_key: BitStringRef::from_bytes(&key).map_err(encoding_failed)?,
    }
    .to_der()
    .map_err(encoding_failed)
}

/// PKCS#8 v1 `PrivateKeyInfo`. v1 (no separate public key field) is what
/// OpenSSL writes and every reader accepts; EC keys carry their public
/// point inside the SEC1 structure, OKP public keys are derived on import.
fn pkcs8_der(params: &KeyParams) -> Result<Zeroizing<Vec<u8>>> {
    let curve = curve_of(params);
    let algorithm = algorithm(params, &curve)?;
    let not_private = || Error::InvalidKey(InvalidKey::NoPrivateKey);
    let inner: Zeroizing<Vec<u8>> = Zeroizing::new(match params {
        KeyParams::Oct { .. } => return Err(oct_error()),
        KeyParams::Rsa(r) => {
            let p = r.private.as_ref().ok_or_else(not_private)?;
            let c = &p.primes;
            pkcs1::RsaPrivateKeyRef {
                modulus: uint(&r.n)?,
                public_exponent: uint(&r.e)?,
                private_exponent: uint(p.d.expose())?,
                prime1: uint(c.p.expose())?,
                prime2: uint(c.q.expose())?,
                exponent1: uint(c.dp.expose())?,
                exponent2: uint(c.dq.expose())?,
                coefficient: uint(c.qi.expose())?,
                other_prime_infos: None,
            }
            .to_der()
            .map_err(encoding_failed)?
        }
        KeyParams::Ec(e) => {
            let d = e.d.as_ref().ok_or_else(not_private)?;
            let point = uncompressed_point(&e.x, &e.y);
            // The curve is in the PKCS#8 AlgorithmIdentifier; RFC 5915 §3
            // lets the inner parameters be omitted (as OpenSSL does).
            sec1::EcPrivateKey {
                private_key: d.expose(),
                parameters: None,
                public_key: Some(&point),
            }
            .to_der()
            .map_err(encoding_failed)?
        }
        KeyParams::Okp(o) => {
            let d = o.d.as_ref().ok_or_else(not_private)?;
            // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING.
            OctetStringRef::new(d.expose())
                .map_err(encoding_failed)?
                .to_der()
                .map_err(encoding_failed)?
        }
        KeyParams::Akp(a) => {
            let seed = a.private.as_ref().ok_or_else(not_private)?;
            // RFC 9881 §6, the seed choice: `[0] IMPLICIT OCTET STRING`
            // (primitive context tag 0x80, one-byte length: 32 < 128), the
            // form aws-lc writes too. The JWK has no expanded key to add.
            let len = u8::try_from(seed.len())
                .ok()
                .filter(|&l| l < 0x80)
                .ok_or(Error::InvalidKey(InvalidKey::InvalidPrivateKey))?;
            let mut inner = Vec::with_capacity(2 + seed.len());
            inner.extend_from_slice(&[0x80, len]);
            inner.extend_from_slice(seed.expose());
            inner
        }
    });
    let info = PrivateKeyInfoRef {
        algorithm,
        private_key: OctetStringRef::new(&inner).map_err(encoding_failed)?,
        public_key: None,
    };
    Ok(Zeroizing::new(info.to_der().map_err(encoding_failed)?))
}
