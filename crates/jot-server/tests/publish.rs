//! What the service publishes: the JWKS (cacheable, ETag, 304), the RFC 8414
//! / OIDC discovery documents, health and readiness; and that its tokens
//! verify through discovery and through the jot-axum layer.

mod common;

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use common::*;
use jot::verifier::{Issuer, Verifier};
use jot_axum::JwtLayer;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;

async fn jwks_metadata_and_health(t: TestStore) {
    let h = start(t, settings()).await;

    let r = h
        .http
        .get(h.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let jwks: serde_json::Value = r.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{jwks}");
    assert_eq!(keys[0]["kty"], "EC");
    assert!(keys[0].get("d").is_none(), "private part published: {jwks}");

    let r = h
        .http
        .get(h.url("/.well-known/jwks.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"], etag.as_str());
    let r = h
        .http
        .get(h.url("/.well-known/jwks.json"))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let doc = h.get_json(path).await;
        assert_eq!(doc["issuer"], h.server.issuer.as_str());
        assert_eq!(
            doc["token_endpoint"],
            format!("{}/oauth2/token", h.server.issuer)
        );
        assert_eq!(
            doc["jwks_uri"],
            format!("{}/.well-known/jwks.json", h.server.issuer)
        );
        assert_eq!(
            doc["grant_types_supported"],
            serde_json::json!([
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "refresh_token",
                "urn:ietf:params:oauth:grant-type:token-exchange"
            ])
        );
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            serde_json::json!([
                "client_secret_basic",
                "client_secret_post",
                "private_key_jwt"
            ])
        );
        assert_eq!(doc["response_types_supported"], serde_json::json!([]));
    }

    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let r = h.http.get(h.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.text().await.unwrap(), body);
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(publish, jwks_metadata_and_health);

/// A resource server behind jot-axum, finding the keys by discovery.
async fn tokens_verify_with_discovery_and_jot_axum(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let (_, body) = h
        .token(
            "svc",
            &[
                ("grant_type", "client_credentials"),
                ("resource", "api://one"),
            ],
        )
        .await;
    let token = body["access_token"].as_str().unwrap().to_string();

    let issuer = Issuer::discover(&h.server.issuer)
        .await
        .unwrap()
        .audience("api://one");
    let verifier = Verifier::new(issuer);
    let app = Router::new()
        .route(
            "/me",
            get(|t: jot_axum::Token| async move { t.claims()["sub"].to_string() }),
        )
        .layer(JwtLayer::new(verifier).require_scopes(["read"]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}/me", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let r = h.http.get(&api).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "\"svc\"");
    // A token for another audience is refused by the same layer.
    let (_, body) = h
        .token(
            "svc",
            &[
                ("grant_type", "client_credentials"),
                ("resource", "api://two"),
            ],
        )
        .await;
    let other = body["access_token"].as_str().unwrap();
    let r = h.http.get(&api).bearer_auth(other).send().await.unwrap();
    assert_eq!(r.status(), 401);
    server.abort();
    tokio::time::sleep(Duration::from_millis(10)).await;
    h.server.shutdown().await.unwrap();
}
both_backends!(jot_axum_layer, tokens_verify_with_discovery_and_jot_axum);
