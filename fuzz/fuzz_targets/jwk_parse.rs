//! JWK and JWK Set parsing, then everything a parsed key can be asked to do
//! without a token: thumbprint, public half, serialization round trip,
//! preparation for every algorithm.
#![no_main]

use jot::jwk::{Jwk, JwkSet, ThumbprintHash};
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;
use libfuzzer_sys::fuzz_target;

fn exercise(jwk: &Jwk) {
    let _ = jwk.thumbprint(ThumbprintHash::Sha256);
    let _ = jwk.to_public();
    let again = Jwk::from_json(jwk.to_json().as_bytes(), &Default::default());
    assert_eq!(again.as_ref(), Ok(jwk), "JWK serialization round trip");
    for alg in jot::key::algorithms_for(jwk) {
        let _ = VerifyingKey::from_jwk(jwk, alg);
        if jwk.is_private() && !matches!(alg, Algorithm::RS256 | Algorithm::PS256) {
            // RSA key preparation checks the CRT values and is slow: once
            // per algorithm family is enough.
            let _ = SigningKey::from_jwk(jwk, alg);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(jwk) = Jwk::from_json(data, &Default::default()) {
        exercise(&jwk);
    }
    if let Ok(set) = JwkSet::from_json(data, &Default::default()) {
        for jwk in &set.keys {
            exercise(jwk);
        }
        let _ = set.to_json();
        let _ = jot::jwks::LocalKeySet::from_jwks(&set, Algorithm::ALL);
    }
});
