//! One pass over the claims set that extracts the registered claims with
//! strict types, borrowing strings from the payload where possible.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use super::claims::{NumericDate, NumericDateVisitor};
use crate::error::{Error, Part};

/// The registered claims of a token, as found.
#[derive(Default)]
pub(crate) struct Registered<'a> {
    pub iss: Option<Cow<'a, str>>,
    pub sub: Option<Cow<'a, str>>,
    pub aud: Option<Aud<'a>>,
    pub exp: Option<NumericDate>,
    pub nbf: Option<NumericDate>,
    pub iat: Option<NumericDate>,
    pub jti: Option<Cow<'a, str>>,
    /// Bit i set when `required[i]` (a non-registered claim) is present.
    pub present: u64,
}

pub(crate) enum Aud<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl Aud<'_> {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&str>, &[Cow<'_, str>]) = match self {
            Aud::One(a) => (Some(a.as_ref()), &[]),
            Aud::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(|c| c.as_ref()))
    }
}

/// A string claim; any other JSON type is an error naming the claim.
pub(super) struct Str<'a>(pub(super) Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::encoding::json::BorrowedStr::deserialize(d).map(|s| Str(s.0))
    }
}

struct AudSeed;

impl<'de> Visitor<'de> for AudSeed {
    type Value = Aud<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Aud<'de>, E> {
        Ok(Aud::One(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Aud<'de>, E> {
        Ok(Aud::One(Cow::Owned(v.to_owned())))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Aud<'de>, A::Error> {
        let mut v = Vec::new();
        while let Some(Str(s)) = seq.next_element::<Str<'de>>()? {
            v.push(s);
        }
        Ok(Aud::Many(v))
    }
}

pub(super) struct AudClaim<'a>(pub(super) Aud<'a>);

impl<'de> Deserialize<'de> for AudClaim<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AudSeed).map(AudClaim)
    }
}

struct Date(NumericDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumericDateVisitor).map(Date)
    }
}

/// Where the visitor leaves the claim that failed, and why, before it
/// fails: serde_json's error carries only a message, and the claim is read
/// back from here, typed, instead of out of the message text.
#[derive(Default)]
pub(crate) struct ClaimFailure(Cell<Option<(String, String)>>);

impl ClaimFailure {
    fn found<E: de::Error>(&self, name: &str, reason: impl fmt::Display) -> E {
        let reason = reason.to_string();
        let e = E::custom(format_args!("claim {name}: {reason}"));
        self.0.set(Some((name.to_owned(), reason)));
        e
    }

    /// The error for a failed read of the claims set:
    /// [`Error::InvalidClaim`] if a registered claim was at fault, else the
    /// parser's own.
    pub(crate) fn error(&self, e: &serde_json::Error) -> Error {
        match self.0.take() {
            Some((name, reason)) => Error::InvalidClaim {
                name,
                reason: crate::error::scrub(&reason),
            },
            None => Error::json(Part::Payload, e),
        }
    }
}

pub(crate) struct RegisteredVisitor<'r> {
    pub required: &'r [String],
    pub failure: &'r ClaimFailure,
}

impl<'de> Visitor<'de> for RegisteredVisitor<'_> {
    type Value = Registered<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (JWT claims set)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Registered<'de>, A::Error> {
        let mut r = Registered::default();
        while let Some(crate::encoding::json::BorrowedStr(key)) =
            m.next_key::<crate::encoding::json::BorrowedStr<'de>>()?
        {
            macro_rules! once {
                ($field:ident, $ty:ty, $map:expr) => {{
                    if r.$field.is_some() {
                        return Err(self.failure.found(&key, "appears twice"));
                    }
                    let v: $ty = m.next_value().map_err(|e| self.failure.found(&key, e))?;
                    r.$field = Some($map(v));
                }};
            }
            match key.as_ref() {
                "iss" => once!(iss, Str<'de>, |s: Str<'de>| s.0),
                "sub" => once!(sub, Str<'de>, |s: Str<'de>| s.0),
                "jti" => once!(jti, Str<'de>, |s: Str<'de>| s.0),
                "aud" => once!(aud, AudClaim<'de>, |a: AudClaim<'de>| a.0),
                "exp" => once!(exp, Date, |d: Date| d.0),
                "nbf" => once!(nbf, Date, |d: Date| d.0),
                "iat" => once!(iat, Date, |d: Date| d.0),
                other => {
                    if let Some(i) = self.required.iter().position(|n| n == other) {
                        if i < 64 {
                            r.present |= 1 << i;
                        }
                    }
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(r)
    }
}
