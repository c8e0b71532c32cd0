//! The embedded backend: one SQLite file under the data dir, in WAL mode,
//! created and migrated on first start.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, SqliteConnection, Transaction};

use crate::config::create_private_dir;
use crate::error::Result;

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Reads, which WAL lets run beside the writer.
    pool: SqlitePool,
    /// Writes: one connection, so that writers queue in the pool, in order,
    /// and are handed the connection the moment it is free. With several
    /// writing connections they would contend for SQLite's lock instead,
    /// whose busy handler sleeps and retries (1, 2, 5 … 100 ms): the load
    /// script's rotation row had a p99 of 593 ms that way.
    writer: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path`, creating its
    /// directory with mode 0700, and applies the embedded migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            // WAL: readers never wait for the writer.
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before it is acknowledged, so a
            // rotation or revocation survives a power cut, not only a crash.
            // It costs an fsync per write transaction: on the development
            // machine ~5 ms, i.e. ~200 refresh rotations/s, against ~4500/s
            // with NORMAL (examples/store_bench.rs). Issuing access tokens
            // writes nothing, so only refresh and revocation pay it.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Writers queue for the single write lock rather than fail.
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .before_acquire(|conn, _| Box::pin(out_of_transaction(conn)))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .before_acquire(|conn, _| Box::pin(out_of_transaction(conn)))
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool, writer })
    }

    /// The connection pool for reads (for diagnostics and tests).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes both pools: the file is no longer open once this returns.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// The pool statements that write go through.
    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front: a deferred
    /// transaction that reads and then writes can fail with SQLITE_BUSY
    /// half-way, instead of queueing under the busy timeout.
    ///
    /// The BEGIN runs in a task of its own, which finishes even when the
    /// request that wanted it is dropped (its client went away). sqlx-sqlite
    /// 0.8 loses the transaction when its `begin_with` future is dropped
    /// after BEGIN ran but before the `Transaction` was made: the pooled
    /// connection then stays inside a transaction that nothing ends, holding
    /// the write lock, and every later write fails (the load script ran into
    /// it; tests/cancellation.rs reproduces it). Here an unwanted
    /// `Transaction` is dropped by the task, which rolls it back.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        let pool = self.writer.clone();
        let begin = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await });
        // A join error means sqlx panicked or the runtime is going away.
        Ok(begin.await.map_err(|_| sqlx::Error::WorkerCrashed)??)
    }

    /// Appends to the feed are already serialised by the write lock.
    async fn lock_feed(_tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
        Ok(())
    }
}

super::sql::impl_store!(SqliteStore, Sqlite, backend = "sqlite", for_update = "");

/// Whether a pooled connection may be handed out: it must not still count
/// itself inside a transaction. When a COMMIT fails on a full disk or an I/O
/// error, SQLite has already rolled the transaction back, so the ROLLBACK
/// sqlx sends next fails ("no transaction is active") and sqlx-sqlite 0.8
/// keeps its transaction depth at 1: every later `BEGIN IMMEDIATE` on that
/// connection would fail ("begin_with at non-zero transaction depth", a 500)
/// long after the disk has recovered. Such a connection is closed instead
/// (`Ok(false)`) and the pool opens a fresh one. The depth is read from an
/// atomic the connection's worker updates; a rollback queued by a dropped
/// `Transaction` may not have run yet, so a non-zero depth is checked again
/// after a ping, which the worker answers only after what was queued before.
async fn out_of_transaction(conn: &mut SqliteConnection) -> std::result::Result<bool, sqlx::Error> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    conn.ping().await?;
    Ok(!conn.is_in_transaction())
}
