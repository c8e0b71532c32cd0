//! JWE decryption (compact or JSON, chosen by the first byte) with the RFC
//! 7520 keys, RSA1_5 and PBES2 allowed so those paths run too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let keys = jot_fuzz::decryption_keys();
    let opts = jot_fuzz::decrypt_options();
    let result = if input.starts_with('{') {
        jot::jwe::json::decrypt(input, &keys, opts)
    } else {
        jot::jwe::compact::decrypt(input, &keys, opts)
    };
    if let Ok(d) = result {
        // decrypt_options() keeps the default limits.
        let max_inflated = jot::limits::Limits::default().max_inflated_len();
        assert!(d.plaintext.len() <= max_inflated.max(input.len()));
    }
});
