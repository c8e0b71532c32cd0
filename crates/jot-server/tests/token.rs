//! `POST /oauth2/token` over real HTTP, on SQLite and PostgreSQL: each
//! grant end to end, each client authentication method, and every error
//! code of RFC 6749 §5.2 the endpoint can answer.

mod common;

use std::time::Duration;

use common::*;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;
use serde_json::Value;

const ALL: &[Grant] = &[
    Grant::ClientCredentials,
    Grant::RefreshToken,
    Grant::JwtBearer,
];

async fn client_credentials_with_both_auth_methods(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc:a", &[Grant::ClientCredentials]).await;

    // client_secret_basic, with an id and secret that need form encoding.
    let (status, body) = h
        .token(
            "svc:a",
            &[("grant_type", "client_credentials"), ("scope", "read")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
    assert_eq!(body["expires_in"], 300);
    assert!(body.get("refresh_token").is_none(), "{body}");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.sub.as_deref(), Some("svc:a"));
    assert_eq!(claims.extra["client_id"], "svc:a");
    assert_eq!(claims.extra["scope"], "read");
    let (iat, exp) = (claims.iat.unwrap().as_secs(), claims.exp.unwrap().as_secs());
    assert_eq!(exp - iat, 300);

    // client_secret_post, picking the second audience; scope defaults to all.
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "svc:a"),
            ("client_secret", SECRET),
            ("resource", "api://two"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (status, body) = status_json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "read write");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://two")
        .await;
    assert!(claims.aud.unwrap().contains("api://two"));
    h.server.shutdown().await.unwrap();
}
both_backends!(
    client_credentials,
    client_credentials_with_both_auth_methods
);

async fn error_codes(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("cc-only", &[Grant::ClientCredentials]).await;
    let cc = [("grant_type", "client_credentials")];

    let post = |form: Vec<(&'static str, &'static str)>| {
        let req = h.http.post(h.url("/oauth2/token")).form(&form);
        async move { status_json(req.send().await.unwrap()).await }
    };
    let expect = |(status, body): (u16, Value), want_status: u16, code: &str| {
        assert_eq!(body["error"], code, "{body}");
        assert_eq!(status, want_status, "{body}");
    };

    // Client authentication: wrong secret, unknown id, none, two methods.
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth("cc-only", Some("wrong"))
        .form(&cc)
        .send()
        .await
        .unwrap();
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    expect(status_json(r).await, 401, "invalid_client");
    expect(h.token("nobody", &cc).await, 401, "invalid_client");
    expect(
        post(vec![("grant_type", "client_credentials")]).await,
        401,
        "invalid_client",
    );
    expect(
        post(vec![
            ("grant_type", "client_credentials"),
            ("client_id", "cc-only"),
            ("client_secret", "wrong"),
        ])
        .await,
        401,
        "invalid_client",
    );
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth("cc-only", Some(basic_part(SECRET)))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_secret", SECRET),
        ])
        .send()
        .await
        .unwrap();
    expect(status_json(r).await, 400, "invalid_request");

    // Malformed requests.
    expect(h.token("cc-only", &[]).await, 400, "invalid_request");
    expect(
        h.token(
            "cc-only",
            &[
                ("grant_type", "client_credentials"),
                ("grant_type", "client_credentials"),
            ],
        )
        .await,
        400,
        "invalid_request",
    );
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth("cc-only", Some(basic_part(SECRET)))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    expect(status_json(r).await, 400, "invalid_request");

    // Grants, scopes, targets.
    expect(
        h.token("cc-only", &[("grant_type", "password")]).await,
        400,
        "unsupported_grant_type",
    );
    expect(
        h.token("cc-only", &[("grant_type", "jwt-bearer")]).await,
        400,
        "unsupported_grant_type",
    );
    expect(
        h.token(
            "cc-only",
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await,
        400,
        "unauthorized_client",
    );
    expect(
        h.token(
            "cc-only",
            &[
                ("grant_type", "client_credentials"),
                ("scope", "read admin"),
            ],
        )
        .await,
        400,
        "invalid_scope",
    );
    expect(
        h.token(
            "cc-only",
            &[
                ("grant_type", "client_credentials"),
                ("resource", "api://other"),
            ],
        )
        .await,
        400,
        "invalid_target",
    );

    h.add_client("all", ALL).await;
    expect(
        h.token("all", &[("grant_type", "refresh_token")]).await,
        400,
        "invalid_request",
    );
    expect(
        h.token(
            "all",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "not-a-token"),
            ],
        )
        .await,
        400,
        "invalid_grant",
    );
    expect(
        h.token(
            "all",
            &[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")],
        )
        .await,
        400,
        "invalid_request",
    );
    expect(
        h.token(
            "all",
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", "a.b.c"),
            ],
        )
        .await,
        400,
        "invalid_grant",
    );

    // Body over the cap: 413, never a 500.
    let big = "x".repeat(100 * 1024);
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=client_credentials&pad={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    h.server.shutdown().await.unwrap();
}
both_backends!(errors, error_codes);

async fn jwt_bearer_then_refresh_rotation_and_reuse(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.add_client("app", ALL).await;
    let bearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    let a = assertion(&b.key, &h.server.issuer, "alice");
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", bearer), ("assertion", &a), ("scope", "read")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(claims.extra["client_id"], "app");
    let first_access_jti = claims.jti.unwrap();
    let r0 = body["refresh_token"].as_str().unwrap().to_string();

    // The same assertion (same jti) is refused the second time.
    let (status, body) = h
        .token("app", &[("grant_type", bearer), ("assertion", &a)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // An assertion for another audience, or from an untrusted key, is refused.
    let wrong_aud = assertion(&b.key, "https://elsewhere.example", "alice");
    let (_, body) = h
        .token("app", &[("grant_type", bearer), ("assertion", &wrong_aud)])
        .await;
    assert_eq!(body["error"], "invalid_grant");
    let other = backend();
    let forged = assertion(&other.key, &h.server.issuer, "alice");
    let (_, body) = h
        .token("app", &[("grant_type", bearer), ("assertion", &forged)])
        .await;
    assert_eq!(body["error"], "invalid_grant");

    // Rotation: each use gives a new token; the scope stays the family's.
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &r0)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "read");
    let r1 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r0, r1);
    let claims = h
        .verify(body["access_token"].as_str().unwrap(), "api://one")
        .await;
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    let second_access_jti = claims.jti.unwrap();

    // A wider scope than the family's is refused and leaves r1 usable.
    let (_, body) = h
        .token(
            "app",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &r1),
                ("scope", "write"),
            ],
        )
        .await;
    assert_eq!(body["error"], "invalid_scope");
    // Another client cannot use it.
    h.add_client("thief", ALL).await;
    let (_, body) = h
        .token(
            "thief",
            &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
        )
        .await;
    assert_eq!(body["error"], "invalid_grant");

    // Reuse of r0: the family is revoked, r1 stops working, and the access
    // tokens it minted are denied.
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &r0)],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (_, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
        )
        .await;
    assert_eq!(body["error"], "invalid_grant");
    let now = jot_server::Clock::now(&jot_server::SystemClock);
    for jti in [first_access_jti, second_access_jti] {
        assert!(
            h.store.is_access_token_denied(&jti, now).await.unwrap(),
            "{jti}"
        );
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(
    jwt_bearer_and_refresh,
    jwt_bearer_then_refresh_rotation_and_reuse
);

async fn fifty_concurrent_refreshes_one_wins(t: TestStore) {
    let b = backend();
    let h = std::sync::Arc::new(start(t, b.settings.clone()).await);
    h.add_client("app", ALL).await;
    let r0 = first_refresh(&h, &b, "bob").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (h, r0) = (std::sync::Arc::clone(&h), r0.clone());
        tasks.push(tokio::spawn(async move {
            h.token(
                "app",
                &[("grant_type", "refresh_token"), ("refresh_token", &r0)],
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => ok += 1,
            400 => assert_eq!(body["error"], "invalid_grant", "{body}"),
            other => panic!("status {other}: {body}"),
        }
    }
    assert_eq!(ok, 1);
}
both_backends!(concurrent_refresh, fifty_concurrent_refreshes_one_wins);

async fn grace_window_returns_the_same_successor(t: TestStore) {
    let b = backend();
    let mut s = b.settings.clone();
    s.refresh.grace = Duration::from_secs(30);
    let h = start(t, s).await;
    h.add_client("app", ALL).await;
    let r0 = first_refresh(&h, &b, "carol").await;
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", r0.as_str()),
    ];
    let (s1, first) = h.token("app", &refresh).await;
    let (s2, second) = h.token("app", &refresh).await;
    assert_eq!((s1, s2), (200, 200), "{first} {second}");
    assert_eq!(first["refresh_token"], second["refresh_token"]);
    assert_ne!(first["access_token"], second["access_token"]);
    // The successor still works (the family was not revoked).
    let r1 = first["refresh_token"].as_str().unwrap();
    let (s3, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", r1)],
        )
        .await;
    assert_eq!(s3, 200, "{body}");
}
both_backends!(grace, grace_window_returns_the_same_successor);

/// The claims of a token, read without verifying (the test made it).
fn claims_of(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Tokens issued while the clock jumps back and forth: each one's `iat` is
/// the clock's time and its `exp` comes after it.
async fn clock_jumps_never_give_exp_before_iat(t: TestStore) {
    let clock = jot_server::FakeClock::new(1_800_000_000);
    let h = start_with_clock(t, settings(), std::sync::Arc::new(clock.clone())).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    for now in [
        1_800_000_000,
        1_799_996_400, // an hour back
        1_831_536_000, // a year ahead
        1_800_000_001, // back again
    ] {
        clock.set(now);
        let claims = claims_of(&h.cc_token("svc").await);
        let (iat, exp) = (
            claims["iat"].as_i64().unwrap(),
            claims["exp"].as_i64().unwrap(),
        );
        assert_eq!(iat, now);
        assert!(exp > iat, "exp {exp} not after iat {iat}");
    }
}
both_backends!(clock_jumps, clock_jumps_never_give_exp_before_iat);

/// A token request for client "svc" with HTTP Basic `secret`: the status.
async fn cc_status(h: &Harness, secret: &str) -> u16 {
    h.http
        .post(h.url("/oauth2/token"))
        .basic_auth("svc", Some(basic_part(secret)))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The service reuses a client's successful secret check for
/// `clients::CACHE_TTL` (1 s). A change made in the store by another process
/// (`jot client rotate-secret`, `jot client remove`): the new secret works
/// at once, a wrong one never does, and the old one and a removed client
/// stop working once the TTL has passed.
async fn client_changes_elsewhere_reach_the_service_within_the_cache_ttl(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    assert_eq!(cc_status(&h, SECRET).await, 200);
    assert_eq!(cc_status(&h, "wrong").await, 401);

    let fresh = "a-new-secret";
    assert!(h
        .store
        .set_client_secret("svc", jot_server::store::Digest::of(fresh.as_bytes()), 1)
        .await
        .unwrap());
    assert_eq!(cc_status(&h, fresh).await, 200);
    assert_eq!(cc_status(&h, "wrong").await, 401);
    tokio::time::sleep(jot_server::clients::CACHE_TTL + Duration::from_millis(100)).await;
    assert_eq!(
        cc_status(&h, SECRET).await,
        401,
        "the old secret outlived the TTL"
    );
    assert_eq!(cc_status(&h, fresh).await, 200);

    assert!(h.store.remove_client("svc").await.unwrap());
    tokio::time::sleep(jot_server::clients::CACHE_TTL + Duration::from_millis(100)).await;
    assert_eq!(
        cc_status(&h, fresh).await,
        401,
        "a removed client outlived the TTL"
    );
    h.server.shutdown().await.unwrap();
}
both_backends!(
    client_cache,
    client_changes_elsewhere_reach_the_service_within_the_cache_ttl
);
