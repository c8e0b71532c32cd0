//! The typed payloads of `Error` (issue 11 item 5): a caller can tell why a
//! token, header or key was refused by matching the case, the codes that
//! cross process boundaries are the ones they were, and a name the token
//! chose is kept for the program but not printed.

use jot::error::{Crit, HeaderProblem, InvalidKey, JsonType, KeyMismatch, Malformed, WeakKey};
use jot::jwk::Jwk;
use jot::jws::{compact, VerifyOptions};
use jot::key::{SigningKey, VerifyingKey};
use jot::{Algorithm, Error};

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256() -> VerifyingKey {
    VerifyingKey::hmac(&[7u8; 32], Algorithm::HS256).unwrap()
}

fn verify(token: &str) -> Error {
    compact::verify(token, &hs256(), &VerifyOptions::default()).unwrap_err()
}

fn with_header(header: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(b"{}"),
        b64(&[0; 32])
    )
}

#[test]
fn token_shapes_are_cases_with_the_old_code() {
    let e = verify("a.b");
    assert_eq!(e, Error::Malformed(Malformed::JwsSegments));
    assert_eq!(e.code(), "ERR_MALFORMED");
    assert_eq!(
        e.to_string(),
        "malformed token: a compact JWS has three segments"
    );
}

#[test]
fn crit_keeps_the_name_for_the_program_and_hides_it_from_the_message() {
    let name = "x-a-private-extension-name";
    let e = verify(&with_header(&format!(
        r#"{{"alg":"HS256","crit":["{name}"],"{name}":1}}"#
    )));
    assert_eq!(e, Error::Crit(Crit::NotUnderstood(name.into())));
    assert_eq!(e.code(), "ERR_CRIT");
    let shown = e.to_string();
    assert!(!shown.contains(name), "{shown}");
    assert!(shown.contains("not understood"), "{shown}");

    let e = verify(&with_header(r#"{"alg":"HS256","crit":[]}"#));
    assert_eq!(e, Error::Crit(Crit::Empty));
}

#[test]
fn header_problems_name_the_parameter_and_the_case() {
    let e = verify(&with_header(r#"{"alg":"HS256","kid":7}"#));
    assert_eq!(
        e,
        Error::InvalidHeader {
            name: "kid".into(),
            reason: HeaderProblem::WrongType(JsonType::String),
        }
    );
    assert_eq!(e.code(), "ERR_INVALID_HEADER");
}

#[test]
fn jwk_members_are_named_with_their_lengths() {
    // P-256 coordinates are 32 bytes; this x has 31.
    let jwk = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64(&[1; 31]),
        b64(&[1; 32])
    );
    let e = Jwk::from_json(jwk.as_bytes(), &Default::default()).unwrap_err();
    assert_eq!(
        e,
        Error::InvalidKey(InvalidKey::MemberLength {
            member: "x",
            expected: 32,
            actual: 31,
        })
    );
    assert_eq!(e.code(), "ERR_INVALID_KEY");

    let e = Jwk::from_json(br#"{"crv":"P-256"}"#, &Default::default()).unwrap_err();
    assert_eq!(e, Error::InvalidKey(InvalidKey::MissingMember("kty")));
}

#[test]
fn weak_keys_say_how_weak() {
    let short = Jwk::from_secret(&[7u8; 16]).unwrap();
    let e = SigningKey::from_jwk(&short, Algorithm::HS512).unwrap_err();
    assert_eq!(
        e,
        Error::WeakKey(WeakKey::ShortSecret {
            bytes: 16,
            minimum: 64,
        })
    );
    assert_eq!(e.code(), "ERR_WEAK_KEY");
}

#[test]
fn a_key_for_another_algorithm_says_which_kind_it_is() {
    let mut ed = jot::key::generate_for(Algorithm::Ed25519).unwrap();
    // Its own `alg` is said first ...
    let e = SigningKey::from_jwk(&ed, Algorithm::ES256).unwrap_err();
    assert_eq!(
        e,
        Error::KeyAlgorithmMismatch {
            alg: "ES256".into(),
            reason: KeyMismatch::KeyAlgorithm("Ed25519".into()),
        }
    );
    // ... and without one, what the key is.
    ed.alg = None;
    let e = SigningKey::from_jwk(&ed, Algorithm::ES256).unwrap_err();
    assert_eq!(
        e,
        Error::KeyAlgorithmMismatch {
            alg: "ES256".into(),
            reason: KeyMismatch::KeyIs {
                kty: "OKP",
                subtype: Some("Ed25519"),
            },
        }
    );
    assert_eq!(e.code(), "ERR_KEY_ALG_MISMATCH");
}
