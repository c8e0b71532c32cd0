//! The header memo behind `KeyResolver::known_header`: a token whose encoded
//! header equals the first plain header that verified through a key skips
//! header decoding. It must never change what verification accepts.

use jot::jwks::LocalKeySet;
use jot::jws::KeyResolver;
use jot::jws::{compact, Header};
use jot::key::{SigningKey, VerifyingKey};
use jot::limits::Limits;
use jot::{jwt, Algorithm, Error};

fn keys() -> (SigningKey, VerifyingKey) {
    let sk = SigningKey::hmac(&[9u8; 32], Algorithm::HS256).unwrap();
    let vk = sk.verifying_key().unwrap();
    (sk, vk)
}

/// Whether `keys` remember any of the headers of `tokens`.
fn remembers(keys: &impl KeyResolver, tokens: &[&str]) -> bool {
    tokens.iter().any(|t| {
        let encoded = t.split('.').next().unwrap();
        keys.known_header(encoded).is_some()
    })
}

fn with_header(sk: &SigningKey, header: &Header, payload: &[u8]) -> String {
    compact::sign_with_header(payload, sk, Some(header)).unwrap()
}

#[test]
fn remembered_header_gives_the_same_result_as_parsing() {
    let (sk, vk) = keys();
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("k1".into());
    h.typ = Some("JWT".into());
    let t1 = with_header(&sk, &h, b"one");
    assert!(!remembers(&vk, &[&t1]));
    let first = compact::verify(&t1, &vk, &Default::default()).unwrap();
    assert!(
        remembers(&vk, &[&t1]),
        "a plain header that verified is remembered"
    );
    assert_eq!(
        vk.known_header(t1.split('.').next().unwrap()),
        Some(first.header.clone())
    );
    let t2 = with_header(&sk, &h, b"two");
    let second = compact::verify(&t2, &vk, &Default::default()).unwrap();
    assert_eq!(first.header, second.header);
    assert_eq!(second.header.kid.as_deref(), Some("k1"));
    assert_eq!(second.payload, b"two");
    // A fresh key parses from scratch and agrees.
    let (_, fresh) = keys();
    assert_eq!(
        compact::verify(&t2, &fresh, &Default::default()).unwrap(),
        second
    );
}

#[test]
fn a_failed_verification_remembers_nothing() {
    let (_, vk) = keys();
    let other = SigningKey::hmac(&[1u8; 32], Algorithm::HS256).unwrap();
    let forged = compact::sign(b"x", &other).unwrap();
    assert_eq!(
        compact::verify(&forged, &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
    assert!(!remembers(&vk, &[&forged]));
}

#[test]
fn remembered_header_does_not_excuse_a_bad_signature() {
    let (sk, vk) = keys();
    let good = compact::sign(b"x", &sk).unwrap();
    compact::verify(&good, &vk, &Default::default()).unwrap();
    assert!(remembers(&vk, &[&good]));
    let (head, _) = good.rsplit_once('.').unwrap();
    let other = SigningKey::hmac(&[1u8; 32], Algorithm::HS256).unwrap();
    let forged_sig = compact::sign(b"x", &other).unwrap();
    let forged = format!("{head}.{}", forged_sig.rsplit_once('.').unwrap().1);
    assert_eq!(
        compact::verify(&forged, &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn limits_still_apply_to_a_remembered_header() {
    let (sk, vk) = keys();
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("a-rather-long-key-identifier-0123456789".into());
    let t = with_header(&sk, &h, b"x");
    compact::verify(&t, &vk, &Default::default()).unwrap();
    assert!(remembers(&vk, &[&t]));
    let strict = Limits::default().with_max_header_len(20).unwrap();
    assert!(matches!(
        compact::verify(&t, &vk, &jot::jws::VerifyOptions::new().limits(strict)),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn headers_with_extensions_are_never_remembered() {
    let (sk, vk) = keys();
    let mut crit = Header::new(Algorithm::HS256);
    crit.b64 = false;
    crit.crit = vec!["b64".into()];
    let t = compact::sign_with_header(b"plain", &sk, Some(&crit)).unwrap();
    compact::verify(&t, &vk, &Default::default()).unwrap();
    assert!(
        !remembers(&vk, &[&t]),
        "b64/crit headers are parsed every time"
    );
    let mut extra = Header::new(Algorithm::HS256);
    extra
        .other
        .insert("x5u".into(), serde_json::json!("https://example.com"));
    let t = with_header(&sk, &extra, b"x");
    compact::verify(&t, &vk, &Default::default()).unwrap();
    assert!(
        !remembers(&vk, &[&t]),
        "headers with other members are parsed every time"
    );
}

#[test]
fn jwt_rules_still_see_the_remembered_header() {
    let (sk, vk) = keys();
    let token = jwt::Builder::new()
        .expires_in(std::time::Duration::from_secs(60))
        .sign(&sk)
        .unwrap();
    let rules = jwt::Validation::new();
    jwt::verify::<serde_json::Value>(&token, &vk, &rules).unwrap();
    assert!(remembers(&vk, &[&token]));
    // typ is "JWT": a rule asking for another type fails on the memo path
    // exactly as on the parsing path.
    let at = jwt::Validation::new().typ("at+jwt");
    assert_eq!(
        jwt::verify::<serde_json::Value>(&token, &vk, &at),
        Err(Error::TypeMismatch)
    );
    let only512 = jwt::Validation::new().algorithms(&[Algorithm::HS512]);
    assert!(matches!(
        jwt::verify::<serde_json::Value>(&token, &vk, &only512),
        Err(Error::AlgorithmNotAllowed(_))
    ));
}

#[test]
fn a_key_set_remembers_per_key_and_still_selects_by_kid() {
    let a = SigningKey::hmac(&[1u8; 32], Algorithm::HS256)
        .unwrap()
        .with_kid("a");
    let b = SigningKey::hmac(&[2u8; 32], Algorithm::HS256)
        .unwrap()
        .with_kid("b");
    let set = LocalKeySet::from_keys(vec![a.verifying_key().unwrap(), b.verifying_key().unwrap()])
        .unwrap();
    let ta = compact::sign(b"from a", &a).unwrap();
    let tb = compact::sign(b"from b", &b).unwrap();
    compact::verify(&ta, &set, &Default::default()).unwrap();
    assert!(remembers(&set, &[&ta]) && !remembers(&set, &[&tb]));
    compact::verify(&tb, &set, &Default::default()).unwrap();
    assert!(remembers(&set, &[&ta]) && remembers(&set, &[&tb]));
    // Both headers remembered, each token still needs its own key: the
    // remembered header says kid "a", and only a's key verifies it.
    let head_a = ta.split('.').next().unwrap();
    let forged = format!("{head_a}.{}", tb.split_once('.').unwrap().1);
    assert_eq!(
        compact::verify(&forged, &set, &Default::default()),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        compact::verify(&tb, &set, &Default::default())
            .unwrap()
            .payload,
        b"from b"
    );
}
