//! The encoder: signs exactly the header and claims the user wrote, when
//! the user presses the button (never as a side effect of typing).

use axum::Json;
use jot::jws::{self, Header};
use jot::key::SigningKey;
use jot::Algorithm;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{blocking, ApiError};
use crate::keys::KeyInput;

#[derive(Deserialize)]
pub struct SignRequest {
    header: Map<String, Value>,
    /// Usually the claims object; any JSON value is signed as written.
    payload: Value,
    key: KeyInput,
}

pub async fn sign(Json(r): Json<SignRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let header = header(&r.header)?;
        let jwk = r.key.load_one()?;
        let key = SigningKey::from_jwk(&jwk, header.alg)?;
        let payload = serde_json::to_vec(&r.payload).map_err(|_| ApiError::input("bad payload"))?;
        let token = jws::compact::sign_with_header(&payload, &key, Some(&header))?;
        Ok(Json(json!({ "token": token })))
    })
    .await
}

/// The user's header as the library's type, member for member.
fn header(m: &Map<String, Value>) -> Result<Header, ApiError> {
    let alg = m
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::input("the header needs an \"alg\""))?;
    let alg = Algorithm::from_name(alg).ok_or_else(|| {
        ApiError::from(jot::Error::UnsupportedAlgorithm(alg.into()))
            .with_message(format!("jot does not sign with alg {alg:?}"))
    })?;
    let mut h = Header::new(alg);
    let text = |name: &str| -> Result<Option<String>, ApiError> {
        match m.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::input(format!("header {name} must be a string"))),
        }
    };
    h.kid = text("kid")?;
    h.typ = text("typ")?;
    h.cty = text("cty")?;
    if let Some(b) = m.get("b64") {
        h.b64 = b
            .as_bool()
            .ok_or_else(|| ApiError::input("header b64 must be true or false"))?;
    }
    if let Some(c) = m.get("crit") {
        h.crit = serde_json::from_value(c.clone())
            .map_err(|_| ApiError::input("header crit must be an array of names"))?;
    }
    for (k, v) in m {
        if !matches!(k.as_str(), "alg" | "kid" | "typ" | "cty" | "b64" | "crit") {
            h.other.insert(k.clone(), v.clone());
        }
    }
    Ok(h)
}
