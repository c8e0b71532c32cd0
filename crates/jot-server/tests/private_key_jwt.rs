//! `private_key_jwt` client authentication (RFC 7523 §2.2) over real HTTP,
//! on SQLite and PostgreSQL: keys registered inline or by URL, `aud` the
//! issuer or the token endpoint, single-use `jti`, and each refusal.

mod common;

use std::time::Duration;

use common::*;
use jot::jwk::ThumbprintHash;
use jot::key::SigningKey;
use jot::Algorithm;
use jot_server::both_backends;
use jot_server::store::{Client, Grant};
use jot_server::testing::TestStore;
use serde_json::Value;

const TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client key: the signer and its public JWK Set (JSON).
fn client_key() -> (SigningKey, String) {
    let jwk = jot::key::generate_for(Algorithm::ES256).unwrap();
    let kid = jwk.thumbprint(ThumbprintHash::Sha256);
    let jwk = jwk.with_kid(kid.clone());
    let public = format!(
        "{{\"keys\":[{}]}}",
        jwk.to_public().unwrap().to_json().as_str()
    );
    let key = SigningKey::from_jwk(&jwk, Algorithm::ES256)
        .unwrap()
        .with_kid(kid);
    (key, public)
}

fn signed(key: &SigningKey, iss: &str, aud: &str, ttl: u64, jti: bool) -> String {
    let mut b = jot::jwt::Builder::new()
        .issuer(iss)
        .subject(iss)
        .audience(aud)
        .expires_in(Duration::from_secs(ttl));
    if jti {
        b = b.random_jwt_id();
    }
    b.sign(key).unwrap()
}

async fn post(h: &Harness, form: &[(&str, &str)]) -> (u16, Value) {
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    status_json(r).await
}

async fn with_assertion(h: &Harness, assertion: &str) -> (u16, Value) {
    post(
        h,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", TYPE),
            ("client_assertion", assertion),
        ],
    )
    .await
}

/// Serves `body` at /jwks.json on a loopback port; returns the URL.
async fn serve_jwks(body: String) -> String {
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/jwks.json")
}

async fn private_key_jwt(t: TestStore) {
    let h = start(t, settings()).await;
    let (key, public) = client_key();
    let (remote_key, remote_public) = client_key();
    let url = serve_jwks(remote_public).await;
    h.store
        .create_client(&Client {
            jwks: Some(public),
            ..client("pk", &[Grant::ClientCredentials])
        })
        .await
        .unwrap();
    h.store
        .create_client(&Client {
            jwks_uri: Some(url),
            ..client("pk-remote", &[Grant::ClientCredentials])
        })
        .await
        .unwrap();
    h.add_client("secret-only", &[Grant::ClientCredentials])
        .await;
    let issuer = h.server.issuer.clone();
    let endpoint = h.url("/oauth2/token");

    // aud = issuer, then aud = token endpoint; inline keys, then by URL.
    for (k, id, aud) in [
        (&key, "pk", issuer.as_str()),
        (&key, "pk", endpoint.as_str()),
        (&remote_key, "pk-remote", issuer.as_str()),
    ] {
        let a = signed(k, id, aud, 60, true);
        let (status, body) = with_assertion(&h, &a).await;
        assert_eq!(status, 200, "{id} {aud}: {body}");
        let claims = h
            .verify(body["access_token"].as_str().unwrap(), "api://one")
            .await;
        assert_eq!(claims.sub.as_deref(), Some(id));
        // The same assertion again: a replay.
        let (status, body) = with_assertion(&h, &a).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client"))
        );
    }

    // Refusals, each invalid_client.
    let (other_key, _) = client_key();
    for (what, a) in [
        (
            "wrong aud",
            signed(&key, "pk", "https://elsewhere", 60, true),
        ),
        ("other key", signed(&other_key, "pk", &issuer, 60, true)),
        (
            "other client's key",
            signed(&remote_key, "pk", &issuer, 60, true),
        ),
        ("no jti", signed(&key, "pk", &issuer, 60, false)),
        ("lives 2 h", signed(&key, "pk", &issuer, 7_200, true)),
        ("unknown client", signed(&key, "nobody", &issuer, 60, true)),
        (
            "no keys registered",
            signed(&key, "secret-only", &issuer, 60, true),
        ),
        ("not a JWT", "x.y.z".to_string()),
    ] {
        let (status, body) = with_assertion(&h, &a).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{what}: {body}"
        );
    }
    let a = signed(&key, "pk", &issuer, 60, true);
    let (status, body) = post(
        &h,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:other"),
            ("client_assertion", &a),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // Malformed requests: half an assertion, or two methods at once.
    let (status, body) = post(
        &h,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion", &a),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth("pk", Some(basic_part(SECRET)))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", TYPE),
            ("client_assertion", &a),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    // client_id in the body must be the assertion's.
    let (status, _) = post(
        &h,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "pk-remote"),
            ("client_assertion_type", TYPE),
            ("client_assertion", &a),
        ],
    )
    .await;
    assert_eq!(status, 401);

    // The other endpoints take it too; discovery says so.
    let r = h
        .http
        .post(h.url("/oauth2/introspect"))
        .form(&[
            ("token", "x"),
            ("client_assertion_type", TYPE),
            ("client_assertion", &signed(&key, "pk", &issuer, 60, true)),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(
        (status, body["active"].as_bool()),
        (200, Some(false)),
        "{body}"
    );
    let meta = h.get_json("/.well-known/openid-configuration").await;
    assert!(meta["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "private_key_jwt"));
    assert!(meta["token_endpoint_auth_signing_alg_values_supported"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "ES256"));
    h.server.shutdown().await.unwrap();
}
both_backends!(assertions, private_key_jwt);
