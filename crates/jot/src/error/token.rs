//! Why a token, or a token being produced, is not well formed: the payloads
//! of [`super::Error::Malformed`], [`super::Error::Crit`] and
//! [`super::Error::ClaimsType`]. Each is a closed set of cases, so that a
//! caller can match on the case instead of reading a message.

use std::fmt;

use super::redact::Shown;

/// Why a serialization is not well formed ([`super::Error::Malformed`]).
///
/// The first group is about tokens that are read; the last group is about
/// tokens the caller asked Jot to produce, which could not be well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Not a compact JWS (3 segments), a compact JWE (5 segments) or a JSON
    /// serialization.
    UnknownFormat,
    /// A compact JWS does not have exactly three segments.
    JwsSegments,
    /// A compact JWE does not have exactly five segments.
    JweSegments,
    /// A JWT must use the compact serialization (RFC 7519 §7.2); this is a
    /// JSON serialization.
    JwtNotCompact,
    /// Not an unsecured JWS: the header is not exactly `alg: none`, or the
    /// signature is not empty.
    NotUnsecured,
    /// A JSON serialization has members of both a JWS and a JWE.
    AmbiguousJson,
    /// A JSON serialization has the members of neither a JWS nor a JWE.
    NotJoseJson,
    /// A JSON serialization lacks a member it needs (`payload`,
    /// `signature`, `ciphertext`...).
    MissingMember(&'static str),
    /// A member of a JSON serialization has the wrong JSON type.
    MemberType {
        /// The member.
        member: &'static str,
        /// The JSON type it must have.
        expected: JsonType,
    },
    /// `signatures` or `recipients` is an empty array.
    EmptyList(&'static str),
    /// An entry of `signatures` or `recipients` is not an object.
    ListEntryType(&'static str),
    /// A general JSON serialization also has the members of a flattened one.
    GeneralAndFlattened,
    /// A detached payload was given for a JWS that carries its own.
    PayloadNotDetached,
    /// A nested JWT (RFC 7519 §5.2, `cty: JWT`) is not UTF-8 text.
    NestedJwtNotText,
    /// A nested JWT has whitespace around it; a compact JWT has none.
    NestedJwtWhitespace,

    // ---- what the caller asked to produce -------------------------------
    /// An unencoded payload (RFC 7797) must be UTF-8 inside a JSON
    /// serialization or a compact token; detach it for other bytes.
    UnencodedNotUtf8,
    /// An unencoded payload inside a compact JWS must not contain `.`
    /// (RFC 7797 §5.2).
    UnencodedDot,
    /// A JWS was asked for with no signer.
    NoSigners,
    /// A JWE was asked for with no recipient.
    NoRecipients,
    /// `dir` and `ECDH-ES` were asked for with more than one recipient
    /// (RFC 7516 §7.2.1: they use no encrypted key).
    DirectWithSeveralRecipients,
    /// A compact JWE was asked for with headers or AAD that only the JSON
    /// serialization can carry.
    CompactHeaderOnly,
}

/// A JSON type a member must have ([`Malformed::MemberType`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonType {
    /// A string.
    String,
    /// An object.
    Object,
    /// An array.
    Array,
    /// A boolean.
    Boolean,
    /// A positive integer.
    PositiveInteger,
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonType::String => "a string",
            JsonType::Object => "an object",
            JsonType::Array => "an array",
            JsonType::Boolean => "a boolean",
            JsonType::PositiveInteger => "a positive integer",
        })
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::UnknownFormat => f.write_str(
                "expected a compact JWS (3 segments), a compact JWE (5 segments) or a JSON \
                 serialization",
            ),
            Malformed::JwsSegments => f.write_str("a compact JWS has three segments"),
            Malformed::JweSegments => f.write_str("a compact JWE has five segments"),
            Malformed::JwtNotCompact => {
                f.write_str("a JWT uses the compact serialization; this is JSON")
            }
            Malformed::NotUnsecured => f.write_str("not an unsecured JWS"),
            Malformed::AmbiguousJson => f.write_str("the JSON has members of both a JWS and a JWE"),
            Malformed::NotJoseJson => {
                f.write_str("the JSON is neither a JWS nor a JWE serialization")
            }
            Malformed::MissingMember(m) => write!(f, "missing {m:?}"),
            Malformed::MemberType { member, expected } => {
                write!(f, "member {member:?} must be {expected}")
            }
            Malformed::EmptyList(m) => write!(f, "{m:?} is empty"),
            Malformed::ListEntryType(m) => write!(f, "each entry of {m:?} must be an object"),
            Malformed::GeneralAndFlattened => {
                f.write_str("a general JSON serialization must not also be flattened")
            }
            Malformed::PayloadNotDetached => {
                f.write_str("a detached payload was given but the JWS has one")
            }
            Malformed::NestedJwtNotText => f.write_str("nested JWT is not text"),
            Malformed::NestedJwtWhitespace => {
                f.write_str("the nested JWT has whitespace around it; a compact JWT has none")
            }
            Malformed::UnencodedNotUtf8 => f.write_str(
                "an unencoded payload must be UTF-8 inside the token; detach it for other bytes",
            ),
            Malformed::UnencodedDot => {
                f.write_str("an unencoded compact payload must not contain '.' (RFC 7797 §5.2)")
            }
            Malformed::NoSigners => f.write_str("a JWS needs at least one signature"),
            Malformed::NoRecipients => f.write_str("a JWE needs at least one recipient"),
            Malformed::DirectWithSeveralRecipients => {
                f.write_str("dir and ECDH-ES can only be used with a single recipient")
            }
            Malformed::CompactHeaderOnly => {
                f.write_str("the compact serialization has only a protected header")
            }
        }
    }
}

/// Why a `crit` header parameter (RFC 7515 §4.1.11) was refused
/// ([`super::Error::Crit`]). The names are the token's; they are printed
/// only when they are registered names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Crit {
    /// `crit` is not an array of strings.
    NotStrings,
    /// `crit` is an empty array.
    Empty,
    /// `crit` lists a parameter of the JWS/JWE specifications themselves.
    Registered(String),
    /// `crit` lists an extension Jot does not understand.
    NotUnderstood(String),
    /// `crit` lists a name twice.
    Duplicate(String),
    /// `crit` lists a name the protected header does not have.
    NotProtected(String),
    /// `b64` (RFC 7797) is in the header but not in `crit`.
    B64NotListed,
}

impl fmt::Display for Crit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crit::NotStrings => f.write_str("must be an array of strings"),
            Crit::Empty => f.write_str("must not be empty"),
            Crit::Registered(n) => write!(f, "lists the registered parameter {}", Shown(n)),
            Crit::NotUnderstood(n) => write!(f, "extension {} is not understood", Shown(n)),
            Crit::Duplicate(n) => write!(f, "lists {} twice", Shown(n)),
            Crit::NotProtected(n) => {
                write!(f, "lists {} which is not in the protected header", Shown(n))
            }
            Crit::B64NotListed => f.write_str("b64 is used but not listed in crit"),
        }
    }
}

/// Why a claims set does not fit the type asked for
/// ([`super::Error::ClaimsType`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimsType {
    /// A JWT claims set must be a JSON object (RFC 7519 §7.2 step 10).
    NotObject,
    /// The claims set could not be deserialized into the caller's type. The
    /// text is the deserializer's, with any value it quotes removed.
    Deserialize(String),
}

impl fmt::Display for ClaimsType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimsType::NotObject => f.write_str("a JWT claims set must be a JSON object"),
            ClaimsType::Deserialize(reason) => f.write_str(reason),
        }
    }
}
