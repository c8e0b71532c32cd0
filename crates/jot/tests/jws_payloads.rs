//! Payloads at the edges (issue 12, defects 1 and 3): the empty payload is
//! a payload, not a detached one (RFC 7515 §7.1), and a detached unencoded
//! payload may be any bytes (RFC 7797 §5.2).

use jot::jws::{compact, json, Header, VerifyOptions};
use jot::key::SigningKey;
use jot::{Algorithm, Error};

fn key() -> SigningKey {
    SigningKey::hmac(&[9u8; 32], Algorithm::HS256).unwrap()
}

fn opts() -> VerifyOptions {
    VerifyOptions::default()
}

fn header(b64: bool) -> Header {
    let mut h = Header::new(Algorithm::HS256);
    h.b64 = b64;
    h
}

#[test]
fn empty_payload_verifies_as_the_empty_payload() {
    let k = key();
    let v = k.verifying_key().unwrap();
    for b64 in [true, false] {
        let token = compact::sign_with_header(b"", &k, Some(&header(b64))).unwrap();
        assert_eq!(token.split('.').nth(1), Some(""), "{token}");
        let verified = compact::verify(&token, &v, &opts()).unwrap();
        assert!(verified.payload.is_empty());
        // The same token read as detached, with the empty payload, agrees.
        compact::verify_detached(&token, b"", &v, &opts()).unwrap();
        let signer = json::Signer {
            key: &k,
            protected: Some(header(b64)),
            unprotected: None,
        };
        let general = json::sign_general(b"", &[signer], false).unwrap();
        assert!(general.contains("\"payload\":\"\""), "{general}");
        assert!(json::verify(&general, &v, &opts())
            .unwrap()
            .payload
            .is_empty());
    }
    // A signature over another payload does not verify as empty.
    let other = compact::sign(b"x", &k).unwrap();
    let parts: Vec<&str> = other.split('.').collect();
    let emptied = format!("{}..{}", parts[0], parts[2]);
    assert_eq!(
        compact::verify(&emptied, &v, &opts()).unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn detached_unencoded_payloads_are_any_bytes() {
    let k = key();
    let v = k.verifying_key().unwrap();
    let payloads: [&[u8]; 4] = [&[0xff, 0x00, 0xfe], b"", b"a.b.c", b"..\n"];
    for payload in payloads {
        for b64 in [true, false] {
            let token = compact::sign_detached(payload, &k, Some(&header(b64))).unwrap();
            assert_eq!(token.split('.').nth(1), Some(""));
            compact::verify_detached(&token, payload, &v, &opts()).unwrap();
            assert_eq!(
                compact::verify_detached(&token, b"other", &v, &opts()).unwrap_err(),
                Error::InvalidSignature
            );
            let signer = json::Signer {
                key: &k,
                protected: Some(header(b64)),
                unprotected: None,
            };
            let flat = json::sign_flattened(payload, &signer, true).unwrap();
            assert_eq!(
                json::verify_detached(&flat, payload, &v, &opts())
                    .unwrap()
                    .payload,
                payload
            );
        }
    }
    // Attached, an unencoded compact payload still has to be text without '.'.
    for bad in [&[0xffu8][..], b"a.b"] {
        assert!(matches!(
            compact::sign_with_header(bad, &k, Some(&header(false))),
            Err(Error::Malformed(_))
        ));
    }
}
