//! `act` chains and `may_act` (RFC 8693 §4.1, §4.4), read from claims that
//! went through `jwt::verify`, with the RFC's own example claim sets.

use jot::jwks::LocalKeySet;
use jot::jwt::{self, Actor, Claims, MayAct, Validation, MAX_ACTOR_DEPTH};
use jot::key::generate_for;
use jot::key::SigningKey;
use jot::Algorithm;
use serde_json::{json, Map, Value};

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// Signs `claims` and verifies them back, so the chain is read from what a
/// relying party really gets.
fn verified(claims: Value) -> Map<String, Value> {
    let jwk = generate_for(Algorithm::ES256).unwrap().with_kid("k");
    let key = SigningKey::from_jwk(&jwk, Algorithm::ES256)
        .unwrap()
        .with_kid("k");
    let token = jwt::sign(&claims, &key).unwrap();
    let set = format!(
        "{{\"keys\":[{}]}}",
        jwk.to_public().unwrap().to_json().as_str()
    );
    let keys =
        LocalKeySet::from_json(set.as_bytes(), &[Algorithm::ES256], &Default::default()).unwrap();
    let rules = Validation::new()
        .issuer("https://issuer.example.com")
        .insecure_skip_audience()
        .at(1443904100);
    jwt::verify::<Claims>(&token, &keys, &rules)
        .unwrap()
        .claims
        .extra
}

#[test]
fn rfc8693_4_1_act_example() {
    let claims = verified(json!({
        "aud": "https://consumer.example.com",
        "iss": "https://issuer.example.com",
        "exp": 1443904177,
        "nbf": 1443904077,
        "sub": "user@example.com",
        "act": {"sub": "admin@example.com"}
    }));
    let actor = Actor::from_claims(&claims).unwrap().unwrap();
    assert_eq!(actor, Actor::new("admin@example.com", None));
    assert_eq!(actor.depth(), 1);
    assert_eq!(actor.to_value(), json!({"sub": "admin@example.com"}));
}

#[test]
fn rfc8693_4_1_nested_chain_example() {
    let claims = verified(json!({
        "aud": "https://service16.example.com",
        "iss": "https://issuer.example.com",
        "exp": 1443904100,
        "nbf": 1443904000,
        "sub": "user@example.com",
        "act": {
            "sub": "https://service16.example.com",
            "act": {"sub": "https://service77.example.com"}
        }
    }));
    let actor = Actor::from_claims(&claims).unwrap().unwrap();
    let subs: Vec<&str> = actor.chain().map(|a| a.sub.as_str()).collect();
    assert_eq!(
        subs,
        [
            "https://service16.example.com",
            "https://service77.example.com"
        ]
    );
    assert_eq!(actor.depth(), 2);
    // Writing it back gives the same claim.
    assert_eq!(actor.to_value(), claims["act"]);
}

#[test]
fn no_act_is_none() {
    assert_eq!(Actor::from_claims(&obj(json!({"sub": "u"}))).unwrap(), None);
}

#[test]
fn delegating_nests_the_prior_actor() {
    let prior = Actor::new("svc-a", Some("https://idp".into()));
    let actor = Actor::new("svc-b", None)
        .delegating(Some(prior.clone()))
        .unwrap();
    assert_eq!(
        actor.to_value(),
        json!({"sub": "svc-b", "act": {"sub": "svc-a", "iss": "https://idp"}})
    );
    assert_eq!(actor.act.as_deref(), Some(&prior));
}

fn chain(depth: usize) -> Value {
    let mut v = json!({"sub": format!("a{depth}")});
    for i in (1..depth).rev() {
        v = json!({"sub": format!("a{i}"), "act": v});
    }
    v
}

#[test]
fn depth_is_bounded() {
    let ok = Actor::from_value(&chain(MAX_ACTOR_DEPTH)).unwrap();
    assert_eq!(ok.depth(), MAX_ACTOR_DEPTH);
    let e = Actor::from_value(&chain(MAX_ACTOR_DEPTH + 1)).unwrap_err();
    assert_eq!(e.code(), "ERR_JWT_CLAIM_INVALID");
    assert!(e.to_string().contains("deeper than 16"), "{e}");
    // Delegating on top of a full chain is refused too.
    let e = Actor::new("one-more", None)
        .delegating(Some(ok))
        .unwrap_err();
    assert!(e.to_string().contains("deeper than 16"), "{e}");
    // A hostile, very deep chain is refused without recursion trouble.
    let deep = Actor::from_value(&chain(100)).unwrap_err();
    assert_eq!(deep.code(), "ERR_JWT_CLAIM_INVALID");
}

#[test]
fn malformed_act_is_refused_without_echoing_values() {
    for bad in [
        json!("admin"),
        json!({}),
        json!({"sub": 7}),
        json!({"sub": "a", "iss": true}),
        json!({"sub": "a", "act": "secret-looking-value"}),
        json!({"sub": "a", "act": {"iss": "x"}}),
    ] {
        let e = Actor::from_value(&bad).unwrap_err();
        assert_eq!(e.code(), "ERR_JWT_CLAIM_INVALID", "{bad}");
        assert!(!e.to_string().contains("secret-looking"), "{e}");
    }
}

#[test]
fn rfc8693_4_4_may_act_example() {
    let claims = verified(json!({
        "aud": "https://consumer.example.com",
        "iss": "https://issuer.example.com",
        "exp": 1443904177,
        "nbf": 1443904077,
        "sub": "user@example.com",
        "may_act": {"sub": "admin@example.com"}
    }));
    let may = MayAct::from_claims(&claims).unwrap().unwrap();
    assert!(may.allows("admin@example.com", None));
    assert!(may.allows("admin@example.com", Some("https://any.example")));
    assert!(!may.allows("user@example.com", None));
    assert!(may.allows_actor(&Actor::new("admin@example.com", None)));
    assert!(!may.allows_actor(&Actor::new("mallory@example.com", None)));
}

#[test]
fn may_act_with_iss_requires_it() {
    let may = MayAct::from_claims(&obj(json!({
        "may_act": {"sub": "svc", "iss": "https://idp"}
    })))
    .unwrap()
    .unwrap();
    assert!(may.allows("svc", Some("https://idp")));
    assert!(!may.allows("svc", None));
    assert!(!may.allows("svc", Some("https://other")));
}

#[test]
fn may_act_fails_closed() {
    // No sub, or a claim Jot cannot compare: nobody is allowed.
    for v in [json!({}), json!({"sub": "svc", "email": "svc@example.com"})] {
        let may = MayAct::from_claims(&obj(json!({ "may_act": v })))
            .unwrap()
            .unwrap();
        assert!(!may.allows("svc", None), "{v}");
    }
    assert_eq!(
        MayAct::from_claims(&obj(json!({"sub": "u"}))).unwrap(),
        None
    );
    for bad in [json!("svc"), json!({"sub": 1})] {
        assert_eq!(
            MayAct::from_claims(&obj(json!({ "may_act": bad })))
                .unwrap_err()
                .code(),
            "ERR_JWT_CLAIM_INVALID"
        );
    }
}
