//! JWS verification (compact or JSON, chosen by the first byte) against the
//! RFC 7520 key set, so that mutated RFC examples reach the signature
//! algorithms themselves.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let keys = jot_fuzz::verifying_keys();
    if input.starts_with('{') {
        if let Ok(v) = jot::jws::json::verify(input, keys, &Default::default()) {
            assert!(v.signature_index < 16);
        }
    } else if let Ok(v) = jot::jws::compact::verify(input, keys, &Default::default()) {
        // A verified compact JWS re-verifies identically.
        let again =
            jot::jws::compact::verify(input, keys, &Default::default()).expect("verified once");
        assert_eq!(again, v);
    }
});
