//! The background work every replica runs: applying the key-rotation steps
//! that are due and purging what has expired. Both are safe on every
//! replica at once (the store's epoch check lets one commit each key step;
//! purges are idempotent deletes), so no leader election is needed.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::keys::KeyManager;
use crate::store::Store;

/// How often [`spawn`] runs by default. Key steps are scheduled hours
/// apart (publish-ahead ≥ JWKS max-age), so a minute's delay is harmless.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// Rows of each table one purge transaction deletes at most.
pub const PURGE_BATCH: i64 = 1_000;
/// Batches one maintenance round runs at most (then the next round goes on).
pub const PURGE_MAX_BATCHES: usize = 100;

/// Runs [`run_once`] every `every` until the task is aborted. The first run
/// is one interval after the spawn: start-up has just applied the due steps
/// itself (so a fresh store has its signing keys before serving), and an
/// immediate second round would race with whatever the caller does next.
pub fn spawn(
    store: Arc<dyn Store>,
    keys: KeyManager,
    clock: SharedClock,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(store.as_ref(), &keys, clock.now()).await;
        }
    })
}

/// One round: due key steps, then the purge. Failures are logged and left
/// for the next round; nothing here is needed to answer a request.
pub async fn run_once(store: &dyn Store, keys: &KeyManager, now: i64) {
    if let Err(e) = keys.maintain().await {
        tracing::warn!(error = %e, code = e.code(), "key rotation step failed");
    }
    match crate::store::purge_all(store, now, PURGE_BATCH, PURGE_MAX_BATCHES).await {
        Ok(p) if p != Default::default() => {
            tracing::debug!(
                denylist = p.denylist,
                refresh = p.refresh,
                jtis = p.jtis,
                dpop_proofs = p.dpop_proofs,
                "purged expired entries"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, code = e.code(), "purging expired entries failed"),
    }
}
