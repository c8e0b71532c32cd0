//! The JOSE header of a JWS (RFC 7515 §4) and the `crit` rules.

use crate::error::Crit;
use crate::error::{HeaderProblem, JsonType};
use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::encoding::json;
use crate::error::{Error, Part, Result};
use crate::limits::Limits;

/// Header parameter names registered for JWS and JWE. RFC 7515 §4.1.11:
/// `crit` must not list them.
const REGISTERED: [&str; 20] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// Extensions Jot understands and therefore accepts in `crit`.
const UNDERSTOOD_CRIT: [&str; 1] = ["b64"];

/// A verified or to-be-signed JWS header: the protected header merged with
/// any unprotected one.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// `alg`, always from the protected header.
    pub alg: Algorithm,
    /// `kid`.
    pub kid: Option<String>,
    /// `typ`.
    pub typ: Option<String>,
    /// `cty`.
    pub cty: Option<String>,
    /// `b64` (RFC 7797); `true` unless the protected header says `false`.
    pub b64: bool,
    /// `crit`.
    pub crit: Vec<String>,
    /// Every other member (including `jwk`, `jku`, `x5u`, `x5c`, which Jot
    /// never uses to verify on its own).
    pub other: Map<String, Value>,
}

impl Header {
    /// A header with only `alg`.
    pub fn new(alg: Algorithm) -> Self {
        Header {
            alg,
            kid: None,
            typ: None,
            cty: None,
            b64: true,
            crit: Vec::new(),
            other: Map::new(),
        }
    }

    /// The header as a JSON object (registered members first).
    pub fn to_map(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("alg".into(), Value::String(self.alg.name().into()));
        let mut opt = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v.clone()));
            }
        };
        opt("kid", &self.kid);
        opt("typ", &self.typ);
        opt("cty", &self.cty);
        if !self.b64 {
            m.insert("b64".into(), Value::Bool(false));
        }
        if !self.crit.is_empty() {
            m.insert(
                "crit".into(),
                Value::Array(self.crit.iter().cloned().map(Value::String).collect()),
            );
        }
        for (k, v) in &self.other {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        m
    }

    /// A member by name, registered or not.
    pub fn get(&self, name: &str) -> Option<Value> {
        match name {
            "alg" => Some(Value::String(self.alg.name().into())),
            "kid" => self.kid.clone().map(Value::String),
            "typ" => self.typ.clone().map(Value::String),
            "cty" => self.cty.clone().map(Value::String),
            _ => self.other.get(name).cloned(),
        }
    }

    /// Whether the header carries a key or a pointer to one.
    pub fn embedded_key_parameter(&self) -> Option<&'static str> {
        ["jwk", "jku", "x5u", "x5c"]
            .into_iter()
            .find(|k| self.other.contains_key(*k))
    }
}

/// Parses and checks a JWS header.
///
/// `protected` is the decoded protected header (may be empty only in JSON
/// serialization, and then `alg` is missing and the JWS is rejected, since
/// Jot requires `alg` to be integrity protected). `unprotected` is the JSON
/// serialization's `header` member.
pub(crate) fn parse(
    protected: &[u8],
    unprotected: Option<&Map<String, Value>>,
    limits: &Limits,
) -> Result<Header> {
    limits.check_header_len(protected.len())?;
    let raw = if protected.is_empty() {
        RawHeader::default()
    } else {
        json::check_depth(protected, limits.max_json_depth, Part::Header)?;
        let duplicates = json::Duplicates::default();
        json::from_slice_seeded(
            protected,
            Part::Header,
            &duplicates,
            RawHeaderSeed(&duplicates),
        )?
    };
    if let Some(u) = unprotected {
        // RFC 7515 §7.2.1: the two headers must be disjoint.
        if let Some(k) = u.keys().find(|k| raw.has(k)) {
            return Err(Error::header(k, HeaderProblem::Duplicate));
        }
        for k in ["crit", "b64"] {
            if u.contains_key(k) {
                return Err(Error::header(k, HeaderProblem::NotProtected));
            }
        }
        if u.contains_key("alg") {
            return Err(Error::header("alg", HeaderProblem::NotProtected));
        }
    }
    // A JWE header has "enc"; refuse it here instead of failing obscurely.
    if raw.other.contains_key("enc") || unprotected.is_some_and(|u| u.contains_key("enc")) {
        return Err(Error::NotJws);
    }
    let alg = match raw.alg {
        Some(AlgField::Known(a)) => a,
        // Every spelling of "none" is either the unsecured algorithm
        // (exact) or simply unknown (other casings); both are refused.
        Some(AlgField::None) => return Err(Error::UnsecuredToken),
        Some(AlgField::Unknown(s)) => return Err(Error::UnsupportedAlgorithm(s)),
        Some(AlgField::NotString) => {
            return Err(Error::header(
                "alg",
                HeaderProblem::WrongType(JsonType::String),
            ))
        }
        None => return Err(Error::header("alg", HeaderProblem::Missing)),
    };
    let b64_present = raw.b64.is_some();
    let crit = match raw.crit {
        None => Vec::new(),
        Some(v) => parse_crit(
            v,
            |n| n == "b64" && b64_present || raw.other.contains_key(n),
            &UNDERSTOOD_CRIT,
        )?,
    };
    let b64 = match raw.b64 {
        None => true,
        Some(Value::Bool(b)) => {
            // RFC 7797 §6: b64 must be understood, so it must be in crit.
            if !crit.iter().any(|c| c == "b64") {
                return Err(Error::Crit(Crit::B64NotListed));
            }
            b
        }
        Some(_) => {
            return Err(Error::header(
                "b64",
                HeaderProblem::WrongType(JsonType::Boolean),
            ))
        }
    };
    let str_field = |name: &str, f: Option<StrField>| match f {
        None => Ok(None),
        Some(StrField::Str(s)) => Ok(Some(s)),
        Some(StrField::NotString) => Err(Error::header(
            name,
            HeaderProblem::WrongType(JsonType::String),
        )),
    };
    let mut header = Header {
        alg,
        kid: str_field("kid", raw.kid)?,
        typ: str_field("typ", raw.typ)?,
        cty: str_field("cty", raw.cty)?,
        b64,
        crit,
        other: raw.other,
    };
    if let Some(u) = unprotected {
        for (k, v) in u {
            let slot = match k.as_str() {
                "kid" => Some(&mut header.kid),
                "typ" => Some(&mut header.typ),
                "cty" => Some(&mut header.cty),
                _ => None,
            };
            match (slot, v) {
                (Some(s), Value::String(v)) => *s = Some(v.clone()),
                (Some(_), _) => {
                    return Err(Error::header(k, HeaderProblem::WrongType(JsonType::String)))
                }
                (None, _) => {
                    header.other.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Ok(header)
}

/// The protected header as read in one pass: registered members go
/// straight into typed slots (member names are borrowed, `alg` is matched
/// without allocating), everything else into `other`. Duplicate names are
/// refused (RFC 7515 §4) whether registered or not.
#[derive(Default)]
struct RawHeader {
    alg: Option<AlgField>,
    kid: Option<StrField>,
    typ: Option<StrField>,
    cty: Option<StrField>,
    b64: Option<Value>,
    crit: Option<Value>,
    other: Map<String, Value>,
}

enum AlgField {
    Known(Algorithm),
    None,
    Unknown(String),
    NotString,
}

enum StrField {
    Str(String),
    NotString,
}

impl RawHeader {
    fn has(&self, name: &str) -> bool {
        match name {
            "alg" => self.alg.is_some(),
            "kid" => self.kid.is_some(),
            "typ" => self.typ.is_some(),
            "cty" => self.cty.is_some(),
            "b64" => self.b64.is_some(),
            "crit" => self.crit.is_some(),
            _ => self.other.contains_key(name),
        }
    }
}

/// Any JSON value, keeping strings (borrowed where the input allows).
enum AnyStr<'a> {
    Str(std::borrow::Cow<'a, str>),
    Other,
}

impl<'de> serde::Deserialize<'de> for AnyStr<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AnyStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Str(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Str(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Other)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Other)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Other)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Other)
            }
            fn visit_unit<E>(self) -> std::result::Result<AnyStr<'de>, E> {
                Ok(AnyStr::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<AnyStr<'de>, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(AnyStr::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<AnyStr<'de>, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyStr::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a [`RawHeader`], leaving a duplicated member's name in the
/// [`json::Duplicates`] it holds.
struct RawHeaderSeed<'s>(&'s json::Duplicates);

impl<'de> serde::de::DeserializeSeed<'de> for RawHeaderSeed<'_> {
    type Value = RawHeader;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<RawHeader, D::Error> {
        struct V<'s>(&'s json::Duplicates);
        impl<'de> serde::de::Visitor<'de> for V<'_> {
            type Value = RawHeader;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<RawHeader, A::Error> {
                let mut h = RawHeader::default();
                while let Some(json::BorrowedStr(key)) = m.next_key::<json::BorrowedStr<'de>>()? {
                    if h.has(&key) {
                        return Err(self.0.found(key.into_owned()));
                    }
                    let str_field = |v: AnyStr<'de>| match v {
                        AnyStr::Str(s) => StrField::Str(s.into_owned()),
                        AnyStr::Other => StrField::NotString,
                    };
                    match key.as_ref() {
                        "alg" => {
                            h.alg = Some(match m.next_value::<AnyStr<'de>>()? {
                                AnyStr::Str(s) => match Algorithm::from_name(&s) {
                                    Some(a) => AlgField::Known(a),
                                    None if s.eq_ignore_ascii_case("none") => AlgField::None,
                                    None => AlgField::Unknown(s.into_owned()),
                                },
                                AnyStr::Other => AlgField::NotString,
                            })
                        }
                        "kid" => h.kid = Some(str_field(m.next_value()?)),
                        "typ" => h.typ = Some(str_field(m.next_value()?)),
                        "cty" => h.cty = Some(str_field(m.next_value()?)),
                        "b64" => h.b64 = Some(m.next_value()?),
                        "crit" => h.crit = Some(m.next_value()?),
                        _ => {
                            let v: Value = m.next_value()?;
                            h.other.insert(key.into_owned(), v);
                        }
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// RFC 7515 §4.1.11 (and RFC 7516 §4.1.13): a non-empty array of unique,
/// non-registered names that the recipient understands and that appear in
/// the protected header.
pub(crate) fn parse_crit(
    v: Value,
    in_protected: impl Fn(&str) -> bool,
    understood: &[&str],
) -> Result<Vec<String>> {
    let Value::Array(items) = v else {
        return Err(Error::Crit(Crit::NotStrings));
    };
    if items.is_empty() {
        return Err(Error::Crit(Crit::Empty));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(name) = item else {
            return Err(Error::Crit(Crit::NotStrings));
        };
        if REGISTERED.contains(&name.as_str()) {
            return Err(Error::Crit(Crit::Registered(name)));
        }
        if !understood.contains(&name.as_str()) {
            return Err(Error::Crit(Crit::NotUnderstood(name)));
        }
        if out.contains(&name) {
            return Err(Error::Crit(Crit::Duplicate(name)));
        }
        if !in_protected(&name) {
            return Err(Error::Crit(Crit::NotProtected(name)));
        }
        out.push(name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(json: &str) -> Result<Header> {
        parse(json.as_bytes(), None, &Limits::default())
    }

    #[test]
    fn none_in_every_casing_is_refused() {
        assert_eq!(p(r#"{"alg":"none"}"#), Err(Error::UnsecuredToken));
        for s in ["None", "NONE", "nOnE"] {
            assert_eq!(
                p(&format!(r#"{{"alg":"{s}"}}"#)),
                Err(Error::UnsecuredToken)
            );
        }
    }

    #[test]
    fn crit_rules() {
        assert!(p(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#).is_ok());
        for bad in [
            r#"{"alg":"HS256","crit":[]}"#,
            r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
            r#"{"alg":"HS256","crit":["alg"]}"#,
            r#"{"alg":"HS256","crit":"b64","b64":false}"#,
            r#"{"alg":"HS256","crit":["b64","b64"],"b64":false}"#,
            r#"{"alg":"HS256","crit":["b64"]}"#,
            r#"{"alg":"HS256","b64":false}"#,
        ] {
            assert!(matches!(p(bad), Err(Error::Crit(_))), "{bad}");
        }
    }

    #[test]
    fn unprotected_rules() {
        let mut u = Map::new();
        u.insert("alg".into(), Value::String("HS256".into()));
        assert!(parse(b"", Some(&u), &Limits::default()).is_err());
        let mut u = Map::new();
        u.insert("kid".into(), Value::String("k".into()));
        let h = parse(br#"{"alg":"HS256"}"#, Some(&u), &Limits::default()).unwrap();
        assert_eq!(h.kid.as_deref(), Some("k"));
        assert!(parse(
            br#"{"alg":"HS256","kid":"a"}"#,
            Some(&u),
            &Limits::default()
        )
        .is_err());
    }

    #[test]
    fn jwe_header_is_not_jws() {
        assert_eq!(p(r#"{"alg":"dir","enc":"A128GCM"}"#), Err(Error::NotJws));
    }
}
