//! A JWK Set fetched over HTTPS and cached (feature `remote`).
//!
//! The cache follows what users of panva/jose's `createRemoteJWKSet` expect,
//! with the gaps that break services closed (the rules are in
//! `cache.rs`, shared with discovery documents): the provider's
//! `Cache-Control: max-age` is honoured but clamped (a year-long max-age
//! must not outlive a rotation, Zitadel #7961); past its freshness the set
//! is still served at once while one background refresh runs, so a slow or
//! unreachable provider never holds up a request as long as the set is
//! within its staleness bound; an unknown `kid` triggers at most one
//! refetch per cooldown (a flood of made-up `kid`s must not become a flood
//! of requests to the provider).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Client, StatusCode, Url};
use serde::de::DeserializeOwned;

use super::LocalKeySet;
use crate::alg::{Algorithm, Family};
use crate::cache::{self, BoxFuture, Cached, Clock, Fetched, Policy, Source, SystemClock};
use crate::discovery::Discovery;
use crate::error::{Error, Result};
use crate::http;
use crate::jwk::JwkSet;
use crate::jws::KeyResolver;
use crate::jws::{compact, Header};
use crate::jwt::{self, Validation, Verified};
use crate::limits::Limits;

/// Default lower bound on how long a fetched set is used before revalidation.
pub const DEFAULT_MIN_TTL: Duration = Duration::from_secs(30);
/// Default upper bound on how long a fetched set is used before
/// revalidation, and the lifetime when the response has no `max-age`.
pub const DEFAULT_MAX_TTL: Duration = Duration::from_secs(600);
/// Default minimum time between two refetches caused by an unknown `kid`,
/// and between two attempts after a failed fetch.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);
/// Default time past freshness during which the last good set is still
/// served (at once, while a background refresh runs or the provider cannot
/// be reached).
pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(3600);
/// Default request timeout (connect, headers and body together).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default cap on the response body.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 512 * 1024;

const ACCEPT_JWKS: &str = "application/jwk-set+json, application/json;q=0.9";

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
    cache: Arc<Cached<LocalKeySet>>,
    /// The URL the set was last asked for (it follows the discovery
    /// document when the set was found by discovery).
    url: Arc<Mutex<Url>>,
    cooldown: Duration,
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
    allow_mixed: bool,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.url())
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RemoteJwks`]; every setting has a safe default.
#[derive(Debug, Clone)]
#[must_use]
pub struct RemoteJwksBuilder {
    url: String,
    discovery: Option<Discovery>,
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

    /// Bounds on the freshness lifetime taken from `Cache-Control: max-age`
    /// (default 30 s and 10 min). A response without `max-age` is fresh for
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

    /// How long past its freshness the last good set is still served
    /// (default 1 h): at once, while one background refresh runs, or while
    /// the provider cannot be reached. After that, key lookups wait for a
    /// fetch, and fail with [`Error::JwksStale`] if it fails.
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

    /// Accepts a published set that holds both HMAC secrets and public keys
    /// (with HMAC among the [algorithms](Self::algorithms)); refused by
    /// default, see [`LocalKeySet`].
    pub fn allow_mixed_key_types(mut self, allow: bool) -> Self {
        self.options.allow_mixed = allow;
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
        let o = self.options;
        let url = http::check_url(&self.url, o.allow_http)?;
        let client = http::client(&url, o.timeout, o.allow_http).map_err(Error::JwksFetch)?;
        let shared_url = Arc::new(Mutex::new(url.clone()));
        let policy = Policy {
            cooldown: o.cooldown,
            max_stale: o.max_stale,
            clock: o.clock.clone(),
        };
        let cooldown = o.cooldown;
        let source = JwksSource {
            target: Mutex::new((url, client)),
            shown: shared_url.clone(),
            discovery: self.discovery,
            options: o,
        };
        Ok(RemoteJwks {
            cache: Cached::new(Box::new(source), policy),
            url: shared_url,
            cooldown,
        })
    }
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
            discovery: None,
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
                allow_mixed: false,
                clock: Arc::new(SystemClock),
            },
        }
    }

    /// Starts configuring the set an issuer's discovery document names.
    /// Every fetch of the set first reads the (cached) document, so a
    /// changed `jwks_uri` is followed; the current `jwks_uri` is the
    /// starting URL.
    pub async fn builder_from_discovery(discovery: Discovery) -> Result<RemoteJwksBuilder> {
        let meta = discovery.metadata().await?;
        let mut b = Self::builder(&meta.jwks_uri);
        b.options.allow_http = discovery.allows_insecure_http();
        b.discovery = Some(discovery);
        Ok(b)
    }

    /// The set's URL (the last one fetched or about to be).
    pub fn url(&self) -> String {
        self.url
            .lock()
            .map(|u| u.to_string())
            .unwrap_or_else(|e| e.into_inner().to_string())
    }

    /// Why the last fetch failed, if it did (the set may still be served
    /// from the cache).
    pub fn last_error(&self) -> Option<Error> {
        self.cache.last_error()
    }

    /// Whether a background refresh (started when a caller found the set
    /// stale) is scheduled or running.
    pub fn refreshing(&self) -> bool {
        self.cache.refreshing()
    }

    /// The current key set: at once while fresh or within the staleness
    /// bound (past freshness, one background refresh is started); fetched
    /// when the cache is cold (one request however many callers wait).
    pub async fn key_set(&self) -> Result<Arc<LocalKeySet>> {
        self.cache.get().await
    }

    /// The key set for a token with this header: [`RemoteJwks::key_set`],
    /// then, if no key matches the header's `kid` and algorithm, one
    /// refetch (waited for) unless the last request was less than the
    /// cooldown ago. The header only selects; it is verified with the
    /// returned set.
    pub async fn key_set_for(&self, header: &Header) -> Result<Arc<LocalKeySet>> {
        let set = self.key_set().await?;
        if !matches!(set.resolve(header), Err(Error::NoMatchingKey { .. })) {
            return Ok(set);
        }
        self.cache.refetch(self.cooldown).await
    }

    /// Fetches (or revalidates) now, whatever the cache says, and returns
    /// the new set or why the request failed. Concurrent calls still share
    /// one request. For start-up checks and tools that need a definite
    /// answer.
    pub async fn fetch_now(&self) -> Result<Arc<LocalKeySet>> {
        self.cache.fetch_now().await
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
}

/// Fetches the set: from its URL, or from the URL the discovery document
/// names at the time of the fetch.
struct JwksSource {
    /// The URL and a client set up for its host.
    target: Mutex<(Url, Client)>,
    shown: Arc<Mutex<Url>>,
    discovery: Option<Discovery>,
    options: Options,
}

impl JwksSource {
    /// The URL and client for this fetch, and whether the URL changed since
    /// the last one (then a cached entity tag belongs to another resource).
    async fn target(&self) -> Result<(Url, Client, bool)> {
        let current = self.lock_target().clone();
        let Some(discovery) = &self.discovery else {
            return Ok((current.0, current.1, false));
        };
        let meta = discovery.metadata().await?;
        if meta.jwks_uri == current.0.as_str() {
            return Ok((current.0, current.1, false));
        }
        let o = &self.options;
        let url = http::check_url(&meta.jwks_uri, o.allow_http)?;
        let client = http::client(&url, o.timeout, o.allow_http).map_err(Error::JwksFetch)?;
        *self.lock_target() = (url.clone(), client.clone());
        if let Ok(mut shown) = self.shown.lock() {
            *shown = url.clone();
        }
        tracing::info!(
            target: "jot::remote",
            url = cache::loggable(&url),
            "jwks_uri changed in the discovery document"
        );
        Ok((url, client, true))
    }

    fn lock_target(&self) -> std::sync::MutexGuard<'_, (Url, Client)> {
        self.target.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn fetch_set(&self, etag: Option<&str>) -> Result<Fetched<LocalKeySet>> {
        let o = &self.options;
        let (url, client, moved) = self.target().await?;
        let etag = if moved { None } else { etag };
        let got = http::get(&client, &url, ACCEPT_JWKS, etag, o.max_size)
            .await
            .map_err(Error::JwksFetch)?;
        let ttl = cache::freshness(got.cache_control.as_deref(), o.min_ttl, o.max_ttl);
        match got.status {
            StatusCode::NOT_MODIFIED if etag.is_some() => Ok(Fetched::NotModified {
                etag: got.etag,
                ttl,
            }),
            s if s.is_success() => {
                // Prepared once here, then shared by every token until the
                // next fetch.
                let set = JwkSet::from_json(&got.body, &Limits::default())
                    .and_then(|set| {
                        if o.allow_mixed {
                            LocalKeySet::from_jwks_mixed(&set, &o.algorithms)
                        } else {
                            LocalKeySet::from_jwks(&set, &o.algorithms)
                        }
                    })
                    .map_err(|e| match e {
                        // The key-set rules keep their own codes: the
                        // provider's set, not the transport, is at fault.
                        Error::MixedKeySet | Error::DuplicateKid(_) => e,
                        e => Error::JwksFetch(format!("invalid JWK Set: {e}")),
                    })?;
                Ok(Fetched::New {
                    value: Arc::new(set),
                    etag: got.etag,
                    ttl,
                })
            }
            s => Err(Error::JwksFetch(format!("HTTP status {}", s.as_u16()))),
        }
    }
}

impl Source<LocalKeySet> for JwksSource {
    fn fetch<'a>(&'a self, etag: Option<&'a str>) -> BoxFuture<'a, Result<Fetched<LocalKeySet>>> {
        Box::pin(self.fetch_set(etag))
    }

    fn describe(&self) -> (&'static str, String) {
        ("jwks", cache::loggable(&self.lock_target().0))
    }

    fn stale_error(&self, stale_secs: u64, reason: String) -> Error {
        Error::JwksStale { stale_secs, reason }
    }

    fn cold_error(&self) -> Error {
        Error::JwksFetch("no JWK Set fetched yet".into())
    }
}
