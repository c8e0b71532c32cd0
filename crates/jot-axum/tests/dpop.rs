//! DPoP at the resource server (RFC 9449 §7), seen from a client: a
//! DPoP-bound token with a fresh proof passes; everything a stolen token or
//! a stolen proof could try is refused with the RFC's challenge.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Method, Request, StatusCode};
use axum::routing::post;
use axum::Router;
use jot::dpop::{Nonces, ProofBuilder};
use jot::jwk::ThumbprintHash;
use jot::jwt;
use jot::key::{generate_for, SigningKey};
use jot::verifier::{Issuer, Verifier};
use jot::Algorithm;
use jot_axum::{Claims, Dpop, JwtLayer, Token};
use serde::Deserialize;
use serde_json::json;
use tower::ServiceExt;

const ISS: &str = "https://issuer.example";
const ORIGIN: &str = "https://api.example";

fn key(alg: Algorithm) -> SigningKey {
    SigningKey::from_jwk(&generate_for(alg).unwrap(), alg).unwrap()
}

fn jkt(client: &SigningKey) -> String {
    client
        .public_jwk()
        .unwrap()
        .thumbprint(ThumbprintHash::Sha256)
}

/// An access token from the issuer, bound to `client` when given.
fn access_token(issuer: &SigningKey, bound_to: Option<&SigningKey>) -> String {
    let b = jwt::Builder::new()
        .issuer(ISS)
        .audience("api")
        .subject("user-1")
        .expires_in(Duration::from_secs(300));
    let b = match bound_to {
        Some(client) => b.claim("cnf", json!({ "jkt": jkt(client) })).unwrap(),
        None => b,
    };
    b.sign(issuer).unwrap()
}

fn proof(client: &SigningKey, htm: &str, path: &str, token: &str) -> String {
    ProofBuilder::new(htm, format!("{ORIGIN}{path}"))
        .access_token(token)
        .sign(client)
        .unwrap()
}

#[derive(Deserialize)]
struct User {
    sub: String,
}

/// The subject, and the thumbprint of the proof key the layer saw.
async fn me(token: Token, Claims(user): Claims<User>) -> String {
    let jkt = token.dpop_proof().map(|p| p.jkt().to_owned());
    format!("{} {}", user.sub, jkt.unwrap_or_else(|| "bearer".into()))
}

fn verifier(issuer: &SigningKey) -> Verifier {
    Verifier::new(Issuer::new(ISS, issuer.verifying_key().unwrap()).audience("api"))
}

fn routes(layer: JwtLayer) -> Router {
    Router::new()
        .route("/me", post(me).get(me))
        .route("/other", post(me))
        .nest("/v1", Router::new().route("/items", post(me)))
        .layer(layer)
}

fn app(issuer: &SigningKey) -> Router {
    let dpop = Dpop::new(ORIGIN).unwrap().algorithms(&[Algorithm::ES256]);
    routes(JwtLayer::new(verifier(issuer)).dpop(dpop))
}

struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    nonce: Option<String>,
    body: String,
}

async fn call(app: &Router, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let get = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let challenge = get(header::WWW_AUTHENTICATE.as_str());
    let nonce = get("dpop-nonce");
    let body = to_bytes(resp.into_body(), 1 << 16).await.unwrap();
    Answer {
        status,
        challenge,
        nonce,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// `Authorization: DPoP <token>` with this proof.
async fn with_proof(app: &Router, method: Method, path: &str, token: &str, proof: &str) -> Answer {
    let auth = format!("DPoP {token}");
    let a = call(
        app,
        method,
        path,
        &[("authorization", &auth), ("dpop", proof)],
    )
    .await;
    let challenge = a.challenge.as_deref().unwrap_or("");
    assert!(!challenge.contains(token) && !a.body.contains(token));
    assert!(!challenge.contains(proof) && !a.body.contains(proof));
    a
}

/// Asserts a 401 with a DPoP challenge carrying `error`.
fn refused(a: &Answer, error: &str) {
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    let c = a.challenge.as_deref().unwrap();
    assert!(
        c.starts_with(&format!(
            r#"DPoP realm="api", error="{error}", error_description=""#
        )),
        "{c}"
    );
    assert!(c.ends_with(r#", algs="ES256""#), "{c}");
    assert_eq!(a.body, error);
}

#[tokio::test]
async fn a_bound_token_with_a_fresh_proof_passes_and_the_handler_sees_the_claims() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let app = app(&issuer);
    let token = access_token(&issuer, Some(&client));
    let a = with_proof(
        &app,
        Method::POST,
        "/me",
        &token,
        &proof(&client, "POST", "/me", &token),
    )
    .await;
    assert_eq!(
        (a.status, a.body),
        (StatusCode::OK, format!("user-1 {}", jkt(&client)))
    );
    assert_eq!(a.challenge, None);
    // The query is not part of htu; the scheme is case-insensitive.
    let p = proof(&client, "GET", "/me", &token);
    let auth = format!("dpop {token}");
    let a = call(
        &app,
        Method::GET,
        "/me?x=1",
        &[("authorization", &auth), ("dpop", &p)],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn a_nested_route_is_checked_against_the_path_the_client_addressed() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let app = app(&issuer);
    let token = access_token(&issuer, Some(&client));
    let good = proof(&client, "POST", "/v1/items", &token);
    let a = with_proof(&app, Method::POST, "/v1/items", &token, &good).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.challenge);
    // The path inside the nested router is not the URL the client used.
    let inner = proof(&client, "POST", "/items", &token);
    let a = with_proof(&app, Method::POST, "/v1/items", &token, &inner).await;
    refused(&a, "invalid_dpop_proof");
}

#[tokio::test]
async fn a_bound_token_presented_as_bearer_is_refused_with_or_without_dpop_configured() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let token = access_token(&issuer, Some(&client));
    let bearer = format!("Bearer {token}");
    let a = call(
        &app(&issuer),
        Method::POST,
        "/me",
        &[("authorization", &bearer)],
    )
    .await;
    refused(&a, "invalid_token");
    // Without DPoP configured: still refused, with a Bearer challenge.
    let plain = routes(JwtLayer::new(verifier(&issuer)));
    let a = call(&plain, Method::POST, "/me", &[("authorization", &bearer)]).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="api", error="invalid_token", error_description="the token is bound to a DPoP key: present it with the DPoP scheme and a proof""#
        )
    );
    // An unbound token is still a bearer token, with DPoP configured too.
    let unbound = format!("Bearer {}", access_token(&issuer, None));
    for app in [app(&issuer), plain] {
        let a = call(&app, Method::POST, "/me", &[("authorization", &unbound)]).await;
        assert_eq!(
            (a.status, a.body.as_str()),
            (StatusCode::OK, "user-1 bearer")
        );
    }
}

#[tokio::test]
async fn an_unbound_token_presented_with_dpop_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let token = access_token(&issuer, None);
    let p = proof(&client, "POST", "/me", &token);
    let a = with_proof(&app(&issuer), Method::POST, "/me", &token, &p).await;
    refused(&a, "invalid_token");
}

#[tokio::test]
async fn no_token_offers_both_schemes() {
    let a = call(&app(&key(Algorithm::ES256)), Method::POST, "/me", &[]).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.challenge.as_deref(),
        Some(r#"Bearer realm="api", DPoP realm="api", algs="ES256""#)
    );
}

#[tokio::test]
async fn a_missing_proof_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let token = access_token(&issuer, Some(&client));
    let auth = format!("DPoP {token}");
    let a = call(
        &app(&issuer),
        Method::POST,
        "/me",
        &[("authorization", &auth)],
    )
    .await;
    refused(&a, "invalid_dpop_proof");
    assert!(a
        .challenge
        .unwrap()
        .contains("the request has no DPoP proof"));
}

#[tokio::test]
async fn a_proof_for_another_method_or_url_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let app = app(&issuer);
    let token = access_token(&issuer, Some(&client));
    let cases = [
        (proof(&client, "GET", "/me", &token), "htm"),
        (proof(&client, "POST", "/other", &token), "htu"),
        (
            ProofBuilder::new("POST", "https://evil.example/me")
                .access_token(&token)
                .sign(&client)
                .unwrap(),
            "htu",
        ),
        (
            ProofBuilder::new("POST", "http://api.example/me")
                .access_token(&token)
                .sign(&client)
                .unwrap(),
            "htu",
        ),
    ];
    for (p, claim) in cases {
        let a = with_proof(&app, Method::POST, "/me", &token, &p).await;
        refused(&a, "invalid_dpop_proof");
        assert!(a
            .challenge
            .unwrap()
            .contains(&format!("{claim} is not the request's")));
    }
}

#[tokio::test]
async fn a_proof_for_another_token_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let app = app(&issuer);
    let token = access_token(&issuer, Some(&client));
    let other = access_token(&issuer, Some(&client));
    let no_ath = ProofBuilder::new("POST", format!("{ORIGIN}/me"))
        .sign(&client)
        .unwrap();
    for p in [proof(&client, "POST", "/me", &other), no_ath] {
        let a = with_proof(&app, Method::POST, "/me", &token, &p).await;
        refused(&a, "invalid_dpop_proof");
        assert!(a
            .challenge
            .unwrap()
            .contains("ath is missing or is not the hash"));
    }
}

#[tokio::test]
async fn a_proof_by_another_key_than_the_bound_one_is_refused() {
    let (issuer, client, thief) = (
        key(Algorithm::ES256),
        key(Algorithm::ES256),
        key(Algorithm::ES256),
    );
    let token = access_token(&issuer, Some(&client));
    let p = proof(&thief, "POST", "/me", &token);
    let a = with_proof(&app(&issuer), Method::POST, "/me", &token, &p).await;
    refused(&a, "invalid_dpop_proof");
    assert!(a
        .challenge
        .unwrap()
        .contains("not the key the token is bound to"));
}

#[tokio::test]
async fn a_replayed_proof_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let app = app(&issuer);
    let token = access_token(&issuer, Some(&client));
    let p = proof(&client, "POST", "/me", &token);
    let a = with_proof(&app, Method::POST, "/me", &token, &p).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = with_proof(&app, Method::POST, "/me", &token, &p).await;
    refused(&a, "invalid_dpop_proof");
    assert!(a.challenge.unwrap().contains("already used"));
}

#[tokio::test]
async fn a_required_nonce_is_handed_out_and_then_accepted() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let nonces = Nonces::new(Duration::from_secs(300)).unwrap();
    let dpop = Dpop::new(ORIGIN)
        .unwrap()
        .algorithms(&[Algorithm::ES256])
        .require_nonce(nonces);
    let app = routes(JwtLayer::new(verifier(&issuer)).dpop(dpop));
    let token = access_token(&issuer, Some(&client));

    // Without a nonce, and with one the server never made.
    let stale = ProofBuilder::new("POST", format!("{ORIGIN}/me"))
        .access_token(&token)
        .nonce("AAAAAAAAAAAAAAAAAAAAAA")
        .sign(&client)
        .unwrap();
    let mut handed_out = None;
    for p in [proof(&client, "POST", "/me", &token), stale] {
        let a = with_proof(&app, Method::POST, "/me", &token, &p).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            a.challenge.as_deref(),
            Some(
                r#"DPoP realm="api", error="use_dpop_nonce", error_description="the resource server requires a nonce in the DPoP proof", algs="ES256""#
            )
        );
        let nonce = a.nonce.expect("a DPoP-Nonce header");
        assert_eq!(nonce.len(), 22);
        handed_out = Some(nonce);
    }

    // The retry with the nonce passes.
    let retry = ProofBuilder::new("POST", format!("{ORIGIN}/me"))
        .access_token(&token)
        .nonce(handed_out.unwrap())
        .sign(&client)
        .unwrap();
    let a = with_proof(&app, Method::POST, "/me", &token, &retry).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.challenge);
}

#[tokio::test]
async fn two_dpop_headers_are_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::ES256));
    let token = access_token(&issuer, Some(&client));
    let auth = format!("DPoP {token}");
    let p1 = proof(&client, "POST", "/me", &token);
    let p2 = proof(&client, "POST", "/me", &token);
    let a = call(
        &app(&issuer),
        Method::POST,
        "/me",
        &[("authorization", &auth), ("dpop", &p1), ("dpop", &p2)],
    )
    .await;
    refused(&a, "invalid_dpop_proof");
    assert!(a.challenge.unwrap().contains("more than one DPoP header"));
}

#[tokio::test]
async fn a_proof_with_an_algorithm_not_allowed_is_refused() {
    let (issuer, client) = (key(Algorithm::ES256), key(Algorithm::EdDSA));
    let token = access_token(&issuer, Some(&client));
    let p = proof(&client, "POST", "/me", &token);
    let a = with_proof(&app(&issuer), Method::POST, "/me", &token, &p).await;
    refused(&a, "invalid_dpop_proof");
}

#[test]
fn an_origin_that_is_not_an_http_url_is_refused() {
    for origin in [
        "api.example",
        "ftp://api.example",
        "https://api.example/?x=1",
        "",
    ] {
        assert!(Dpop::new(origin).is_err(), "{origin}");
    }
    assert!(Dpop::new("https://api.example:8443/prefix").is_ok());
}
