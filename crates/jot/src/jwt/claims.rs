//! Claim types: NumericDate, audience, and a claims set with registered and
//! custom members.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the UNIX epoch (RFC 7519 §2). Only a JSON number is a
/// NumericDate: a string, boolean or null is an error, never "absent"
/// (CVE-2026-25537). Fractional seconds are truncated toward negative
/// infinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate(pub i64);

impl NumericDate {
    /// The current time.
    pub fn now() -> Self {
        NumericDate(now_unix())
    }

    /// Seconds since the epoch.
    pub fn as_secs(self) -> i64 {
        self.0
    }
}

pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Serialize for NumericDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

pub(crate) struct NumericDateVisitor;

impl Visitor<'_> for NumericDateVisitor {
    type Value = NumericDate;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a NumericDate (JSON number of seconds since the epoch)")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
        Ok(NumericDate(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
        i64::try_from(v)
            .map(NumericDate)
            .map_err(|_| E::custom("NumericDate out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
        // i64::MAX as f64 rounds up to 2^63, so compare with < on that bound.
        if v.is_finite() && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(NumericDate(v.floor() as i64))
        } else {
            Err(E::custom("NumericDate out of range"))
        }
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumericDateVisitor)
    }
}

/// The `aud` claim: one string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// A single audience, serialized as a string.
    One(String),
    /// Several audiences, serialized as an array.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `aud` names `who`.
    pub fn contains(&self, who: &str) -> bool {
        match self {
            Audience::One(a) => a == who,
            Audience::Many(v) => v.iter().any(|a| a == who),
        }
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Audience::One(a) => s.serialize_str(a),
            Audience::Many(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Audience, E> {
                Ok(Audience::One(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Audience, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(Audience::Many(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A claims set: the registered claims plus your own members in `extra`
/// (any `Deserialize`/`Serialize` type; a JSON map by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims<E = Map<String, Value>> {
    /// `iss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// `exp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<NumericDate>,
    /// `nbf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    /// `jti`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: E,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_date_types() {
        assert_eq!(
            serde_json::from_str::<NumericDate>("1300819380").unwrap().0,
            1300819380
        );
        assert_eq!(
            serde_json::from_str::<NumericDate>("1300819380.9")
                .unwrap()
                .0,
            1300819380
        );
        for bad in ["\"1300819380\"", "true", "null", "[1]", "1e300"] {
            assert!(serde_json::from_str::<NumericDate>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn audience_forms() {
        let a: Audience = serde_json::from_str("\"x\"").unwrap();
        assert!(a.contains("x"));
        let a: Audience = serde_json::from_str("[\"x\",\"y\"]").unwrap();
        assert!(a.contains("y") && !a.contains("z"));
        assert!(serde_json::from_str::<Audience>("[1]").is_err());
        assert!(serde_json::from_str::<Audience>("{}").is_err());
    }
}
