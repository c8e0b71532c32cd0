//! What handlers get: the verified [`Token`] and the [`Claims`] extractor.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jot::dpop::VerifiedProof;
use jot::jws::Header;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::challenge::{Reason, Rejection};

/// A verified token, put into the request extensions by
/// [`crate::JwtLayer`]. Also an extractor.
#[derive(Debug, Clone)]
pub struct Token {
    pub(crate) header: Header,
    pub(crate) claims: Arc<Map<String, Value>>,
    pub(crate) realm: Arc<str>,
    pub(crate) dpop: Option<Arc<VerifiedProof>>,
}

impl Token {
    /// The verified protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The verified claims set.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The DPoP proof the token came with, if it was presented with the
    /// DPoP scheme (then the proof key is the one the token is bound to).
    pub fn dpop_proof(&self) -> Option<&VerifiedProof> {
        self.dpop.as_deref()
    }

    /// The granted scopes: the RFC 9068 `scope` claim (space-separated), or
    /// the `scp` claim some providers use (a string or an array).
    pub fn scopes(&self) -> Vec<&str> {
        scopes(&self.claims)
    }

    /// The claims as your type.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, jot::Error> {
        // serde's messages can quote claim values: not passed on.
        T::deserialize(&Value::Object(Map::clone(&self.claims))).map_err(|_| {
            jot::Error::ClaimsType(jot::error::ClaimsType::Deserialize(
                "the claims do not have the shape this route expects".into(),
            ))
        })
    }
}

pub(crate) fn scopes(claims: &Map<String, Value>) -> Vec<&str> {
    match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) | (None, Some(Value::String(s))) => {
            s.split_whitespace().collect()
        }
        (None, Some(Value::Array(a))) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn missing_layer() -> Rejection {
    Rejection::new(
        Arc::from(""),
        Reason::Misconfigured("the route reads a token but JwtLayer is not installed"),
    )
}

impl<S: Send + Sync> FromRequestParts<S> for Token {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Rejection> {
        parts
            .extensions
            .get::<Token>()
            .cloned()
            .ok_or_else(missing_layer)
    }
}

/// Extracts the verified claims as `T` (any `Deserialize` type, e.g.
/// [`jot::jwt::Claims`] or your own struct). Claims that do not fit `T`
/// answer 401 `invalid_token`.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Claims<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Rejection> {
        let token = parts.extensions.get::<Token>().ok_or_else(missing_layer)?;
        token
            .deserialize()
            .map(Claims)
            .map_err(|e| Rejection::new(token.realm.clone(), Reason::InvalidToken(e)))
    }
}
