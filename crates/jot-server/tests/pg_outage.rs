//! PostgreSQL goes away under a running `jot serve` (issue 14, "Faults"):
//! its connections are killed with `pg_terminate_backend`, then the database
//! refuses new ones for a while. Requests in flight and during the outage
//! fail cleanly (503 `temporarily_unavailable` with `Retry-After`, never a
//! 500), `/readyz` says not ready, and once the database is back the same
//! process serves again within 5 s, without a restart.
//!
//! The test runs in a database of its own (created and dropped here), so
//! that refusing connections to it touches no other test.

mod common;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jot_server::store::{Grant, PgStore, Store};
use jot_server::testing::test_database_url;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

/// A database created for this test and dropped (connections and all) when
/// the test ends, passed or not.
struct Database {
    name: String,
}

async fn admin() -> PgConnection {
    PgConnectOptions::from_str(&test_database_url())
        .unwrap()
        .connect()
        .await
        .expect("PostgreSQL at JOT_TEST_DATABASE_URL")
}

impl Database {
    async fn create() -> Database {
        let mut random = [0u8; 4];
        aws_lc_rs::rand::fill(&mut random).unwrap();
        let name = format!(
            "jot_outage_{}_{:08x}",
            std::process::id(),
            u32::from_le_bytes(random)
        );
        let mut conn = admin().await;
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        Database { name }
    }

    fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&test_database_url())
            .unwrap()
            .database(&self.name)
    }

    /// Kills every connection to the database (the service's pool).
    async fn terminate_connections(&self) -> i64 {
        let mut conn = admin().await;
        let killed: Vec<(bool,)> = sqlx::query_as(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        killed.len() as i64
    }

    async fn allow_connections(&self, allow: bool) {
        let mut conn = admin().await;
        sqlx::query(&format!(
            "ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS {allow}",
            self.name
        ))
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let name = self.name.clone();
        jot_server::testing::cleanup(async move {
            let mut conn = admin().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .ok()?;
            conn.close().await.ok()
        });
    }
}

struct Service {
    server: jot_server::app::Running,
    http: reqwest::Client,
}

impl Service {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    /// A client_credentials request: authenticating the client reads the
    /// store, so it fails while the store is away.
    async fn token(&self) -> (u16, serde_json::Value, Option<String>) {
        let r = self
            .http
            .post(self.url("/oauth2/token"))
            .basic_auth("svc", Some(common::basic_part(common::SECRET)))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        common::status_json_retry(r).await
    }

    async fn ready(&self) -> u16 {
        self.http
            .get(self.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// Every answer given while the store is away is either a success or a
/// clean, retryable 503 in the RFC 6749 §5.2 shape.
fn assert_clean((status, body, retry_after): &(u16, serde_json::Value, Option<String>)) {
    match status {
        200 => assert!(body["access_token"].is_string(), "{body}"),
        503 => {
            assert_eq!(body["error"], "temporarily_unavailable", "{body}");
            assert_eq!(retry_after.as_deref(), Some("1"), "{body}");
        }
        other => panic!("answered {other} while the store was away: {body}"),
    }
}

async fn start(db: &Database) -> Service {
    let store: Arc<dyn Store> = Arc::new(PgStore::connect_with(db.options()).await.unwrap());
    store
        .create_client(&common::client("svc", &[Grant::ClientCredentials]))
        .await
        .unwrap();
    let server = jot_server::app::start(
        store,
        common::kek(),
        common::settings(),
        Arc::new(jot_server::SystemClock),
    )
    .await
    .unwrap();
    Service {
        server,
        http: reqwest::Client::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_connections_fail_cleanly_and_the_pool_reconnects() {
    let db = Database::create().await;
    let svc = Arc::new(start(&db).await);
    assert_eq!(svc.token().await.0, 200);

    // Requests in flight while the connections are killed, several times.
    let mut killed = 0;
    for _ in 0..5 {
        let load: Vec<_> = (0..16)
            .map(|_| {
                let svc = Arc::clone(&svc);
                tokio::spawn(async move { svc.token().await })
            })
            .collect();
        killed += db.terminate_connections().await;
        for answer in load {
            assert_clean(&answer.await.unwrap());
        }
    }
    assert!(killed > 0, "no connection of the service was terminated");

    // The pool replaces the dead connections by itself.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = svc.token().await;
        assert_clean(&answer);
        if answer.0 == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not serving 5 s after the kills");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(svc.ready().await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_outage_is_503_and_not_ready_then_healthy_within_5_s() {
    let db = Database::create().await;
    let svc = start(&db).await;
    assert_eq!(svc.token().await.0, 200);
    assert_eq!(svc.ready().await, 200);
    // For a second after a success the service does not read the client
    // again (clients::CACHE_TTL): let that pass, so that issuing needs the
    // store.
    tokio::time::sleep(jot_server::clients::CACHE_TTL + Duration::from_millis(100)).await;

    // The database refuses new connections and loses its current ones.
    db.allow_connections(false).await;
    db.terminate_connections().await;
    let answer = svc.token().await;
    assert_eq!(answer.0, 503, "{}", answer.1);
    assert_clean(&answer);
    assert_eq!(svc.ready().await, 503);
    // Several requests during the outage: each one clean, none a 500.
    for _ in 0..3 {
        let answer = svc.token().await;
        assert_eq!(answer.0, 503, "{}", answer.1);
        assert_clean(&answer);
    }

    // Back: the same process serves again within 5 s.
    db.allow_connections(true).await;
    let back = Instant::now();
    loop {
        let answer = svc.token().await;
        assert_clean(&answer);
        if answer.0 == 200 && svc.ready().await == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not healthy 5 s after the store came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
