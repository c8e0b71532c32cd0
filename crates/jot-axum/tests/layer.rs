//! The layer seen from a client: statuses, exact challenges, extracted
//! claims. Requests go through the router in-process (no socket), except the
//! unreachable-provider case.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use jot::jwt::{self, Claims as JwtClaims};
use jot::key::{generate_for, SigningKey};
use jot::verifier::{Issuer, Verifier};
use jot::Algorithm;
use jot_axum::{Claims, JwtLayer, Token};
use serde::Deserialize;
use tower::ServiceExt;

const ISS: &str = "https://issuer.example";

fn signer(kid: &str) -> SigningKey {
    let jwk = generate_for(Algorithm::ES256).unwrap().with_kid(kid);
    SigningKey::from_jwk(&jwk, Algorithm::ES256).unwrap()
}

fn token(key: &SigningKey, scope: &str) -> String {
    jwt::Builder::new()
        .issuer(ISS)
        .audience("api")
        .subject("user-1")
        .expires_in(Duration::from_secs(300))
        .claim("scope", scope)
        .unwrap()
        .sign(key)
        .unwrap()
}

#[derive(Deserialize)]
struct User {
    sub: String,
    scope: String,
}

async fn me(Claims(user): Claims<User>) -> String {
    format!("{} {}", user.sub, user.scope)
}

async fn kid(token: Token) -> String {
    token.header().kid.clone().unwrap_or_default()
}

fn app(key: &SigningKey) -> Router {
    let verifier = Verifier::new(Issuer::new(ISS, key.verifying_key().unwrap()).audience("api"));
    let layer = JwtLayer::new(verifier).realm("example");
    Router::new()
        .route("/me", get(me))
        .route("/kid", get(kid))
        .layer(layer.clone())
        .merge(
            Router::new()
                .route("/admin", get(me))
                .layer(layer.clone().require_scopes(["admin"])),
        )
        .merge(
            Router::new()
                .route("/staff", get(me))
                .layer(layer.require_claims("staff only", |c| c.get("staff").is_some())),
        )
}

struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    body: String,
}

async fn call(app: &Router, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let challenge = resp
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = to_bytes(resp.into_body(), 1 << 16).await.unwrap();
    Answer {
        status,
        challenge,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

async fn bearer(app: &Router, path: &str, token: &str) -> Answer {
    let auth = format!("Bearer {token}");
    let a = call(app, path, &[("authorization", &auth)]).await;
    assert!(!a.body.contains(token), "the body echoes the token");
    assert!(
        !a.challenge.as_deref().unwrap_or("").contains(token),
        "the challenge echoes the token"
    );
    a
}

#[tokio::test]
async fn valid_token_passes_and_claims_are_extracted() {
    let key = signer("k1");
    let app = app(&key);
    let a = bearer(&app, "/me", &token(&key, "read write")).await;
    assert_eq!(
        (a.status, a.body.as_str()),
        (StatusCode::OK, "user-1 read write")
    );
    assert_eq!(a.challenge, None);
    let a = bearer(&app, "/kid", &token(&key, "read")).await;
    assert_eq!(a.body, "k1");
    let a = bearer(&app, "/admin", &token(&key, "read admin")).await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn no_token_is_401_with_only_the_realm() {
    let app = app(&signer("k1"));
    for headers in [
        &[][..],
        &[("authorization", "Basic dXNlcjpwYXNz")][..],
        &[("cookie", "session=abc")][..],
    ] {
        let a = call(&app, "/me", headers).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.challenge.as_deref(), Some(r#"Bearer realm="example""#));
        assert_eq!(a.body, "");
    }
}

#[tokio::test]
async fn malformed_credentials_are_400_invalid_request() {
    let app = app(&signer("k1"));
    let a = call(&app, "/me", &[("authorization", "Bearer ")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="example", error="invalid_request", error_description="the bearer token is empty""#
        )
    );
}

#[tokio::test]
async fn bad_signature_is_401_invalid_token() {
    let key = signer("k1");
    let app = app(&key);
    // Another key under the same kid: selection succeeds, the signature not.
    let forged = token(&signer("k1"), "read");
    let a = bearer(&app, "/me", &forged).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="example", error="invalid_token", error_description="signature verification failed""#
        )
    );
    assert_eq!(a.body, "invalid_token");
    let a = bearer(&app, "/me", "not.a.jwt").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a
        .challenge
        .unwrap()
        .starts_with(r#"Bearer realm="example", error="invalid_token", error_description=""#));
}

#[tokio::test]
async fn expired_token_is_401_invalid_token() {
    let key = signer("k1");
    let app = app(&key);
    let hour_ago = jot::jwt::NumericDate::now().as_secs() - 3600;
    let expired = jwt::Builder::new()
        .issuer(ISS)
        .audience("api")
        .subject("user-1")
        .at(hour_ago)
        .expires_in(Duration::from_secs(60))
        .sign(&key)
        .unwrap();
    let a = bearer(&app, "/me", &expired).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.challenge.as_deref(),
        Some(r#"Bearer realm="example", error="invalid_token", error_description="token expired""#)
    );
}

#[tokio::test]
async fn missing_scope_is_403_insufficient_scope() {
    let key = signer("k1");
    let app = app(&key);
    let a = bearer(&app, "/admin", &token(&key, "read write")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="example", error="insufficient_scope", error_description="the token lacks a required scope", scope="admin""#
        )
    );
    assert_eq!(a.body, "insufficient_scope");
    let a = bearer(&app, "/staff", &token(&key, "read")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="example", error="insufficient_scope", error_description="staff only""#
        )
    );
}

#[tokio::test]
async fn claims_of_the_wrong_shape_are_401() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct NeedsRoles {
        roles: Vec<String>,
    }
    let key = signer("k1");
    let verifier = Verifier::new(Issuer::new(ISS, key.verifying_key().unwrap()).audience("api"));
    let app = Router::new()
        .route("/", get(|_: Claims<NeedsRoles>| async { "ok" }))
        .layer(JwtLayer::new(verifier));
    let a = bearer(&app, "/", &token(&key, "read")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.challenge.as_deref(),
        Some(
            r#"Bearer realm="api", error="invalid_token", error_description="claims do not match the expected type: the claims do not have the shape this route expects""#
        )
    );
}

#[tokio::test]
async fn token_from_a_cookie_or_header() {
    let key = signer("k1");
    let verifier = Verifier::new(Issuer::new(ISS, key.verifying_key().unwrap()).audience("api"));
    let app = Router::new()
        .route(
            "/",
            get(|Claims(c): Claims<JwtClaims>| async move { c.sub.unwrap() }),
        )
        .layer(
            JwtLayer::new(verifier)
                .token_from_cookie("session")
                .token_from_header(header::HeaderName::from_static("x-token")),
        );
    let t = token(&key, "read");
    let cookie = format!("theme=dark; session={t}");
    let a = call(&app, "/", &[("cookie", &cookie)]).await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, "user-1"));
    let a = call(&app, "/", &[("x-token", &t)]).await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn unreachable_provider_without_keys_is_503() {
    // A port nobody listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let jwks = jot::jwks::RemoteJwks::new(&format!("http://127.0.0.1:{port}/jwks")).unwrap();
    let app = Router::new()
        .route("/", get(|| async { "ok" }))
        .layer(JwtLayer::new(Verifier::new(
            Issuer::new(ISS, jwks).audience("api"),
        )));
    let a = bearer(&app, "/", &token(&signer("k1"), "read")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.challenge, None);
}

#[tokio::test]
async fn claims_without_the_layer_is_a_server_error() {
    let app = Router::new().route("/", get(|_: Claims<JwtClaims>| async { "ok" }));
    let a = call(&app, "/", &[]).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
}
