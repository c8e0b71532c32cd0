//! The JOSE header of a JWE (RFC 7516 §4): protected, shared unprotected and
//! per-recipient members, which must be disjoint, merged into one view.

use crate::error::{HeaderProblem, InvalidKey, JsonType};
use serde_json::{Map, Value};

use super::alg::KeyManagement;
use super::content::ContentEncryption;
use super::keymgmt::ecdh_es::{EcdhCurve, EcdhPublicKey};
use crate::encoding::{b64, json};
use crate::error::{Error, Part, Result};
use crate::jws::header::parse_crit;
use crate::limits::Limits;

/// JWE defines no `crit` extension that Jot understands.
const UNDERSTOOD_CRIT: [&str; 0] = [];

/// The merged JWE header of one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct JweHeader {
    /// `alg`.
    pub alg: KeyManagement,
    /// `enc`.
    pub enc: ContentEncryption,
    /// `zip: DEF` was present (always in the protected header).
    pub zip: bool,
    /// `kid`.
    pub kid: Option<String>,
    /// Every member of the merged header, `alg` and `enc` included.
    pub members: Map<String, Value>,
}

impl JweHeader {
    /// A string member.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.members.get(name).and_then(Value::as_str)
    }

    /// `typ`.
    pub fn typ(&self) -> Option<&str> {
        self.get_str("typ")
    }

    /// `cty`.
    pub fn cty(&self) -> Option<&str> {
        self.get_str("cty")
    }

    pub(crate) fn b64_member(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self.members.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => b64::decode(s, Part::HeaderParameter)
                .map(Some)
                .map_err(|_| Error::header(name, HeaderProblem::NotBase64Url)),
            Some(_) => Err(Error::header(
                name,
                HeaderProblem::WrongType(JsonType::String),
            )),
        }
    }

    /// `p2c`: a positive integer no larger than `max`. Checked before any key
    /// derivation (CVE-2022-36083): non-integers, zero, negatives and huge
    /// values never reach PBKDF2.
    pub(crate) fn p2c(&self, max: u32) -> Result<u64> {
        let v = self
            .members
            .get("p2c")
            .ok_or_else(|| Error::header("p2c", HeaderProblem::Missing))?;
        let n = v.as_u64().ok_or_else(|| {
            Error::header("p2c", HeaderProblem::WrongType(JsonType::PositiveInteger))
        })?;
        if n == 0 || n > u64::from(max) {
            return Err(Error::header(
                "p2c",
                HeaderProblem::OutOfRange {
                    min: 1,
                    max: u64::from(max),
                },
            ));
        }
        Ok(n)
    }

    /// `epk`, on `curve` (the recipient key's curve): another curve, an
    /// off-curve point or a malformed key is refused (CVE-2017-16007).
    pub(crate) fn epk(&self, curve: EcdhCurve) -> Result<EcdhPublicKey> {
        let m = match self.members.get("epk") {
            Some(Value::Object(m)) => m,
            Some(_) => {
                return Err(Error::header(
                    "epk",
                    HeaderProblem::WrongType(JsonType::Object),
                ))
            }
            None => return Err(Error::header("epk", HeaderProblem::Missing)),
        };
        if m.contains_key("d") {
            return Err(Error::header("epk", HeaderProblem::PrivateKey));
        }
        let get = |k: &'static str| -> Result<Vec<u8>> {
            match m.get(k) {
                Some(Value::String(s)) => b64::decode(s, Part::HeaderParameter).map_err(|_| {
                    Error::header("epk", HeaderProblem::Key(InvalidKey::MemberEncoding(k)))
                }),
                _ => Err(Error::header(
                    "epk",
                    HeaderProblem::Key(InvalidKey::MissingMember(k)),
                )),
            }
        };
        let kty = m.get("kty").and_then(Value::as_str);
        let crv = m.get("crv").and_then(Value::as_str);
        if crv != Some(curve.name()) {
            return Err(Error::header(
                "epk",
                HeaderProblem::WrongCurve {
                    expected: curve.name(),
                },
            ));
        }
        let expected_kty = if curve.is_okp() { "OKP" } else { "EC" };
        if kty != Some(expected_kty) {
            return Err(Error::header(
                "epk",
                HeaderProblem::Key(InvalidKey::WrongKind),
            ));
        }
        if curve.is_okp() {
            EcdhPublicKey::from_okp(curve, &get("x")?)
        } else {
            EcdhPublicKey::from_ec_coordinates(curve, &get("x")?, &get("y")?)
        }
        .map_err(|e| Error::header_key("epk", e))
    }
}

/// Parses the three header sources of one recipient and merges them.
pub(crate) fn parse(
    protected: &[u8],
    shared: Option<&Map<String, Value>>,
    recipient: Option<&Map<String, Value>>,
    limits: &Limits,
) -> Result<JweHeader> {
    limits.check_header_len(protected.len())?;
    let p = if protected.is_empty() {
        Map::new()
    } else {
        json::parse_object(protected, limits.max_json_depth, Part::Header)?
    };
    let mut merged = p.clone();
    for source in [shared, recipient].into_iter().flatten() {
        for (k, v) in source {
            // RFC 7516 §7.2.1: the header sources must be disjoint.
            if merged.contains_key(k) {
                return Err(Error::header(k, HeaderProblem::Duplicate));
            }
            merged.insert(k.clone(), v.clone());
        }
    }
    if !merged.contains_key("enc") {
        // A JWS header (alg but no enc) is the other kind of token.
        if merged.contains_key("alg") {
            return Err(Error::NotJwe);
        }
        return Err(Error::header("enc", HeaderProblem::Missing));
    }
    for k in ["zip", "crit"] {
        if merged.contains_key(k) && !p.contains_key(k) {
            return Err(Error::header(k, HeaderProblem::NotProtected));
        }
    }
    if let Some(c) = p.get("crit") {
        parse_crit(c.clone(), |n| p.contains_key(n), &UNDERSTOOD_CRIT)?;
    }
    let alg = match merged.get("alg") {
        Some(Value::String(s)) => KeyManagement::from_name(s)?,
        Some(_) => {
            return Err(Error::header(
                "alg",
                HeaderProblem::WrongType(JsonType::String),
            ))
        }
        None => return Err(Error::header("alg", HeaderProblem::Missing)),
    };
    let enc = match merged.get("enc") {
        Some(Value::String(s)) => ContentEncryption::from_name(s)?,
        _ => {
            return Err(Error::header(
                "enc",
                HeaderProblem::WrongType(JsonType::String),
            ))
        }
    };
    let zip = match p.get("zip") {
        None => false,
        Some(Value::String(s)) if s == "DEF" => true,
        Some(_) => return Err(Error::header("zip", HeaderProblem::Unsupported)),
    };
    let kid = match merged.get("kid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(Error::header(
                "kid",
                HeaderProblem::WrongType(JsonType::String),
            ))
        }
    };
    Ok(JweHeader {
        alg,
        enc,
        zip,
        kid,
        members: merged,
    })
}
