//! DER structures to key material: PKCS#8 (RFC 5208/5958), SPKI (RFC 5280),
//! PKCS#1 (RFC 8017), SEC1 (RFC 5915), X.509 certificates, and encrypted
//! PKCS#8 (RFC 8018 PBES2). Parsing is RustCrypto's; this module only maps
//! the parsed structures onto [`KeyParams`].

use crate::error::{DerStructure, InvalidKey};
use der::asn1::{BitStringRef, OctetStringRef};
use der::referenced::OwnedToRef;
use der::{Decode, Reader, SliceReader};
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use spki::SubjectPublicKeyInfoRef;

use super::material;
use super::oid::{self, KeyAlg};
use crate::error::{Error, Result};
use crate::jwk::{EcCurve, KeyParams};

/// Largest PBKDF2 iteration count accepted in an encrypted key. Common tools
/// use 2 048 to 600 000; a hostile file asking for 100 million (the most the
/// parser allows) would stall the caller for a minute.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Largest scrypt N·r·p accepted: OpenSSL's default is 2^14·8·1; 2^20·8
/// already needs 1 GiB of memory.
const MAX_SCRYPT_WORK: u64 = 1 << 23;

fn bits(b: &BitStringRef<'_>, what: DerStructure) -> Result<Vec<u8>> {
    b.as_bytes()
        .map(<[u8]>::to_vec)
        .ok_or(Error::InvalidKey(InvalidKey::Der(what)))
}

/// `PrivateKeyInfo` / `OneAsymmetricKey`.
pub(crate) fn pkcs8(info: &PrivateKeyInfoRef<'_>) -> Result<KeyParams> {
    let alg = oid::identify(&info.algorithm)?;
    let public = match &info.public_key {
        Some(p) => Some(bits(p, DerStructure::Pkcs8)?),
        None => None,
    };
    let private = info.private_key.as_bytes();
    match alg {
        KeyAlg::Rsa => {
            let k = pkcs1::RsaPrivateKeyRef::from_der(private)
                .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::Pkcs8)))?;
            material::rsa_private(&k)
        }
        KeyAlg::Ec(crv) => {
            let k = sec1::EcPrivateKey::from_der(private)
                .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::Pkcs8)))?;
            // The SEC1 structure may repeat the curve; it must agree.
            sec1_key(&k, Some(crv), public.as_deref())
        }
        KeyAlg::Okp(crv) => {
            // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, inside the
            // privateKey OCTET STRING.
            let inner = <&OctetStringRef>::from_der(private)
                .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::Pkcs8)))?;
            material::okp_private(crv, inner.as_bytes(), public.as_deref())
        }
        KeyAlg::Akp(a) => {
            let (seed, expanded) = ml_dsa_private_key(private)?;
            material::akp_private(a, seed, expanded, public.as_deref())
        }
    }
}

/// RFC 9881 §6: `ML-DSA-PrivateKey ::= CHOICE { seed [0] IMPLICIT OCTET
/// STRING, expandedKey OCTET STRING, both SEQUENCE { seed, expandedKey } }`.
/// A JWK holds the seed only (RFC 9964 §4), so the expanded-only form,
/// from which the seed cannot be recovered, is refused.
fn ml_dsa_private_key(private: &[u8]) -> Result<(&[u8], Option<&[u8]>)> {
    let malformed = || Error::InvalidKey(InvalidKey::Der(DerStructure::Pkcs8));
    match private.split_first() {
        Some((0x80, rest)) => {
            // A primitive [0] of at most 127 bytes: a one-byte length.
            let (&len, seed) = rest.split_first().ok_or_else(malformed)?;
            if len >= 0x80 || usize::from(len) != seed.len() {
                return Err(malformed());
            }
            Ok((seed, None))
        }
        Some((0x04, _)) => Err(Error::InvalidKey(InvalidKey::ExpandedOnly)),
        Some((0x30, _)) => {
            let mut r = SliceReader::new(private).map_err(|_| malformed())?;
            let both = r.sequence(|r| {
                let seed = <&OctetStringRef>::decode(r)?;
                let expanded = <&OctetStringRef>::decode(r)?;
                Ok::<_, der::Error>((seed.as_bytes(), expanded.as_bytes()))
            });
            let (seed, expanded) = both.map_err(|_| malformed())?;
            r.finish().map_err(|_| malformed())?;
            Ok((seed, Some(expanded)))
        }
        _ => Err(malformed()),
    }
}

/// `SubjectPublicKeyInfo`.
pub(crate) fn spki(info: &SubjectPublicKeyInfoRef<'_>) -> Result<KeyParams> {
    let key = bits(&info.subject_public_key, DerStructure::Spki)?;
    match oid::identify(&info.algorithm)? {
        KeyAlg::Rsa => {
            let k = pkcs1::RsaPublicKeyRef::from_der(&key)
                .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::Pkcs1Public)))?;
            material::rsa_public(k.modulus.as_bytes(), k.public_exponent.as_bytes())
        }
        KeyAlg::Ec(crv) => material::ec_public(crv, &key),
        KeyAlg::Okp(crv) => material::okp_public(crv, &key),
        // RFC 9881 §4: the subjectPublicKey is the raw FIPS 204 encoding.
        KeyAlg::Akp(a) => material::akp_public(a, &key),
    }
}

/// SEC1 `ECPrivateKey`. The curve comes from the structure or, when it has
/// none (allowed by RFC 5915 when the context names it), from `curve`; if
/// both are present they must agree.
pub(crate) fn sec1_key(
    k: &sec1::EcPrivateKey<'_>,
    curve: Option<EcCurve>,
    outer_public: Option<&[u8]>,
) -> Result<KeyParams> {
    let own = match k.parameters {
        Some(p) => {
            let oid = p
                .named_curve()
                .ok_or(Error::InvalidKey(InvalidKey::AlgorithmParameters))?;
            Some(oid::curve_from_oid(&oid)?)
        }
        None => None,
    };
    let crv = match (own, curve) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::InvalidKey(InvalidKey::CurveMismatch {
                found: a.name(),
                expected: b.name(),
            }))
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return Err(Error::InvalidKey(InvalidKey::Sec1WithoutCurve)),
    };
    let public = k.public_key.or(outer_public);
    material::ec_private(crv, k.private_key, public)
}

/// An X.509 certificate's subject public key. The certificate is not
/// validated (no chain, dates or signature): that is a trust decision for
/// the caller, and importing a key makes none.
pub(crate) fn certificate(der: &[u8]) -> Result<KeyParams> {
    let cert = x509_cert::Certificate::from_der(der)
        .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::Certificate)))?;
    spki(
        &cert
            .tbs_certificate()
            .subject_public_key_info()
            .owned_to_ref(),
    )
}

/// Any unencrypted structure, recognised by trying each in turn. The first
/// that parses decides: its semantic errors (bad curve, weak exponent...) are
/// reported rather than masked by trying the next.
pub(crate) fn any(der: &[u8], curve: Option<EcCurve>) -> Result<KeyParams> {
    if let Ok(info) = PrivateKeyInfoRef::from_der(der) {
        return pkcs8(&info);
    }
    if let Ok(info) = SubjectPublicKeyInfoRef::from_der(der) {
        return spki(&info);
    }
    if let Ok(k) = pkcs1::RsaPrivateKeyRef::from_der(der) {
        return material::rsa_private(&k);
    }
    if let Ok(k) = pkcs1::RsaPublicKeyRef::from_der(der) {
        return material::rsa_public(k.modulus.as_bytes(), k.public_exponent.as_bytes());
    }
    if let Ok(k) = sec1::EcPrivateKey::from_der(der) {
        return sec1_key(&k, curve, None);
    }
    if x509_cert::Certificate::from_der(der).is_ok() {
        return certificate(der);
    }
    if EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
        return Err(Error::InvalidKey(InvalidKey::Encrypted));
    }
    Err(Error::InvalidKey(InvalidKey::UnknownStructure))
}

/// Decrypts an `EncryptedPrivateKeyInfo` (PBES2 with PBKDF2 or scrypt and
/// AES-CBC) and imports the PKCS#8 key inside.
pub(crate) fn encrypted_pkcs8(der: &[u8], password: &[u8]) -> Result<KeyParams> {
    let enc = EncryptedPrivateKeyInfoRef::from_der(der)
        .map_err(|_| Error::InvalidKey(InvalidKey::Der(DerStructure::EncryptedPkcs8)))?;
    check_kdf_cost(&enc.encryption_algorithm)?;
    let plain = enc
        .decrypt(password)
        .map_err(|_| Error::InvalidKey(InvalidKey::WrongPassword))?;
    let info = PrivateKeyInfoRef::from_der(plain.as_bytes())
        .map_err(|_| Error::InvalidKey(InvalidKey::WrongPassword))?;
    pkcs8(&info)
}

fn check_kdf_cost(scheme: &pkcs8::pkcs5::EncryptionScheme) -> Result<()> {
    let pkcs8::pkcs5::EncryptionScheme::Pbes2(params) = scheme else {
        return Err(Error::InvalidKey(InvalidKey::Pbes1));
    };
    if let Some(p) = params.kdf.pbkdf2() {
        if p.iteration_count > MAX_PBKDF2_ITERATIONS {
            return Err(Error::InvalidKey(InvalidKey::KdfCost));
        }
    }
    if let Some(s) = params.kdf.scrypt() {
        let work = s
            .cost_parameter
            .saturating_mul(u64::from(s.block_size))
            .saturating_mul(u64::from(s.parallelization));
        if work > MAX_SCRYPT_WORK {
            return Err(Error::InvalidKey(InvalidKey::KdfCost));
        }
    }
    Ok(())
}
