//! A service that protects one route with bearer JWTs from an identity
//! provider found by OIDC discovery.
//!
//! ```sh
//! cargo run -p jot-axum --example service      # PORT=8080 to move it
//! ```
//!
//! To stay self-contained it also plays the identity provider: a second
//! listener on 127.0.0.1 serves the discovery document and the JWK Set (plain
//! http is allowed to loopback only), and a token is printed for `curl`.

use std::time::Duration;

use axum::routing::get;
use axum::{Json, Router};
use jot::jwk::JwkSet;
use jot::key::{generate_for, SigningKey};
use jot::verifier::{Issuer, Verifier};
use jot::Algorithm;
use jot_axum::{Claims, JwtLayer};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;

#[derive(Deserialize)]
struct User {
    sub: String,
    scope: String,
}

async fn me(Claims(user): Claims<User>) -> String {
    format!("hello {}, your scopes: {}\n", user.sub, user.scope)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --- the identity provider ----------------------------------------------
    let idp = TcpListener::bind("127.0.0.1:0").await?;
    let issuer = format!("http://{}", idp.local_addr()?);
    let private = generate_for(Algorithm::ES256)?.with_kid("2025-01");
    let signer = SigningKey::from_jwk(&private, Algorithm::ES256)?;
    let jwks = JwkSet::new(vec![private.to_public()?]).to_value();
    let discovery = json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks") });
    let idp_app = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(discovery) }),
        )
        .route(
            "/jwks",
            get(move || async move { ([("cache-control", "max-age=300")], Json(jwks)) }),
        );
    tokio::spawn(async move { axum::serve(idp, idp_app).await });

    // --- the protected service ----------------------------------------------
    // Discovery checks the document's issuer and takes its jwks_uri; keys
    // are fetched on first use and cached (Cache-Control, ETag, cooldown).
    let verifier = Verifier::new(Issuer::discover(&issuer).await?.audience("example-api"));
    let app = Router::new().route("/me", get(me)).layer(
        JwtLayer::new(verifier)
            .realm("example-api")
            .require_scopes(["read"]),
    );
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let api = TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let url = format!("http://{}/me", api.local_addr()?);

    let token = jot::jwt::Builder::new()
        .issuer(&issuer)
        .audience("example-api")
        .subject("alice")
        .claim("scope", "read")?
        .expires_in(Duration::from_secs(3600))
        .sign(&signer)?;
    println!("issuer      {issuer}");
    println!("protected   {url}");
    println!();
    println!("curl -i {url}");
    println!("curl -i -H 'Authorization: Bearer {token}' {url}");
    axum::serve(api, app).await?;
    Ok(())
}
