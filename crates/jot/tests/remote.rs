//! Remote JWK Sets, discovery and the multi-issuer verifier, against local
//! servers on 127.0.0.1 only. Cache lifetimes run on a test clock; only the
//! timeout test waits, for a fraction of a second.
#![cfg(feature = "remote")]

#[path = "remote/keys.rs"]
mod keys;
#[path = "remote/server.rs"]
mod server;

use keys::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jot::discovery::{self, Discovery, DiscoveryOptions, WellKnown};
use jot::jwk::JwkSet;
use jot::jwks::{RemoteJwks, RemoteJwksBuilder};
use jot::jwt::{self, Claims, Validation};
use jot::key::generate_for;
use jot::verifier::{Issuer, Verifier};
use jot::{Algorithm, Error};
use server::{Gate, Reply, Server, TestClock};

const MIN: Duration = Duration::from_secs(1);

fn rules() -> Validation {
    Validation::new().issuer(ISS).audience("api")
}

fn remote(server: &Server, clock: &Arc<TestClock>) -> RemoteJwksBuilder {
    RemoteJwks::builder(&server.url("/jwks")).clock(clock.clone())
}

async fn verify(jwks: &RemoteJwks, token: &str) -> jot::Result<()> {
    jwks.verify::<Claims>(token, &rules()).await.map(drop)
}

/// Waits until `done` holds, yielding to the runtime (background refreshes
/// run on it). The bound only turns a hang into a failure.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Waits for the background refresh a stale lookup started to finish.
async fn settled(jwks: &RemoteJwks) {
    until("background refresh finished", || !jwks.refreshing()).await;
}

#[tokio::test]
async fn cache_is_honoured_within_max_age() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(120));
    let jwks = remote(&server, &clock).build().unwrap();
    assert_eq!(server.hits(), 0, "building fetches nothing");
    verify(&jwks, &token(&a)).await.unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    clock.advance(Duration::from_secs(119));
    verify(&jwks, &token(&a)).await.unwrap();
    assert_eq!(server.hits(), 1);
    clock.advance(MIN);
    // Past max-age: served at once, revalidated in the background.
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 2, "refreshed after max-age");
}

#[tokio::test]
async fn max_age_is_clamped_to_the_bounds() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    let jwks = remote(&server, &clock).build().unwrap();
    // max-age=1 is raised to the 30 s minimum...
    server.set("/jwks", Reply::json(published(&[&a])).max_age(1));
    jwks.key_set().await.unwrap();
    clock.advance(Duration::from_secs(29));
    jwks.key_set().await.unwrap();
    assert_eq!(server.hits(), 1);
    clock.advance(MIN);
    jwks.key_set().await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 2);
    // ...a year is cut to the 10 min maximum, and so is "no max-age".
    for reply in [
        Reply::json(published(&[&a])).max_age(31_536_000),
        Reply::json(published(&[&a])),
    ] {
        server.set("/jwks", reply);
        let jwks = remote(&server, &clock).build().unwrap();
        jwks.key_set().await.unwrap();
        let before = server.hits();
        clock.advance(Duration::from_secs(599));
        jwks.key_set().await.unwrap();
        assert_eq!(server.hits(), before);
        clock.advance(MIN);
        jwks.key_set().await.unwrap();
        settled(&jwks).await;
        assert_eq!(server.hits(), before + 1);
    }
}

#[tokio::test]
async fn unknown_kid_refetches_once_then_waits_for_the_cooldown() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (a, b, c) = (key("a"), key("b"), key("c"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(600));
    let jwks = remote(&server, &clock).build().unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    // Right after a fetch, an unknown kid does not cause another.
    let e = verify(&jwks, &token(&b)).await.unwrap_err();
    assert_eq!(e.code(), "ERR_NO_MATCHING_KEY");
    assert_eq!(server.hits(), 1);
    // After the cooldown: exactly one refetch, which finds the new key.
    clock.advance(Duration::from_secs(30));
    server.set("/jwks", Reply::json(published(&[&a, &b])).max_age(600));
    verify(&jwks, &token(&b)).await.unwrap();
    assert_eq!(server.hits(), 2);
    // Still unknown: no refetch until the cooldown has passed again.
    for _ in 0..5 {
        let e = verify(&jwks, &token(&c)).await.unwrap_err();
        assert!(matches!(e, Error::NoMatchingKey { .. }), "{e}");
    }
    assert_eq!(server.hits(), 2);
    clock.advance(Duration::from_secs(30));
    verify(&jwks, &token(&c)).await.unwrap_err();
    assert_eq!(server.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cooldown_holds_under_100_concurrent_unknown_kids() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set(
        "/jwks",
        Reply::json(published(&[&a]))
            .max_age(600)
            .delay(Duration::from_millis(50)),
    );
    let jwks = remote(&server, &clock).build().unwrap();
    // 100 first lookups on an empty cache share one request...
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let jwks = jwks.clone();
            tokio::spawn(async move { jwks.key_set().await.map(drop) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.hits(), 1);
    // ...and 100 tokens with made-up kids after the cooldown cause one more.
    clock.advance(Duration::from_secs(31));
    let strangers: Vec<Key> = (0..100).map(|i| key(&format!("x{i}"))).collect();
    let tasks: Vec<_> = strangers
        .iter()
        .map(|k| {
            let (jwks, t) = (jwks.clone(), token(k));
            tokio::spawn(async move { verify(&jwks, &t).await })
        })
        .collect();
    for t in tasks {
        let e = t.await.unwrap().unwrap_err();
        assert_eq!(e.code(), "ERR_NO_MATCHING_KEY");
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_while_the_old_key_is_published() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (old, new) = (key("2024"), key("2025"));
    let (old_token, new_token) = (token(&old), token(&new));
    server.set("/jwks", Reply::json(published(&[&old])).max_age(300));
    let jwks = remote(&server, &clock).build().unwrap();
    verify(&jwks, &old_token).await.unwrap();
    // The provider publishes the next key, then starts signing with it.
    server.set("/jwks", Reply::json(published(&[&old, &new])).max_age(300));
    clock.advance(Duration::from_secs(60));
    verify(&jwks, &new_token).await.unwrap();
    verify(&jwks, &old_token).await.unwrap();
    assert_eq!(server.hits(), 2);
    // The old key is retired: once the cache expires and the background
    // refresh has brought the new set, old tokens fail.
    server.set("/jwks", Reply::json(published(&[&new])).max_age(300));
    clock.advance(Duration::from_secs(300));
    verify(&jwks, &new_token).await.unwrap();
    settled(&jwks).await;
    let e = verify(&jwks, &old_token).await.unwrap_err();
    assert_eq!(e.code(), "ERR_NO_MATCHING_KEY");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn etag_revalidation_keeps_the_set_and_its_freshness() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set(
        "/jwks",
        Reply::json(published(&[&a])).max_age(60).etag("\"v1\""),
    );
    let jwks = remote(&server, &clock).build().unwrap();
    let first = jwks.key_set().await.unwrap();
    clock.advance(Duration::from_secs(60));
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].if_none_match, None);
    assert_eq!(seen[1].if_none_match.as_deref(), Some("\"v1\""));
    // 304: the same prepared set, fresh for another max-age.
    let second = jwks.key_set().await.unwrap();
    assert!(Arc::ptr_eq(&first, &second), "304 keeps the prepared set");
    clock.advance(Duration::from_secs(59));
    verify(&jwks, &token(&a)).await.unwrap();
    assert_eq!(server.hits(), 2);
    // A new entity replaces the set.
    let b = key("b");
    server.set(
        "/jwks",
        Reply::json(published(&[&b])).max_age(60).etag("\"v2\""),
    );
    clock.advance(MIN);
    // The stale set lacks `b`: the unknown kid waits for a refetch (the
    // background refresh it started is the same request).
    verify(&jwks, &token(&b)).await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn provider_down_serves_the_stale_set_within_the_bound_then_fails() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(60));
    let jwks = remote(&server, &clock)
        .max_stale(Duration::from_secs(300))
        .build()
        .unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    server.set("/jwks", Reply::status(503));
    clock.advance(Duration::from_secs(61));
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 2);
    assert_eq!(jwks.last_error().unwrap().code(), "ERR_JWKS_FETCH");
    // A failed provider is not asked again before the cooldown.
    clock.advance(Duration::from_secs(29));
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 2);
    clock.advance(Duration::from_secs(1));
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    assert_eq!(server.hits(), 3);
    // Unreachable altogether, past expiry + max_stale: a clear error.
    server.stop();
    clock.advance(Duration::from_secs(268));
    verify(&jwks, &token(&a)).await.unwrap();
    settled(&jwks).await;
    clock.advance(Duration::from_secs(1));
    let e = verify(&jwks, &token(&a)).await.unwrap_err();
    assert_eq!(e.code(), "ERR_JWKS_STALE", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("expired 300 s ago"), "{msg}");
    assert!(msg.contains("connection failed"), "{msg}");
}

#[tokio::test]
async fn recovery_after_an_outage() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set("/jwks", Reply::status(500));
    let jwks = remote(&server, &clock).build().unwrap();
    let e = jwks.fetch_now().await.unwrap_err();
    assert_eq!(e, Error::JwksFetch("HTTP status 500".into()));
    // Without any good set, lookups fail with the fetch error (no request
    // until the cooldown has passed).
    let e = verify(&jwks, &token(&a)).await.unwrap_err();
    assert_eq!(e.code(), "ERR_JWKS_FETCH");
    assert_eq!(server.hits(), 1);
    server.set("/jwks", Reply::json(published(&[&a])));
    clock.advance(Duration::from_secs(30));
    verify(&jwks, &token(&a)).await.unwrap();
    assert_eq!(server.hits(), 2);
    assert_eq!(jwks.last_error(), None);
}

#[tokio::test]
async fn oversized_responses_are_cut_off() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    let json = published(&[&a]);
    // A valid set padded past 512 KiB with an extra member.
    let padded = format!(
        "{}, \"pad\": \"{}\"}}",
        &json[..json.len() - 1],
        "x".repeat(513 * 1024)
    );
    for reply in [
        Reply::json(padded.clone()),
        // No Content-Length: the cap must hold while streaming.
        Reply::json(padded.clone()).without_content_length(),
    ] {
        server.set("/jwks", reply);
        let jwks = remote(&server, &clock).build().unwrap();
        let e = jwks.fetch_now().await.unwrap_err();
        assert_eq!(
            e,
            Error::JwksFetch("response body over the limit of 524288 bytes".into())
        );
    }
    // The same body is accepted under a larger configured cap.
    server.set("/jwks", Reply::json(padded).without_content_length());
    let jwks = remote(&server, &clock)
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    assert_eq!(jwks.fetch_now().await.unwrap().kids(), ["a"]);
}

#[tokio::test]
async fn slow_responses_time_out() {
    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    server.set(
        "/jwks",
        Reply::json(published(&[&a])).delay(Duration::from_secs(5)),
    );
    let jwks = remote(&server, &clock)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = jwks.fetch_now().await.unwrap_err();
    assert_eq!(e, Error::JwksFetch("timed out".into()));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    for url in [
        "http://issuer.example/jwks",
        "http://192.0.2.1/jwks",
        "ftp://issuer.example/jwks",
    ] {
        let e = RemoteJwks::new(url).unwrap_err();
        assert_eq!(e.code(), "ERR_INSECURE_URL", "{url}");
    }
    assert!(RemoteJwks::builder("http://issuer.example/jwks")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    let e = discovery::discover("http://issuer.example")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ERR_INSECURE_URL");
    // A loopback URL may not redirect to a plain-http remote one. The
    // redirect is refused before any connection to it is attempted.
    let (server, clock) = (Server::start().await, TestClock::new());
    server.set(
        "/jwks",
        Reply::status(302).header("Location", "http://issuer.example/jwks"),
    );
    let jwks = remote(&server, &clock).build().unwrap();
    let e = jwks.fetch_now().await.unwrap_err();
    assert_eq!(e.code(), "ERR_JWKS_FETCH");
    assert!(e.to_string().contains("redirect"), "{e}");
}

#[tokio::test]
async fn discovery_finds_the_jwks_uri_and_checks_the_issuer() {
    let (server, a) = (Server::start().await, key("a"));
    let issuer = server.url("");
    server.set("/jwks", Reply::json(published(&[&a])));
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(format!(
            r#"{{"issuer":"{issuer}","jwks_uri":"{}"}}"#,
            server.url("/jwks")
        )),
    );
    let meta = discovery::discover(&issuer).await.unwrap();
    assert_eq!(meta.jwks_uri, server.url("/jwks"));
    let jwks = RemoteJwks::discover(&issuer).await.unwrap();
    let rules = Validation::new().issuer(&issuer).audience("api");
    jwks.verify::<Claims>(&token_from(&a, &issuer), &rules)
        .await
        .unwrap();

    // RFC 8414 for an issuer with a path: the well-known segment goes
    // between host and path; used when the OIDC document is absent.
    let tenant = server.url("/tenant");
    server.set(
        "/.well-known/oauth-authorization-server/tenant",
        Reply::json(format!(
            r#"{{"issuer":"{tenant}","jwks_uri":"{}"}}"#,
            server.url("/jwks")
        )),
    );
    let meta = discovery::discover(&tenant).await.unwrap();
    assert_eq!(
        meta.document_url,
        server.url("/.well-known/oauth-authorization-server/tenant")
    );

    // The document must name exactly the configured issuer.
    for claimed in [server.url("/"), "https://other.example".into()] {
        server.set(
            "/.well-known/openid-configuration",
            Reply::json(format!(
                r#"{{"issuer":"{claimed}","jwks_uri":"{}"}}"#,
                server.url("/jwks")
            )),
        );
        let e = discovery::discover(&issuer).await.unwrap_err();
        assert_eq!(
            e,
            Error::Discovery(jot::error::DiscoveryError::IssuerMismatch)
        );
    }
    // A jwks_uri in clear text to a remote host is refused.
    server.set(
        "/.well-known/openid-configuration",
        Reply::json(format!(
            r#"{{"issuer":"{issuer}","jwks_uri":"http://issuer.example/jwks"}}"#
        )),
    );
    let e = discovery::discover(&issuer).await.unwrap_err();
    assert_eq!(e.code(), "ERR_INSECURE_URL");
    let only_oidc = DiscoveryOptions::default().well_known(WellKnown::OpenIdConfiguration);
    let e = discovery::discover_with(&tenant, &only_oidc)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ERR_DISCOVERY");
}

#[tokio::test]
async fn verifier_picks_the_issuer_only_to_verify_with_its_keys() {
    // Same kid at both issuers, so a cross-issuer token reaches the
    // signature check rather than failing key selection.
    let (a, b) = (key("k"), key("k"));
    let server = Server::start().await;
    server.set("/jwks", Reply::json(published(&[&b])));
    let remote_b = RemoteJwks::new(&server.url("/jwks")).unwrap();
    let verifier = Verifier::new(
        Issuer::new("https://a.example", a.signer.verifying_key().unwrap()).audience("api"),
    )
    .with_issuer(Issuer::new("https://b.example", remote_b).audience("api"));
    fn shared<T: Send + Sync + Clone + 'static>(_: &T) {}
    shared(&verifier);

    let from_a = token_from(&a, "https://a.example");
    let from_b = token_from(&b, "https://b.example");
    let v = verifier.verify::<Claims>(&from_a).await.unwrap();
    assert_eq!(v.claims.iss.as_deref(), Some("https://a.example"));
    verifier.verify::<Claims>(&from_b).await.unwrap();
    // A's key claiming to be B, and B's claiming to be A.
    for forged in [
        token_from(&a, "https://b.example"),
        token_from(&b, "https://a.example"),
    ] {
        let e = verifier.verify::<Claims>(&forged).await.unwrap_err();
        assert_eq!(e, Error::InvalidSignature);
    }
    let e = verifier
        .verify::<Claims>(&token_from(&a, "https://c.example"))
        .await
        .unwrap_err();
    assert_eq!(e, Error::IssuerMismatch);
    let no_iss = jwt::Builder::new()
        .audience("api")
        .expires_in(Duration::from_secs(60))
        .sign(&a.signer)
        .unwrap();
    let e = verifier.verify::<Claims>(&no_iss).await.unwrap_err();
    assert_eq!(e, Error::MissingClaim("iss".into()));
    // Per-issuer rules: B's audience is not A's.
    let verifier = verifier.with_issuer(
        Issuer::new(
            "https://b.example",
            RemoteJwks::new(&server.url("/jwks")).unwrap(),
        )
        .audience("other"),
    );
    assert_eq!(verifier.issuers().len(), 2);
    let e = verifier.verify::<Claims>(&from_b).await.unwrap_err();
    assert_eq!(e, Error::AudienceMismatch);
    verifier.verify::<Claims>(&from_a).await.unwrap();
}

#[tokio::test]
async fn access_token_profile() {
    let a = key("a");
    let verifier = Verifier::new(
        Issuer::new(ISS, a.signer.verifying_key().unwrap())
            .validation(Validation::new().audience("api").access_token_profile()),
    );
    let at = jwt::Builder::new()
        .typ(Some("at+jwt"))
        .issuer(ISS)
        .audience("api")
        .subject("user-1")
        .expires_in(Duration::from_secs(60))
        .random_jwt_id()
        .claim("client_id", "app")
        .unwrap();
    verifier
        .verify::<Claims>(&at.sign(&a.signer).unwrap())
        .await
        .unwrap();
    let plain_jwt = at.clone().typ(Some("JWT")).sign(&a.signer).unwrap();
    let e = verifier.verify::<Claims>(&plain_jwt).await.unwrap_err();
    assert_eq!(e, Error::TypeMismatch);
    let mut claims = at.claims();
    claims.remove("client_id");
    let no_client = jwt::Builder::from_claims(&claims)
        .unwrap()
        .typ(Some("at+jwt"))
        .sign(&a.signer)
        .unwrap();
    let e = verifier.verify::<Claims>(&no_client).await.unwrap_err();
    assert_eq!(e, Error::MissingClaim("client_id".into()));
}

// ---- stale-while-revalidate ------------------------------------------------

/// The provider is slow exactly when the set goes stale: 1 000
/// verifications run while the refresh's answer is held back by the test,
/// and all of them finish before it is released (if any waited for the
/// refresh, the test would hang at the join, not pass). Exactly one
/// refresh request is made, and once its answer arrives the new set is in
/// use without another request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_refresh_never_holds_up_1000_verifications() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (a, b) = (key("a"), key("b"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(60));
    let jwks = remote(&server, &clock).build().unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    assert_eq!(server.hits(), 1);

    let gate = Gate::new();
    server.set(
        "/jwks",
        Reply::json(published(&[&a, &b])).max_age(60).gated(&gate),
    );
    clock.advance(Duration::from_secs(61));
    let t = token(&a);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (jwks, t) = (jwks.clone(), t.clone());
            tokio::spawn(async move { verify(&jwks, &t).await })
        })
        .collect();
    // The bound only turns "waited for the held-back refresh" (a hang)
    // into a failure; nothing here depends on how fast the machine is.
    let ok = tokio::time::timeout(Duration::from_secs(60), async {
        let mut ok = 0;
        for task in tasks {
            task.await.unwrap().unwrap();
            ok += 1;
        }
        ok
    })
    .await
    .expect("verifications waited for the held-back refresh");
    assert_eq!(ok, 1000);
    // All done, and the one refresh is still waiting for its answer.
    until("the refresh reached the provider", || server.hits() == 2).await;
    assert!(jwks.refreshing(), "the refresh is still held back");
    assert_eq!(
        server.hits(),
        2,
        "one background refresh for 1 000 stale lookups"
    );

    gate.open();
    settled(&jwks).await;
    verify(&jwks, &token(&b)).await.unwrap();
    assert_eq!(server.hits(), 2, "the refreshed set has b");
}

/// What does wait: a cold cache, and an unknown `kid` after the cooldown.
/// Both are held until the provider answers, and share one request with
/// every other caller waiting for the same thing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_cache_and_an_unknown_kid_wait_for_the_provider() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (a, b) = (key("a"), key("b"));
    let gate = Gate::new();
    server.set(
        "/jwks",
        Reply::json(published(&[&a])).max_age(600).gated(&gate),
    );
    let jwks = remote(&server, &clock).build().unwrap();
    let waiting: Vec<_> = (0..10)
        .map(|_| {
            let (jwks, t) = (jwks.clone(), token(&a));
            tokio::spawn(async move { verify(&jwks, &t).await })
        })
        .collect();
    until("the cold fetch reached the provider", || server.hits() == 1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        waiting.iter().all(|t| !t.is_finished()),
        "a cold cache has nothing to serve"
    );
    gate.open();
    for t in waiting {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.hits(), 1);

    let gate = Gate::new();
    server.set(
        "/jwks",
        Reply::json(published(&[&a, &b])).max_age(600).gated(&gate),
    );
    clock.advance(Duration::from_secs(30));
    let (j, t) = (jwks.clone(), token(&b));
    let unknown = tokio::spawn(async move { verify(&j, &t).await });
    until("the refetch reached the provider", || server.hits() == 2).await;
    // Known kids are not held up meanwhile.
    verify(&jwks, &token(&a)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !unknown.is_finished(),
        "an unknown kid waits for the refetch"
    );
    gate.open();
    unknown.await.unwrap().unwrap();
    assert_eq!(server.hits(), 2);
}

/// Past the staleness bound the set is no longer served: the caller waits
/// for the fetch as with a cold cache.
#[tokio::test]
async fn past_the_staleness_bound_the_caller_waits() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (a, b) = (key("a"), key("b"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(60));
    let jwks = remote(&server, &clock)
        .max_stale(Duration::from_secs(120))
        .build()
        .unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    server.set("/jwks", Reply::json(published(&[&b])).max_age(60));
    clock.advance(Duration::from_secs(180));
    // Stale beyond the bound: the old set (with `a`) is not used; the
    // fetch is waited for and brings `b`.
    let e = verify(&jwks, &token(&a)).await.unwrap_err();
    assert_eq!(e.code(), "ERR_NO_MATCHING_KEY");
    assert_eq!(server.hits(), 2);
    verify(&jwks, &token(&b)).await.unwrap();
    assert!(!jwks.refreshing());
}

/// Discovery documents are kept by the same rules: fresh for their
/// max-age, then served at once while one background refresh runs; a
/// `jwks_uri` that changed is followed on the key set's next fetch.
#[tokio::test]
async fn discovery_documents_are_cached_and_revalidated() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let (a, b) = (key("a"), key("b"));
    let issuer = server.url("");
    let doc = |path: &str| {
        Reply::json(format!(
            r#"{{"issuer":"{issuer}","jwks_uri":"{}"}}"#,
            server.url(path)
        ))
        .max_age(60)
    };
    let well_known = "/.well-known/openid-configuration";
    server.set(well_known, doc("/jwks"));
    server.set("/jwks", Reply::json(published(&[&a])).max_age(600));
    let discovery =
        Discovery::new(&issuer, DiscoveryOptions::default().clock(clock.clone())).unwrap();
    assert_eq!(server.hits(), 0, "building fetches nothing");
    let jwks = RemoteJwks::builder_from_discovery(discovery.clone())
        .await
        .unwrap()
        .clock(clock.clone())
        .build()
        .unwrap();
    let rules = Validation::new().issuer(&issuer).audience("api");
    let check = |k: &Key| {
        let (jwks, rules, t) = (jwks.clone(), rules.clone(), token_from(k, &issuer));
        async move { jwks.verify::<Claims>(&t, &rules).await.map(drop) }
    };
    check(&a).await.unwrap();
    for _ in 0..5 {
        discovery.metadata().await.unwrap();
    }
    let paths =
        |server: &Server| -> Vec<String> { server.seen().into_iter().map(|s| s.path).collect() };
    assert_eq!(paths(&server), [well_known, "/jwks"], "one request each");

    // The provider moves its keys; the document says so.
    server.set(well_known, doc("/jwks2"));
    server.set("/jwks2", Reply::json(published(&[&b])).max_age(600));
    clock.advance(Duration::from_secs(61));
    let stale = discovery.metadata().await.unwrap();
    assert_eq!(stale.jwks_uri, server.url("/jwks"), "served stale at once");
    until("discovery refreshed", || !discovery.refreshing()).await;
    assert_eq!(
        discovery.metadata().await.unwrap().jwks_uri,
        server.url("/jwks2")
    );
    // The unknown kid `b` makes the key set refetch, from the new URL.
    check(&b).await.unwrap();
    assert_eq!(
        paths(&server),
        [well_known, "/jwks", well_known, "/jwks2"],
        "the old URL is not asked again"
    );
    assert_eq!(jwks.url(), server.url("/jwks2"));
}

// ---- key-set rules -----------------------------------------------------------

/// A published set that breaks the key-set rules is refused with their own
/// codes (not a transport error): HMAC secrets next to public keys when
/// HMAC is allowed, two keys with one kid for the same algorithm.
#[tokio::test]
async fn published_sets_follow_the_key_set_rules() {
    let (server, clock) = (Server::start().await, TestClock::new());
    let a = key("a");
    let secret = generate_for(Algorithm::HS256).unwrap().with_kid("hs");
    let mixed = JwkSet::new(vec![a.public.clone(), secret])
        .to_json()
        .to_string();
    server.set("/jwks", Reply::json(mixed));
    let both = [Algorithm::ES256, Algorithm::HS256];
    let jwks = remote(&server, &clock).algorithms(&both).build().unwrap();
    let e = jwks.key_set().await.unwrap_err();
    assert_eq!(e.code(), "ERR_MIXED_KEY_SET", "{e}");
    // The default algorithms leave HMAC out: the secret is never prepared.
    let jwks = remote(&server, &clock).build().unwrap();
    verify(&jwks, &token(&a)).await.unwrap();
    // On purpose, with the explicit opt-in.
    let jwks = remote(&server, &clock)
        .algorithms(&both)
        .allow_mixed_key_types(true)
        .build()
        .unwrap();
    verify(&jwks, &token(&a)).await.unwrap();

    let twin = key("a");
    server.set("/jwks", Reply::json(published(&[&a, &twin])));
    let jwks = remote(&server, &clock).build().unwrap();
    let e = jwks.key_set().await.unwrap_err();
    assert_eq!(e, Error::DuplicateKid("a".into()));
}
