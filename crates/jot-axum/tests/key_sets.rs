//! The layer over a key set holding post-quantum (ML-DSA, `kty` `AKP`) and
//! classical keys: each token is checked with the key its `kid` names, for
//! the algorithm that key is bound to; a set that mixes HMAC secrets with
//! public keys, or repeats a `kid`, never reaches the layer.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use jot::jwk::{Jwk, JwkSet};
use jot::jwks::LocalKeySet;
use jot::jwt;
use jot::key::{generate_for, SigningKey};
use jot::verifier::{Issuer, Verifier};
use jot::{Algorithm, Error};
use jot_axum::{JwtLayer, Token};
use tower::ServiceExt;

const ISS: &str = "https://issuer.example";

/// A signing key and the JWK it came from (with `kid` and `alg`).
struct Key {
    jwk: Jwk,
    signer: SigningKey,
}

fn signer(alg: Algorithm, kid: &str) -> Key {
    let jwk = generate_for(alg)
        .unwrap()
        .with_kid(kid)
        .with_alg(alg.name());
    let signer = SigningKey::from_jwk(&jwk, alg).unwrap();
    Key { jwk, signer }
}

fn token(key: &Key) -> String {
    jwt::Builder::new()
        .issuer(ISS)
        .audience("api")
        .subject("user-1")
        .expires_in(Duration::from_secs(300))
        .sign(&key.signer)
        .unwrap()
}

async fn alg(token: Token) -> String {
    token.header().alg.to_string()
}

fn app(keys: LocalKeySet) -> Router {
    let verifier = Verifier::new(Issuer::new(ISS, keys).audience("api"));
    Router::new()
        .route("/alg", get(alg))
        .layer(JwtLayer::new(verifier))
}

async fn status_and_body(app: &Router, token: &str) -> (StatusCode, String) {
    let resp = app
        .clone()
        .oneshot(
            Request::get("/alg")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let body = to_bytes(resp.into_body(), 1 << 16).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The public JWK Set of `keys`, as a verifier would fetch or load it.
fn public_set(keys: &[&Key]) -> JwkSet {
    JwkSet::new(keys.iter().map(|k| k.jwk.to_public().unwrap()).collect())
}

#[tokio::test]
async fn ml_dsa_and_es256_keys_in_one_set_each_verify_their_own_tokens() {
    let pq44 = signer(Algorithm::MlDsa44, "pq44");
    let pq65 = signer(Algorithm::MlDsa65, "pq65");
    let pq87 = signer(Algorithm::MlDsa87, "pq87");
    let ec = signer(Algorithm::ES256, "ec");
    let set = public_set(&[&pq44, &pq65, &pq87, &ec]);
    let keys = LocalKeySet::from_jwks(&set, Algorithm::ALL).unwrap();
    let app = app(keys);
    for (key, name) in [
        (&pq44, "ML-DSA-44"),
        (&pq65, "ML-DSA-65"),
        (&pq87, "ML-DSA-87"),
        (&ec, "ES256"),
    ] {
        assert_eq!(
            status_and_body(&app, &token(key)).await,
            (StatusCode::OK, name.to_owned())
        );
    }
}

#[tokio::test]
async fn a_kid_names_one_key_and_one_parameter_set() {
    let pq65 = signer(Algorithm::MlDsa65, "pq");
    let set = public_set(&[&pq65, &signer(Algorithm::ES256, "ec")]);
    let app = app(LocalKeySet::from_jwks(&set, Algorithm::ALL).unwrap());
    // Another ML-DSA-65 key claiming the kid: its signature does not hold.
    let impostor = signer(Algorithm::MlDsa65, "pq");
    assert_eq!(
        status_and_body(&app, &token(&impostor)).await.0,
        StatusCode::UNAUTHORIZED
    );
    // An ML-DSA-44 token naming the ML-DSA-65 key's kid: no key serves it.
    let other_set = signer(Algorithm::MlDsa44, "pq");
    assert_eq!(
        status_and_body(&app, &token(&other_set)).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The genuine token passes.
    assert_eq!(status_and_body(&app, &token(&pq65)).await.0, StatusCode::OK);
}

#[test]
fn sets_that_break_the_rules_are_refused_before_any_layer_exists() {
    let pq = signer(Algorithm::MlDsa65, "pq");
    let hs = signer(Algorithm::HS256, "hs");
    // An HMAC secret beside an ML-DSA public key: refused.
    let mut mixed = public_set(&[&pq]);
    mixed.keys.push(hs.jwk.clone());
    assert_eq!(
        LocalKeySet::from_jwks(&mixed, Algorithm::ALL).unwrap_err(),
        Error::MixedKeySet
    );
    // Two keys with one kid that could verify the same algorithm: refused,
    // naming the kid.
    let twin = signer(Algorithm::MlDsa65, "pq");
    let ambiguous = public_set(&[&pq, &twin]);
    assert_eq!(
        LocalKeySet::from_jwks(&ambiguous, Algorithm::ALL).unwrap_err(),
        Error::DuplicateKid("pq".into())
    );
    // The same kid on keys of different parameter sets is not ambiguous:
    // a token's alg picks one.
    let pq44 = signer(Algorithm::MlDsa44, "pq");
    assert!(LocalKeySet::from_jwks(&public_set(&[&pq, &pq44]), Algorithm::ALL).is_ok());
}
