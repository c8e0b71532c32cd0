//! `jot sign`: build a claims set and sign it as a compact JWT.

use jot::jwt::Builder;
use serde_json::{Map, Value};

use super::{json_pairs, split_pair};
use crate::cli::SignArgs;
use crate::duration;
use crate::error::{Failure, Result};
use crate::input;
use crate::keys;
use crate::output;

pub fn run(a: SignArgs) -> Result<u8> {
    let now = output::now_unix();
    let claims = match a.claims.as_deref() {
        None => Map::new(),
        Some(arg) => read_claims(&input::file_or_stdin(Some(arg), "claims")?)?,
    };
    let mut b = Builder::from_claims(&claims).map_err(|e| Failure::config("claims", &e))?;
    for kv in &a.claims_kv {
        let (name, value) = split_pair("--claim", kv, "NAME=VALUE")?;
        // VALUE is JSON when it parses (numbers, arrays, true), else text.
        let v = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.into()));
        b = b
            .claim(name, v)
            .map_err(|e| Failure::config("--claim", &e))?;
    }
    if let Some(v) = a.iss {
        b = b.issuer(v);
    }
    if let Some(v) = a.sub {
        b = b.subject(v);
    }
    match a.aud.as_slice() {
        [] => {}
        [one] => b = b.audience(one.clone()),
        many => b = b.audiences(many.iter().cloned()),
    }
    if let Some(v) = a.jti {
        b = b.jwt_id(v);
    }
    if a.random_jti {
        b = b.random_jwt_id();
    }
    if let Some(v) = a.exp.as_deref() {
        b = b.expires_at(duration::instant("--exp", v, now)?);
    }
    if let Some(v) = a.nbf.as_deref() {
        b = b.not_before(duration::instant("--nbf", v, now)?);
    }
    if a.no_iat {
        b = b.no_issued_at();
    }
    if let Some(t) = a.typ.as_deref() {
        b = b.typ(Some(t));
    }
    if let Some(k) = a.kid.as_deref() {
        b = b.key_id(k);
    }
    for (name, v) in json_pairs("--header", &a.headers)? {
        b = b
            .header(name.clone(), v)
            .map_err(|e| Failure::config(format!("--header {name}"), &e))?;
    }
    b = b.at(now);
    let loaded = keys::from_args(&a.key)?;
    let key = keys::signing_key(&loaded, a.alg, a.kid.as_deref())?;
    let token = b
        .sign(&key)
        .map_err(|e| Failure::config("cannot sign the token", &e))?;
    output::println(&token)?;
    Ok(0)
}

/// Parses CLAIMS: a JSON object, or the output of `jot decode --json`
/// (whose `payload` member is then the claims set).
fn read_claims(bytes: &[u8]) -> Result<Map<String, Value>> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        Failure::usage(format!("CLAIMS is not valid JSON: {e}"))
            .hint("pass a JSON object, e.g. '{\"sub\":\"alice\"}', or omit CLAIMS for {}")
    })?;
    let Value::Object(mut m) = v else {
        return Err(Failure::usage("CLAIMS must be a JSON object"));
    };
    if m.get("unverified") == Some(&Value::Bool(true)) && m.contains_key("header") {
        return match m.remove("payload") {
            Some(Value::Object(p)) => Ok(p),
            _ => Err(Failure::usage(
                "this `jot decode --json` output has no JSON object payload to sign",
            )),
        };
    }
    Ok(m)
}
