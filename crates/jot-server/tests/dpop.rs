//! DPoP (RFC 9449) in `jot serve` over real HTTP, on SQLite and PostgreSQL:
//! tokens bound at the token endpoint for every grant, each way a proof
//! fails, refresh tokens bound to the key their family started with,
//! server nonces, bound tokens at `/auth` and in introspection, and the
//! discovery metadata.

mod common;

use common::*;
use jot::dpop::ProofBuilder;
use jot::jwk::ThumbprintHash;
use jot::key::{self, SigningKey};
use jot::Algorithm;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;
use jot_server::{Clock, SystemClock};
use serde_json::Value;

const ALL: &[Grant] = &[
    Grant::ClientCredentials,
    Grant::RefreshToken,
    Grant::JwtBearer,
];

/// A client's DPoP key.
fn dpop_key(alg: Algorithm) -> SigningKey {
    SigningKey::from_jwk(&key::generate_for(alg).unwrap(), alg).unwrap()
}

fn jkt(key: &SigningKey) -> String {
    key.public_jwk().unwrap().thumbprint(ThumbprintHash::Sha256)
}

fn token_endpoint(h: &Harness) -> String {
    format!("{}/oauth2/token", h.server.issuer)
}

/// A proof for the token endpoint.
fn token_proof(h: &Harness, key: &SigningKey) -> String {
    ProofBuilder::new("POST", token_endpoint(h))
        .sign(key)
        .unwrap()
}

/// POSTs a form to the token endpoint as `id` with these `DPoP` headers:
/// (status, body, the `DPoP-Nonce` header if any).
async fn token_with(
    h: &Harness,
    id: &str,
    form: &[(&str, &str)],
    proofs: &[&str],
) -> (u16, Value, Option<String>) {
    let mut req = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth(basic_part(id), Some(basic_part(SECRET)))
        .form(form);
    for p in proofs {
        req = req.header("DPoP", *p);
    }
    let r = req.send().await.unwrap();
    let nonce = r
        .headers()
        .get("dpop-nonce")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = status_json(r).await;
    (status, body, nonce)
}

const CC: &[(&str, &str)] = &[("grant_type", "client_credentials")];

async fn proofs_bind_tokens_for_every_grant(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.add_client("app", ALL).await;
    let key = dpop_key(Algorithm::ES256);

    // client_credentials with a proof: bound, token_type DPoP.
    let (status, body, _) = token_with(&h, "app", CC, &[&token_proof(&h, &key)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.extra["cnf"]["jkt"], jkt(&key).as_str());
    // Without a proof: a Bearer token, unbound, as before.
    let (status, body, _) = token_with(&h, "app", CC, &[]).await;
    assert_eq!((status, body["token_type"].as_str()), (200, Some("Bearer")));
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert!(claims.extra.get("cnf").is_none(), "{:?}", claims.extra);

    // jwt-bearer with a proof (another algorithm): bound.
    let ed = dpop_key(Algorithm::EdDSA);
    let a = assertion(&b.key, &h.server.issuer, "alice");
    let (status, body, _) = token_with(
        &h,
        "app",
        &[("grant_type", BEARER), ("assertion", &a)],
        &[&token_proof(&h, &ed)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.extra["cnf"]["jkt"], jkt(&ed).as_str());

    // refresh_token with a proof of the same key: bound to it again.
    let r = body["refresh_token"].as_str().unwrap();
    let (status, body, _) = token_with(
        &h,
        "app",
        &[("grant_type", "refresh_token"), ("refresh_token", r)],
        &[&token_proof(&h, &ed)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.extra["cnf"]["jkt"], jkt(&ed).as_str());
    h.server.shutdown().await.unwrap();
}
both_backends!(bound_tokens, proofs_bind_tokens_for_every_grant);

async fn bad_proofs_are_invalid_dpop_proof(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let key = dpop_key(Algorithm::ES256);
    let endpoint = token_endpoint(&h);
    let refused = |what: &'static str, (status, body, _): (u16, Value, Option<String>)| {
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_dpop_proof")),
            "{what}: {body}"
        );
        assert!(body.get("access_token").is_none(), "{what}");
    };

    let wrong_htu = ProofBuilder::new("POST", format!("{}/oauth2/introspect", h.server.issuer))
        .sign(&key)
        .unwrap();
    refused("htu", token_with(&h, "svc", CC, &[&wrong_htu]).await);
    let wrong_htm = ProofBuilder::new("GET", &endpoint).sign(&key).unwrap();
    refused("htm", token_with(&h, "svc", CC, &[&wrong_htm]).await);
    let with_ath = ProofBuilder::new("POST", &endpoint)
        .access_token("some.access.token")
        .sign(&key)
        .unwrap();
    let (status, _, _) = token_with(&h, "svc", CC, &[&with_ath]).await;
    assert_eq!(status, 200, "an ath the endpoint does not need is ignored");
    let stale = ProofBuilder::new("POST", &endpoint)
        .issued_at(SystemClock.now() - 3600)
        .sign(&key)
        .unwrap();
    refused("old iat", token_with(&h, "svc", CC, &[&stale]).await);
    refused("garbage", token_with(&h, "svc", CC, &["not-a-proof"]).await);

    // Replay: the first use passes, the second is refused.
    let once = token_proof(&h, &key);
    let (status, body, _) = token_with(&h, "svc", CC, &[&once]).await;
    assert_eq!(status, 200, "{body}");
    refused("replay", token_with(&h, "svc", CC, &[&once]).await);

    // Two DPoP headers, even two good proofs.
    let (a, b) = (token_proof(&h, &key), token_proof(&h, &key));
    refused("two headers", token_with(&h, "svc", CC, &[&a, &b]).await);
    h.server.shutdown().await.unwrap();
}
both_backends!(bad_proofs, bad_proofs_are_invalid_dpop_proof);

async fn metadata_lists_the_proof_algorithms(t: TestStore) {
    let h = start(t, settings()).await;
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let doc = h.get_json(path).await;
        let algs: Vec<&str> = doc["dpop_signing_alg_values_supported"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {doc}"))
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for alg in ["ES256", "ES384", "RS256", "PS256", "EdDSA"] {
            assert!(algs.contains(&alg), "{path}: {algs:?}");
        }
        assert!(!algs.iter().any(|a| a.starts_with("HS")), "{algs:?}");
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(metadata, metadata_lists_the_proof_algorithms);

const REFRESH: &str = "refresh_token";

async fn bound_refresh_tokens_need_a_proof_of_their_key(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.add_client("app", ALL).await;
    let key = dpop_key(Algorithm::ES256);
    let a = assertion(&b.key, &h.server.issuer, "alice");
    let (status, body, _) = token_with(
        &h,
        "app",
        &[("grant_type", BEARER), ("assertion", &a)],
        &[&token_proof(&h, &key)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let r0 = body["refresh_token"].as_str().unwrap().to_string();
    let form = [("grant_type", REFRESH), ("refresh_token", r0.as_str())];

    // Without a proof: refused, and the token is not consumed.
    let (status, body, _) = token_with(&h, "app", &form, &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // With a proof of another key: refused the same way.
    let other = dpop_key(Algorithm::ES256);
    let (status, body, _) = token_with(&h, "app", &form, &[&token_proof(&h, &other)]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // With a bad proof of the right key: invalid_dpop_proof.
    let wrong_htm = ProofBuilder::new("PUT", token_endpoint(&h))
        .sign(&key)
        .unwrap();
    let (status, body, _) = token_with(&h, "app", &form, &[&wrong_htm]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    // The same token still works with a proof of its key (none of the
    // refusals consumed it or revoked its family), and the new access token
    // is bound to the same key.
    let (status, body, _) = token_with(&h, "app", &form, &[&token_proof(&h, &key)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.extra["cnf"]["jkt"], jkt(&key).as_str());
    // Its successor is bound too.
    let r1 = body["refresh_token"].as_str().unwrap().to_string();
    let form = [("grant_type", REFRESH), ("refresh_token", r1.as_str())];
    let (status, body, _) = token_with(&h, "app", &form, &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body, _) = token_with(&h, "app", &form, &[&token_proof(&h, &key)]).await;
    assert_eq!(status, 200, "{body}");

    // A family started without a proof is not bound: refreshing it with
    // or without a proof both work (the access token is bound only when a
    // proof comes with the request).
    let a = assertion(&b.key, &h.server.issuer, "bob");
    let (_, body, _) =
        token_with(&h, "app", &[("grant_type", BEARER), ("assertion", &a)], &[]).await;
    let r = body["refresh_token"].as_str().unwrap().to_string();
    let (status, body, _) = token_with(
        &h,
        "app",
        &[("grant_type", REFRESH), ("refresh_token", &r)],
        &[],
    )
    .await;
    assert_eq!((status, body["token_type"].as_str()), (200, Some("Bearer")));
    h.server.shutdown().await.unwrap();
}
both_backends!(
    bound_refresh,
    bound_refresh_tokens_need_a_proof_of_their_key
);

async fn nonce_mode_hands_out_and_requires_nonces(t: TestStore) {
    let mut s = settings();
    s.dpop_nonce = true;
    let h = start(t, s).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let key = dpop_key(Algorithm::ES256);

    let (status, body, nonce) = token_with(&h, "svc", CC, &[&token_proof(&h, &key)]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    let nonce = nonce.expect("a DPoP-Nonce header");
    // A made-up nonce is no better.
    let forged = ProofBuilder::new("POST", token_endpoint(&h))
        .nonce("AAAAAAAAAAAAAAAAAAAAAA")
        .sign(&key)
        .unwrap();
    let (_, body, _) = token_with(&h, "svc", CC, &[&forged]).await;
    assert_eq!(body["error"], "use_dpop_nonce", "{body}");
    // The retry with the nonce succeeds, and the answer carries a nonce.
    let proof = ProofBuilder::new("POST", token_endpoint(&h))
        .nonce(&nonce)
        .sign(&key)
        .unwrap();
    let (status, body, next) = token_with(&h, "svc", CC, &[&proof]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    assert!(next.is_some(), "successful answers carry DPoP-Nonce");
    // Bearer requests are not affected.
    let (status, body, _) = token_with(&h, "svc", CC, &[]).await;
    assert_eq!((status, body["token_type"].as_str()), (200, Some("Bearer")));
    h.server.shutdown().await.unwrap();
}
both_backends!(nonces, nonce_mode_hands_out_and_requires_nonces);

/// GET /auth for `api://one` with `Authorization: <scheme> <token>`, the
/// given proofs and Traefik's headers for the client's original request
/// `GET https://api.example/items`: (status, WWW-Authenticate).
async fn auth_with(h: &Harness, scheme: &str, token: &str, proofs: &[&str]) -> (u16, String) {
    let mut req = h
        .http
        .get(h.url("/auth?aud=api%3A%2F%2Fone"))
        .header("authorization", format!("{scheme} {token}"))
        .header("x-forwarded-method", "GET")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "api.example")
        .header("x-forwarded-uri", "/items?page=2");
    for p in proofs {
        req = req.header("DPoP", *p);
    }
    status_challenge(req.send().await.unwrap())
}

const ITEMS: &str = "https://api.example/items";

async fn forward_auth_and_introspection_of_bound_tokens(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let key = dpop_key(Algorithm::ES256);
    let (_, body, _) = token_with(&h, "svc", CC, &[&token_proof(&h, &key)]).await;
    let token = body["access_token"].as_str().unwrap().to_string();
    let resource_proof = |htm: &str, htu: &str, k: &SigningKey| {
        ProofBuilder::new(htm, htu)
            .access_token(&token)
            .sign(k)
            .unwrap()
    };

    // As a bearer token: 401, even with a good proof.
    let good = resource_proof("GET", ITEMS, &key);
    let (status, challenge) = auth_with(&h, "Bearer", &token, &[&good]).await;
    assert_eq!(status, 401, "{challenge}");
    assert!(challenge.starts_with("DPoP "), "{challenge}");
    // As DPoP with a valid proof for the original request: 200.
    let (status, challenge) = auth_with(&h, "DPoP", &token, &[&good]).await;
    assert_eq!((status, challenge.as_str()), (200, ""));
    // The same proof again: a replay.
    let (status, _) = auth_with(&h, "DPoP", &token, &[&good]).await;
    assert_eq!(status, 401);
    // A proof for another URL, another method, another key, without ath,
    // or none at all: 401.
    let elsewhere = resource_proof("GET", "https://api.example/admin", &key);
    let put = resource_proof("PUT", ITEMS, &key);
    let other_key = resource_proof("GET", ITEMS, &dpop_key(Algorithm::ES256));
    let no_ath = ProofBuilder::new("GET", ITEMS).sign(&key).unwrap();
    for (what, proofs) in [
        ("url", vec![elsewhere.as_str()]),
        ("method", vec![put.as_str()]),
        ("key", vec![other_key.as_str()]),
        ("ath", vec![no_ath.as_str()]),
        ("none", vec![]),
    ] {
        let (status, challenge) = auth_with(&h, "DPoP", &token, &proofs).await;
        assert_eq!(status, 401, "{what}");
        assert!(
            challenge.contains("invalid_dpop_proof"),
            "{what}: {challenge}"
        );
    }
    // An unbound token as DPoP is refused; as Bearer it passes as before.
    let plain = h.cc_token("svc").await;
    let proof = ProofBuilder::new("GET", ITEMS)
        .access_token(&plain)
        .sign(&key)
        .unwrap();
    assert_eq!(auth_with(&h, "DPoP", &plain, &[&proof]).await.0, 401);
    assert_eq!(auth_with(&h, "Bearer", &plain, &[]).await.0, 200);

    // Introspection says it is bound, and to which key.
    let info = h.introspect("svc", &token).await;
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["token_type"], "DPoP");
    assert_eq!(info["cnf"]["jkt"], jkt(&key).as_str());
    let info = h.introspect("svc", &plain).await;
    assert_eq!(info["token_type"], "Bearer");
    assert!(info.get("cnf").is_none(), "{info}");
    h.server.shutdown().await.unwrap();
}
both_backends!(forward_auth, forward_auth_and_introspection_of_bound_tokens);

async fn nonce_mode_requires_nonces_at_auth_too(t: TestStore) {
    let mut s = settings();
    s.dpop_nonce = true;
    let h = start(t, s).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let key = dpop_key(Algorithm::ES256);
    let (_, _, nonce) = token_with(&h, "svc", CC, &[&token_proof(&h, &key)]).await;
    let nonce = nonce.expect("a DPoP-Nonce header");
    let proof = ProofBuilder::new("POST", token_endpoint(&h))
        .nonce(&nonce)
        .sign(&key)
        .unwrap();
    let (status, body, _) = token_with(&h, "svc", CC, &[&proof]).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_string();
    let resource_proof = |nonce: Option<&str>| {
        let mut b = ProofBuilder::new("GET", ITEMS).access_token(&token);
        if let Some(n) = nonce {
            b = b.nonce(n);
        }
        b.sign(&key).unwrap()
    };
    // /auth with the DPoP-Nonce it answered: (status, challenge, nonce).
    let auth = |proof: String| {
        let h = &h;
        let token = &token;
        async move {
            let r = dpop_auth(&h.http, &h.base, token, &proof).await;
            let nonce = r
                .headers()
                .get("dpop-nonce")
                .map(|v| v.to_str().unwrap().to_string());
            let (status, challenge) = status_challenge(r);
            (status, challenge, nonce)
        }
    };

    // Without a nonce, or with a made-up one: 401 use_dpop_nonce, with the
    // nonce to retry with (RFC 9449 §9).
    for proof in [
        resource_proof(None),
        resource_proof(Some("AAAAAAAAAAAAAAAAAAAAAA")),
    ] {
        let (status, challenge, offered) = auth(proof).await;
        assert_eq!(status, 401, "{challenge}");
        assert!(
            challenge.starts_with("DPoP ") && challenge.contains("error=\"use_dpop_nonce\""),
            "{challenge}"
        );
        assert_eq!(offered.as_deref(), Some(nonce.as_str()));
    }
    // The retry with the nonce passes.
    let (status, challenge, _) = auth(resource_proof(Some(&nonce))).await;
    assert_eq!((status, challenge.as_str()), (200, ""));
    h.server.shutdown().await.unwrap();
}
both_backends!(auth_nonces, nonce_mode_requires_nonces_at_auth_too);
