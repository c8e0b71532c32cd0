//! The shared backend: a PostgreSQL database that several `jot serve`
//! replicas use at once. Migrations run at start under sqlx's migration
//! lock, so replicas starting together apply them once.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use crate::error::Result;

/// The advisory-lock key that serialises appends to the revocation feed
/// ("jotfeed" in ASCII, to stay clear of other applications' keys).
const FEED_LOCK: i64 = 0x006a_6f74_6665_6564;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` and applies the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with prepared options (tests use this to pick a schema).
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }

    /// The connection pool (for diagnostics and tests).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The pool statements that write go through: the one pool, since
    /// PostgreSQL's writers wait on row locks, not on a sleeping retry.
    fn writer(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Identity values are handed out before commit, so without this lock a
    /// reader could see `seq` 8 committed before 7 and skip 7 for good.
    /// Held to commit, it makes `seq` order commit order.
    async fn lock_feed(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(FEED_LOCK)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

super::sql::impl_store!(
    PgStore,
    Postgres,
    backend = "postgres",
    for_update = " FOR UPDATE"
);
