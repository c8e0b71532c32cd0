//! The remote caches' `tracing` events, in a test binary of their own:
//! `tracing` decides per call site whether anyone listens, and a test
//! running in parallel without a subscriber could settle that for the
//! call sites before this test installs its own.
#![cfg(feature = "remote")]

#[path = "remote/keys.rs"]
mod keys;
#[path = "remote/server.rs"]
mod server;

use keys::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jot::jwks::RemoteJwks;
use jot::jwt::{Claims, Validation};
use server::{Reply, Server, TestClock};

async fn verify(jwks: &RemoteJwks, token: &str) -> jot::Result<()> {
    let rules = Validation::new().issuer(ISS).audience("api");
    jwks.verify::<Claims>(token, &rules).await.map(drop)
}

async fn settled(jwks: &RemoteJwks) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while jwks.refreshing() {
        assert!(
            Instant::now() < deadline,
            "the background refresh never ended"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test]
/// The events a service operator needs, and nothing else: fetch, 304,
/// failure, stale use and cooldown are reported; no key material and no
/// query string (it may carry credentials) appear in any event.
async fn events_report_the_cache_without_key_material() {
    use std::sync::Mutex;
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(capture.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, clock, a) = (Server::start().await, TestClock::new(), key("a"));
    let path = "/jwks?access_token=s3cr3t-query";
    server.set(
        path,
        Reply::json(published(&[&a])).max_age(60).etag("\"v1\""),
    );
    let url = server.url(path);
    let jwks = RemoteJwks::builder(&url)
        .clock(clock.clone())
        .build()
        .unwrap();
    verify(&jwks, &token(&a)).await.unwrap(); // fetched
    clock.advance(Duration::from_secs(61));
    verify(&jwks, &token(&a)).await.unwrap(); // stale, then 304
    settled(&jwks).await;
    server.set(path, Reply::status(503));
    clock.advance(Duration::from_secs(61));
    verify(&jwks, &token(&a)).await.unwrap(); // stale, then failure
    settled(&jwks).await;
    clock.advance(Duration::from_secs(1));
    verify(&jwks, &token(&a)).await.unwrap(); // stale, cooldown
    assert!(!jwks.refreshing());

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    for event in [
        "fetched",
        "not modified (304)",
        "fetch failed",
        "serving stale",
        "cooldown",
    ] {
        assert!(log.contains(event), "no {event:?} event in:\n{log}");
    }
    assert!(
        log.contains("HTTP status 503"),
        "the failure says why:\n{log}"
    );
    assert!(
        log.contains(&server.url("/jwks")),
        "events name the URL:\n{log}"
    );
    assert!(
        !log.contains("s3cr3t-query"),
        "the query is left out:\n{log}"
    );
    let set: serde_json::Value = serde_json::from_str(&published(&[&a])).unwrap();
    for member in ["x", "y"] {
        let value = set["keys"][0][member].as_str().unwrap();
        assert!(!log.contains(value), "key material ({member}) in events");
    }
    assert!(!log.contains("\"keys\""), "no document in events");
}
