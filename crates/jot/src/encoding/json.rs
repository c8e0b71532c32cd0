//! JSON objects as JOSE needs them: duplicate member names are an error
//! (RFC 7515 §4, RFC 7516 §4, RFC 7519 §4), nesting depth is bounded before
//! the parser recurses.

use crate::error::{JsonType, Malformed};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

use crate::error::{Error, Part, Result};

/// Default maximum nesting depth of any JSON document Jot parses.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Where a visitor leaves the name of a member it found twice, before it
/// fails: serde_json's error carries only a message, and the name is read
/// back from here, typed, instead of out of the message text.
#[derive(Default)]
pub(crate) struct Duplicates(Cell<Option<String>>);

impl Duplicates {
    /// Records `name` and returns the error that stops the parse (its text
    /// is for serde users who see it directly, e.g. a `Jwk` field).
    pub(crate) fn found<E: de::Error>(&self, name: String) -> E {
        let e = E::custom(DuplicateKey(&name));
        self.0.set(Some(name));
        e
    }

    /// The error for a failed parse of `part`: [`Error::DuplicateMember`]
    /// if a member was named twice, else the parser's own.
    pub(crate) fn error(&self, part: Part, e: &serde_json::Error) -> Error {
        match self.0.take() {
            Some(name) => Error::DuplicateMember(name, part),
            None => Error::json(part, e),
        }
    }
}

/// A JSON object whose top-level member names are unique.
pub(crate) struct UniqueObject<'s>(pub(crate) &'s Duplicates);

impl<'de> DeserializeSeed<'de> for UniqueObject<'_> {
    type Value = Map<String, Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        struct V<'s>(&'s Duplicates);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Map<String, Value>;
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
                        return Err(self.0.found(k));
                    }
                    let v: Value = m.next_value()?;
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// A JSON value in which every object, at any depth, has unique member
/// names: JWE JSON carries header objects (`unprotected`, `header`) below
/// the top level, and RFC 7516 §4 forbids duplicates there as much as in the
/// protected header.
struct UniqueValue<'s>(&'s Duplicates);

impl<'de> DeserializeSeed<'de> for UniqueValue<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        struct V<'s>(&'s Duplicates);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Value, E> {
                Ok(Value::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Value, E> {
                Ok(Value::String(v))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = s.next_element_seed(UniqueValue(self.0))? {
                    v.push(x);
                }
                Ok(Value::Array(v))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Value, A::Error> {
                let mut map = Map::new();
                while let Some(k) = m.next_key::<String>()? {
                    if map.contains_key(&k) {
                        return Err(self.0.found(k));
                    }
                    let v = m.next_value_seed(UniqueValue(self.0))?;
                    map.insert(k, v);
                }
                Ok(Value::Object(map))
            }
        }
        d.deserialize_any(V(self.0))
    }
}

/// Runs `seed` over the whole of `bytes` (trailing characters are an
/// error), reporting a member named twice (which the seed left in
/// `duplicates`) as [`Error::DuplicateMember`].
pub(crate) fn from_slice_seeded<'de, S: DeserializeSeed<'de>>(
    bytes: &'de [u8],
    part: Part,
    duplicates: &Duplicates,
    seed: S,
) -> Result<S::Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    seed.deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| duplicates.error(part, &e))
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

/// The message of a duplicate-member error, for those who see serde's
/// error directly (the library itself reads [`Duplicates`]).
struct DuplicateKey<'a>(&'a str);

impl fmt::Display for DuplicateKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "duplicate member {}", crate::error::Shown(self.0))
    }
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
pub(crate) fn member_str<'a>(
    m: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::Malformed(Malformed::MemberType {
            member: name,
            expected: JsonType::String,
        })),
    }
}

/// An object member of a JSON serialization (`None` when absent).
pub(crate) fn member_obj<'a>(
    m: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a Map<String, Value>>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(Error::Malformed(Malformed::MemberType {
            member: name,
            expected: JsonType::Object,
        })),
    }
}

/// Parses a JSON object with unique top-level members.
pub(crate) fn parse_object(
    bytes: &[u8],
    max_depth: usize,
    part: Part,
) -> Result<Map<String, Value>> {
    check_depth(bytes, max_depth, part)?;
    let duplicates = Duplicates::default();
    from_slice_seeded(bytes, part, &duplicates, UniqueObject(&duplicates))
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
    let duplicates = Duplicates::default();
    match from_slice_seeded(bytes, part, &duplicates, UniqueValue(&duplicates))? {
        Value::Object(m) => Ok(m),
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
