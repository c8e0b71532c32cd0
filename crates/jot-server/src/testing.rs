//! Fresh stores for tests, on both backends (behind the `testing` feature).
//!
//! PostgreSQL tests use the server at `JOT_TEST_DATABASE_URL` (default
//! [`DEFAULT_TEST_DATABASE_URL`]): each store gets a schema of its own,
//! dropped when the store's guard is dropped. An unreachable server fails
//! the test with one line saying so; it never skips, so a green run means
//! the PostgreSQL backend was exercised.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::store::{PgStore, SqliteStore, Store};

/// Where the PostgreSQL tests look when `JOT_TEST_DATABASE_URL` is unset.
pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL URL the tests use.
pub fn test_database_url() -> String {
    std::env::var("JOT_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.into())
}

/// A store for one test, with what it must clean up.
pub struct TestStore {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The PostgreSQL schema it lives in (to open a second store, i.e. a
    /// second replica, on the same data), or `None` for SQLite.
    pub pg_schema: Option<String>,
    /// The SQLite data dir, or `None` for PostgreSQL.
    pub data_dir: Option<std::path::PathBuf>,
    _guard: Guard,
}

enum Guard {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Schema { url: String, schema: String },
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Guard::Schema { url, schema } = self {
            let (url, schema) = (url.clone(), schema.clone());
            cleanup(async move {
                let mut conn = PgConnectOptions::from_str(&url)
                    .ok()?
                    .connect()
                    .await
                    .ok()?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .execute(&mut conn)
                    .await
                    .ok()?;
                conn.close().await.ok()
            });
        }
    }
}

/// Runs a test's clean-up work to the end from a `Drop`, which may run
/// inside the test's runtime and so cannot block on it: the work gets a
/// thread and a runtime of its own. Failures are ignored (clean-up is best
/// effort; the next run's names are fresh anyway).
pub fn cleanup(work: impl std::future::Future<Output = Option<()>> + Send + 'static) {
    let _ = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?
            .block_on(work)
    })
    .join();
}

/// A fresh SQLite store in a temporary data dir.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(crate::config::SQLITE_FILE);
    let store = SqliteStore::open(&path)
        .await
        .expect("opening a fresh SQLite store");
    TestStore {
        store: Arc::new(store),
        pg_schema: None,
        data_dir: Some(dir.path().to_path_buf()),
        _guard: Guard::Dir(dir),
    }
}

/// A fresh PostgreSQL store in a schema of its own. Panics with one line
/// when the server cannot be reached.
pub async fn postgres() -> TestStore {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let url = test_database_url();
    let mut random = [0u8; 4];
    aws_lc_rs::rand::fill(&mut random).expect("random bytes");
    let schema = format!(
        "jot_test_{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        u32::from_le_bytes(random)
    );
    let base = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("JOT_TEST_DATABASE_URL is not a PostgreSQL URL: {e}"));
    let mut admin = match base.connect().await {
        Ok(conn) => conn,
        Err(e) => panic!(
            "PostgreSQL is not reachable at {} (set JOT_TEST_DATABASE_URL): {e}",
            redact(&url)
        ),
    };
    sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
        .execute(&mut admin)
        .await
        .expect("creating a test schema");
    let _ = admin.close().await;
    let guard = Guard::Schema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let store = open_pg_schema(&schema).await;
    TestStore {
        store: Arc::new(store),
        pg_schema: Some(schema),
        data_dir: None,
        _guard: guard,
    }
}

/// A second store on the same data as `t`: another replica (PostgreSQL)
/// or another process on the same file (SQLite).
pub async fn reopen(t: &TestStore) -> Arc<dyn Store> {
    match (&t.pg_schema, &t.data_dir) {
        (Some(schema), _) => Arc::new(open_pg_schema(schema).await),
        (None, Some(dir)) => Arc::new(
            SqliteStore::open(&dir.join(crate::config::SQLITE_FILE))
                .await
                .expect("reopening the SQLite store"),
        ),
        (None, None) => unreachable!("a test store is on one backend"),
    }
}

/// A `--database` URL that opens the test schema `schema` (for running
/// `jot` against it).
pub fn pg_url_for_schema(schema: &str) -> String {
    let url = test_database_url();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// Another store on an existing test schema: a second replica.
pub async fn open_pg_schema(schema: &str) -> PgStore {
    let options = PgConnectOptions::from_str(&test_database_url())
        .expect("a PostgreSQL URL")
        .options([("search_path", schema)]);
    PgStore::connect_with(options)
        .await
        .expect("opening the test schema")
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..s + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Runs an async test body once per backend: `both_backends!(name, body)`
/// defines `name::sqlite` and `name::postgres`, each calling
/// `body(TestStore)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$body($crate::testing::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$body($crate::testing::postgres().await).await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_drops_the_password() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(super::redact("postgres://h/db"), "postgres://h/db");
    }
}
