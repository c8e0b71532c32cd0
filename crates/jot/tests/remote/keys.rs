//! Signing keys, their published JWK Set and tokens, for the remote tests.
#![allow(dead_code)]

use std::time::Duration;

use jot::jwk::{Jwk, JwkSet};
use jot::jwt;
use jot::key::{generate_for, SigningKey};
use jot::Algorithm;

pub const ISS: &str = "https://issuer.example";

pub struct Key {
    pub signer: SigningKey,
    pub public: Jwk,
}

pub fn key(kid: &str) -> Key {
    let jwk = generate_for(Algorithm::ES256).unwrap().with_kid(kid);
    Key {
        signer: SigningKey::from_jwk(&jwk, Algorithm::ES256).unwrap(),
        public: jwk.to_public().unwrap(),
    }
}

pub fn published(keys: &[&Key]) -> String {
    JwkSet::new(keys.iter().map(|k| k.public.clone()).collect())
        .to_json()
        .to_string()
}

pub fn token(k: &Key) -> String {
    token_from(k, ISS)
}

pub fn token_from(k: &Key, iss: &str) -> String {
    jwt::Builder::new()
        .issuer(iss)
        .audience("api")
        .expires_in(Duration::from_secs(600))
        .sign(&k.signer)
        .unwrap()
}
