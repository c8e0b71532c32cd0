//! Reads the claims set once: the caller's type is deserialized straight
//! from the payload while the registered claims (`iss`, `sub`, `aud`, `exp`,
//! `nbf`, `iat`, `jti`) are recorded on the way for validation.
//!
//! Reading the payload twice (once for validation, once for the caller) was
//! the largest cost of a JWT verification after the signature itself. Here
//! a registered member's value is read by Jot, with the strict type RFC 7519
//! gives it, and replayed to the caller's type from that copy (strings stay
//! borrowed from the payload); every other member goes from serde_json to the
//! caller's type untouched.
//!
//! Anything this pass cannot do exactly (a malformed or mistyped claim, a
//! claims type that wants numeric map keys or raw JSON for a registered
//! claim) makes it fail, and the caller then takes the two-pass path, whose
//! errors are the reference. So this module only ever decides success.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde::Deserialize;

use super::claims::{NumericDate, NumericDateVisitor};
use super::registered::{Aud, AudClaim, Registered, Str};
use crate::encoding::json::BorrowedStr;

/// Deserializes `T` from `payload` (a JSON object) and returns it with the
/// registered claims found. `None` when anything failed: the caller then
/// repeats the work on the path that reports errors precisely.
///
/// The payload is `str` (checked UTF-8 as a whole, once) so that serde_json
/// does not validate every string it borrows again.
pub(crate) fn read<'de, T: Deserialize<'de>>(
    payload: &'de str,
    required: &[String],
) -> Option<(T, Registered<'de>)> {
    let mut registered = Registered::default();
    let mut de = serde_json::Deserializer::from_str(payload);
    let claims = T::deserialize(Top {
        de: &mut de,
        registered: &mut registered,
        required,
    })
    .ok()?;
    de.end().ok()?;
    Some((claims, registered))
}

/// The payload as the caller's type sees it: always a map.
struct Top<'a, 'r, 'de> {
    de: &'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    registered: &'r mut Registered<'de>,
    required: &'r [String],
}

impl<'de> Deserializer<'de> for Top<'_, '_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // A claims set is a JSON object (RFC 7519 §7.2 step 10), whatever the
        // caller's type would also accept.
        self.de.deserialize_map(ObjectOnly {
            visitor,
            registered: self.registered,
            required: self.required,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

struct ObjectOnly<'r, 'de, V> {
    visitor: V,
    registered: &'r mut Registered<'de>,
    required: &'r [String],
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOnly<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (JWT claims set)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Members {
            map,
            registered: self.registered,
            required: self.required,
            pending: None,
        })
    }
}

/// Which registered claim the current member is.
#[derive(Clone, Copy)]
enum Claim {
    Iss,
    Sub,
    Jti,
    Aud,
    Exp,
    Nbf,
    Iat,
}

impl Registered<'_> {
    fn has(&self, claim: Claim) -> bool {
        match claim {
            Claim::Iss => self.iss.is_some(),
            Claim::Sub => self.sub.is_some(),
            Claim::Jti => self.jti.is_some(),
            Claim::Aud => self.aud.is_some(),
            Claim::Exp => self.exp.is_some(),
            Claim::Nbf => self.nbf.is_some(),
            Claim::Iat => self.iat.is_some(),
        }
    }
}

struct Members<'r, 'de, A> {
    map: A,
    registered: &'r mut Registered<'de>,
    required: &'r [String],
    pending: Option<Claim>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Members<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(BorrowedStr(key)) = self.map.next_key::<BorrowedStr<'de>>()? else {
            return Ok(None);
        };
        self.pending = match key.as_ref() {
            "iss" => Some(Claim::Iss),
            "sub" => Some(Claim::Sub),
            "jti" => Some(Claim::Jti),
            "aud" => Some(Claim::Aud),
            "exp" => Some(Claim::Exp),
            "nbf" => Some(Claim::Nbf),
            "iat" => Some(Claim::Iat),
            other => {
                if let Some(i) = self.required.iter().position(|n| n == other) {
                    if i < 64 {
                        self.registered.present |= 1 << i;
                    }
                }
                None
            }
        };
        if self.pending.is_some_and(|c| self.registered.has(c)) {
            // A registered claim seen twice is an error (the two-pass path
            // names it).
            return Err(de::Error::custom("registered claim appears twice"));
        }
        seed.deserialize(CowStr::<A::Error>(key, PhantomData))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some(claim) = self.pending.take() else {
            return self.map.next_value_seed(seed);
        };
        let r = &mut *self.registered;
        match claim {
            Claim::Iss | Claim::Sub | Claim::Jti => {
                let slot = match claim {
                    Claim::Iss => &mut r.iss,
                    Claim::Sub => &mut r.sub,
                    _ => &mut r.jti,
                };
                let Str(s) = self.map.next_value::<Str<'de>>()?;
                let value = seed.deserialize(Replay::new(Value::Str(&s)))?;
                *slot = Some(s);
                Ok(value)
            }
            Claim::Aud => {
                let AudClaim(aud) = self.map.next_value::<AudClaim<'de>>()?;
                let value = match &aud {
                    Aud::One(s) => seed.deserialize(Replay::new(Value::Str(s)))?,
                    Aud::Many(v) => seed.deserialize(Replay::new(Value::Strs(v)))?,
                };
                r.aud = Some(aud);
                Ok(value)
            }
            Claim::Exp | Claim::Nbf | Claim::Iat => {
                let slot = match claim {
                    Claim::Exp => &mut r.exp,
                    Claim::Nbf => &mut r.nbf,
                    _ => &mut r.iat,
                };
                let number = self.map.next_value::<Number>()?;
                let date: NumericDate = match number {
                    Number::U(n) => NumericDateVisitor.visit_u64::<A::Error>(n)?,
                    Number::I(n) => NumericDateVisitor.visit_i64::<A::Error>(n)?,
                    Number::F(n) => NumericDateVisitor.visit_f64::<A::Error>(n)?,
                };
                let value = seed.deserialize(Replay::new(Value::Number(number)))?;
                *slot = Some(date);
                Ok(value)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A JSON number exactly as serde_json reported it, to be replayed the same
/// way.
#[derive(Clone, Copy)]
enum Number {
    U(u64),
    I(i64),
    F(f64),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number::U(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::I(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number::F(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A registered claim's value as Jot read it.
#[derive(Clone, Copy)]
enum Value<'a, 'de> {
    Str(&'a Cow<'de, str>),
    Strs(&'a [Cow<'de, str>]),
    Number(Number),
}

/// Replays a registered claim's value to the caller's type the way
/// serde_json would have presented it: borrowed strings as borrowed, numbers
/// in their original form, any value as `Some` to an `Option`.
struct Replay<'a, 'de, E>(Value<'a, 'de>, PhantomData<E>);

impl<'a, 'de, E> Replay<'a, 'de, E> {
    fn new(value: Value<'a, 'de>) -> Self {
        Replay(value, PhantomData)
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Replay<'_, 'de, E> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Replay<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Value::Str(s) => CowStr::<E>(s.clone(), PhantomData).deserialize_any(visitor),
            Value::Strs(items) => {
                let mut seq =
                    SeqDeserializer::new(items.iter().map(|s| Replay::<E>::new(Value::Str(s))));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Number(Number::U(n)) => visitor.visit_u64(n),
            Value::Number(Number::I(n)) => visitor.visit_i64(n),
            Value::Number(Number::F(n)) => visitor.visit_f64(n),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        // The member is present and not null (null is no registered claim's
        // type), which serde_json presents as `Some`.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.0 {
            Value::Str(s) => {
                CowStr::<E>(s.clone(), PhantomData).deserialize_enum(name, variants, visitor)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// A member name or string value, borrowed from the payload when it had no
/// escapes (so `&'de str` fields keep working) and owned otherwise.
struct CowStr<'de, E>(Cow<'de, str>, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for CowStr<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.0 {
            Cow::Borrowed(s) => {
                BorrowedStrDeserializer::<E>::new(s).deserialize_enum(name, variants, visitor)
            }
            Cow::Owned(s) => s
                .into_deserializer()
                .deserialize_enum(name, variants, visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}
