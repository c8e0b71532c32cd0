//! Token exchange (RFC 8693) on `POST /oauth2/token`, over real HTTP on
//! SQLite and PostgreSQL: delegation (`act`, nested for chains),
//! impersonation, narrowing of scope and audience, subject tokens of this
//! service and of a trusted issuer, `may_act`, and the §2.2.2 errors.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use jot::key::SigningKey;
use jot::Algorithm;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;
use jot_server::{Clock, FakeClock, SystemClock};
use serde_json::{json, Value};

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT: &str = "urn:ietf:params:oauth:token-type:access_token";
const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
const SERVICE: &[Grant] = &[Grant::ClientCredentials, Grant::TokenExchange];

/// A user's access token: client "app" trades a backend assertion for
/// `sub` (jwt-bearer), asking for `scope`.
async fn user_token(h: &Harness, b: &Backend, sub: &str, scope: &str) -> String {
    let a = assertion(&b.key, &h.server.issuer, sub);
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", BEARER), ("assertion", &a), ("scope", scope)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Exchanges `subject` (an access token of this service) as client `id`,
/// with the optional actor token and any further form members.
async fn exchange(
    h: &Harness,
    id: &str,
    subject: &str,
    actor: Option<&str>,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", EXCHANGE),
        ("subject_token", subject),
        ("subject_token_type", AT),
    ];
    if let Some(actor) = actor {
        form.push(("actor_token", actor));
        form.push(("actor_token_type", AT));
    }
    form.extend_from_slice(extra);
    h.token(id, &form).await
}

fn ok_token(status: u16, body: &Value) -> &str {
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap()
}

fn error(status: u16, body: &Value) -> &str {
    assert_eq!(status, 400, "{body}");
    body["error"].as_str().unwrap()
}

async fn services(t: TestStore) -> (Harness, Backend) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.add_client("app", &[Grant::JwtBearer]).await;
    h.add_client("svc", SERVICE).await;
    h.add_client("svc2", SERVICE).await;
    (h, b)
}

async fn delegation_impersonation_and_chains(t: TestStore) {
    let (h, b) = services(t).await;
    let alice = user_token(&h, &b, "alice", "read write").await;
    let svc = h.cc_token("svc").await;

    // Delegation: svc acts for alice, towards its second audience.
    let (status, body) = exchange(
        &h,
        "svc",
        &alice,
        Some(&svc),
        &[("audience", "api://two"), ("scope", "read")],
    )
    .await;
    let delegated = ok_token(status, &body).to_string();
    assert_eq!(body["issued_token_type"], AT, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
    assert!(body["expires_in"].as_i64().unwrap() > 0, "{body}");
    assert!(body.get("refresh_token").is_none(), "{body}");
    let claims = h.verify(&delegated, "api://two").await;
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(claims.extra["client_id"], "svc");
    assert_eq!(claims.extra["scope"], "read");
    assert_eq!(claims.extra["act"], json!({"sub": "svc"}));

    // A chain: svc2 acts on the delegated token; svc is nested inside.
    let svc2 = h.cc_token("svc2").await;
    let (status, body) = exchange(&h, "svc2", &delegated, Some(&svc2), &[]).await;
    let chained = ok_token(status, &body).to_string();
    let claims = h.verify(&chained, "api://one").await;
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(
        claims.extra["act"],
        json!({"sub": "svc2", "act": {"sub": "svc"}})
    );
    // Scope never comes back once narrowed away.
    assert_eq!(body["scope"], "read");
    // Introspection shows the same chain (RFC 8693 §4.1); a token without
    // a delegation has none.
    let seen = h.introspect("svc2", &chained).await;
    assert_eq!(
        seen["act"],
        json!({"sub": "svc2", "act": {"sub": "svc"}}),
        "{seen}"
    );
    assert!(h.introspect("svc", &svc).await.get("act").is_none());

    // Impersonation: no actor token, no act.
    let (status, body) = exchange(&h, "svc", &alice, None, &[]).await;
    let claims = h.verify(ok_token(status, &body), "api://one").await;
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(claims.extra["client_id"], "svc");
    assert!(claims.extra.get("act").is_none(), "{:?}", claims.extra);
    assert_eq!(body["scope"], "read write");
    // Impersonating with an already delegated token keeps its act: an
    // exchange must not launder a delegation away.
    let (status, body) = exchange(&h, "svc", &delegated, None, &[]).await;
    let claims = h.verify(ok_token(status, &body), "api://one").await;
    assert_eq!(claims.extra["act"], json!({"sub": "svc"}));
}
both_backends!(delegation, delegation_impersonation_and_chains);

async fn scope_and_audience_only_narrow(t: TestStore) {
    let (h, b) = services(t).await;
    let reader = user_token(&h, &b, "alice", "read").await;

    // Without a scope parameter, the subject token's scope, not the client's.
    let (status, body) = exchange(&h, "svc", &reader, None, &[]).await;
    ok_token(status, &body);
    assert_eq!(body["scope"], "read");
    // Widening beyond the subject token is refused, though svc may have it.
    let (status, body) = exchange(&h, "svc", &reader, None, &[("scope", "write")]).await;
    assert_eq!(error(status, &body), "invalid_scope");
    let (status, body) = exchange(&h, "svc", &reader, None, &[("scope", "read write")]).await;
    assert_eq!(error(status, &body), "invalid_scope");

    // An audience the client is not registered for is invalid_target,
    // through either parameter.
    for param in ["audience", "resource"] {
        let (status, body) = exchange(&h, "svc", &reader, None, &[(param, "api://three")]).await;
        assert_eq!(error(status, &body), "invalid_target", "{param}");
    }
    let (status, body) = exchange(&h, "svc", &reader, None, &[("resource", "api://two")]).await;
    h.verify(ok_token(status, &body), "api://two").await;
}
both_backends!(narrowing, scope_and_audience_only_narrow);

async fn bad_subject_and_actor_tokens(t: TestStore) {
    let (h, b) = services(t).await;
    h.add_client("plain", &[Grant::ClientCredentials]).await;
    let alice = user_token(&h, &b, "alice", "read").await;
    let svc = h.cc_token("svc").await;

    // A client without the grant.
    let (status, body) = exchange(&h, "plain", &alice, None, &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "unauthorized_client");

    // RFC 8693 §2.2.2: an invalid subject or actor token is invalid_request.
    let garbage = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA";
    let foreign = assertion(&b.key, &h.server.issuer, "alice");
    for (subject, actor) in [
        ("not-a-token", None),
        (garbage, None),
        (alice.as_str(), Some(garbage)),
        // A token of a trusted issuer presented as an access token of ours.
        (foreign.as_str(), None),
    ] {
        let (status, body) = exchange(&h, "svc", subject, actor, &[]).await;
        assert_eq!(error(status, &body), "invalid_request", "{body}");
        assert!(!body.to_string().contains(subject), "{body}");
    }
    let (status, body) = h
        .token(
            "svc",
            &[("grant_type", EXCHANGE), ("subject_token", alice.as_str())],
        )
        .await;
    assert_eq!(error(status, &body), "invalid_request");
    for extra in [
        vec![("subject_token_type", "urn:example:saml")],
        vec![("subject_token_type", AT), ("actor_token", svc.as_str())],
        vec![("subject_token_type", AT), ("actor_token_type", AT)],
        vec![
            ("subject_token_type", AT),
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:refresh_token",
            ),
        ],
    ] {
        let mut form = vec![("grant_type", EXCHANGE), ("subject_token", alice.as_str())];
        form.extend(extra);
        let (status, body) = h.token("svc", &form).await;
        assert_eq!(error(status, &body), "invalid_request", "{form:?}");
    }

    // Revoked: the owner revokes it, and it can no longer be exchanged.
    let (status, body) = exchange(&h, "svc", &alice, None, &[]).await;
    ok_token(status, &body);
    let (status, body) = h
        .post_form("/oauth2/revoke", "app", &[("token", alice.as_str())])
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = exchange(&h, "svc", &alice, None, &[]).await;
    assert_eq!(error(status, &body), "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );
    // A revoked actor token too.
    let fresh = user_token(&h, &b, "alice", "read").await;
    h.post_form("/oauth2/revoke", "svc", &[("token", svc.as_str())])
        .await;
    let (status, body) = exchange(&h, "svc", &fresh, Some(&svc), &[]).await;
    assert_eq!(error(status, &body), "invalid_request");
}
both_backends!(bad_tokens, bad_subject_and_actor_tokens);

async fn expired_subject_token(t: TestStore) {
    let clock = FakeClock::new(SystemClock.now());
    let h = start_with_clock(t, settings(), Arc::new(clock.clone())).await;
    h.add_client("svc", SERVICE).await;
    h.add_client("user", &[Grant::ClientCredentials]).await;
    let subject = h.cc_token("user").await;
    // Still good 10 s before exp: the new token ends when the subject does.
    clock.advance(Duration::from_secs(290));
    let (status, body) = exchange(&h, "svc", &subject, None, &[]).await;
    ok_token(status, &body);
    assert_eq!(body["expires_in"], 10, "{body}");
    clock.advance(Duration::from_secs(11));
    let (status, body) = exchange(&h, "svc", &subject, None, &[]).await;
    assert_eq!(error(status, &body), "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
}
both_backends!(expired, expired_subject_token);

/// A JWT of the trusted backend for `sub`, addressed to `aud`, with more
/// claims.
fn backend_jwt(key: &SigningKey, iss: &str, aud: &str, sub: &str, claims: Value) -> String {
    let mut b = jot::jwt::Builder::new()
        .issuer(iss)
        .subject(sub)
        .audience(aud)
        .random_jwt_id()
        .expires_in(Duration::from_secs(60));
    for (k, v) in claims.as_object().unwrap() {
        b = b.claim(k, v.clone()).unwrap();
    }
    b.sign(key).unwrap()
}

async fn trusted_issuer_subjects_and_may_act(t: TestStore) {
    let (h, b) = services(t).await;
    let us = h.server.issuer.clone();
    let external = |aud: &str, claims: Value| backend_jwt(&b.key, BACKEND, aud, "bob", claims);
    let jwt_exchange = |id: &'static str, subject: String, actor: Option<String>| {
        let h = &h;
        async move {
            let mut form = vec![
                ("grant_type", EXCHANGE.to_string()),
                ("subject_token", subject),
                ("subject_token_type", JWT.to_string()),
            ];
            if let Some(a) = actor {
                form.push(("actor_token", a));
                form.push(("actor_token_type", AT.to_string()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            h.token(id, &form).await
        }
    };

    // A trusted issuer's JWT for bob, addressed to this service, with a
    // scope: exchanged for one of ours, scope capped by its scope.
    let subject = external(&us, json!({"scope": "read"}));
    let (status, body) = jwt_exchange("svc", subject.clone(), None).await;
    let claims = h.verify(ok_token(status, &body), "api://one").await;
    assert_eq!(claims.sub.as_deref(), Some("bob"));
    assert_eq!(claims.iss.as_deref(), Some(us.as_str()));
    assert_eq!(body["scope"], "read");
    // Addressed to the requesting client rather than to us: also accepted.
    let (status, body) = jwt_exchange("svc", external("svc", json!({})), None).await;
    ok_token(status, &body);
    assert_eq!(body["scope"], "read write", "no scope claim: the client's");
    // Addressed to somebody else, or from an issuer nobody trusts: refused.
    let (status, body) = jwt_exchange("svc", external("api://elsewhere", json!({})), None).await;
    assert_eq!(error(status, &body), "invalid_request");
    let stranger = SigningKey::from_jwk(
        &jot::key::generate_for(Algorithm::ES256).unwrap(),
        Algorithm::ES256,
    )
    .unwrap();
    let forged = backend_jwt(&stranger, "https://evil.example", &us, "bob", json!({}));
    let (status, body) = jwt_exchange("svc", forged, None).await;
    assert_eq!(error(status, &body), "invalid_request");
    let forged = backend_jwt(&stranger, BACKEND, &us, "bob", json!({}));
    let (status, body) = jwt_exchange("svc", forged, None).await;
    assert_eq!(error(status, &body), "invalid_request");

    // may_act names svc: svc may act for bob, svc2 may not, whether as the
    // actor or as the client impersonating.
    let guarded = external(&us, json!({"may_act": {"sub": "svc"}}));
    let svc = h.cc_token("svc").await;
    let svc2 = h.cc_token("svc2").await;
    let (status, body) = jwt_exchange("svc2", guarded.clone(), Some(svc.clone())).await;
    let claims = h.verify(ok_token(status, &body), "api://one").await;
    assert_eq!(claims.extra["act"], json!({"sub": "svc"}));
    let (status, body) = jwt_exchange("svc", guarded.clone(), None).await;
    ok_token(status, &body);
    let (status, body) = jwt_exchange("svc", guarded.clone(), Some(svc2)).await;
    assert_eq!(error(status, &body), "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("may_act"),
        "{body}"
    );
    let (status, body) = jwt_exchange("svc2", guarded, None).await;
    assert_eq!(error(status, &body), "invalid_request");
    // may_act with an iss: only that issuer's svc.
    let pinned = external(&us, json!({"may_act": {"sub": "svc", "iss": BACKEND}}));
    let (status, body) = jwt_exchange("svc", pinned, Some(svc)).await;
    assert_eq!(error(status, &body), "invalid_request");
}
both_backends!(trusted_issuer, trusted_issuer_subjects_and_may_act);

async fn metadata_lists_the_grant(t: TestStore) {
    let h = start(t, settings()).await;
    let body = h.get_json("/.well-known/oauth-authorization-server").await;
    let grants = body["grant_types_supported"].as_array().unwrap();
    assert!(grants.iter().any(|g| g == EXCHANGE), "{body}");
}
both_backends!(metadata, metadata_lists_the_grant);

/// POSTs an exchange of `subject` as `id` with an optional DPoP proof.
async fn exchange_with_proof(
    h: &Harness,
    id: &str,
    subject: &str,
    proof: Option<&str>,
) -> (u16, Value) {
    let mut req = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth(basic_part(id), Some(basic_part(SECRET)))
        .form(&[
            ("grant_type", EXCHANGE),
            ("subject_token", subject),
            ("subject_token_type", AT),
        ]);
    if let Some(p) = proof {
        req = req.header("DPoP", p);
    }
    status_json(req.send().await.unwrap()).await
}

async fn dpop_bound_subject_needs_its_key(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", SERVICE).await;
    h.add_client("user", &[Grant::ClientCredentials]).await;
    let key = |_| {
        SigningKey::from_jwk(
            &jot::key::generate_for(Algorithm::ES256).unwrap(),
            Algorithm::ES256,
        )
        .unwrap()
    };
    let (bound_key, other_key): (SigningKey, SigningKey) = (key(0), key(1));
    let proof = |k: &SigningKey| {
        jot::dpop::ProofBuilder::new("POST", format!("{}/oauth2/token", h.server.issuer))
            .sign(k)
            .unwrap()
    };
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth(basic_part("user"), Some(basic_part(SECRET)))
        .header("DPoP", proof(&bound_key))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(body["token_type"], "DPoP", "{body}");
    let subject = ok_token(status, &body).to_string();

    // Without a proof, or with another key's: the binding is not stripped.
    let (status, body) = exchange_with_proof(&h, "svc", &subject, None).await;
    assert_eq!(error(status, &body), "invalid_request");
    let other = proof(&other_key);
    let (status, body) = exchange_with_proof(&h, "svc", &subject, Some(&other)).await;
    assert_eq!(error(status, &body), "invalid_request");
    // With a proof of its key: the new token is bound to that key too.
    let same = proof(&bound_key);
    let (status, body) = exchange_with_proof(&h, "svc", &subject, Some(&same)).await;
    ok_token(status, &body);
    assert_eq!(body["token_type"], "DPoP", "{body}");
}
both_backends!(dpop_bound, dpop_bound_subject_needs_its_key);
