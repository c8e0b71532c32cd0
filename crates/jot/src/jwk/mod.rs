//! JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037) and key sets.
//!
//! A [`Jwk`] is key *material* plus metadata: it can be parsed, inspected,
//! serialized and converted, but it cannot sign or verify. To use it, prepare
//! it for exactly one algorithm with [`crate::key::SigningKey`] or
//! [`crate::key::VerifyingKey`].

mod params;
mod set;
mod thumbprint;
mod usage;

pub(crate) use params::{check_rsa_public, not_on_curve};
pub use params::{
    AkpAlgorithm, AkpParams, EcCurve, EcParams, KeyParams, KeyType, OkpCurve, OkpParams, RsaParams,
    RsaPrimes, RsaPrivate,
};
pub use set::JwkSet;
pub use thumbprint::ThumbprintHash;
pub use usage::{KeyOp, KeyUse};

use crate::error::InvalidKey;
use serde_json::{Map, Value};

use crate::encoding::b64;
use crate::encoding::json;
use crate::error::{Error, Part, Result};
use crate::limits::Limits;
use crate::secret::SecretJson;

/// The `max_jwks_len` check shared by [`Jwk`] and [`JwkSet`].
pub(crate) fn check_document_len(len: usize, limits: &Limits) -> Result<()> {
    if len > limits.max_jwks_len {
        return Err(Error::TooLarge {
            what: "JWK document",
            actual: len,
            limit: limits.max_jwks_len,
        });
    }
    Ok(())
}

/// Largest RSA modulus Jot parses, in bits (bounds the cost of a hostile
/// key): the default of [`Limits::max_rsa_bits`], defined with the limits.
pub use crate::limits::MAX_RSA_BITS;

/// A JSON Web Key.
///
/// Unknown members are kept in [`Jwk::other`] and written back on
/// serialization. Private members are serialized only by a private key;
/// [`Jwk::to_public`] gives the public half.
#[derive(Clone, PartialEq, Eq)]
pub struct Jwk {
    /// The key material (`kty` and its parameters).
    pub params: KeyParams,
    /// `kid`.
    pub kid: Option<String>,
    /// `use`: signatures or encryption (or a value Jot does not know, kept).
    pub key_use: Option<KeyUse>,
    /// `key_ops`: the operations the key may be used for.
    pub key_ops: Option<Vec<KeyOp>>,
    /// `alg`: the algorithm the key is meant for.
    pub alg: Option<String>,
    /// `x5u`.
    pub x5u: Option<String>,
    /// `x5c`: DER certificates (decoded from standard base64).
    pub x5c: Option<Vec<Vec<u8>>>,
    /// `x5t`: SHA-1 certificate thumbprint (decoded).
    pub x5t: Option<Vec<u8>>,
    /// `x5t#S256`: SHA-256 certificate thumbprint (decoded).
    pub x5t_s256: Option<Vec<u8>>,
    /// Members Jot does not interpret, preserved for round trips.
    pub other: Map<String, Value>,
}

impl std::fmt::Debug for Jwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // KeyParams' Debug redacts private members.
        f.debug_struct("Jwk")
            .field("params", &self.params)
            .field("kid", &self.kid)
            .field("use", &self.key_use)
            .field("key_ops", &self.key_ops)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

const KNOWN_COMMON: [&str; 9] = [
    "kty", "kid", "use", "key_ops", "alg", "x5u", "x5c", "x5t", "x5t#S256",
];

impl Jwk {
    /// A JWK with the given material and no metadata (except `alg` for an
    /// `AKP` key, which names what its material is).
    pub fn new(params: KeyParams) -> Self {
        let alg = match &params {
            KeyParams::Akp(a) => Some(a.alg.name().to_owned()),
            _ => None,
        };
        Jwk {
            params,
            kid: None,
            key_use: None,
            key_ops: None,
            alg,
            x5u: None,
            x5c: None,
            x5t: None,
            x5t_s256: None,
            other: Map::new(),
        }
    }

    /// An `oct` key holding `secret`.
    pub fn from_secret(secret: &[u8]) -> Result<Self> {
        if secret.is_empty() {
            return Err(Error::InvalidKey(InvalidKey::EmptySecret));
        }
        Ok(Jwk::new(KeyParams::Oct {
            k: crate::secret::SecretBytes::from_slice(secret),
        }))
    }

    /// Parses a JWK from JSON text: at most `max_jwks_len` bytes, nested at
    /// most `max_json_depth` deep, an RSA modulus of at most `max_rsa_bits`
    /// (`&Limits::default()` for the defaults).
    pub fn from_json(json: &[u8], limits: &Limits) -> Result<Self> {
        check_document_len(json.len(), limits)?;
        let map = json::parse_object(json, limits.max_json_depth, Part::Key)?;
        Jwk::from_map_with_limits(map, limits)
    }

    /// Builds a JWK from a parsed JSON object, validating every member.
    pub fn from_map(map: Map<String, Value>) -> Result<Self> {
        Jwk::from_map_with_limits(map, &Limits::default())
    }

    pub(crate) fn from_map_with_limits(
        mut map: Map<String, Value>,
        limits: &Limits,
    ) -> Result<Self> {
        let params = params::parse(&mut map, limits.max_rsa_bits)?;
        let kid = take_string(&mut map, "kid")?;
        let key_use = take_string(&mut map, "use")?.map(|u| KeyUse::from_name(&u));
        let key_ops = match map.remove("key_ops") {
            None => None,
            Some(Value::Array(a)) => {
                let mut ops = Vec::with_capacity(a.len());
                for v in a {
                    let Value::String(s) = v else {
                        return Err(Error::InvalidKey(InvalidKey::MemberType("key_ops")));
                    };
                    let s = KeyOp::from_name(&s);
                    if ops.contains(&s) {
                        return Err(Error::InvalidKey(InvalidKey::DuplicateKeyOp));
                    }
                    ops.push(s);
                }
                Some(ops)
            }
            Some(_) => return Err(Error::InvalidKey(InvalidKey::MemberType("key_ops"))),
        };
        let alg = take_string(&mut map, "alg")?;
        let x5u = take_string(&mut map, "x5u")?;
        let x5c = match map.remove("x5c") {
            None => None,
            Some(Value::Array(a)) if !a.is_empty() => {
                let mut certs = Vec::with_capacity(a.len());
                for v in a {
                    let Value::String(s) = v else {
                        return Err(Error::InvalidKey(InvalidKey::MemberType("x5c")));
                    };
                    // RFC 7517 §4.7: standard base64 with padding, not base64url.
                    let der = base64_simd::STANDARD
                        .decode_to_vec(s.as_bytes())
                        .map_err(|_| Error::InvalidKey(InvalidKey::MemberEncoding("x5c")))?;
                    certs.push(der);
                }
                Some(certs)
            }
            Some(_) => return Err(Error::InvalidKey(InvalidKey::MemberType("x5c"))),
        };
        let x5t = take_b64(&mut map, "x5t", Some(20))?;
        let x5t_s256 = take_b64(&mut map, "x5t#S256", Some(32))?;
        if let (Some(use_), Some(ops)) = (&key_use, &key_ops) {
            // RFC 7517 §4.3: use and key_ops SHOULD be consistent.
            let signs = |o: &KeyOp| o.key_use() == Some(KeyUse::Sig);
            let consistent = match use_ {
                KeyUse::Sig => ops.iter().all(signs),
                KeyUse::Enc => !ops.iter().any(signs),
                KeyUse::Other(_) => true,
            };
            if !consistent {
                return Err(Error::InvalidKey(InvalidKey::UseConflictsWithKeyOps));
            }
        }
        Ok(Jwk {
            params,
            kid,
            key_use,
            key_ops,
            alg,
            x5u,
            x5c,
            x5t,
            x5t_s256,
            other: map,
        })
    }

    /// The JSON object for this key, members in a stable order. Private
    /// members are included when the key is private, so every string in it
    /// is wiped when it is dropped; use [`Jwk::to_public`] first to publish
    /// a key.
    pub fn to_value(&self) -> SecretJson {
        SecretJson::new(Value::Object(self.to_map()))
    }

    /// The members, unwiped: for building a larger document that is itself
    /// wiped ([`JwkSet::to_value`]) or serialized at once.
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        let mut m = Map::new();
        self.params.write(&mut m);
        let s = |v: &String| Value::String(v.clone());
        if let Some(v) = &self.kid {
            m.insert("kid".into(), s(v));
        }
        if let Some(v) = &self.key_use {
            m.insert("use".into(), Value::String(v.name().to_owned()));
        }
        if let Some(v) = &self.key_ops {
            let ops = v.iter().map(|o| Value::String(o.name().to_owned()));
            m.insert("key_ops".into(), Value::Array(ops.collect()));
        }
        // An AKP key's material wrote its own `alg` already; the material
        // decides what the key is.
        if let Some(v) = self.alg.as_ref().filter(|_| !m.contains_key("alg")) {
            m.insert("alg".into(), s(v));
        }
        if let Some(v) = &self.x5u {
            m.insert("x5u".into(), s(v));
        }
        if let Some(v) = &self.x5c {
            let arr = v
                .iter()
                .map(|d| Value::String(base64_simd::STANDARD.encode_to_string(d)))
                .collect();
            m.insert("x5c".into(), Value::Array(arr));
        }
        if let Some(v) = &self.x5t {
            m.insert("x5t".into(), Value::String(b64::encode(v)));
        }
        if let Some(v) = &self.x5t_s256 {
            m.insert("x5t#S256".into(), Value::String(b64::encode(v)));
        }
        for (k, v) in &self.other {
            if !KNOWN_COMMON.contains(&k.as_str()) && !m.contains_key(k) {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }

    /// Serializes to compact JSON. Private members are included when the key
    /// is private (so the text is wiped when dropped); use
    /// [`Jwk::to_public`] first to publish a key.
    pub fn to_json(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(self.to_value().to_string())
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.params.key_type()
    }

    /// Whether the key holds private or secret material.
    pub fn is_private(&self) -> bool {
        self.params.is_private()
    }

    /// The public half of an asymmetric key, with the same metadata (and
    /// unknown members, which are never interpreted as key material).
    /// `oct` keys have no public half.
    pub fn to_public(&self) -> Result<Jwk> {
        Ok(Jwk {
            params: self.params.to_public()?,
            kid: self.kid.clone(),
            key_use: self.key_use.clone(),
            key_ops: self.key_ops.clone(),
            alg: self.alg.clone(),
            x5u: self.x5u.clone(),
            x5c: self.x5c.clone(),
            x5t: self.x5t.clone(),
            x5t_s256: self.x5t_s256.clone(),
            other: self.other.clone(),
        })
    }

    /// Sets `kid`, returning the key (builder style).
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Sets `alg`, returning the key (builder style).
    pub fn with_alg(mut self, alg: impl Into<String>) -> Self {
        self.alg = Some(alg.into());
        self
    }

    /// Sets `use`, returning the key (builder style).
    pub fn with_use(mut self, key_use: KeyUse) -> Self {
        self.key_use = Some(key_use);
        self
    }

    /// Whether `use` and `key_ops` permit an operation. A key that says
    /// nothing permits everything; an unregistered `use` restricts nothing
    /// (RFC 7517 §4.2 leaves its meaning to the application).
    pub fn permits(&self, op: KeyOp) -> bool {
        if self.key_ops.as_ref().is_some_and(|ops| !ops.contains(&op)) {
            return false;
        }
        let signs = op.key_use() == Some(KeyUse::Sig);
        match &self.key_use {
            Some(KeyUse::Sig) => signs,
            Some(KeyUse::Enc) => !signs,
            Some(KeyUse::Other(_)) | None => true,
        }
    }
}

impl serde::Serialize for Jwk {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Jwk {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::DeserializeSeed;
        let map = json::UniqueObject(&json::Duplicates::default()).deserialize(d)?;
        Jwk::from_map(map).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Jwk {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Jwk::from_json(s.as_bytes(), &Limits::default())
    }
}

pub(crate) fn take_string(
    map: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<String>> {
    match map.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::InvalidKey(InvalidKey::MemberType(name))),
    }
}

pub(crate) fn take_b64(
    map: &mut Map<String, Value>,
    name: &'static str,
    len: Option<usize>,
) -> Result<Option<Vec<u8>>> {
    match map.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => {
            let v = b64::decode(s.as_bytes(), Part::Key)
                .map_err(|_| Error::InvalidKey(InvalidKey::MemberEncoding(name)))?;
            if let Some(l) = len {
                if v.len() != l {
                    return Err(Error::InvalidKey(InvalidKey::MemberLength {
                        member: name,
                        expected: l,
                        actual: v.len(),
                    }));
                }
            }
            Ok(Some(v))
        }
        Some(_) => Err(Error::InvalidKey(InvalidKey::MemberType(name))),
    }
}
