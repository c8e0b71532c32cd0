//! `POST /oauth2/introspect` (RFC 7662), `POST /oauth2/revoke` (RFC 7009)
//! and `POST /admin/sessions/revoke` over real HTTP, on SQLite and
//! PostgreSQL: who sees which token, every error code, and that a
//! revocation (direct, by refresh reuse, or of a whole subject) makes the
//! tokens inactive at once.

mod common;

use common::*;
use jot_server::both_backends;
use jot_server::store::{Client, Grant};
use jot_server::testing::TestStore;
use serde_json::{json, Value};

const ALL: &[Grant] = &[
    Grant::ClientCredentials,
    Grant::RefreshToken,
    Grant::JwtBearer,
];

/// A client with its own audiences (and admin flag).
fn client_for(id: &str, audiences: &[&str], admin: bool) -> Client {
    Client {
        audiences: audiences.iter().map(|a| a.to_string()).collect(),
        admin,
        ..client(id, ALL)
    }
}

/// A jwt-bearer grant for `sub` by "app": (access token, refresh token).
async fn user_tokens(h: &Harness, b: &Backend, sub: &str) -> (String, String) {
    let a = assertion(&b.key, &h.server.issuer, sub);
    let (status, body) = h
        .token("app", &[("grant_type", BEARER), ("assertion", &a)])
        .await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().into(),
        body["refresh_token"].as_str().unwrap().into(),
    )
}

fn expect(got: (u16, Value), status: u16, code: &str) {
    assert_eq!(got.1["error"], code, "{}", got.1);
    assert_eq!(got.0, status, "{}", got.1);
}

fn inactive() -> Value {
    json!({"active": false})
}

async fn who_sees_what(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.store
        .create_client(&client_for("app", &["api://one", "api://two"], false))
        .await
        .unwrap();
    // A resource server for api://two, and a client with nothing in common.
    h.store
        .create_client(&client_for("rs", &["api://two"], false))
        .await
        .unwrap();
    h.store
        .create_client(&client_for("other", &["api://else"], false))
        .await
        .unwrap();

    let (access, refresh) = user_tokens(&h, &b, "alice").await;
    let body = h.introspect("app", &access).await;
    assert_eq!(body["active"], true, "{body}");
    assert_eq!(body["sub"], "alice");
    assert_eq!(body["client_id"], "app");
    assert_eq!(body["aud"], "api://one");
    assert_eq!(body["scope"], "read write");
    assert_eq!(body["iss"], h.server.issuer.as_str());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["token_use"], "access_token");
    assert!(body["exp"].as_i64().unwrap() > body["iat"].as_i64().unwrap());
    assert!(body["jti"].is_string());

    // api://one is not rs's audience, nor is the token rs's.
    assert_eq!(h.introspect("rs", &access).await, inactive());
    assert_eq!(h.introspect("other", &access).await, inactive());
    // A token for api://two is visible to rs, which holds that audience.
    let (_, body) = h
        .token(
            "app",
            &[
                ("grant_type", "client_credentials"),
                ("resource", "api://two"),
            ],
        )
        .await;
    let for_two = body["access_token"].as_str().unwrap().to_string();
    let body = h.introspect("rs", &for_two).await;
    assert_eq!(
        (body["active"].clone(), body["sub"].clone()),
        (json!(true), json!("app"))
    );
    assert_eq!(h.introspect("other", &for_two).await, inactive());

    // Refresh tokens: only the client they were issued to sees them.
    let body = h.introspect("app", &refresh).await;
    assert_eq!(body["active"], true, "{body}");
    assert_eq!(body["token_use"], "refresh_token");
    assert_eq!(body["sub"], "alice");
    assert!(body.get("token_type").is_none(), "{body}");
    assert_eq!(h.introspect("rs", &refresh).await, inactive());

    // Garbage, a token of another issuer, an unknown refresh token.
    let foreign = assertion(&b.key, "api://one", "alice");
    for junk in ["", "x", "a.b.c", foreign.as_str(), "A".repeat(43).as_str()] {
        if junk.is_empty() {
            continue;
        }
        assert_eq!(h.introspect("app", junk).await, inactive(), "{junk}");
    }

    // Discovery names both endpoints.
    let meta = h.get_json("/.well-known/oauth-authorization-server").await;
    assert_eq!(
        meta["introspection_endpoint"],
        h.url("/oauth2/introspect").as_str()
    );
    assert_eq!(
        meta["revocation_endpoint"],
        h.url("/oauth2/revoke").as_str()
    );
    assert_eq!(
        meta["revocation_endpoint_auth_methods_supported"],
        meta["token_endpoint_auth_methods_supported"]
    );
    h.server.shutdown().await.unwrap();
}
both_backends!(visibility, who_sees_what);

async fn error_codes(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.store
        .create_client(&client_for("app", &["api://one"], false))
        .await
        .unwrap();
    h.store
        .create_client(&client_for("other", &["api://one"], false))
        .await
        .unwrap();
    let (access, refresh) = user_tokens(&h, &b, "alice").await;

    for path in ["/oauth2/introspect", "/oauth2/revoke"] {
        // No client authentication, a wrong secret, an unknown client.
        let r = h
            .http
            .post(h.url(path))
            .form(&[("token", access.as_str())])
            .send()
            .await
            .unwrap();
        expect(status_json(r).await, 401, "invalid_client");
        let r = h
            .http
            .post(h.url(path))
            .basic_auth("app", Some("wrong"))
            .form(&[("token", access.as_str())])
            .send()
            .await
            .unwrap();
        assert!(r.headers().contains_key("www-authenticate"), "{path}");
        expect(status_json(r).await, 401, "invalid_client");
        expect(
            h.post_form(path, "nobody", &[("token", &access)]).await,
            401,
            "invalid_client",
        );
        // No token, a repeated one, not a form.
        expect(h.post_form(path, "app", &[]).await, 400, "invalid_request");
        expect(
            h.post_form(path, "app", &[("token", "a"), ("token", "b")])
                .await,
            400,
            "invalid_request",
        );
        let r = h
            .http
            .post(h.url(path))
            .basic_auth("app", Some(basic_part(SECRET)))
            .json(&json!({"token": access}))
            .send()
            .await
            .unwrap();
        expect(status_json(r).await, 400, "invalid_request");
    }

    // RFC 7009 §2.2.1: a token type the server cannot revoke.
    expect(
        h.post_form(
            "/oauth2/revoke",
            "app",
            &[("token", &access), ("token_type_hint", "id_token")],
        )
        .await,
        400,
        "unsupported_token_type",
    );
    // §2.1: a valid token of another client is refused, and stays valid.
    for token in [&access, &refresh] {
        expect(
            h.post_form("/oauth2/revoke", "other", &[("token", token)])
                .await,
            400,
            "unauthorized_client",
        );
        assert_eq!(h.introspect("app", token).await["active"], true);
    }
    // §2.2: invalid or unknown tokens are not an error.
    let foreign = assertion(&b.key, "api://one", "alice");
    for junk in ["x", "a.b.c", foreign.as_str(), "A".repeat(43).as_str()] {
        let (status, body) = h
            .post_form("/oauth2/revoke", "app", &[("token", junk)])
            .await;
        assert_eq!(status, 200, "{junk}: {body}");
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(errors, error_codes);

async fn revocation_makes_tokens_inactive(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.store
        .create_client(&client_for("app", &["api://one"], false))
        .await
        .unwrap();

    // An access token, with the hint, and again (idempotent).
    let cc = h.cc_token("app").await;
    assert_eq!(h.introspect("app", &cc).await["active"], true);
    for _ in 0..2 {
        let (status, body) = h
            .post_form(
                "/oauth2/revoke",
                "app",
                &[("token", &cc), ("token_type_hint", "access_token")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(h.introspect("app", &cc).await, inactive());

    // A refresh token: its family goes, with the access tokens it minted.
    let (access, refresh) = user_tokens(&h, &b, "alice").await;
    let (other_access, other_refresh) = user_tokens(&h, &b, "alice").await;
    let (status, _) = h
        .post_form(
            "/oauth2/revoke",
            "app",
            // A wrong hint is only a hint.
            &[("token", &refresh), ("token_type_hint", "access_token")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(h.introspect("app", &refresh).await, inactive());
    assert_eq!(h.introspect("app", &access).await, inactive());
    let (_, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_eq!(body["error"], "invalid_grant");
    // The other family of the same user is untouched.
    assert_eq!(h.introspect("app", &other_access).await["active"], true);
    assert_eq!(h.introspect("app", &other_refresh).await["active"], true);
    h.server.shutdown().await.unwrap();
}
both_backends!(revocation, revocation_makes_tokens_inactive);

async fn refresh_reuse_deactivates_the_family(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.store
        .create_client(&client_for("app", &["api://one"], false))
        .await
        .unwrap();
    let (at0, r0) = user_tokens(&h, &b, "bob").await;
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &r0)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let at1 = body["access_token"].as_str().unwrap().to_string();
    let r1 = body["refresh_token"].as_str().unwrap().to_string();
    for token in [&at0, &at1, &r1] {
        assert_eq!(h.introspect("app", token).await["active"], true);
    }
    // r0 was used already (it is inactive), and using it again is a reuse.
    assert_eq!(h.introspect("app", &r0).await, inactive());
    let (status, body) = h
        .token(
            "app",
            &[("grant_type", "refresh_token"), ("refresh_token", &r0)],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    for token in [&at0, &at1, &r1] {
        assert_eq!(h.introspect("app", token).await, inactive());
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(reuse, refresh_reuse_deactivates_the_family);

async fn admin_logs_a_subject_out_everywhere(t: TestStore) {
    let b = backend();
    let h = start(t, b.settings.clone()).await;
    h.store
        .create_client(&client_for("app", &["api://one"], false))
        .await
        .unwrap();
    h.store
        .create_client(&client_for("login", &["api://one"], true))
        .await
        .unwrap();
    let (alice_at, alice_rt) = user_tokens(&h, &b, "alice").await;
    let (bob_at, bob_rt) = user_tokens(&h, &b, "bob").await;
    let path = "/admin/sessions/revoke";

    expect(
        h.post_form(path, "app", &[("sub", "alice")]).await,
        403,
        "access_denied",
    );
    expect(
        h.post_form(path, "nobody", &[("sub", "alice")]).await,
        401,
        "invalid_client",
    );
    expect(
        h.post_form(path, "login", &[]).await,
        400,
        "invalid_request",
    );
    for token in [&alice_at, &alice_rt] {
        assert_eq!(h.introspect("app", token).await["active"], true);
    }

    let (status, body) = h.post_form(path, "login", &[("sub", "alice")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sub"], "alice");
    assert_eq!(body["refresh_families_revoked"], 1);
    for token in [&alice_at, &alice_rt] {
        assert_eq!(h.introspect("app", token).await, inactive());
    }
    for token in [&bob_at, &bob_rt] {
        assert_eq!(h.introspect("app", token).await["active"], true);
    }
    h.server.shutdown().await.unwrap();
}
both_backends!(logout_everywhere, admin_logs_a_subject_out_everywhere);
