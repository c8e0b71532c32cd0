//! JSON objects as JOSE needs them: duplicate member names are an error
//! (RFC 7515 §4, RFC 7516 §4, RFC 7519 §4), nesting depth is bounded before
//! the parser recurses.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

use crate::error::{Error, Part, Result};

/// Default maximum nesting depth of any JSON document Jot parses.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// A JSON object whose top-level member names are unique.
pub(crate) struct UniqueObject(pub Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut map = Map::new();
                while let Some(k) = m.next_key::<String>()? {
                    if map.contains_key(&k) {
                        return Err(de::Error::custom(DuplicateKey(k)));
                    }
                    let v: Value = m.next_value()?;
                    map.insert(k, v);
                }
                Ok(UniqueObject(map))
            }
        }
        d.deserialize_map(V)
    }
}

/// A JSON value in which every object, at any depth, has unique member
/// names: JWE JSON carries header objects (`unprotected`, `header`) below
/// the top level, and RFC 7516 §4 forbids duplicates there as much as in the
/// protected header.
struct UniqueValue(Value);

impl<'de> Deserialize<'de> for UniqueValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UniqueValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::from(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::String(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::String(v)))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<UniqueValue, E> {
                Ok(UniqueValue(Value::Null))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<UniqueValue, A::Error> {
                let mut v = Vec::new();
                while let Some(UniqueValue(x)) = s.next_element()? {
                    v.push(x);
                }
                Ok(UniqueValue(Value::Array(v)))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<UniqueValue, A::Error> {
                let mut map = Map::new();
                while let Some(k) = m.next_key::<String>()? {
                    if map.contains_key(&k) {
                        return Err(de::Error::custom(DuplicateKey(k)));
                    }
                    let UniqueValue(v) = m.next_value()?;
                    map.insert(k, v);
                }
                Ok(UniqueValue(Value::Object(map)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string that borrows from the input when it has no escapes. (serde's
/// own `Cow<str>` always allocates; this one does not on the hot path.)
pub(crate) struct BorrowedStr<'a>(pub(crate) std::borrow::Cow<'a, str>);

impl<'de> Deserialize<'de> for BorrowedStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BorrowedStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(BorrowedStr(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(BorrowedStr(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Marker carried through serde's error message so that duplicate members can
/// be reported as [`Error::DuplicateMember`].
pub(crate) struct DuplicateKey(pub(crate) String);

const DUP_PREFIX: &str = "duplicate member ";

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{DUP_PREFIX}{:?}", self.0)
    }
}

/// Maps a serde_json error from parsing `part`, recognising duplicate
/// members.
pub(crate) fn map_err(part: Part, e: &serde_json::Error) -> Error {
    let msg = e.to_string();
    if let Some(rest) = msg.strip_prefix(DUP_PREFIX) {
        // rest is `"name" at line x column y`
        let name = rest
            .split(" at line ")
            .next()
            .and_then(|q| serde_json::from_str::<String>(q).ok())
            .unwrap_or_default();
        return Error::DuplicateMember(name, part);
    }
    Error::json(part, e)
}

/// Checks that `bytes` nests objects/arrays at most `max` deep. A linear scan
/// that runs before the recursive parser, so hostile nesting costs nothing.
pub(crate) fn check_depth(bytes: &[u8], max: usize, part: Part) -> Result<()> {
    // Depth never exceeds the number of opening brackets; finding them is a
    // SIMD scan (a claims set has a handful), so ordinary documents skip the
    // exact scan below.
    let opening = memchr::memchr2_iter(b'{', b'[', bytes).take(max.saturating_add(1));
    if opening.count() <= max {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for &b in bytes {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Err(Error::Json {
                        part,
                        reason: format!("nesting deeper than {max}"),
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A string member of a JSON serialization (`None` when absent).
pub(crate) fn member_str<'a>(m: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::malformed(format!(
            "member {name:?} must be a string"
        ))),
    }
}

/// An object member of a JSON serialization (`None` when absent).
pub(crate) fn member_obj<'a>(
    m: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(Error::malformed(format!(
            "member {name:?} must be an object"
        ))),
    }
}

/// Parses a JSON object with unique top-level members.
pub(crate) fn parse_object(
    bytes: &[u8],
    max_depth: usize,
    part: Part,
) -> Result<Map<String, Value>> {
    check_depth(bytes, max_depth, part)?;
    serde_json::from_slice::<UniqueObject>(bytes)
        .map(|o| o.0)
        .map_err(|e| map_err(part, &e))
}

/// Parses a JSON object whose member names are unique in every object at
/// every depth (JWE JSON serializations, whose nested header objects are
/// JOSE headers too).
pub(crate) fn parse_object_deep(
    bytes: &[u8],
    max_depth: usize,
    part: Part,
) -> Result<Map<String, Value>> {
    check_depth(bytes, max_depth, part)?;
    match serde_json::from_slice::<UniqueValue>(bytes).map_err(|e| map_err(part, &e))? {
        UniqueValue(Value::Object(m)) => Ok(m),
        _ => Err(Error::Json {
            part,
            reason: "expected a JSON object".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_rejected() {
        let e = parse_object(br#"{"alg":"HS256","alg":"none"}"#, 8, Part::Header).unwrap_err();
        assert_eq!(e, Error::DuplicateMember("alg".into(), Part::Header));
        // case matters: "Alg" is a different member
        let m = parse_object(br#"{"alg":"HS256","Alg":"none"}"#, 8, Part::Header).unwrap();
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn nested_duplicates_rejected_by_deep_parse() {
        let doc = br#"{"unprotected":{"kid":"a","kid":"b"},"x":[{"y":1,"y":2}]}"#;
        assert!(parse_object(doc, 8, Part::Payload).is_ok());
        assert_eq!(
            parse_object_deep(doc, 8, Part::Payload).unwrap_err(),
            Error::DuplicateMember("kid".into(), Part::Payload)
        );
        let ok = br#"{"a":{"b":[1,2.5,-3,null,true,"s",{"c":{}}]}}"#;
        let m = parse_object_deep(ok, 8, Part::Payload).unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::from_slice::<Value>(ok).unwrap()
        );
        assert!(parse_object_deep(b"[1]", 8, Part::Payload).is_err());
    }

    #[test]
    fn depth_bounded() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        assert!(matches!(
            parse_object(deep.as_bytes(), 32, Part::Payload),
            Err(Error::Json { .. })
        ));
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(5), "]".repeat(5));
        assert!(parse_object(ok.as_bytes(), 32, Part::Payload).is_ok());
        // brackets inside strings do not count
        assert!(parse_object(br#"{"a":"[[[[[[[[[[[[\"[[["}"#, 2, Part::Payload).is_ok());
    }

    #[test]
    fn not_an_object() {
        assert!(matches!(
            parse_object(b"[1]", 8, Part::Header),
            Err(Error::Json { .. })
        ));
        assert!(matches!(
            parse_object(b"{\"a\":1} x", 8, Part::Header),
            Err(Error::Json { .. })
        ));
    }
}
