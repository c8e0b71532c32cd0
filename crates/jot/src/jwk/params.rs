//! Key material per key type, with the checks RFC 7518 §6 and RFC 8037 ask
//! for at import time.

use crate::error::InvalidKey;
use serde_json::{Map, Value};
use std::fmt;

use super::{take_string, MAX_RSA_BITS};
pub use crate::curve::EcCurve;
use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::secret::SecretBytes;
use zeroize::Zeroize;

/// The `kty` of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `oct`: a symmetric secret.
    Oct,
    /// `RSA`.
    Rsa,
    /// `EC`: a key on a short Weierstrass curve.
    Ec,
    /// `OKP`: an octet key pair (Ed25519, Ed448, X25519, X448).
    Okp,
    /// `AKP`: an algorithm key pair (RFC 9964 §3), whose `alg` member says
    /// what its `pub` and `priv` hold (ML-DSA-44/65/87).
    Akp,
}

impl KeyType {
    /// The registered `kty` value.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Oct => "oct",
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
            KeyType::Okp => "OKP",
            KeyType::Akp => "AKP",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Curves of `OKP` keys (RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OkpCurve {
    /// Ed25519 signatures.
    Ed25519,
    /// Ed448 signatures.
    Ed448,
    /// X25519 key agreement.
    X25519,
    /// X448 key agreement.
    X448,
}

impl OkpCurve {
    /// The registered `crv` value.
    pub fn name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::Ed448 => "Ed448",
            OkpCurve::X25519 => "X25519",
            OkpCurve::X448 => "X448",
        }
    }

    /// Parses a `crv` value (exact, case-sensitive).
    pub fn from_name(s: &str) -> Option<Self> {
        [
            OkpCurve::Ed25519,
            OkpCurve::Ed448,
            OkpCurve::X25519,
            OkpCurve::X448,
        ]
        .into_iter()
        .find(|c| c.name() == s)
    }

    /// Length of the public key (and of the private key) in bytes.
    pub fn key_len(self) -> usize {
        match self {
            OkpCurve::Ed25519 | OkpCurve::X25519 => 32,
            OkpCurve::Ed448 => 57,
            OkpCurve::X448 => 56,
        }
    }
}

/// The algorithm of an `AKP` key (its required `alg` member): what its
/// `pub` and `priv` members hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AkpAlgorithm {
    /// ML-DSA-44.
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

impl AkpAlgorithm {
    /// The `alg` value (the JWS algorithm name).
    pub fn name(self) -> &'static str {
        match self {
            AkpAlgorithm::MlDsa44 => "ML-DSA-44",
            AkpAlgorithm::MlDsa65 => "ML-DSA-65",
            AkpAlgorithm::MlDsa87 => "ML-DSA-87",
        }
    }

    /// Parses an `alg` value (exact, case-sensitive).
    pub fn from_name(s: &str) -> Option<Self> {
        [
            AkpAlgorithm::MlDsa44,
            AkpAlgorithm::MlDsa65,
            AkpAlgorithm::MlDsa87,
        ]
        .into_iter()
        .find(|a| a.name() == s)
    }

    /// The JWS algorithm of the same name.
    pub const fn algorithm(self) -> crate::alg::Algorithm {
        match self {
            AkpAlgorithm::MlDsa44 => crate::alg::Algorithm::MlDsa44,
            AkpAlgorithm::MlDsa65 => crate::alg::Algorithm::MlDsa65,
            AkpAlgorithm::MlDsa87 => crate::alg::Algorithm::MlDsa87,
        }
    }

    /// Length of `pub`: the FIPS 204 public key encoding (Table 2).
    pub const fn public_len(self) -> usize {
        match self {
            AkpAlgorithm::MlDsa44 => 1312,
            AkpAlgorithm::MlDsa65 => 1952,
            AkpAlgorithm::MlDsa87 => 2592,
        }
    }

    /// Length of `priv`: the 32-byte seed ξ of ML-DSA.KeyGen (RFC 9964 §4
    /// allows the seed only, never the expanded private key).
    pub const fn seed_len(self) -> usize {
        32
    }
}

/// Key material of a JWK.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyParams {
    /// `oct`: `k`, a non-empty secret.
    Oct {
        /// The secret.
        k: SecretBytes,
    },
    /// `RSA`.
    Rsa(RsaParams),
    /// `EC`.
    Ec(EcParams),
    /// `OKP`.
    Okp(OkpParams),
    /// `AKP` (ML-DSA).
    Akp(AkpParams),
}

/// RSA key material (RFC 7518 §6.3). Integers are big-endian without
/// leading zeros.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaParams {
    /// Modulus.
    pub n: Vec<u8>,
    /// Public exponent.
    pub e: Vec<u8>,
    /// Private parts, for a private key.
    pub private: Option<RsaPrivate>,
}

/// RSA private key material.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivate {
    /// Private exponent.
    pub d: SecretBytes,
    /// CRT parameters. Jot requires them (RFC 7518 §6.3.2 says producers
    /// SHOULD include them; every common producer does).
    pub primes: RsaPrimes,
}

/// RSA CRT parameters.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrimes {
    /// First prime factor.
    pub p: SecretBytes,
    /// Second prime factor.
    pub q: SecretBytes,
    /// d mod (p-1).
    pub dp: SecretBytes,
    /// d mod (q-1).
    pub dq: SecretBytes,
    /// q^-1 mod p.
    pub qi: SecretBytes,
}

/// EC key material (RFC 7518 §6.2).
#[derive(Clone, PartialEq, Eq)]
pub struct EcParams {
    /// Curve.
    pub crv: EcCurve,
    /// x coordinate, exactly `crv.coordinate_len()` bytes.
    pub x: Vec<u8>,
    /// y coordinate, exactly `crv.coordinate_len()` bytes.
    pub y: Vec<u8>,
    /// Private scalar, exactly `crv.coordinate_len()` bytes.
    pub d: Option<SecretBytes>,
}

/// OKP key material (RFC 8037 §2).
#[derive(Clone, PartialEq, Eq)]
pub struct OkpParams {
    /// Curve.
    pub crv: OkpCurve,
    /// Public key.
    pub x: Vec<u8>,
    /// Private key.
    pub d: Option<SecretBytes>,
}

/// AKP key material (RFC 9964 §3, §4).
#[derive(Clone, PartialEq, Eq)]
pub struct AkpParams {
    /// The algorithm, which the JWK's `alg` member names.
    pub alg: AkpAlgorithm,
    /// `pub`: the public key, exactly `alg.public_len()` bytes.
    pub public: Vec<u8>,
    /// `priv`: the seed, exactly `alg.seed_len()` bytes.
    pub private: Option<SecretBytes>,
}

impl fmt::Debug for KeyParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyParams::Oct { k } => write!(f, "Oct {{ k: <{} bytes redacted> }}", k.len()),
            KeyParams::Rsa(r) => write!(
                f,
                "Rsa {{ bits: {}, private: {} }}",
                r.modulus_bits(),
                r.private.is_some()
            ),
            KeyParams::Ec(e) => write!(
                f,
                "Ec {{ crv: {}, x: {}, private: {} }}",
                e.crv.name(),
                b64::encode(&e.x),
                e.d.is_some()
            ),
            KeyParams::Okp(o) => write!(
                f,
                "Okp {{ crv: {}, x: {}, private: {} }}",
                o.crv.name(),
                b64::encode(&o.x),
                o.d.is_some()
            ),
            // `pub` is kilobytes long: its length says enough, and `priv`
            // (the seed) is never printed.
            KeyParams::Akp(a) => write!(
                f,
                "Akp {{ alg: {}, pub: <{} bytes>, private: {} }}",
                a.alg.name(),
                a.public.len(),
                a.private.is_some()
            ),
        }
    }
}

impl RsaParams {
    /// The modulus size in bits.
    pub fn modulus_bits(&self) -> usize {
        match self.n.first() {
            None => 0,
            Some(&b) => self.n.len() * 8 - b.leading_zeros() as usize,
        }
    }
}

impl KeyParams {
    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            KeyParams::Oct { .. } => KeyType::Oct,
            KeyParams::Rsa(_) => KeyType::Rsa,
            KeyParams::Ec(_) => KeyType::Ec,
            KeyParams::Okp(_) => KeyType::Okp,
            KeyParams::Akp(_) => KeyType::Akp,
        }
    }

    /// Whether the material is private or secret.
    pub fn is_private(&self) -> bool {
        match self {
            KeyParams::Oct { .. } => true,
            KeyParams::Rsa(r) => r.private.is_some(),
            KeyParams::Ec(e) => e.d.is_some(),
            KeyParams::Okp(o) => o.d.is_some(),
            KeyParams::Akp(a) => a.private.is_some(),
        }
    }

    /// The public half; an error for `oct`.
    pub fn to_public(&self) -> Result<KeyParams> {
        Ok(match self {
            KeyParams::Oct { .. } => return Err(Error::InvalidKey(InvalidKey::NoPublicKey)),
            KeyParams::Rsa(r) => KeyParams::Rsa(RsaParams {
                n: r.n.clone(),
                e: r.e.clone(),
                private: None,
            }),
            KeyParams::Ec(e) => KeyParams::Ec(EcParams {
                crv: e.crv,
                x: e.x.clone(),
                y: e.y.clone(),
                d: None,
            }),
            KeyParams::Okp(o) => KeyParams::Okp(OkpParams {
                crv: o.crv,
                x: o.x.clone(),
                d: None,
            }),
            KeyParams::Akp(a) => KeyParams::Akp(AkpParams {
                alg: a.alg,
                public: a.public.clone(),
                private: None,
            }),
        })
    }

    pub(super) fn write(&self, m: &mut Map<String, Value>) {
        let text = |v: &str| Value::String(v.to_owned());
        let bin = |v: &[u8]| Value::String(b64::encode(v));
        m.insert("kty".into(), text(self.key_type().name()));
        match self {
            KeyParams::Oct { k } => {
                m.insert("k".into(), bin(k.expose()));
            }
            KeyParams::Rsa(r) => {
                m.insert("n".into(), bin(&r.n));
                m.insert("e".into(), bin(&r.e));
                if let Some(p) = &r.private {
                    let c = &p.primes;
                    for (name, v) in [
                        ("d", &p.d),
                        ("p", &c.p),
                        ("q", &c.q),
                        ("dp", &c.dp),
                        ("dq", &c.dq),
                        ("qi", &c.qi),
                    ] {
                        m.insert(name.into(), bin(v.expose()));
                    }
                }
            }
            KeyParams::Ec(e) => {
                m.insert("crv".into(), text(e.crv.name()));
                m.insert("x".into(), bin(&e.x));
                m.insert("y".into(), bin(&e.y));
                if let Some(d) = &e.d {
                    m.insert("d".into(), bin(d.expose()));
                }
            }
            KeyParams::Okp(o) => {
                m.insert("crv".into(), text(o.crv.name()));
                m.insert("x".into(), bin(&o.x));
                if let Some(d) = &o.d {
                    m.insert("d".into(), bin(d.expose()));
                }
            }
            // `alg` is part of the material here (RFC 9964 §3: REQUIRED);
            // it is written with it, so a JWK of this key always has it.
            KeyParams::Akp(a) => {
                m.insert("alg".into(), text(a.alg.name()));
                m.insert("pub".into(), bin(&a.public));
                if let Some(seed) = &a.private {
                    m.insert("priv".into(), bin(seed.expose()));
                }
            }
        }
    }
}

fn required_b64(map: &mut Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    super::take_b64(map, name, None)?.ok_or(Error::InvalidKey(InvalidKey::MissingMember(name)))
}

/// A private member: decoded into [`SecretBytes`], and its base64url text
/// (a copy of the secret) wiped before it is freed.
fn optional_secret(
    map: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<SecretBytes>> {
    match map.remove(name) {
        None => Ok(None),
        Some(Value::String(mut text)) => {
            let decoded = b64::decode(text.as_bytes(), Part::Key).map(SecretBytes::new);
            text.zeroize();
            decoded
                .map(Some)
                .map_err(|_| Error::InvalidKey(InvalidKey::MemberEncoding(name)))
        }
        Some(_) => Err(Error::InvalidKey(InvalidKey::MemberType(name))),
    }
}

/// Integers in JWK are unsigned big-endian; RFC 7518 §6.3.1.1 asks for the
/// minimal encoding. Some producers pad `n` with a zero byte, so leading
/// zeros are dropped rather than rejected (the value is the same).
fn strip_leading_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let z = v.iter().take_while(|&&b| b == 0).count();
    v.drain(..z);
    v
}

/// The error for an EC point that is not on its curve.
pub(crate) fn not_on_curve(crv: EcCurve) -> Error {
    Error::InvalidKey(InvalidKey::NotOnCurve { curve: crv.name() })
}

/// A member that must decode to exactly `expected` bytes.
fn check_len(member: &'static str, value: &[u8], expected: usize) -> Result<()> {
    if value.len() == expected {
        return Ok(());
    }
    Err(Error::InvalidKey(InvalidKey::MemberLength {
        member,
        expected,
        actual: value.len(),
    }))
}

pub(super) fn parse(map: &mut Map<String, Value>, max_rsa_bits: usize) -> Result<KeyParams> {
    let kty =
        take_string(map, "kty")?.ok_or(Error::InvalidKey(InvalidKey::MissingMember("kty")))?;
    match kty.as_str() {
        "oct" => {
            let k = optional_secret(map, "k")?
                .ok_or(Error::InvalidKey(InvalidKey::MissingMember("k")))?;
            if k.is_empty() {
                return Err(Error::InvalidKey(InvalidKey::EmptySecret));
            }
            Ok(KeyParams::Oct { k })
        }
        "RSA" => parse_rsa(map, max_rsa_bits).map(KeyParams::Rsa),
        "EC" => {
            let crv = take_string(map, "crv")?
                .ok_or(Error::InvalidKey(InvalidKey::MissingMember("crv")))?;
            let crv =
                EcCurve::from_name(&crv).ok_or(Error::InvalidKey(InvalidKey::UnsupportedCurve))?;
            let n = crv.coordinate_len();
            let x = required_b64(map, "x")?;
            let y = required_b64(map, "y")?;
            let d = optional_secret(map, "d")?;
            check_len("x", &x, n)?;
            check_len("y", &y, n)?;
            if let Some(d) = &d {
                check_len("d", d.expose(), n)?;
            }
            // Refused before anything can use the key (invalid-curve
            // attacks), by the backend's point check below this layer.
            if !crate::backend::point::is_on_curve(crv, &x, &y) {
                return Err(not_on_curve(crv));
            }
            Ok(KeyParams::Ec(EcParams { crv, x, y, d }))
        }
        "OKP" => {
            let crv = take_string(map, "crv")?
                .ok_or(Error::InvalidKey(InvalidKey::MissingMember("crv")))?;
            let crv =
                OkpCurve::from_name(&crv).ok_or(Error::InvalidKey(InvalidKey::UnsupportedCurve))?;
            let x = required_b64(map, "x")?;
            let d = optional_secret(map, "d")?;
            let n = crv.key_len();
            check_len("x", &x, n)?;
            if let Some(d) = &d {
                check_len("d", d.expose(), n)?;
            }
            Ok(KeyParams::Okp(OkpParams { crv, x, d }))
        }
        "AKP" => parse_akp(map).map(KeyParams::Akp),
        _ => Err(Error::InvalidKey(InvalidKey::UnsupportedKeyType)),
    }
}

/// RFC 9964 §3: `alg` is required and decides the rest; it stays in the
/// map, where the common members are read, so [`super::Jwk::alg`] holds the
/// same name.
fn parse_akp(map: &mut Map<String, Value>) -> Result<AkpParams> {
    let alg = match map.get("alg") {
        None => return Err(Error::InvalidKey(InvalidKey::MissingMember("alg"))),
        Some(Value::String(s)) => {
            AkpAlgorithm::from_name(s).ok_or(Error::InvalidKey(InvalidKey::UnsupportedAlgorithm))?
        }
        Some(_) => return Err(Error::InvalidKey(InvalidKey::MemberType("alg"))),
    };
    let public = required_b64(map, "pub")?;
    let private = optional_secret(map, "priv")?;
    if public.len() != alg.public_len() {
        return Err(Error::InvalidKey(InvalidKey::MemberLength {
            member: "pub",
            expected: alg.public_len(),
            actual: public.len(),
        }));
    }
    // §4: priv is the seed and nothing else (an expanded private key is
    // refused by its length).
    if let Some(private) = &private {
        check_len("priv", private.expose(), alg.seed_len())?;
    }
    Ok(AkpParams {
        alg,
        public,
        private,
    })
}

fn parse_rsa(map: &mut Map<String, Value>, max_rsa_bits: usize) -> Result<RsaParams> {
    let n = strip_leading_zeros(required_b64(map, "n")?);
    let e = strip_leading_zeros(required_b64(map, "e")?);
    let params = RsaParams {
        n,
        e,
        private: None,
    };
    check_rsa_public_bounded(&params, max_rsa_bits)?;
    if map.contains_key("oth") {
        return Err(Error::InvalidKey(InvalidKey::MultiPrimeRsa));
    }
    let d = optional_secret(map, "d")?;
    let names = ["p", "q", "dp", "dq", "qi"];
    let mut crt = Vec::with_capacity(5);
    for n in names {
        crt.push(optional_secret(map, n)?);
    }
    let private = match d {
        None => {
            if crt.iter().any(Option::is_some) {
                return Err(Error::InvalidKey(InvalidKey::RsaPrivate));
            }
            None
        }
        Some(d) => {
            if crt.iter().any(Option::is_none) {
                return Err(Error::InvalidKey(InvalidKey::RsaPrivate));
            }
            let mut it = crt.into_iter().flatten();
            let mut next = || it.next().unwrap_or_else(|| SecretBytes::new(Vec::new()));
            Some(RsaPrivate {
                d,
                primes: RsaPrimes {
                    p: next(),
                    q: next(),
                    dp: next(),
                    dq: next(),
                    qi: next(),
                },
            })
        }
    };
    Ok(RsaParams { private, ..params })
}

/// Public-key sanity that costs nothing: modulus bounded and odd, exponent
/// odd, greater than 1 and smaller than the modulus (e = 1 makes
/// "signatures" trivial to forge).
pub(crate) fn check_rsa_public(p: &RsaParams) -> Result<()> {
    check_rsa_public_bounded(p, MAX_RSA_BITS)
}

/// [`check_rsa_public`] with a caller-chosen largest modulus
/// ([`crate::limits::Limits::max_rsa_bits`]).
pub(crate) fn check_rsa_public_bounded(p: &RsaParams, max_bits: usize) -> Result<()> {
    let bits = p.modulus_bits();
    if bits == 0 || p.n.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::InvalidKey(InvalidKey::RsaModulus));
    }
    if bits > max_bits {
        return Err(Error::TooLarge {
            what: "RSA modulus in bits",
            actual: bits,
            limit: max_bits,
        });
    }
    let e_is_one = p.e.as_slice() == [1];
    if p.e.is_empty() || e_is_one || p.e.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::InvalidKey(InvalidKey::RsaExponent));
    }
    if p.e.len() > 8 {
        // aws-lc caps e at 33 bits; anything this large is not a real key.
        return Err(Error::InvalidKey(InvalidKey::RsaExponent));
    }
    Ok(())
}
