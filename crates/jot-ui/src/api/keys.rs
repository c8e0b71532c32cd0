//! The keys tab: generate, convert PEM ↔ JWK, thumbprint, build a JWK Set;
//! what `jot key` and `jot jwks build` do.

use axum::Json;
use jot::jwe::KeyManagement;
use jot::jwk::{Jwk, JwkSet, KeyUse, OkpCurve, ThumbprintHash};
use jot::key::{algorithms_for, KeySpec};
use jot::Algorithm;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, ApiError};
use crate::keys::KeyInput;

#[derive(Deserialize)]
pub struct GenerateRequest {
    /// A JWS algorithm, or a JWE key management algorithm.
    alg: String,
}

pub async fn generate(Json(r): Json<GenerateRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let jwk = match Algorithm::from_name(&r.alg) {
            Some(a) => jot::key::generate_for(a)?,
            None => {
                let km = KeyManagement::from_name(&r.alg)?;
                jot::key::generate(encryption_spec(km))?
                    .with_alg(km.name())
                    .with_use(KeyUse::Enc)
            }
        };
        let kid = jwk.thumbprint(ThumbprintHash::Sha256);
        Ok(Json(describe(&jwk.with_kid(kid))))
    })
    .await
}

/// The key a JWE key management algorithm needs (RFC 7518 §4).
fn encryption_spec(km: KeyManagement) -> KeySpec {
    let name = km.name();
    let bits_of = |n: &str| n.get(1..4).and_then(|b| b.parse::<usize>().ok());
    if name.starts_with("RSA") {
        KeySpec::Rsa { bits: 2048 }
    } else if name.starts_with("ECDH-ES") {
        KeySpec::Okp(OkpCurve::X25519)
    } else if name == "dir" {
        KeySpec::Oct { bytes: 32 }
    } else if name.starts_with('A') {
        KeySpec::Oct {
            bytes: bits_of(name).unwrap_or(256) / 8,
        }
    } else {
        // PBES2 takes a password, but a random secret works as one.
        KeySpec::Oct { bytes: 32 }
    }
}

#[derive(Deserialize)]
pub struct InspectRequest {
    key: KeyInput,
}

pub async fn inspect(Json(r): Json<InspectRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || Ok(Json(describe(&r.key.load_one()?)))).await
}

/// A key in every form the tab shows.
fn describe(jwk: &Jwk) -> Value {
    let public = if jwk.is_private() {
        jwk.to_public().ok()
    } else {
        Some(jwk.clone())
    };
    let to_value = |k: &Jwk| k.to_value();
    json!({
        "jwk": to_value(jwk),
        "public_jwk": public.as_ref().map(to_value),
        // The page shows the key it was given or generated; the copy lives
        // until the response is written.
        "pem": jwk.to_pem().ok().map(|p| p.as_str().to_owned()),
        "public_pem": public.as_ref().and_then(|p| p.to_pem().ok()).map(|p| p.as_str().to_owned()),
        "thumbprint": jwk.thumbprint(ThumbprintHash::Sha256),
        "private": jwk.is_private(),
        "algorithms": algorithms_for(jwk).iter().map(|a| a.name()).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
pub struct JwksRequest {
    keys: Vec<KeyInput>,
}

/// A JWK Set of the public halves, each with a `kid` (its RFC 7638
/// thumbprint when it had none).
pub async fn jwks(Json(r): Json<JwksRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let mut keys = Vec::new();
        for k in &r.keys {
            let jwk = k.load_one()?;
            let mut public = jwk.to_public()?;
            if public.kid.is_none() {
                let kid = public.thumbprint(ThumbprintHash::Sha256);
                public = public.with_kid(kid);
            }
            keys.push(public);
        }
        // Public halves only: nothing to wipe.
        Ok(Json(Value::clone(&JwkSet::new(keys).to_value())))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_specs() {
        let spec = |n| encryption_spec(KeyManagement::from_name(n).unwrap());
        assert_eq!(spec("A192KW"), KeySpec::Oct { bytes: 24 });
        assert_eq!(spec("A128GCMKW"), KeySpec::Oct { bytes: 16 });
        assert_eq!(spec("RSA-OAEP-256"), KeySpec::Rsa { bits: 2048 });
        assert_eq!(spec("ECDH-ES+A256KW"), KeySpec::Okp(OkpCurve::X25519));
        assert_eq!(spec("dir"), KeySpec::Oct { bytes: 32 });
    }
}
