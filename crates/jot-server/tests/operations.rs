//! What an operator watches and tunes, over real HTTP on SQLite and
//! PostgreSQL: `/metrics` counts what happened, and the token endpoint's
//! rate limits answer 429 with `Retry-After`.

mod common;

use common::*;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;

/// The value of the sample whose line starts with `prefix` (name and
/// labels), 0 when absent.
fn sample(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .map_or(0.0, |v| v.parse().unwrap())
}

async fn scrape(h: &Harness) -> String {
    let r = h.http.get(h.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    r.text().await.unwrap()
}

async fn metrics_count_what_happened(t: TestStore) {
    let h = start(t, settings()).await;
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let before = scrape(&h).await;
    assert_eq!(
        sample(
            &before,
            "jot_tokens_issued_total{grant=\"client_credentials\"}"
        ),
        0.0
    );

    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(h.cc_token("svc").await);
    }
    let (status, _) = h.token("svc", &[("grant_type", "password")]).await;
    assert_eq!(status, 400, "not an issued token");
    let route = h.url("/auth?aud=api%3A%2F%2Fone");
    for _ in 0..2 {
        let r = h
            .http
            .get(&route)
            .bearer_auth(&tokens[0])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = h.http.get(&route).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = h
        .http
        .get(&route)
        .bearer_auth("x.y.z")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(h.introspect("svc", &tokens[1]).await["active"], true);
    assert_eq!(h.introspect("svc", "a.b.c").await["active"], false);

    let text = scrape(&h).await;
    let count = |p: &str| sample(&text, p);
    assert_eq!(
        count("jot_tokens_issued_total{grant=\"client_credentials\"}"),
        3.0
    );
    let v = "jot_token_verifications_total";
    assert_eq!(
        count(&format!("{v}{{endpoint=\"auth\",outcome=\"ok\"}}")),
        2.0
    );
    assert_eq!(
        count(&format!("{v}{{endpoint=\"auth\",outcome=\"no_token\"}}")),
        1.0
    );
    assert_eq!(
        count(&format!("{v}{{endpoint=\"auth\",outcome=\"malformed\"}}")),
        1.0
    );
    assert_eq!(
        count(&format!("{v}{{endpoint=\"introspect\",outcome=\"ok\"}}")),
        1.0
    );
    assert_eq!(
        count(&format!(
            "{v}{{endpoint=\"introspect\",outcome=\"malformed\"}}"
        )),
        1.0
    );
    let d = "jot_http_request_duration_seconds";
    assert_eq!(
        count(&format!(
            "{d}_count{{route=\"/oauth2/token\",method=\"POST\",status=\"200\"}}"
        )),
        3.0
    );
    assert_eq!(
        count(&format!(
            "{d}_count{{route=\"/oauth2/token\",method=\"POST\",status=\"400\"}}"
        )),
        1.0
    );
    assert!(
        count(&format!(
            "{d}_sum{{route=\"/oauth2/token\",method=\"POST\",status=\"200\"}}"
        )) > 0.0
    );
    // A route template, never a client's raw path.
    assert!(!text.contains("aud=api"), "{text}");
    h.server.shutdown().await.unwrap();
}
both_backends!(metrics, metrics_count_what_happened);

async fn rate_limits_answer_429(t: TestStore) {
    // One request a second per client (burst 1), no address limit.
    let mut s = settings();
    s.rate_limit_client = 1;
    s.rate_limit_address = 0;
    let h = start(t, s).await;
    h.add_client("a", &[Grant::ClientCredentials]).await;
    h.add_client("b", &[Grant::ClientCredentials]).await;
    let cc = [("grant_type", "client_credentials")];
    assert_eq!(h.token("a", &cc).await.0, 200);
    let r = h
        .http
        .post(h.url("/oauth2/token"))
        .basic_auth("a", Some(basic_part(SECRET)))
        .form(&cc)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1).contains(&retry), "{retry}");
    let (_, body) = status_json(r).await;
    assert_eq!(body["error"], "temporarily_unavailable");
    // Another client has its own allowance.
    assert_eq!(h.token("b", &cc).await.0, 200);
    let text = scrape(&h).await;
    assert_eq!(sample(&text, "jot_rate_limited_total{by=\"client\"}"), 1.0);
    h.server.shutdown().await.unwrap();

    // Per address: counted before authentication, so bad credentials too.
    let mut s = settings();
    s.rate_limit_client = 0;
    s.rate_limit_address = 2;
    let h = start(jot_server::testing::sqlite().await, s).await;
    h.add_client("a", &[Grant::ClientCredentials]).await;
    assert_eq!(h.token("nobody", &cc).await.0, 401);
    assert_eq!(h.token("a", &cc).await.0, 200);
    let (status, body) = h.token("a", &cc).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("temporarily_unavailable"))
    );
    assert_eq!(h.token("nobody", &cc).await.0, 429);
    let text = scrape(&h).await;
    assert_eq!(sample(&text, "jot_rate_limited_total{by=\"address\"}"), 2.0);
    h.server.shutdown().await.unwrap();
}
both_backends!(rate_limits, rate_limits_answer_429);
