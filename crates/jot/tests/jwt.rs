//! JWT building and validation, seen from outside.

use std::time::Duration;

use jot::jwt::{self, Claims, Validation};
use jot::key::{SigningKey, VerifyingKey};
use jot::{Algorithm, Error};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn keys() -> (SigningKey, VerifyingKey) {
    let s = SigningKey::hmac(SECRET, Algorithm::HS256).unwrap();
    let v = s.verifying_key().unwrap();
    (s, v)
}

/// Signs an arbitrary claims object (no builder defaults).
fn token(claims: Value) -> String {
    jwt::sign(&claims, &keys().0).unwrap()
}

fn check(token: &str, v: Validation) -> Result<Map<String, Value>, Error> {
    jwt::verify::<Map<String, Value>>(token, &keys().1, &v.at(NOW)).map(|v| v.claims)
}

#[test]
fn builder_round_trip_with_typed_claims() {
    #[derive(serde::Deserialize, Debug)]
    struct Mine {
        roles: Vec<String>,
    }
    let (s, v) = keys();
    let t = jwt::Builder::new()
        .issuer("https://iss")
        .subject("u1")
        .audiences(["a", "b"])
        .expires_in(Duration::from_secs(600))
        .not_before_in(Duration::from_secs(0))
        .random_jwt_id()
        .claim("roles", ["admin"])
        .unwrap()
        .at(NOW)
        .sign(&s)
        .unwrap();
    let got = jwt::verify::<Claims<Mine>>(
        &t,
        &v,
        &Validation::new()
            .issuer("https://iss")
            .audience("b")
            .subject("u1")
            .at(NOW),
    )
    .unwrap();
    assert_eq!(got.header.typ.as_deref(), Some("JWT"));
    assert_eq!(got.claims.extra.roles, ["admin"]);
    assert_eq!(got.claims.exp.unwrap().0, NOW + 600);
    assert_eq!(got.claims.iat.unwrap().0, NOW);
    assert_eq!(got.claims.jti.as_ref().map(|j| j.len()), Some(22));
}

#[test]
fn exp_is_required_by_default() {
    let t = token(json!({"sub": "x"}));
    assert_eq!(
        check(&t, Validation::new()),
        Err(Error::MissingClaim("exp".into()))
    );
    assert!(check(&t, Validation::new().allow_missing_exp()).is_ok());
}

#[test]
fn expiry_with_leeway() {
    let t = token(json!({"exp": NOW - 30}));
    assert!(
        check(&t, Validation::new()).is_ok(),
        "inside the 60 s leeway"
    );
    let t = token(json!({"exp": NOW - 61}));
    let e = check(&t, Validation::new()).unwrap_err();
    assert_eq!(e, Error::Expired);
    assert_eq!(e.code(), "ERR_JWT_EXPIRED");
    let t = token(json!({"exp": NOW - 30}));
    assert_eq!(
        check(&t, Validation::new().leeway(Duration::ZERO)),
        Err(Error::Expired)
    );
}

#[test]
fn nbf_and_iat_in_the_future() {
    let t = token(json!({"exp": NOW + 999, "nbf": NOW + 120}));
    assert_eq!(check(&t, Validation::new()), Err(Error::NotYetValid));
    let t = token(json!({"exp": NOW + 999, "iat": NOW + 120}));
    assert_eq!(check(&t, Validation::new()), Err(Error::IssuedInFuture));
    let t = token(json!({"exp": NOW + 999, "nbf": NOW + 30, "iat": NOW + 30}));
    assert!(check(&t, Validation::new()).is_ok());
}

/// CVE-2026-25537: a NumericDate of the wrong JSON type must be an error,
/// never treated as absent.
#[test]
fn wrong_typed_time_claims_are_errors() {
    for (name, v) in [
        ("exp", json!("9999999999")),
        ("exp", json!(null)),
        ("exp", json!(true)),
        ("nbf", json!("0")),
        ("iat", json!([1])),
        ("exp", json!({"a": 1})),
    ] {
        let mut c = json!({"exp": NOW + 100});
        c[name] = v;
        let e = check(&token(c), Validation::new().allow_missing_exp()).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidClaim { name: n, .. } if n == name),
            "{name}: {e:?}"
        );
        assert_eq!(e.code(), "ERR_JWT_CLAIM_INVALID");
    }
}

#[test]
fn issuer_audience_subject() {
    let t = token(json!({"exp": NOW + 100, "iss": "https://a", "aud": ["x", "y"], "sub": "s"}));
    assert!(check(&t, Validation::new().issuer("https://a").audience("y")).is_ok());
    assert_eq!(
        check(&t, Validation::new().issuer("https://a/").audience("y")),
        Err(Error::IssuerMismatch)
    );
    assert_eq!(
        check(&t, Validation::new().audience("z")),
        Err(Error::AudienceMismatch)
    );
    // aud present but nobody said who we are: RFC 7519 §4.1.3 says reject.
    assert_eq!(check(&t, Validation::new()), Err(Error::AudienceMismatch));
    assert!(check(&t, Validation::new().insecure_skip_audience()).is_ok());
    assert_eq!(
        check(&t, Validation::new().audience("x").subject("t")),
        Err(Error::SubjectMismatch)
    );
    let t = token(json!({"exp": NOW + 100}));
    assert_eq!(
        check(&t, Validation::new().audience("x")),
        Err(Error::MissingClaim("aud".into()))
    );
    assert_eq!(
        check(&t, Validation::new().issuer("i")),
        Err(Error::MissingClaim("iss".into()))
    );
    // aud must be a string or an array of strings
    for bad in [json!(1), json!([1]), json!({"x": 1})] {
        let t = token(json!({"exp": NOW + 100, "aud": bad}));
        assert!(matches!(
            check(&t, Validation::new().audience("x")),
            Err(Error::InvalidClaim { .. })
        ));
    }
    // iss must be a string, compared exactly
    let t = token(json!({"exp": NOW + 100, "iss": ["https://a"]}));
    assert!(matches!(
        check(&t, Validation::new().issuer("https://a")),
        Err(Error::InvalidClaim { .. })
    ));
}

#[test]
fn required_claims_and_max_age() {
    let t = token(json!({"exp": NOW + 100, "iat": NOW - 500, "scope": "read"}));
    assert!(check(&t, Validation::new().require("scope").require("iat")).is_ok());
    assert_eq!(
        check(&t, Validation::new().require("jti")),
        Err(Error::MissingClaim("jti".into()))
    );
    assert_eq!(
        check(&t, Validation::new().require("tenant")),
        Err(Error::MissingClaim("tenant".into()))
    );
    assert_eq!(
        check(&t, Validation::new().max_age(Duration::from_secs(300))),
        Err(Error::TooOld)
    );
    assert!(check(&t, Validation::new().max_age(Duration::from_secs(600))).is_ok());
    let t = token(json!({"exp": NOW + 100}));
    assert_eq!(
        check(&t, Validation::new().max_age(Duration::from_secs(600))),
        Err(Error::MissingClaim("iat".into()))
    );
}

#[test]
fn duplicate_registered_claims_rejected() {
    // Built by hand: serde_json would not produce duplicates.
    let payload = format!(r#"{{"exp":{},"exp":{}}}"#, NOW - 1000, NOW + 1000);
    let t = jot::jws::compact::sign(payload.as_bytes(), &keys().0).unwrap();
    assert!(matches!(
        check(&t, Validation::new()),
        Err(Error::InvalidClaim { .. })
    ));
}

#[test]
fn typ_header() {
    let (s, _) = keys();
    let t = jwt::Builder::new()
        .typ(Some("at+jwt"))
        .at(NOW)
        .expires_at(NOW + 10)
        .sign(&s)
        .unwrap();
    assert!(check(&t, Validation::new().typ("application/at+jwt")).is_ok());
    let t = jwt::Builder::new()
        .at(NOW)
        .expires_at(NOW + 10)
        .sign(&s)
        .unwrap();
    assert_eq!(
        check(&t, Validation::new().typ("at+jwt")),
        Err(Error::TypeMismatch)
    );
}

#[test]
fn algorithm_allowlist_and_key_binding() {
    let t = token(json!({"exp": NOW + 100}));
    assert_eq!(
        check(&t, Validation::new().algorithms(&[Algorithm::HS512])),
        Err(Error::AlgorithmNotAllowed("HS256".into()))
    );
    // A key prepared for HS512 does not verify an HS256 token.
    let k512 = VerifyingKey::hmac(&[1u8; 64], Algorithm::HS512).unwrap();
    assert_eq!(
        jwt::verify::<Value>(&t, &k512, &Validation::new().at(NOW)).unwrap_err(),
        Error::AlgorithmNotAllowed("HS256".into())
    );
}

#[test]
fn jwe_and_json_forms_are_not_jwts() {
    let jwe =
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(check(jwe, Validation::new()), Err(Error::NotJws));
    assert!(matches!(
        check(r#"{"payload":"e30","signature":"AA"}"#, Validation::new()),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn tampering_is_detected() {
    let t = token(json!({"exp": NOW + 100, "admin": false}));
    let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
    parts[1] = jot::encoding::b64::encode(format!(r#"{{"exp":{},"admin":true}}"#, NOW + 100));
    assert_eq!(
        check(&parts.join("."), Validation::new()),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn claims_type_mismatch_is_reported() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Needs {
        tenant: String,
    }
    let t = token(json!({"exp": NOW + 100}));
    let e = jwt::verify::<Needs>(&t, &keys().1, &Validation::new().at(NOW)).unwrap_err();
    assert_eq!(e.code(), "ERR_JWT_CLAIMS_TYPE");
}

#[test]
fn header_members_from_key_and_builder() {
    let s = SigningKey::hmac(SECRET, Algorithm::HS256)
        .unwrap()
        .with_kid("k1");
    let header = |t: &str| {
        jot::jws::compact::decode_unverified(t, &Default::default())
            .unwrap()
            .header
    };
    let t = jwt::Builder::new()
        .at(NOW)
        .expires_at(NOW + 10)
        .sign(&s)
        .unwrap();
    assert_eq!(
        Value::Object(header(&t)),
        json!({"alg": "HS256", "kid": "k1", "typ": "JWT"})
    );
    // The cached header follows a kid change.
    let t = jwt::sign(&json!({"a": 1}), &s.clone().with_kid("k2")).unwrap();
    assert_eq!(header(&t)["kid"], "k2");
    let t = jwt::Builder::new()
        .key_id("other")
        .typ(Some("at+jwt"))
        .sign(&s)
        .unwrap();
    assert_eq!(
        Value::Object(header(&t)),
        json!({"alg": "HS256", "kid": "other", "typ": "at+jwt"})
    );
    let mut buf = Vec::new();
    let v = jwt::verify_borrowed::<Map<String, Value>>(
        &jwt::sign(&json!({"exp": NOW + 10}), &s).unwrap(),
        &s.verifying_key().unwrap(),
        &Validation::new().at(NOW),
        &mut buf,
    )
    .unwrap();
    assert_eq!(v.header.kid.as_deref(), Some("k1"));
}
