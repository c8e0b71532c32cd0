//! Decoding as the user pastes, with the lint panel's findings.

use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::{now, ApiError};
use crate::inspect;
use crate::lint::{self, rules, DEFAULT_MAX_LIFETIME};

#[derive(Deserialize)]
pub struct DecodeRequest {
    token: String,
    /// The lint's lifetime threshold in seconds.
    max_lifetime: Option<i64>,
}

pub async fn decode(Json(r): Json<DecodeRequest>) -> Result<Json<Value>, ApiError> {
    Ok(Json(inspected_with_lint(&r.token, None, r.max_lifetime)?))
}

/// The decoded token and its lint findings (with `secret`, the secret
/// rules too), as one JSON document.
pub fn inspected_with_lint(
    token: &str,
    secret: Option<&[u8]>,
    max_lifetime: Option<i64>,
) -> Result<Value, ApiError> {
    let i = inspect::inspect(token);
    let findings = lint::lint(&lint::Input {
        token: &i,
        secret,
        now: now(),
        max_lifetime: max_lifetime.unwrap_or(DEFAULT_MAX_LIFETIME),
    });
    let mut doc = serde_json::to_value(&i).map_err(|_| ApiError::input("cannot show the token"))?;
    doc["lint"] = serde_json::to_value(findings).unwrap_or_default();
    Ok(doc)
}

/// Every lint rule, for the panel's legend.
pub async fn rules() -> Json<Value> {
    Json(serde_json::to_value(rules::ALL).unwrap_or_default())
}
