//! Rate limits on the token endpoint: per source address (checked before
//! the client is authenticated, so a flood of bad credentials costs little)
//! and per authenticated client (after, so nobody can exhaust another
//! client's allowance by sending its id). GCRA from `governor`, in memory:
//! each replica limits what it receives.
//!
//! The source address is the TCP peer. Behind a proxy that is the proxy for
//! every client; turn the per-address limit off there (0) rather than trust
//! a forwarded header any client can set.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The two limits (either may be off).
pub struct RateLimits {
    per_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_client: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("per_address", &self.per_address.is_some())
            .field("per_client", &self.per_client.is_some())
            .finish()
    }
}

/// A request over a limit: when to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// Which limit (`address` or `client`).
    pub by: &'static str,
    /// Whole seconds until a request would be allowed (at least 1).
    pub retry_after: u64,
}

fn keyed<K: std::hash::Hash + Eq + Clone>(per_second: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    // A burst of one second's allowance: a client may send its whole
    // second's requests at once.
    NonZeroU32::new(per_second).map(|n| RateLimiter::keyed(Quota::per_second(n)))
}

impl RateLimits {
    /// `per_address` and `per_client` requests per second (0: no limit).
    pub fn new(per_address: u32, per_client: u32) -> Self {
        RateLimits {
            per_address: keyed(per_address),
            per_client: keyed(per_client),
            clock: DefaultClock::default(),
        }
    }

    /// Counts a request from `addr`.
    pub fn check_address(&self, addr: IpAddr) -> Result<(), Limited> {
        match &self.per_address {
            Some(l) => l.check_key(&addr).map_err(|n| self.limited("address", &n)),
            None => Ok(()),
        }
    }

    /// Counts a request of the authenticated client `id`.
    pub fn check_client(&self, id: &str) -> Result<(), Limited> {
        match &self.per_client {
            Some(l) => l
                .check_key(&id.to_string())
                .map_err(|n| self.limited("client", &n)),
            None => Ok(()),
        }
    }

    fn limited(
        &self,
        by: &'static str,
        not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>,
    ) -> Limited {
        let wait = not_until.wait_time_from(self.clock.now());
        Limited {
            by,
            // Rounded up: retrying after it must succeed.
            retry_after: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1),
        }
    }

    /// Forgets the keys whose allowance is full again, so the maps hold
    /// only recent senders.
    pub fn prune(&self) {
        if let Some(l) = &self.per_address {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.per_client {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Prunes every `interval` until the task is aborted.
    pub fn spawn_pruning(
        self: &std::sync::Arc<Self>,
        interval: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let limits = std::sync::Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.tick().await;
            loop {
                tick.tick().await;
                limits.prune();
            }
        })
    }
}
