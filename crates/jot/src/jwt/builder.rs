//! Building and signing a JWT.

use crate::error::ClaimsType;
use crate::error::{HeaderProblem, JsonType};
use serde::Serialize;
use serde_json::{Map, Value};
use std::time::Duration;

use super::claims::{now_unix, Audience};
use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::jws::Header;
use crate::key::SigningKey;

/// Builds a claims set and header, then signs.
///
/// ```
/// # use jot::{jwt, key::SigningKey, Algorithm};
/// # use std::time::Duration;
/// let key = SigningKey::hmac(&[7u8; 32], Algorithm::HS256)?;
/// let token = jwt::Builder::new()
///     .issuer("https://issuer.example")
///     .subject("user-1")
///     .audience("api")
///     .expires_in(Duration::from_secs(3600))
///     .random_jwt_id()
///     .claim("roles", ["admin"])?
///     .sign(&key)?;
/// assert_eq!(token.split('.').count(), 3);
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    claims: Map<String, Value>,
    typ: Option<String>,
    cty: Option<String>,
    kid: Option<String>,
    extra_header: Map<String, Value>,
    issued_at: bool,
    now: Option<i64>,
    exp_in: Option<i64>,
    nbf_in: Option<i64>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            claims: Map::new(),
            typ: Some("JWT".into()),
            cty: None,
            kid: None,
            extra_header: Map::new(),
            issued_at: true,
            now: None,
            exp_in: None,
            nbf_in: None,
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl Builder {
    /// An empty claims set; `iat` will be set to the signing time and `typ`
    /// to `JWT` unless changed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from any serializable claims object (its members are kept;
    /// registered claims set on the builder override them).
    pub fn from_claims<T: Serialize + ?Sized>(claims: &T) -> Result<Self> {
        match serde_json::to_value(claims).map_err(|e| Error::json(Part::Payload, &e))? {
            Value::Object(m) => Ok(Builder {
                claims: m,
                ..Self::default()
            }),
            _ => Err(Error::ClaimsType(ClaimsType::NotObject)),
        }
    }

    /// Sets any claim.
    pub fn claim(mut self, name: impl Into<String>, value: impl Serialize) -> Result<Self> {
        let v = serde_json::to_value(value).map_err(|e| Error::json(Part::Payload, &e))?;
        self.claims.insert(name.into(), v);
        Ok(self)
    }

    fn set(mut self, name: &str, v: Value) -> Self {
        self.claims.insert(name.into(), v);
        self
    }

    /// `iss`.
    pub fn issuer(self, iss: impl Into<String>) -> Self {
        self.set("iss", Value::String(iss.into()))
    }

    /// `sub`.
    pub fn subject(self, sub: impl Into<String>) -> Self {
        self.set("sub", Value::String(sub.into()))
    }

    /// `aud` as a single string (call [`Builder::audiences`] for several).
    pub fn audience(self, aud: impl Into<String>) -> Self {
        self.set("aud", Value::String(aud.into()))
    }

    /// `aud` as an array.
    pub fn audiences<I: IntoIterator<Item = S>, S: Into<String>>(self, auds: I) -> Self {
        let v = Audience::Many(auds.into_iter().map(Into::into).collect());
        self.set("aud", serde_json::to_value(v).unwrap_or(Value::Null))
    }

    /// `jti`.
    pub fn jwt_id(self, jti: impl Into<String>) -> Self {
        self.set("jti", Value::String(jti.into()))
    }

    /// A random 128-bit `jti` (base64url).
    pub fn random_jwt_id(self) -> Self {
        let mut bytes = [0u8; 16];
        // A failing system RNG leaves jti unset rather than predictable;
        // sign() then reports the failure.
        if crate::backend::fill_random(&mut bytes).is_err() {
            return self.set("jti", Value::Null);
        }
        self.jwt_id(b64::encode(bytes))
    }

    /// `exp` at an absolute UNIX time.
    pub fn expires_at(mut self, unix: i64) -> Self {
        self.exp_in = None;
        self.set_num("exp", unix)
    }

    /// `exp` relative to the signing time.
    pub fn expires_in(mut self, d: Duration) -> Self {
        self.exp_in = Some(secs(d));
        self
    }

    /// `nbf` at an absolute UNIX time.
    pub fn not_before(mut self, unix: i64) -> Self {
        self.nbf_in = None;
        self.set_num("nbf", unix)
    }

    /// `nbf` relative to the signing time.
    pub fn not_before_in(mut self, d: Duration) -> Self {
        self.nbf_in = Some(secs(d));
        self
    }

    /// Leaves `iat` out.
    pub fn no_issued_at(mut self) -> Self {
        self.issued_at = false;
        self
    }

    /// Uses this UNIX time as "now" for `iat` and relative times.
    pub fn at(mut self, unix: i64) -> Self {
        self.now = Some(unix);
        self
    }

    /// The `typ` header (`JWT` by default; `None` leaves it out).
    pub fn typ(mut self, typ: Option<&str>) -> Self {
        self.typ = typ.map(str::to_owned);
        self
    }

    /// The `cty` header.
    pub fn content_type(mut self, cty: impl Into<String>) -> Self {
        self.cty = Some(cty.into());
        self
    }

    /// The `kid` header (overrides the key's own).
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Any other header member. `alg`, `crit` and `b64` are refused.
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Result<Self> {
        let name = name.into();
        if matches!(name.as_str(), "alg" | "crit" | "b64" | "enc") {
            return Err(Error::header(&name, HeaderProblem::SetByJot));
        }
        self.extra_header.insert(name, value);
        Ok(self)
    }

    fn set_num(self, name: &str, v: i64) -> Self {
        self.set(name, Value::from(v))
    }

    /// The claims set as it would be signed now.
    pub fn claims(&self) -> Map<String, Value> {
        let now = self.now.unwrap_or_else(now_unix);
        let mut c = self.claims.clone();
        if self.issued_at {
            c.insert("iat".into(), Value::from(now));
        }
        if let Some(d) = self.exp_in {
            c.insert("exp".into(), Value::from(now.saturating_add(d)));
        }
        if let Some(d) = self.nbf_in {
            c.insert("nbf".into(), Value::from(now.saturating_add(d)));
        }
        c
    }

    /// Signs with `key`, producing a compact JWT.
    pub fn sign(&self, key: &SigningKey) -> Result<String> {
        let claims = self.claims();
        if claims.get("jti") == Some(&Value::Null) {
            return Err(Error::Crypto("random number generation failed"));
        }
        let payload = serde_json::to_vec(&claims).map_err(|e| Error::json(Part::Payload, &e))?;
        let default_header = self.typ.as_deref() == Some("JWT")
            && self.cty.is_none()
            && self.extra_header.is_empty()
            && self.kid.as_deref().is_none_or(|k| Some(k) == key.kid());
        if default_header {
            return super::sign_payload(&payload, key);
        }
        let mut header = Header::new(key.algorithm());
        header.typ = self.typ.clone();
        header.cty = self.cty.clone();
        header.kid = self.kid.clone().or_else(|| key.kid().map(str::to_owned));
        for (k, v) in &self.extra_header {
            match (k.as_str(), v) {
                ("kid", Value::String(s)) => header.kid = Some(s.clone()),
                ("typ", Value::String(s)) => header.typ = Some(s.clone()),
                ("cty", Value::String(s)) => header.cty = Some(s.clone()),
                ("kid" | "typ" | "cty", _) => {
                    return Err(Error::header(k, HeaderProblem::WrongType(JsonType::String)))
                }
                _ => {
                    header.other.insert(k.clone(), v.clone());
                }
            }
        }
        crate::jws::compact::sign_with_header(&payload, key, Some(&header))
    }
}
