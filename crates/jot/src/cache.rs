//! A document fetched over HTTP and kept in memory (feature `remote`): the
//! rules a JWK Set and a discovery document share.
//!
//! - **Fresh** for the response's `Cache-Control: max-age`, clamped to the
//!   caller's bounds (a year-long max-age must not outlive a key rotation;
//!   a zero one must not make every token a request).
//! - **Stale-while-revalidate** within the staleness bound: past its
//!   freshness, callers get the cached value at once and one background
//!   refresh runs (RFC 5861's idea). A slow or failing provider is never on
//!   a request's path while the cache holds something usable.
//! - Only a **cold** cache (nothing fetched yet, or past the staleness
//!   bound) and an explicit refetch (an unknown `kid`) wait on the network,
//!   and all waiting callers share one request.
//! - After a failure, and between two explicit refetches, a **cooldown**:
//!   an unreachable provider must not cost every request a timeout, and a
//!   flood of made-up `kid`s must not become a flood of requests.
//!
//! Events go to `tracing` (target `jot::remote`): fetch, 304, failure,
//! stale use, cooldown hit. They carry the URL without its query, times and
//! reasons; never a key or a document.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The time source of a cache. [`SystemClock`] unless a test injects its
/// own to make expiry deterministic without sleeping.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current monotonic time.
    fn now(&self) -> Instant;
}

/// [`Instant::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// How long a value is served past its freshness, and how often the
/// network is asked.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub cooldown: Duration,
    pub max_stale: Duration,
    pub clock: Arc<dyn Clock>,
}

/// The freshness lifetime of a response with this `Cache-Control`: its
/// `max-age` within `[min, max]`, or `max` without one.
pub(crate) fn freshness(cache_control: Option<&str>, min: Duration, max: Duration) -> Duration {
    cache_control
        .and_then(crate::http::max_age)
        .unwrap_or(max)
        .clamp(min, max)
}

/// The outcome of one successful request.
pub(crate) enum Fetched<T> {
    New {
        value: Arc<T>,
        etag: Option<String>,
        ttl: Duration,
    },
    /// 304: the cached value is still current.
    NotModified { etag: Option<String>, ttl: Duration },
}

/// A boxed future, for the object-safe [`Source`].
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a cached value comes from.
pub(crate) trait Source<T>: Send + Sync + 'static {
    /// One request; `etag` is the cached value's entity tag, if any.
    fn fetch<'a>(&'a self, etag: Option<&'a str>) -> BoxFuture<'a, Result<Fetched<T>>>;
    /// What is fetched and from where, for events: `("jwks", url)`. The URL
    /// has no query (it may carry credentials).
    fn describe(&self) -> (&'static str, String);
    /// The error when the cached value is older than the staleness bound.
    fn stale_error(&self, stale_secs: u64, reason: String) -> Error;
    /// The error when nothing was ever fetched and no attempt failed yet.
    fn cold_error(&self) -> Error;
}

struct State<T> {
    value: Option<Arc<T>>,
    etag: Option<String>,
    /// When the value needs revalidation.
    fresh_until: Option<Instant>,
    /// When the last attempt (successful or not) finished.
    last_attempt: Option<Instant>,
    /// Why the last attempt failed; cleared by a success.
    last_error: Option<Error>,
    /// Counts finished attempts: a caller that saw generation `g` and finds
    /// another after waiting for the fetch lock knows someone fetched for it.
    generation: u64,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        State {
            value: None,
            etag: None,
            fresh_until: None,
            last_attempt: None,
            last_error: None,
            generation: 0,
        }
    }
}

/// A value fetched from a [`Source`] and kept by the rules of the module.
pub(crate) struct Cached<T> {
    source: Box<dyn Source<T>>,
    policy: Policy,
    state: RwLock<State<T>>,
    /// Held for the duration of one request: concurrent refreshes queue here
    /// and find the result in the state instead of asking again.
    fetching: tokio::sync::Mutex<()>,
    /// A background refresh is scheduled or running (at most one).
    background: AtomicBool,
}

impl<T: 'static> fmt::Debug for Cached<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, url) = self.source.describe();
        f.debug_struct("Cached")
            .field("what", &what)
            .field("url", &url)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// What the caller of [`Cached::get`] is served from the cache now, decided
/// under the read lock.
enum Now<T> {
    Serve(Arc<T>),
    ServeAndRefresh(Arc<T>, u64),
    Wait(u64),
    Fail(Error),
}

impl<T: Send + Sync + 'static> Cached<T> {
    pub fn new(source: Box<dyn Source<T>>, policy: Policy) -> Arc<Self> {
        Arc::new(Cached {
            source,
            policy,
            state: RwLock::new(State::default()),
            fetching: tokio::sync::Mutex::new(()),
            background: AtomicBool::new(false),
        })
    }

    /// The value: at once while fresh or within the staleness bound (then a
    /// background refresh is started if none runs and the cooldown allows);
    /// from the network, shared with every other waiting caller, when cold.
    pub async fn get(self: &Arc<Self>) -> Result<Arc<T>> {
        let decision = {
            let s = self.read();
            self.decide(&s, self.now())
        };
        match decision {
            Now::Serve(v) => Ok(v),
            Now::ServeAndRefresh(v, generation) => {
                self.refresh_in_background(generation);
                Ok(v)
            }
            Now::Fail(e) => Err(e),
            Now::Wait(generation) => {
                // A failed attempt is reported through `current`, which
                // serves what it may.
                let _ = self.refresh(generation).await;
                self.current(&self.read(), self.now())
            }
        }
    }

    fn decide(&self, s: &State<T>, now: Instant) -> Now<T> {
        if let (Some(value), Some(until)) = (&s.value, s.fresh_until) {
            if now < until {
                return Now::Serve(value.clone());
            }
            if now < until + self.policy.max_stale {
                let stale_secs = now.saturating_duration_since(until).as_secs();
                let (what, url) = self.source.describe();
                tracing::debug!(target: "jot::remote", what, url, stale_secs, "serving stale");
                if self.may_retry(s, now) {
                    return Now::ServeAndRefresh(value.clone(), s.generation);
                }
                self.cooldown_hit(s, now, "after a failed fetch");
                return Now::Serve(value.clone());
            }
        }
        if self.may_retry(s, now) {
            Now::Wait(s.generation)
        } else {
            self.cooldown_hit(s, now, "after a failed fetch");
            match self.current(s, now) {
                Ok(v) => Now::Serve(v),
                Err(e) => Now::Fail(e),
            }
        }
    }

    /// One more request unless the last one finished less than `cooldown`
    /// ago (then the current value, or why there is none), waiting for it:
    /// for a caller that knows the cached value lacks something (an unknown
    /// `kid`).
    pub async fn refetch(self: &Arc<Self>, cooldown: Duration) -> Result<Arc<T>> {
        let now = self.now();
        let generation = {
            let s = self.read();
            let cooled = s.last_attempt.is_none_or(|t| now >= t + cooldown);
            if !cooled {
                self.cooldown_hit(&s, now, "refetch asked too soon");
                return self.current(&s, now);
            }
            s.generation
        };
        let _ = self.refresh(generation).await;
        self.current(&self.read(), self.now())
    }

    /// A request now, whatever the state says (concurrent callers still
    /// share one), and its outcome.
    pub async fn fetch_now(self: &Arc<Self>) -> Result<Arc<T>> {
        let generation = self.read().generation;
        self.refresh(generation).await?;
        let s = self.read();
        s.value.clone().ok_or_else(|| self.source.cold_error())
    }

    /// Why the last attempt failed, if it did.
    pub fn last_error(&self) -> Option<Error> {
        self.read().last_error.clone()
    }

    /// Whether a background refresh is scheduled or running.
    pub fn refreshing(&self) -> bool {
        self.background.load(Ordering::Acquire)
    }

    fn now(&self) -> Instant {
        self.policy.clock.now()
    }

    fn read(&self) -> RwLockReadGuard<'_, State<T>> {
        // A panic while holding the lock leaves a consistent state (every
        // write is a few assignments), so poisoning is ignored.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State<T>> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// After a failure, wait out the cooldown before asking again.
    fn may_retry(&self, s: &State<T>, now: Instant) -> bool {
        match (&s.last_error, s.last_attempt) {
            (Some(_), Some(t)) => now >= t + self.policy.cooldown,
            _ => true,
        }
    }

    fn cooldown_hit(&self, s: &State<T>, now: Instant, why: &'static str) {
        let (what, url) = self.source.describe();
        let wait_secs = s.last_attempt.map_or(0, |t| {
            (t + self.policy.cooldown)
                .saturating_duration_since(now)
                .as_secs()
        });
        tracing::debug!(target: "jot::remote", what, url, why, wait_secs, "cooldown: not fetching");
    }

    /// What the cache can serve now: the value while fresh or within the
    /// staleness bound, otherwise the error that explains why not.
    fn current(&self, s: &State<T>, now: Instant) -> Result<Arc<T>> {
        match (&s.value, s.fresh_until) {
            (Some(value), Some(until)) if now < until + self.policy.max_stale => Ok(value.clone()),
            (Some(_), Some(until)) => Err(self.source.stale_error(
                now.saturating_duration_since(until).as_secs(),
                s.last_error
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |e| e.to_string()),
            )),
            _ => Err(s
                .last_error
                .clone()
                .unwrap_or_else(|| self.source.cold_error())),
        }
    }

    /// Starts one refresh on the current tokio runtime unless one is
    /// already scheduled. Without a runtime nothing starts: the value is
    /// served until it passes the staleness bound, then callers wait.
    fn refresh_in_background(self: &Arc<Self>, generation: u64) {
        if self
            .background
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.background.store(false, Ordering::Release);
            return;
        };
        let this = self.clone();
        runtime.spawn(async move {
            // Cleared however the task ends (even if the runtime drops it).
            let _clear = ClearOnDrop(&this.background);
            let _ = this.refresh(generation).await;
        });
    }

    /// One request, unless another caller finished one while this one
    /// waited for the lock (then its outcome is this caller's).
    async fn refresh(&self, seen_generation: u64) -> Result<()> {
        let _guard = self.fetching.lock().await;
        let etag = {
            let s = self.read();
            if s.generation != seen_generation {
                return s.last_error.clone().map_or(Ok(()), Err);
            }
            s.value.as_ref().and(s.etag.clone())
        };
        let outcome = self.source.fetch(etag.as_deref()).await;
        let now = self.now();
        let (what, url) = self.source.describe();
        let mut s = self.write();
        s.generation += 1;
        s.last_attempt = Some(now);
        match outcome {
            Ok(Fetched::New { value, etag, ttl }) => {
                tracing::info!(target: "jot::remote", what, url, ttl_secs = ttl.as_secs(), "fetched");
                s.value = Some(value);
                s.etag = etag;
                s.fresh_until = Some(now + ttl);
                s.last_error = None;
                Ok(())
            }
            Ok(Fetched::NotModified { etag, ttl }) => {
                tracing::debug!(target: "jot::remote", what, url, ttl_secs = ttl.as_secs(), "not modified (304)");
                if etag.is_some() {
                    s.etag = etag;
                }
                s.fresh_until = Some(now + ttl);
                s.last_error = None;
                Ok(())
            }
            Err(e) => {
                let has_value = s.value.is_some();
                tracing::warn!(target: "jot::remote", what, url, error = %e, has_value, "fetch failed");
                s.last_error = Some(e.clone());
                Err(e)
            }
        }
    }
}

struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// `url` without query or fragment, for events.
pub(crate) fn loggable(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}
