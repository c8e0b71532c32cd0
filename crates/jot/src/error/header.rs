//! Why a header parameter was refused: the payload of
//! [`super::Error::InvalidHeader`], beside the parameter's name.

use std::fmt;

use super::key::InvalidKey;
use super::token::JsonType;

/// What is wrong with a header parameter ([`super::Error::InvalidHeader`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// The parameter is required and absent.
    Missing,
    /// The parameter has the wrong JSON type.
    WrongType(JsonType),
    /// The parameter is not valid base64url.
    NotBase64Url,
    /// The parameter must be in the protected header (RFC 7515 §4.1.11 for
    /// `crit`, RFC 7797 §6 for `b64`, RFC 7516 §4.1.3 for `zip`; Jot also
    /// requires it of `alg`).
    NotProtected,
    /// The parameter appears in more than one of the headers that are
    /// merged (RFC 7515 §7.2.1, RFC 7516 §7.2.1).
    Duplicate,
    /// The signatures of one JWS disagree on it (`b64`, RFC 7797 §3).
    Disagreement,
    /// The number is outside the range Jot accepts (`p2c`).
    OutOfRange {
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted.
        max: u64,
    },
    /// The value decodes to fewer bytes than required (`p2s`).
    TooShort {
        /// The least accepted, in bytes.
        min_bytes: usize,
    },
    /// The value decodes to the wrong number of bytes (the AES-GCM key
    /// wrap `iv`).
    Length {
        /// The length required, in bytes.
        bytes: usize,
    },
    /// A value Jot does not support (`zip` other than `DEF`).
    Unsupported,
    /// A value other than the one this use requires (`cty` of a nested
    /// JWT).
    UnexpectedValue,
    /// The parameter contradicts the rest of the message or the caller's
    /// options (`enc` unlike the options' `enc`, an `encrypted_key` for
    /// `dir`, a shared `alg` that is not the single recipient key's).
    Inconsistent,
    /// Jot sets this parameter itself; the caller may not.
    SetByJot,
    /// The key in the header (`epk`) is not on the curve of the recipient's
    /// key (CVE-2017-16007).
    WrongCurve {
        /// The recipient key's curve.
        expected: &'static str,
    },
    /// A key in the header (`jwk`, `epk`) holds a private key.
    PrivateKey,
    /// A key in the header (`jwk`, `epk`) is not a valid key, or not of the
    /// type or curve needed; the payload says which.
    Key(InvalidKey),
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderProblem::Missing => f.write_str("missing"),
            HeaderProblem::WrongType(t) => write!(f, "must be {t}"),
            HeaderProblem::NotBase64Url => f.write_str("is not valid base64url"),
            HeaderProblem::NotProtected => f.write_str("must be integrity protected"),
            HeaderProblem::Duplicate => f.write_str("appears in more than one header"),
            HeaderProblem::Disagreement => {
                f.write_str("the signatures disagree on it (RFC 7797 §3)")
            }
            HeaderProblem::OutOfRange { min, max } => {
                write!(f, "must be between {min} and {max}")
            }
            HeaderProblem::TooShort { min_bytes } => {
                write!(f, "must be at least {min_bytes} bytes")
            }
            HeaderProblem::Length { bytes } => write!(f, "must be {bytes} bytes"),
            HeaderProblem::Unsupported => f.write_str("has a value Jot does not support"),
            HeaderProblem::UnexpectedValue => f.write_str("does not have the value required"),
            HeaderProblem::Inconsistent => {
                f.write_str("contradicts the rest of the message or the options")
            }
            HeaderProblem::SetByJot => f.write_str("is set by Jot, not by the caller"),
            HeaderProblem::WrongCurve { expected } => {
                write!(f, "is not on the recipient key's curve ({expected})")
            }
            HeaderProblem::PrivateKey => f.write_str("must not contain a private key"),
            HeaderProblem::Key(k) => k.fmt(f),
        }
    }
}
