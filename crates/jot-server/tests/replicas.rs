//! Two `jot serve` replicas on one database, over real HTTP: a revocation
//! on A is honoured by B within 1 s (measured), a refresh token rotated on
//! A and replayed on B is detected as a reuse, and a due key rotation is
//! performed once. Run on PostgreSQL (what replicas share) and on SQLite
//! (two processes on one file).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use jot_server::app::{self, Running};
use jot_server::both_backends;
use jot_server::store::Client;
use jot_server::testing::{reopen, TestStore};
use jot_server::{Clock, FakeClock, SystemClock};

const DAY: i64 = 86_400;

fn rotate(r: &str) -> [(&str, &str); 2] {
    [("grant_type", "refresh_token"), ("refresh_token", r)]
}

struct Pair {
    a: Harness,
    b: Running,
    b_base: String,
    clock: FakeClock,
    /// The login backend both trust (its key file lives as long as this).
    login: Backend,
}

async fn pair(t: TestStore) -> Pair {
    let mut login = backend();
    // Replicas share one issuer (by default each would name its address).
    login.settings.issuer = Some("http://jot.test".into());
    let clock = FakeClock::new(SystemClock.now());
    let other = reopen(&t).await;
    let a = start_with_clock(t, login.settings.clone(), Arc::new(clock.clone())).await;
    // B trusts the same login backend, shares the clock and the KEK.
    let b = app::start(
        other,
        kek(),
        login.settings.clone(),
        Arc::new(clock.clone()),
    )
    .await
    .expect("starting replica B");
    let b_base = format!("http://{}", b.addr);
    Pair {
        a,
        b,
        b_base,
        clock,
        login,
    }
}

impl Pair {
    async fn on_b(&self, path: &str, id: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
        let r = self
            .a
            .http
            .post(format!("{}{path}", self.b_base))
            .basic_auth(basic_part(id), Some(basic_part(SECRET)))
            .form(form)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    async fn auth_on_b(&self, token: &str) -> u16 {
        self.a
            .http
            .get(format!("{}/auth?aud=api%3A%2F%2Fone", self.b_base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

async fn revocation_reaches_the_other_replica(t: TestStore) {
    let backend_name = t.store.backend();
    let p = pair(t).await;
    p.a.add_client("svc", &[jot_server::store::Grant::ClientCredentials])
        .await;
    let token = p.a.cc_token("svc").await;
    assert_eq!(
        p.auth_on_b(&token).await,
        200,
        "B verifies A's token (and caches it)"
    );

    let (status, _) =
        p.a.post_form("/oauth2/revoke", "svc", &[("token", &token)])
            .await;
    assert_eq!(status, 200);
    let started = Instant::now();
    loop {
        if p.auth_on_b(&token).await == 401 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "not revoked on B within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = started.elapsed();
    let (_, body) = p
        .on_b("/oauth2/introspect", "svc", &[("token", &token)])
        .await;
    assert_eq!(body["active"], false);
    println!("{backend_name}: access token revoked on A, refused by /auth on B after {took:?}");
    p.b.shutdown().await.unwrap();
    p.a.server.shutdown().await.unwrap();
}
both_backends!(revocation, revocation_reaches_the_other_replica);

async fn reuse_across_replicas_is_detected(t: TestStore) {
    let p = pair(t).await;
    let app_client = Client {
        grants: vec![
            jot_server::store::Grant::JwtBearer,
            jot_server::store::Grant::RefreshToken,
        ],
        ..client("app", &[])
    };
    p.a.store.create_client(&app_client).await.unwrap();
    let a = assertion(&p.login.key, &p.a.server.issuer, "dana");
    let (status, body) =
        p.a.token("app", &[("grant_type", BEARER), ("assertion", &a)])
            .await;
    assert_eq!(status, 200, "{body}");
    let r0 = body["refresh_token"].as_str().unwrap().to_string();

    let (status, body) = p.a.token("app", &rotate(&r0)).await;
    assert_eq!(status, 200, "{body}");
    let at1 = body["access_token"].as_str().unwrap().to_string();
    let r1 = body["refresh_token"].as_str().unwrap().to_string();
    // Replayed on B: a reuse, the family revoked everywhere.
    let (status, body) = p.on_b("/oauth2/token", "app", &rotate(&r0)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (_, body) = p.a.token("app", &rotate(&r1)).await;
    assert_eq!(body["error"], "invalid_grant", "r1 died with its family");
    let (_, body) = p
        .on_b("/oauth2/introspect", "app", &[("token", &at1)])
        .await;
    assert_eq!(body["active"], false, "B at once: it detected the reuse");
    // A learns it from the revocation feed, within one poll.
    let started = Instant::now();
    while p.a.introspect("app", &at1).await["active"] != false {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "A: active after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    p.b.shutdown().await.unwrap();
    p.a.server.shutdown().await.unwrap();
}
both_backends!(reuse, reuse_across_replicas_is_detected);

async fn due_rotation_happens_once(t: TestStore) {
    let p = pair(t).await;
    let start = p.clock.now();
    p.clock.set(start + 30 * DAY - 3_600);
    let (ra, rb) = tokio::join!(
        p.a.server.state.key_manager.maintain(),
        p.b.state.key_manager.maintain()
    );
    assert_eq!(
        u8::from(ra.unwrap()) + u8::from(rb.unwrap()),
        1,
        "exactly one replica rotated"
    );
    p.a.server
        .state
        .keys
        .refresh(&p.a.server.state.key_manager)
        .await
        .unwrap();
    p.b.state
        .keys
        .refresh(&p.b.state.key_manager)
        .await
        .unwrap();
    let jwks = |base: String| {
        let http = p.a.http.clone();
        async move {
            http.get(format!("{base}/.well-known/jwks.json"))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let (on_a, on_b) = (jwks(p.a.base.clone()).await, jwks(p.b_base.clone()).await);
    assert_eq!(
        on_a["keys"].as_array().unwrap().len(),
        2,
        "current + one next key"
    );
    assert_eq!(on_a, on_b);
    p.b.shutdown().await.unwrap();
    p.a.server.shutdown().await.unwrap();
}
both_backends!(rotation, due_rotation_happens_once);
