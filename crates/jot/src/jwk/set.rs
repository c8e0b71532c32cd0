//! JWK Sets (RFC 7517 §5).

use crate::error::InvalidKey;
use serde_json::{Map, Value};

use super::Jwk;
use crate::encoding::json;
use crate::error::{Error, Part, Result};
use crate::limits::Limits;
use crate::secret::SecretJson;

/// A JWK Set.
///
/// Keys Jot cannot use (unknown `kty` or curve, missing members) are kept
/// aside in [`JwkSet::unsupported`] as RFC 7517 §5 asks ("ignore"), and
/// written back on serialization so that a round trip loses nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JwkSet {
    /// The keys Jot understands.
    pub keys: Vec<Jwk>,
    /// Entries of `keys` that Jot could not parse, as they were.
    pub unsupported: Vec<Value>,
    /// Other top-level members.
    pub other: Map<String, Value>,
}

impl JwkSet {
    /// A set of the given keys.
    pub fn new(keys: Vec<Jwk>) -> Self {
        JwkSet {
            keys,
            ..Default::default()
        }
    }

    /// Parses a JWK Set from JSON text under `limits` (`max_jwks_len`,
    /// `max_json_depth`, `max_rsa_bits`; a key over `max_rsa_bits` is kept
    /// aside in [`JwkSet::unsupported`] like any key Jot cannot use;
    /// `&Limits::default()` for the defaults).
    pub fn from_json(json: &[u8], limits: &Limits) -> Result<Self> {
        super::check_document_len(json.len(), limits)?;
        let mut map = json::parse_object(json, limits.max_json_depth, Part::Key)?;
        let entries = match map.remove("keys") {
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(Error::InvalidKey(InvalidKey::MemberType("keys"))),
            None => return Err(Error::InvalidKey(InvalidKey::MissingMember("keys"))),
        };
        let mut set = JwkSet {
            keys: Vec::with_capacity(entries.len()),
            unsupported: Vec::new(),
            other: map,
        };
        for entry in entries {
            let parsed = match &entry {
                Value::Object(m) => Jwk::from_map_with_limits(m.clone(), limits).ok(),
                _ => None,
            };
            match parsed {
                Some(k) => set.keys.push(k),
                None => set.unsupported.push(entry),
            }
        }
        Ok(set)
    }

    /// Serializes to compact JSON, wiped when dropped: a set may hold
    /// private keys.
    pub fn to_json(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(self.to_value().to_string())
    }

    /// The set as a JSON value; every string in it is wiped when it is
    /// dropped (a set may hold private keys).
    pub fn to_value(&self) -> SecretJson {
        let mut m = Map::new();
        let mut keys: Vec<Value> = self
            .keys
            .iter()
            .map(|k| Value::Object(k.to_map()))
            .collect();
        keys.extend(self.unsupported.iter().cloned());
        m.insert("keys".into(), Value::Array(keys));
        for (k, v) in &self.other {
            if k != "keys" {
                m.insert(k.clone(), v.clone());
            }
        }
        SecretJson::new(Value::Object(m))
    }

    /// The public halves of every asymmetric key (symmetric keys are
    /// dropped: they must never be published).
    pub fn to_public(&self) -> JwkSet {
        JwkSet {
            keys: self
                .keys
                .iter()
                .filter_map(|k| k.to_public().ok())
                .collect(),
            unsupported: Vec::new(),
            other: self.other.clone(),
        }
    }

    /// Keys whose `kid` equals `kid`.
    pub fn find_kid<'a>(&'a self, kid: &'a str) -> impl Iterator<Item = &'a Jwk> + 'a {
        self.keys
            .iter()
            .filter(move |k| k.kid.as_deref() == Some(kid))
    }
}

impl serde::Serialize for JwkSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}
