//! PEM and DER key import (PKCS#8, SPKI, PKCS#1, SEC1, X.509).
#![no_main]

use jot::key::import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = import::from_der(data);
    let _ = import::from_encrypted_der(data, b"password");
    if let Ok(pem) = std::str::from_utf8(data) {
        let _ = import::from_pem(pem);
        let _ = import::from_pem_with_curve(pem, jot::jwk::EcCurve::P256);
    }
});
