//! JWS JSON serialization (general and flattened) parsing and verification
//! with one fixed HMAC key, attached and detached.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(jws) = std::str::from_utf8(data) else {
        return;
    };
    let key = jot_fuzz::hmac_key();
    let _ = jot::jws::json::verify(jws, key, &Default::default());
    let _ = jot::jws::json::verify_detached(jws, b"detached payload", key, &Default::default());
});
