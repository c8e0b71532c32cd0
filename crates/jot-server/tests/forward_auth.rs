//! `/auth` (forward auth for nginx, Traefik and Envoy) over real HTTP, on
//! SQLite and PostgreSQL: what passes with which headers, each refusal with
//! its RFC 6750 challenge, and that the verified-token cache lets neither a
//! revoked nor an expired token through.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;
use jot_server::{Clock, FakeClock, SystemClock};

/// GET `path` with `token` as bearer (if any) and extra headers:
/// (status, WWW-Authenticate, X-Auth-Subject, X-Auth-Client, X-Auth-Scope).
async fn auth(
    h: &Harness,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, String, String, String, String) {
    let mut req = h.http.get(h.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let r = req.send().await.unwrap();
    let get = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    (
        r.status().as_u16(),
        get("www-authenticate"),
        get("x-auth-subject"),
        get("x-auth-client"),
        get("x-auth-scope"),
    )
}

async fn answers_gateways(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let (_, body) = h
        .token(
            "svc",
            &[("grant_type", "client_credentials"), ("scope", "read")],
        )
        .await;
    let token = body["access_token"].as_str().unwrap().to_string();
    let route = "/auth?aud=api%3A%2F%2Fone&scope=read";

    // nginx / Traefik: requirements in the query of /auth.
    let (status, challenge, sub, client, scope) = auth(&h, route, Some(&token), &[]).await;
    assert_eq!((status, challenge.as_str()), (200, ""));
    assert_eq!(
        (sub.as_str(), client.as_str(), scope.as_str()),
        ("svc", "svc", "read")
    );
    // Envoy: the client's path appended, requirements in headers; the
    // client's own query is not read there.
    let envoy = [
        ("x-auth-require-audience", "api://one"),
        ("x-auth-require-scope", "read"),
    ];
    let (status, ..) = auth(&h, "/auth/v1/items?x=1", Some(&token), &envoy).await;
    assert_eq!(status, 200);
    let (status, challenge, ..) = auth(&h, "/auth/v1?aud=api%3A%2F%2Fone", Some(&token), &[]).await;
    assert_eq!(status, 400, "a client's query must not configure the route");
    assert!(challenge.contains("invalid_request"), "{challenge}");
    // Every method (nginx forwards the client's).
    let r = h
        .http
        .post(h.url(route))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // No token: a bare challenge (RFC 6750 §3.1).
    let (status, challenge, sub, ..) = auth(&h, route, None, &[]).await;
    assert_eq!(
        (status, challenge.as_str(), sub.as_str()),
        (401, "Bearer realm=\"jot\"", "")
    );
    // Bad tokens.
    // One character of the signature changed (not the last, whose low
    // bits are padding).
    let at = token.rfind('.').unwrap() + 10;
    let mut forged = token.clone();
    let swap = if &token[at..=at] == "A" { "B" } else { "A" };
    forged.replace_range(at..=at, swap);
    for (bad, reason) in [
        ("nonsense", "malformed"),
        ("a.b.c", "malformed"),
        (forged.as_str(), "signature"),
    ] {
        let (status, challenge, ..) = auth(&h, route, Some(bad), &[]).await;
        assert_eq!(status, 401, "{bad}");
        assert_eq!(
            challenge,
            format!(
                "Bearer realm=\"jot\", error=\"invalid_token\", error_description=\"{reason}\""
            )
        );
    }
    // Another audience: invalid for this route.
    let (status, challenge, ..) = auth(&h, "/auth?aud=api%3A%2F%2Ftwo", Some(&token), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("\"audience\""), "{challenge}");
    // A client adding a requirement only makes it stricter.
    let (status, ..) = auth(
        &h,
        route,
        Some(&token),
        &[("x-auth-require-audience", "api://two")],
    )
    .await;
    assert_eq!(status, 401);
    // Missing scope: 403 naming what the route needs.
    let (status, challenge, ..) = auth(
        &h,
        "/auth?aud=api%3A%2F%2Fone&scope=read+write",
        Some(&token),
        &[],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        challenge,
        "Bearer realm=\"jot\", error=\"insufficient_scope\", scope=\"read write\""
    );
    // A route without an audience is a misconfiguration, refused.
    let (status, ..) = auth(&h, "/auth?scope=read", Some(&token), &[]).await;
    assert_eq!(status, 400);
    h.server.shutdown().await.unwrap();
}
both_backends!(gateways, answers_gateways);

async fn revoked_tokens_fail_even_when_cached(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let token = h.cc_token("svc").await;
    let other = h.cc_token("svc").await;
    let route = "/auth?aud=api%3A%2F%2Fone";
    for _ in 0..3 {
        assert_eq!(auth(&h, route, Some(&token), &[]).await.0, 200);
    }
    assert_eq!(auth(&h, route, Some(&other), &[]).await.0, 200);
    assert_eq!(h.server.state.token_cache.len(), 2, "both tokens cached");

    let (status, _) = h
        .post_form("/oauth2/revoke", "svc", &[("token", &token)])
        .await;
    assert_eq!(status, 200);
    let (status, challenge, ..) = auth(&h, route, Some(&token), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("\"revoked\""), "{challenge}");
    assert_eq!(auth(&h, route, Some(&other), &[]).await.0, 200);

    // Log the subject (the client itself, for client_credentials) out
    // everywhere: the other cached token goes too.
    h.store
        .revoke_subject("svc", SystemClock.now())
        .await
        .unwrap();
    h.server
        .state
        .revoked
        .refresh(SystemClock.now())
        .await
        .unwrap();
    let (status, challenge, ..) = auth(&h, route, Some(&other), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("\"revoked\""), "{challenge}");
    h.server.shutdown().await.unwrap();
}
both_backends!(revoked_when_cached, revoked_tokens_fail_even_when_cached);

async fn cached_tokens_never_outlive_exp(t: TestStore) {
    let clock = FakeClock::new(SystemClock.now());
    let h = start_with_clock(t, settings(), Arc::new(clock.clone())).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await; // 300 s tokens
    let token = h.cc_token("svc").await;
    let route = "/auth?aud=api%3A%2F%2Fone";
    assert_eq!(auth(&h, route, Some(&token), &[]).await.0, 200);
    clock.advance(Duration::from_secs(299));
    assert_eq!(auth(&h, route, Some(&token), &[]).await.0, 200);
    assert_eq!(h.server.state.token_cache.len(), 1);
    // At exp exactly, although the leeway (60 s) would still accept it.
    clock.advance(Duration::from_secs(1));
    let (status, challenge, ..) = auth(&h, route, Some(&token), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("\"expired\""), "{challenge}");
    assert_eq!(
        h.server.state.token_cache.len(),
        0,
        "dropped from the cache"
    );
    h.server.shutdown().await.unwrap();
}
both_backends!(expiry, cached_tokens_never_outlive_exp);
