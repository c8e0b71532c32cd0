//! JWT claims validation over arbitrary payload bytes: the input is signed
//! with a fixed HMAC key inside the target, so the signature always
//! verifies and the claim parser and validator see whatever the fuzzer
//! produced.
#![no_main]

use std::sync::OnceLock;

use jot::jwt::{self, Claims, Validation};
use jot::key::SigningKey;
use jot::Algorithm;
use libfuzzer_sys::fuzz_target;

fn signer() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let jwk = jot::jwk::Jwk::from_json(include_bytes!("../keys/hmac.jwk"), &Default::default())
            .expect("key");
        SigningKey::from_jwk(&jwk, Algorithm::HS256).expect("HMAC key")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = jot::jws::compact::sign(data, signer()) else {
        return;
    };
    let key = jot_fuzz::hmac_key();
    let strict = Validation::new()
        .issuer("hobbiton.example")
        .audience("fuzz")
        .require("jti")
        .max_age(std::time::Duration::from_secs(3600))
        .at(1_300_819_000);
    let lenient = Validation::new()
        .allow_missing_exp()
        .insecure_skip_audience()
        .at(1_300_819_000);
    for rules in [&strict, &lenient] {
        let _ = jwt::verify::<Claims>(&token, key, rules);
        let _ = jwt::verify::<serde_json::Value>(&token, key, rules);
    }
});
