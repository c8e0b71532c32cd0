//! Verification: explicit, with a key the user gives, never one the token
//! carries (`jwk`, `jku`, `x5u`, `x5c` are shown by the decoder and the lint,
//! never used), and never by re-signing anything.

use std::time::Duration;

use axum::Json;
use jot::jwt::{self, Validation};
use jot::Algorithm;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::decrypt::{open, DecryptRequest};
use super::{blocking, decode, ApiError};
use crate::inspect;
use crate::keys::{self, KeyInput};

/// The validation rules the page lets the user edit.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Rules {
    iss: String,
    aud: String,
    sub: String,
    typ: String,
    /// Seconds; the library's default (60) when absent.
    leeway: Option<u64>,
    require: Vec<String>,
    allow_no_exp: bool,
    /// Allowed algorithms; empty: what the key allows.
    algorithms: Vec<String>,
    /// Accept an HMAC secret shorter than the hash (legacy tokens).
    short_secret: bool,
    /// The lint's lifetime threshold.
    max_lifetime: Option<i64>,
}

#[derive(Deserialize)]
pub struct VerifyRequest {
    token: String,
    key: KeyInput,
    #[serde(default)]
    rules: Rules,
    /// For a nested JWT: decrypt with this first.
    decrypt: Option<DecryptRequest>,
}

pub async fn verify(Json(r): Json<VerifyRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || verify_now(&r)).await.map(Json)
}

fn validation(r: &Rules) -> Result<Validation, ApiError> {
    let mut v = Validation::new();
    let given = |s: &String| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(i) = given(&r.iss) {
        v = v.issuer(i);
    }
    for a in r.aud.split(',').filter_map(|a| given(&a.to_owned())) {
        v = v.audience(a);
    }
    if let Some(s) = given(&r.sub) {
        v = v.subject(s);
    }
    if let Some(t) = given(&r.typ) {
        v = v.typ(t);
    }
    if let Some(l) = r.leeway {
        v = v.leeway(Duration::from_secs(l));
    }
    for c in r.require.iter().filter_map(given) {
        v = v.require(c);
    }
    if r.allow_no_exp {
        v = v.allow_missing_exp();
    }
    let algs = algorithms(&r.algorithms)?;
    if !algs.is_empty() {
        v = v.algorithms(&algs);
    }
    Ok(v)
}

fn algorithms(names: &[String]) -> Result<Vec<Algorithm>, ApiError> {
    names
        .iter()
        .map(|n| {
            Algorithm::from_name(n)
                .ok_or_else(|| ApiError::input(format!("unknown algorithm {n:?}")))
        })
        .collect()
}

/// Which editable rule (or which step) an error is about.
fn rule_of(e: &jot::Error) -> &'static str {
    use jot::Error as E;
    match e {
        E::InvalidSignature => "signature",
        E::Expired => "exp",
        E::NotYetValid => "nbf",
        E::IssuedInFuture | E::TooOld => "iat",
        E::IssuerMismatch => "iss",
        E::AudienceMismatch => "aud",
        E::SubjectMismatch => "sub",
        E::TypeMismatch => "typ",
        E::MissingClaim(_) => "require",
        E::AlgorithmNotAllowed(_) | E::UnsecuredToken | E::UnsupportedAlgorithm(_) => "alg",
        E::NoMatchingKey { .. } | E::AmbiguousKey(..) | E::KeyAlgorithmMismatch { .. } => "key",
        E::DecryptionFailed => "decrypt",
        _ => "token",
    }
}

fn verify_now(r: &VerifyRequest) -> Result<Value, ApiError> {
    let v = validation(&r.rules)?;
    let loaded = r.key.load()?;
    let verifier = keys::verifier(
        &loaded,
        &algorithms(&r.rules.algorithms)?,
        r.rules.short_secret,
    )?;
    let mut token = inspect::inspect(&r.token).token;
    let mut outer = None;
    if let Some(d) = &r.decrypt {
        let opened = open(&token, d)?;
        if !opened.nested {
            return Ok(rejected(&jot::Error::InvalidHeader {
                name: "cty".into(),
                reason: jot::error::HeaderProblem::UnexpectedValue,
            }));
        }
        token = opened.text;
        outer = Some(opened.header);
    }
    let secret = r.key.secret()?;
    let lint = decode::inspected_with_lint(
        &token,
        secret.as_deref().map(|s| &s[..]),
        r.rules.max_lifetime,
    )?["lint"]
        .take();
    let mut doc = match jwt::verify::<Map<String, Value>>(&token, &verifier, &v) {
        Ok(ok) => json!({"valid": true, "header": ok.header.to_map(), "claims": ok.claims}),
        Err(e) => rejected(&e),
    };
    doc["lint"] = lint;
    if let Some(o) = outer {
        doc["outer"] = Value::Object(o);
    }
    Ok(doc)
}

fn rejected(e: &jot::Error) -> Value {
    json!({
        "valid": false,
        "error": {"code": e.code(), "message": e.to_string(), "rule": rule_of(e)},
    })
}
