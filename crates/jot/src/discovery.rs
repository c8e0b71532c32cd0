//! Finding an issuer's JWK Set: OpenID Connect Discovery 1.0 and OAuth 2.0
//! Authorization Server Metadata (RFC 8414). Feature `remote`.
//!
//! The document's `issuer` must equal the configured issuer exactly
//! (OIDC Discovery §4.3, RFC 8414 §3.3): otherwise one provider could
//! publish metadata, and so keys, in another's name (the mix-up attack).
//!
//! [`discover_with`] reads the document once. [`Discovery`] keeps it, by
//! the rules a remote JWK Set is kept by (`cache.rs`): fresh for its
//! `Cache-Control: max-age` within bounds, then served at once while one
//! background refresh runs, up to a staleness bound.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::cache::{self, BoxFuture, Cached, Clock, Fetched, Policy, Source, SystemClock};
use crate::error::{DiscoveryError, Error, Part, Result};
use crate::http;
use crate::jwks::RemoteJwks;

/// Which well-known document to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WellKnown {
    /// `/.well-known/openid-configuration`, appended to the issuer
    /// (OIDC Discovery §4).
    OpenIdConfiguration,
    /// `/.well-known/oauth-authorization-server`, inserted between the host
    /// and the issuer's path (RFC 8414 §3.1).
    OAuthAuthorizationServer,
}

impl WellKnown {
    /// The document's URL for `issuer`.
    pub fn url_for(self, issuer: &str) -> Result<String> {
        let url = reqwest::Url::parse(issuer).map_err(|e| {
            Error::Discovery(DiscoveryError::InvalidIssuer(format!("not a URL: {e}")))
        })?;
        // RFC 8414 §2: an issuer has no query or fragment.
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Discovery(DiscoveryError::InvalidIssuer(
                "an issuer URL has no query or fragment".into(),
            )));
        }
        let path = url.path().trim_end_matches('/');
        Ok(match self {
            WellKnown::OpenIdConfiguration => format!(
                "{}{path}/.well-known/openid-configuration",
                url.origin().ascii_serialization()
            ),
            WellKnown::OAuthAuthorizationServer => format!(
                "{}/.well-known/oauth-authorization-server{path}",
                url.origin().ascii_serialization()
            ),
        })
    }
}

/// The parts of a discovery document Jot uses, and the whole document.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Metadata {
    /// `issuer`, equal to the configured issuer.
    pub issuer: String,
    /// `jwks_uri`, already checked against the transport policy.
    pub jwks_uri: String,
    /// Where the document was found.
    pub document_url: String,
    /// Every member of the document.
    pub document: Map<String, Value>,
}

/// Settings for [`discover_with`] and [`Discovery`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiscoveryOptions {
    /// Which document to read. `None` (the default) tries
    /// `openid-configuration`, then `oauth-authorization-server` if the
    /// first answers 404.
    pub well_known: Option<WellKnown>,
    /// Timeout of one request (default 5 s).
    pub timeout: Duration,
    /// Largest accepted document (default 512 KiB).
    pub max_response_size: usize,
    /// Allows plain `http` to non-loopback hosts (issuer, document and
    /// `jwks_uri`).
    pub allow_insecure_http: bool,
    /// [`Discovery`]: bounds on the freshness taken from `Cache-Control:
    /// max-age` (default 30 s and 10 min, as for key sets).
    pub ttl_bounds: (Duration, Duration),
    /// [`Discovery`]: minimum time between attempts after a failure
    /// (default 30 s).
    pub cooldown: Duration,
    /// [`Discovery`]: how long past its freshness the last good document is
    /// still served (default 1 h).
    pub max_stale: Duration,
    /// [`Discovery`]: the clock of freshness and cooldown.
    pub clock: Arc<dyn Clock>,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            well_known: None,
            timeout: crate::jwks::DEFAULT_TIMEOUT,
            max_response_size: crate::jwks::DEFAULT_MAX_RESPONSE_SIZE,
            allow_insecure_http: false,
            ttl_bounds: (crate::jwks::DEFAULT_MIN_TTL, crate::jwks::DEFAULT_MAX_TTL),
            cooldown: crate::jwks::DEFAULT_COOLDOWN,
            max_stale: crate::jwks::DEFAULT_MAX_STALE,
            clock: Arc::new(SystemClock),
        }
    }
}

impl DiscoveryOptions {
    /// Reads only this document.
    pub fn well_known(mut self, which: WellKnown) -> Self {
        self.well_known = Some(which);
        self
    }

    /// Sets the request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows plain `http` to non-loopback hosts.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Bounds on the freshness taken from `Cache-Control: max-age`.
    pub fn ttl_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.ttl_bounds = (min, max.max(min));
        self
    }

    /// Minimum time between attempts after a failure.
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// How long past its freshness the last good document is served.
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.max_stale = max_stale;
        self
    }

    /// The clock of freshness and cooldown.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// An issuer's discovery document, fetched on first use and kept (see the
/// [module docs](self)). Cheap to clone: clones share the cache.
///
/// ```no_run
/// # async fn run() -> jot::Result<()> {
/// use jot::discovery::{Discovery, DiscoveryOptions};
///
/// let discovery = Discovery::new("https://id.example", DiscoveryOptions::default())?;
/// let jwks_uri = discovery.metadata().await?.jwks_uri.clone();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Discovery {
    issuer: String,
    allow_insecure_http: bool,
    cache: Arc<Cached<Metadata>>,
}

impl Discovery {
    /// Checks the issuer URL against the transport policy. Performs no
    /// request: the first [`Discovery::metadata`] fetches.
    pub fn new(issuer: &str, options: DiscoveryOptions) -> Result<Self> {
        http::check_url(issuer, options.allow_insecure_http)?;
        WellKnown::OpenIdConfiguration.url_for(issuer)?;
        let policy = Policy {
            cooldown: options.cooldown,
            max_stale: options.max_stale,
            clock: options.clock.clone(),
        };
        let allow_insecure_http = options.allow_insecure_http;
        let source = DiscoverySource {
            issuer: issuer.to_owned(),
            options,
        };
        Ok(Discovery {
            issuer: issuer.to_owned(),
            allow_insecure_http,
            cache: Cached::new(Box::new(source), policy),
        })
    }

    /// The issuer identifier.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The document: at once while fresh or within the staleness bound
    /// (past freshness, one background refresh is started); fetched when
    /// nothing usable is cached.
    pub async fn metadata(&self) -> Result<Arc<Metadata>> {
        self.cache.get().await
    }

    /// Fetches now, whatever the cache says, and returns the document or
    /// why the request failed.
    pub async fn fetch_now(&self) -> Result<Arc<Metadata>> {
        self.cache.fetch_now().await
    }

    /// Why the last fetch failed, if it did.
    pub fn last_error(&self) -> Option<Error> {
        self.cache.last_error()
    }

    /// Whether a background refresh is scheduled or running.
    pub fn refreshing(&self) -> bool {
        self.cache.refreshing()
    }

    pub(crate) fn allows_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }
}

struct DiscoverySource {
    issuer: String,
    options: DiscoveryOptions,
}

impl Source<Metadata> for DiscoverySource {
    fn fetch<'a>(&'a self, _etag: Option<&'a str>) -> BoxFuture<'a, Result<Fetched<Metadata>>> {
        Box::pin(async move {
            let (meta, cache_control) = read(&self.issuer, &self.options).await?;
            let (min, max) = self.options.ttl_bounds;
            Ok(Fetched::New {
                value: Arc::new(meta),
                etag: None,
                ttl: cache::freshness(cache_control.as_deref(), min, max),
            })
        })
    }

    fn describe(&self) -> (&'static str, String) {
        let url = reqwest::Url::parse(&self.issuer)
            .map(|u| cache::loggable(&u))
            .unwrap_or_default();
        ("discovery", url)
    }

    fn stale_error(&self, stale_secs: u64, reason: String) -> Error {
        Error::Discovery(DiscoveryError::Fetch(format!(
            "the cached document is {stale_secs} s past its staleness bound; last error: {reason}"
        )))
    }

    fn cold_error(&self) -> Error {
        Error::Discovery(DiscoveryError::Fetch(
            "no discovery document fetched yet".into(),
        ))
    }
}

/// Discovers `issuer`'s metadata with the default settings.
pub async fn discover(issuer: &str) -> Result<Metadata> {
    discover_with(issuer, &DiscoveryOptions::default()).await
}

/// Discovers `issuer`'s metadata (one request, or two when the first
/// document is not found; nothing is cached).
pub async fn discover_with(issuer: &str, options: &DiscoveryOptions) -> Result<Metadata> {
    read(issuer, options).await.map(|(meta, _)| meta)
}

/// The document and its `Cache-Control`.
async fn read(issuer: &str, options: &DiscoveryOptions) -> Result<(Metadata, Option<String>)> {
    http::check_url(issuer, options.allow_insecure_http)?;
    match options.well_known {
        Some(which) => fetch(issuer, which, options).await?.ok_or_else(not_found),
        None => match fetch(issuer, WellKnown::OpenIdConfiguration, options).await? {
            Some(m) => Ok(m),
            None => fetch(issuer, WellKnown::OAuthAuthorizationServer, options)
                .await?
                .ok_or_else(not_found),
        },
    }
}

fn not_found() -> Error {
    Error::Discovery(DiscoveryError::NotFound)
}

impl RemoteJwks {
    /// Discovers `issuer` and returns its key set (default settings, not yet
    /// fetched). The discovery document is kept like the set: a changed
    /// `jwks_uri` is followed on a later fetch.
    pub async fn discover(issuer: &str) -> Result<RemoteJwks> {
        let discovery = Discovery::new(issuer, DiscoveryOptions::default())?;
        RemoteJwks::builder_from_discovery(discovery).await?.build()
    }
}

/// `Ok(None)` on 404, so the caller can try the other document.
async fn fetch(
    issuer: &str,
    which: WellKnown,
    options: &DiscoveryOptions,
) -> Result<Option<(Metadata, Option<String>)>> {
    let document_url = which.url_for(issuer)?;
    let url = http::check_url(&document_url, options.allow_insecure_http)?;
    let client = http::client(&url, options.timeout, options.allow_insecure_http)
        .map_err(|e| Error::Discovery(DiscoveryError::Fetch(e)))?;
    let got = http::get(
        &client,
        &url,
        "application/json",
        None,
        options.max_response_size,
    )
    .await
    .map_err(|e| Error::Discovery(DiscoveryError::Fetch(e)))?;
    if got.status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !got.status.is_success() {
        return Err(Error::Discovery(DiscoveryError::Fetch(format!(
            "HTTP status {}",
            got.status.as_u16()
        ))));
    }
    let document = crate::encoding::json::parse_object(
        &got.body,
        crate::encoding::json::DEFAULT_MAX_DEPTH,
        Part::Payload,
    )
    .map_err(|e| Error::Discovery(DiscoveryError::InvalidDocument(e.to_string())))?;
    let string = |name: &str| match document.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Error::Discovery(DiscoveryError::InvalidDocument(format!(
            "{name:?} is not a string"
        )))),
        None => Err(Error::Discovery(DiscoveryError::InvalidDocument(format!(
            "{name:?} is missing"
        )))),
    };
    let found = string("issuer")?;
    if found != issuer {
        // The found value comes from the network: not echoed.
        return Err(Error::Discovery(DiscoveryError::IssuerMismatch));
    }
    let jwks_uri = string("jwks_uri")?;
    http::check_url(&jwks_uri, options.allow_insecure_http)?;
    Ok(Some((
        Metadata {
            issuer: found,
            jwks_uri,
            document_url,
            document,
        },
        got.cache_control,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls() {
        let oidc = WellKnown::OpenIdConfiguration;
        let oauth = WellKnown::OAuthAuthorizationServer;
        assert_eq!(
            oidc.url_for("https://id.example").unwrap(),
            "https://id.example/.well-known/openid-configuration"
        );
        assert_eq!(
            oidc.url_for("https://id.example/tenant/").unwrap(),
            "https://id.example/tenant/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth.url_for("https://id.example/").unwrap(),
            "https://id.example/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            oauth.url_for("https://id.example:8443/issuer1").unwrap(),
            "https://id.example:8443/.well-known/oauth-authorization-server/issuer1"
        );
        assert!(oauth.url_for("https://id.example/?a=b").is_err());
    }
}
