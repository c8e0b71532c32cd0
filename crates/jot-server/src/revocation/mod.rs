//! Every replica's view of what is revoked: the access-token denylist and
//! the per-subject cut-offs, kept in memory and brought up to date by
//! polling the store's revocation feed.
//!
//! Checking a token then costs two hash lookups and no query, and a
//! revocation committed on any replica reaches this one within one poll
//! interval (the feed hands out entries in commit order, so a poller that
//! remembers the last `seq` it read never misses one). Polling rather than
//! PostgreSQL `LISTEN/NOTIFY` works the same on both backends and survives
//! dropped connections without a resubscription protocol; at the default
//! 250 ms it costs four indexed range reads a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::clock::SharedClock;
use crate::error::Result;
use crate::store::{RevocationKind, Store};

/// How often [`RevocationView::spawn`] polls by default: well inside the
/// one-second propagation bound.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Feed entries read per query.
const PAGE: i64 = 1_000;

#[derive(Debug, Default)]
struct State {
    /// The `seq` of the last feed entry applied.
    last_seq: i64,
    /// Denied `jti` → its `exp`.
    denied: HashMap<String, i64>,
    /// Subject → cut-off (tokens with `iat <=` it are revoked).
    cutoffs: HashMap<String, i64>,
}

/// What one replica knows is revoked. Share it as `Arc<RevocationView>`.
#[derive(Debug)]
pub struct RevocationView {
    store: Arc<dyn Store>,
    state: RwLock<State>,
}

impl RevocationView {
    /// Reads the whole feed (what a new replica must know before it answers).
    pub async fn load(store: Arc<dyn Store>, now: i64) -> Result<Arc<Self>> {
        let view = Arc::new(RevocationView {
            store,
            state: RwLock::new(State::default()),
        });
        view.refresh(now).await?;
        Ok(view)
    }

    /// Applies the feed entries committed since the last call and forgets
    /// denied tokens that have expired by `now`. Returns how many entries
    /// were applied.
    pub async fn refresh(&self, now: i64) -> Result<usize> {
        let mut applied = 0;
        loop {
            let after = self.read().last_seq;
            let entries = self.store.revocations_since(after, PAGE).await?;
            let got = entries.len();
            {
                let mut state = self.write();
                for e in entries {
                    // Another refresh may have run meanwhile; entries are
                    // idempotent, but `last_seq` only moves forward.
                    if e.seq <= state.last_seq {
                        continue;
                    }
                    state.last_seq = e.seq;
                    match e.kind {
                        RevocationKind::AccessToken { jti, exp } => {
                            state.denied.insert(jti, exp);
                        }
                        RevocationKind::Subject { subject, before } => {
                            let c = state.cutoffs.entry(subject).or_insert(before);
                            *c = (*c).max(before);
                        }
                    }
                    applied += 1;
                }
                state.denied.retain(|_, exp| *exp > now);
            }
            if got < usize::try_from(PAGE).unwrap_or(usize::MAX) {
                return Ok(applied);
            }
        }
    }

    /// Whether a token is revoked at `now`: its `jti` is on the denylist (and
    /// not yet expired), or its subject was cut off at or after its `iat`.
    /// A token without `iat` counts as issued before any cut-off.
    pub fn is_revoked(
        &self,
        jti: Option<&str>,
        sub: Option<&str>,
        iat: Option<i64>,
        now: i64,
    ) -> bool {
        let state = self.read();
        let denied = jti
            .and_then(|j| state.denied.get(j))
            .is_some_and(|exp| *exp > now);
        let cut_off = sub
            .and_then(|s| state.cutoffs.get(s))
            .is_some_and(|cutoff| iat.is_none_or(|iat| iat <= *cutoff));
        denied || cut_off
    }

    /// The `seq` of the last feed entry applied: changes exactly when the
    /// view does (a cache of verified tokens can compare it to know when to
    /// re-check its entries).
    pub fn version(&self) -> i64 {
        self.read().last_seq
    }

    /// Polls the feed every `interval` until the returned task is aborted.
    /// A failed poll is logged and retried at the next tick; the view keeps
    /// what it had.
    pub fn spawn(
        self: &Arc<Self>,
        interval: Duration,
        clock: SharedClock,
    ) -> tokio::task::JoinHandle<()> {
        let view = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = view.refresh(clock.now()).await {
                    tracing::warn!(error = %e, code = e.code(), "polling the revocation feed failed");
                }
            }
        })
    }

    // A poisoned lock means a panic while holding it; the maps are still
    // whole (every update is a single insert), so keep serving them.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }
}
