//! A JWK Set fetched over HTTPS and cached (feature `remote`).
//!
//! The cache follows what users of panva/jose's `createRemoteJWKSet` expect,
//! with the gaps that break services closed: the provider's
//! `Cache-Control: max-age` is honoured but clamped (a year-long max-age
//! must not outlive a rotation, Zitadel #7961), an unknown `kid` triggers at
//! most one refetch per cooldown (a flood of made-up `kid`s must not become a
//! flood of requests to the provider), and an unreachable provider is
//! bridged with the last good set for a bounded time only.

use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode, Url};
use serde::de::DeserializeOwned;

use super::LocalKeySet;
use crate::alg::{Algorithm, Family};
use crate::error::{Error, Result};
use crate::http;
use crate::jws::KeyResolver;
use crate::jws::{compact, Header};
use crate::jwt::{self, Validation, Verified};

/// Default lower bound on how long a fetched set is used before revalidation.
pub const DEFAULT_MIN_TTL: Duration = Duration::from_secs(30);
/// Default upper bound on how long a fetched set is used before
/// revalidation, and the lifetime when the response has no `max-age`.
pub const DEFAULT_MAX_TTL: Duration = Duration::from_secs(600);
/// Default minimum time between two refetches caused by an unknown `kid`,
/// and between two attempts after a failed fetch.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);
/// Default time past expiry during which the last good set is still used
/// while the provider cannot be reached.
pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(3600);
/// Default request timeout (connect, headers and body together).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default cap on the response body.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 512 * 1024;

const ACCEPT_JWKS: &str = "application/jwk-set+json, application/json;q=0.9";

/// The time source of the cache. [`SystemClock`] unless a test injects its
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

/// A JWK Set at an HTTPS URL, fetched lazily, cached, revalidated and
/// refetched as described in the [module docs](self). Cheap to clone: the
/// clones share one cache and one HTTP client.
///
/// ```no_run
/// # async fn run(token: &str) -> jot::Result<()> {
/// use jot::jwks::RemoteJwks;
/// use jot::jwt::{Claims, Validation};
///
/// let jwks = RemoteJwks::new("https://issuer.example/.well-known/jwks.json")?;
/// let rules = Validation::new().issuer("https://issuer.example").audience("api");
/// let verified = jwks.verify::<Claims>(token, &rules).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    inner: Arc<Inner>,
}

struct Inner {
    url: Url,
    client: Client,
    options: Options,
    cache: RwLock<Cache>,
    /// Held for the duration of one fetch: concurrent refreshes queue here
    /// and find the result in the cache instead of asking again.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone)]
struct Options {
    algorithms: Vec<Algorithm>,
    min_ttl: Duration,
    max_ttl: Duration,
    cooldown: Duration,
    max_stale: Duration,
    timeout: Duration,
    max_size: usize,
    allow_http: bool,
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct Cache {
    set: Option<Arc<LocalKeySet>>,
    etag: Option<String>,
    /// When the set needs revalidation.
    fresh_until: Option<Instant>,
    /// When the last fetch attempt (successful or not) finished.
    last_attempt: Option<Instant>,
    /// Why the last attempt failed; cleared by a success.
    last_error: Option<Error>,
    /// Counts finished attempts: a caller that saw generation `g` and finds
    /// another after waiting for the fetch lock knows someone fetched for it.
    generation: u64,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.inner.url.as_str())
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RemoteJwks`]; every setting has a safe default.
#[derive(Debug, Clone)]
#[must_use]
pub struct RemoteJwksBuilder {
    url: String,
    options: Options,
}

impl RemoteJwksBuilder {
    /// The algorithms keys are prepared for. Default: every asymmetric
    /// signature algorithm; HMAC is never a default (a published `oct` key
    /// is a shared secret everyone has).
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.options.algorithms = algs.to_vec();
        self
    }

    /// Bounds on the cache lifetime taken from `Cache-Control: max-age`
    /// (default 30 s and 10 min). A response without `max-age` is kept for
    /// `max`.
    pub fn ttl_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.options.min_ttl = min;
        self.options.max_ttl = max.max(min);
        self
    }

    /// Minimum time between refetches for an unknown `kid`, and between
    /// attempts after a failure (default 30 s).
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.options.cooldown = cooldown;
        self
    }

    /// How long past its expiry the last good set is still used while the
    /// provider cannot be reached (default 1 h). After that, key lookups
    /// fail with [`Error::JwksStale`].
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.options.max_stale = max_stale;
        self
    }

    /// Timeout of one request, body included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// Largest accepted response body (default 512 KiB).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.options.max_size = bytes;
        self
    }

    /// Allows plain `http` to any host. Only for networks where nobody can
    /// tamper with traffic; loopback hosts are always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.options.allow_http = allow;
        self
    }

    /// The clock used for cache lifetimes and cooldowns.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.options.clock = clock;
        self
    }

    /// Checks the URL against the transport policy and sets up the client.
    /// Performs no request: the first key lookup (or
    /// [`RemoteJwks::fetch_now`]) fetches.
    pub fn build(self) -> Result<RemoteJwks> {
        let url = http::check_url(&self.url, self.options.allow_http)?;
        let client = http::client(&url, self.options.timeout, self.options.allow_http)
            .map_err(Error::JwksFetch)?;
        Ok(RemoteJwks {
            inner: Arc::new(Inner {
                url,
                client,
                options: self.options,
                cache: RwLock::new(Cache::default()),
                fetching: tokio::sync::Mutex::new(()),
            }),
        })
    }
}

/// The outcome of one successful request.
enum Fetch {
    New {
        set: Arc<LocalKeySet>,
        etag: Option<String>,
        ttl: Duration,
    },
    NotModified {
        etag: Option<String>,
        ttl: Duration,
    },
}

impl RemoteJwks {
    /// A set at `url` with the default settings (see [`RemoteJwksBuilder`]).
    pub fn new(url: &str) -> Result<Self> {
        Self::builder(url).build()
    }

    /// Starts configuring a set at `url`.
    pub fn builder(url: &str) -> RemoteJwksBuilder {
        RemoteJwksBuilder {
            url: url.to_owned(),
            options: Options {
                algorithms: Algorithm::ALL
                    .iter()
                    .copied()
                    .filter(|a| a.family() != Family::Hmac)
                    .collect(),
                min_ttl: DEFAULT_MIN_TTL,
                max_ttl: DEFAULT_MAX_TTL,
                cooldown: DEFAULT_COOLDOWN,
                max_stale: DEFAULT_MAX_STALE,
                timeout: DEFAULT_TIMEOUT,
                max_size: DEFAULT_MAX_RESPONSE_SIZE,
                allow_http: false,
                clock: Arc::new(SystemClock),
            },
        }
    }

    /// The set's URL.
    pub fn url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// Why the last fetch failed, if it did (the set may still be served
    /// from the cache).
    pub fn last_error(&self) -> Option<Error> {
        self.read().last_error.clone()
    }

    /// The current key set: from the cache while fresh, otherwise
    /// revalidated or refetched (one request however many callers wait), or
    /// the last good set within the staleness bound if that fails.
    pub async fn key_set(&self) -> Result<Arc<LocalKeySet>> {
        let now = self.now();
        let generation = {
            let c = self.read();
            if let (Some(set), Some(until)) = (&c.set, c.fresh_until) {
                if now < until {
                    return Ok(set.clone());
                }
            }
            if !self.may_retry(&c, now) {
                return self.current(&c, now);
            }
            c.generation
        };
        // A failed attempt is reported through `current`, which serves the
        // stale set if it may.
        let _ = self.refresh(generation).await;
        self.current(&self.read(), self.now())
    }

    /// The key set for a token with this header: [`RemoteJwks::key_set`],
    /// then, if no key matches the header's `kid` and algorithm, one
    /// refetch unless the last request was less than the cooldown ago. The
    /// header only selects; it is verified with the returned set.
    pub async fn key_set_for(&self, header: &Header) -> Result<Arc<LocalKeySet>> {
        let set = self.key_set().await?;
        if !matches!(set.resolve(header), Err(Error::NoMatchingKey { .. })) {
            return Ok(set);
        }
        let now = self.now();
        let generation = {
            let c = self.read();
            let cooled = c
                .last_attempt
                .is_none_or(|t| now >= t + self.inner.options.cooldown);
            if !cooled {
                return Ok(set);
            }
            c.generation
        };
        let _ = self.refresh(generation).await;
        self.current(&self.read(), self.now())
    }

    /// Fetches (or revalidates) now, whatever the cache says, and returns
    /// the new set or why the request failed. Concurrent calls still share
    /// one request. For start-up checks and tools that need a definite
    /// answer.
    pub async fn fetch_now(&self) -> Result<Arc<LocalKeySet>> {
        let generation = self.read().generation;
        self.refresh(generation).await?;
        let c = self.read();
        c.set
            .clone()
            .ok_or_else(|| Error::JwksFetch("no JWK Set fetched".into()))
    }

    /// Verifies a compact JWT against this set with `validation`'s rules,
    /// like [`jwt::verify`] with the key set from [`RemoteJwks::key_set_for`].
    pub async fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<Verified<T>> {
        let header = compact::unverified_header(token, &validation.limits)?;
        let set = self.key_set_for(&header).await?;
        jwt::verify(token, &*set, validation)
    }

    fn now(&self) -> Instant {
        self.inner.options.clock.now()
    }

    fn read(&self) -> RwLockReadGuard<'_, Cache> {
        // A panic while holding the lock leaves a consistent cache (every
        // write is a few assignments), so poisoning is ignored.
        self.inner.cache.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Cache> {
        self.inner.cache.write().unwrap_or_else(|e| e.into_inner())
    }

    /// After a failure, wait out the cooldown before asking again: an
    /// unreachable provider must not cost every request a timeout.
    fn may_retry(&self, c: &Cache, now: Instant) -> bool {
        match (&c.last_error, c.last_attempt) {
            (Some(_), Some(t)) => now >= t + self.inner.options.cooldown,
            _ => true,
        }
    }

    /// What the cache can serve now: the set while fresh or within the
    /// staleness bound, otherwise the error that explains why not.
    fn current(&self, c: &Cache, now: Instant) -> Result<Arc<LocalKeySet>> {
        let reason = || {
            c.last_error
                .as_ref()
                .map_or_else(|| "none".to_owned(), |e| e.to_string())
        };
        match (&c.set, c.fresh_until) {
            (Some(set), Some(until)) => {
                if now < until + self.inner.options.max_stale {
                    Ok(set.clone())
                } else {
                    Err(Error::JwksStale {
                        stale_secs: now.saturating_duration_since(until).as_secs(),
                        reason: reason(),
                    })
                }
            }
            _ => Err(c
                .last_error
                .clone()
                .unwrap_or_else(|| Error::JwksFetch("no JWK Set fetched yet".into()))),
        }
    }

    /// One request, unless another caller finished one while this one
    /// waited for the lock (then its outcome is this caller's).
    async fn refresh(&self, seen_generation: u64) -> Result<()> {
        let _guard = self.inner.fetching.lock().await;
        {
            let c = self.read();
            if c.generation != seen_generation {
                return c.last_error.clone().map_or(Ok(()), Err);
            }
        }
        let etag = {
            let c = self.read();
            c.set.as_ref().and(c.etag.clone())
        };
        let outcome = self.fetch(etag.as_deref()).await;
        let now = self.now();
        let mut c = self.write();
        c.generation += 1;
        c.last_attempt = Some(now);
        match outcome {
            Ok(Fetch::New { set, etag, ttl }) => {
                c.set = Some(set);
                c.etag = etag;
                c.fresh_until = Some(now + ttl);
                c.last_error = None;
                Ok(())
            }
            Ok(Fetch::NotModified { etag, ttl }) => {
                if etag.is_some() {
                    c.etag = etag;
                }
                c.fresh_until = Some(now + ttl);
                c.last_error = None;
                Ok(())
            }
            Err(e) => {
                c.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    async fn fetch(&self, etag: Option<&str>) -> Result<Fetch> {
        let o = &self.inner.options;
        let got = http::get(
            &self.inner.client,
            &self.inner.url,
            ACCEPT_JWKS,
            etag,
            o.max_size,
        )
        .await
        .map_err(Error::JwksFetch)?;
        let ttl = got
            .cache_control
            .as_deref()
            .and_then(http::max_age)
            .unwrap_or(o.max_ttl)
            .clamp(o.min_ttl, o.max_ttl);
        match got.status {
            StatusCode::NOT_MODIFIED if etag.is_some() => Ok(Fetch::NotModified {
                etag: got.etag,
                ttl,
            }),
            s if s.is_success() => {
                // Prepared once here, then shared by every token until the
                // next fetch.
                let set = LocalKeySet::from_json(&got.body, &o.algorithms, &Default::default())
                    .map_err(|e| Error::JwksFetch(format!("invalid JWK Set: {e}")))?;
                Ok(Fetch::New {
                    set: Arc::new(set),
                    etag: got.etag,
                    ttl,
                })
            }
            s => Err(Error::JwksFetch(format!("HTTP status {}", s.as_u16()))),
        }
    }
}
