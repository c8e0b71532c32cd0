//! Telling the serializations apart: which of compact JWS, compact JWE, JWS
//! JSON or JWE JSON a token is, before any of it is decoded.
//!
//! Every tool that accepts "a token" needs this decision, and doing it with
//! ad-hoc checks (a leading `{`, a count of dots) in each caller is how
//! callers drift from the parsers. Detection applies the same limits and
//! the same strict JSON (no duplicate members, bounded depth) as the
//! parsers, so a token that detects is one the parsers will read.

use crate::error::{JsonType, Malformed};
use serde_json::{Map, Value};

use crate::encoding::json;
use crate::error::{Error, Part, Result};
use crate::limits::Limits;

/// The four ways a JWS or JWE is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `header.payload.signature` (RFC 7515 §7.1).
    CompactJws,
    /// `header.encrypted_key.iv.ciphertext.tag` (RFC 7516 §7.1).
    CompactJwe,
    /// A general or flattened JWS JSON serialization (RFC 7515 §7.2).
    JsonJws,
    /// A general or flattened JWE JSON serialization (RFC 7516 §7.2).
    JsonJwe,
}

/// Which form of a serialization a token has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    /// The compact form.
    Compact,
    /// JSON with a list of `signatures` or `recipients` (RFC 7515 §7.2.1,
    /// RFC 7516 §7.2.1).
    General,
    /// JSON with one signature or recipient at the top level (RFC 7515
    /// §7.2.2, RFC 7516 §7.2.2).
    Flattened,
}

impl Format {
    /// Whether this is one of the JWE forms.
    pub fn is_jwe(self) -> bool {
        matches!(self, Format::CompactJwe | Format::JsonJwe)
    }

    /// Whether this is one of the JSON forms.
    pub fn is_json(self) -> bool {
        matches!(self, Format::JsonJws | Format::JsonJwe)
    }
}

/// Detects the format of `token`, applying `limits` (the token's length
/// first; for JSON, the document's depth and duplicate members).
///
/// A compact token is told by its number of segments (three or five); JSON
/// by its required members (`signature`/`signatures` for a JWS, `ciphertext`
/// for a JWE) and the absence of the other kind's. Surrounding whitespace is
/// not removed: a compact token has none.
///
/// ```
/// use jot::format::{detect, Format};
/// use jot::limits::Limits;
/// let limits = Limits::default();
/// assert_eq!(detect("eyJhbGciOiJIUzI1NiJ9.e30.sig", &limits)?, Format::CompactJws);
/// assert_eq!(detect(r#"{"payload":"","signature":""}"#, &limits)?, Format::JsonJws);
/// assert!(detect("a.b", &limits).is_err());
/// # Ok::<(), jot::Error>(())
/// ```
pub fn detect(token: &str, limits: &Limits) -> Result<Format> {
    detect_parsed(token, limits).map(|(format, _)| format)
}

/// [`detect`], also returning the parsed document of a JSON token so that
/// the caller does not parse it again.
pub(crate) fn detect_parsed(
    token: &str,
    limits: &Limits,
) -> Result<(Format, Option<Map<String, Value>>)> {
    limits.check_token_len(token.len())?;
    if is_json(token) {
        let root = json::parse_object_deep(token.as_bytes(), limits.max_json_depth, Part::Payload)?;
        return Ok((json_format(&root)?, Some(root)));
    }
    // At most six dots are looked at, whatever the token holds.
    match memchr::memchr_iter(b'.', token.as_bytes()).take(5).count() {
        2 => Ok((Format::CompactJws, None)),
        4 => Ok((Format::CompactJwe, None)),
        _ => Err(Error::Malformed(Malformed::UnknownFormat)),
    }
}

/// Whether the token is JSON: its first non-whitespace character opens an
/// object (JSON allows leading whitespace; a compact token never starts
/// with `{`).
fn is_json(token: &str) -> bool {
    token
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
}

const JWS_MEMBERS: [&str; 3] = ["payload", "signatures", "signature"];
const JWE_MEMBERS: [&str; 4] = ["ciphertext", "recipients", "encrypted_key", "iv"];

fn json_format(root: &Map<String, Value>) -> Result<Format> {
    let has = |names: &[&str]| names.iter().any(|n| root.contains_key(*n));
    match (has(&JWS_MEMBERS), has(&JWE_MEMBERS)) {
        (true, false) if has(&["signature", "signatures"]) => Ok(Format::JsonJws),
        (false, true) if root.contains_key("ciphertext") => Ok(Format::JsonJwe),
        (true, true) => Err(Error::Malformed(Malformed::AmbiguousJson)),
        (true, false) => Err(Error::Malformed(Malformed::MissingMember("signatures"))),
        (false, true) => Err(Error::Malformed(Malformed::MissingMember("ciphertext"))),
        (false, false) => Err(Error::Malformed(Malformed::NotJoseJson)),
    }
}

/// The list member of a general JSON serialization (`signatures`,
/// `recipients`).
pub(crate) struct EntryList {
    member: &'static str,
    /// The members that make a document flattened, which a general one
    /// must not also have.
    flattened: &'static [&'static str],
}

/// The signatures of a JWS JSON serialization.
pub(crate) const SIGNATURES: EntryList = EntryList {
    member: "signatures",
    flattened: &["protected", "header", "signature"],
};

/// The recipients of a JWE JSON serialization.
pub(crate) const RECIPIENTS: EntryList = EntryList {
    member: "recipients",
    flattened: &["header", "encrypted_key"],
};

/// The entries of a general or flattened JSON serialization: the objects of
/// the list (at most `max`, checked before any is read), or the document
/// itself when flattened.
pub(crate) fn entries<'a>(
    root: &'a Map<String, Value>,
    list: &EntryList,
    max: usize,
) -> Result<(Serialization, Vec<&'a Map<String, Value>>)> {
    let items = match root.get(list.member) {
        None => return Ok((Serialization::Flattened, vec![root])),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(Error::Malformed(Malformed::MemberType {
                member: list.member,
                expected: JsonType::Array,
            }))
        }
    };
    if list.flattened.iter().any(|k| root.contains_key(*k)) {
        return Err(Error::Malformed(Malformed::GeneralAndFlattened));
    }
    if items.is_empty() {
        return Err(Error::Malformed(Malformed::EmptyList(list.member)));
    }
    if items.len() > max {
        return Err(Error::TooLarge {
            what: list.member,
            actual: items.len(),
            limit: max,
        });
    }
    let maps = items
        .iter()
        .map(|v| {
            v.as_object()
                .ok_or(Error::Malformed(Malformed::ListEntryType(list.member)))
        })
        .collect::<Result<_>>()?;
    Ok((Serialization::General, maps))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(token: &str) -> Result<Format> {
        detect(token, &Limits::default())
    }

    #[test]
    fn compact_by_segments() {
        assert_eq!(d("a.b.c").unwrap(), Format::CompactJws);
        assert_eq!(d("a..c").unwrap(), Format::CompactJws);
        assert_eq!(d("a.b.c.d.e").unwrap(), Format::CompactJwe);
        for bad in ["", "abc", "a.b", "a.b.c.d", "a.b.c.d.e.f", "......."] {
            assert!(matches!(d(bad), Err(Error::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn json_by_members() {
        assert_eq!(
            d(r#"{"payload":"e30","signature":"x"}"#).unwrap(),
            Format::JsonJws
        );
        assert_eq!(d(r#" {"signatures":[]}"#).unwrap(), Format::JsonJws);
        assert_eq!(
            d(r#"{"ciphertext":"x","iv":"y"}"#).unwrap(),
            Format::JsonJwe
        );
        for bad in [
            r#"{}"#,
            r#"{"payload":"e30"}"#,
            r#"{"iv":"x"}"#,
            r#"{"ciphertext":"x","signature":"y"}"#,
        ] {
            assert!(matches!(d(bad), Err(Error::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn limits_and_strictness_apply() {
        let limits = Limits {
            max_token_len: 4,
            ..Limits::default()
        };
        assert!(matches!(
            detect("a.b.c.d.e", &limits),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            d(r#"{"signature":"a","signature":"b"}"#),
            Err(Error::DuplicateMember(..))
        ));
        let deep = format!(
            "{{\"signature\":\"\",\"x\":{}{}}}",
            "[".repeat(40),
            "]".repeat(40)
        );
        assert!(matches!(d(&deep), Err(Error::Json { .. })));
        assert!(matches!(d("{not json"), Err(Error::Json { .. })));
    }
}
