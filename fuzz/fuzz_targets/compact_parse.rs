//! Compact JWS parsing: `decode_unverified` (no key) and `verify` with one
//! fixed HMAC key. Neither may panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let _ = jot::jws::compact::decode_unverified(token, &Default::default());
    let _ = jot::jws::compact::verify(token, jot_fuzz::hmac_key(), &Default::default());
    let _ = jot::jwe::compact::decode_header(token, &Default::default());
});
