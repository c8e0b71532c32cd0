//! `GET /metrics`: the service's counters and latency histograms in the
//! Prometheus / OpenMetrics text format.
//!
//! - `jot_tokens_issued_total{grant}`: access tokens issued, by grant;
//! - `jot_token_verifications_total{endpoint, outcome}`: tokens checked by
//!   forward auth (`auth`) and introspection (`introspect`), by outcome
//!   (`ok`, or the reason: `expired`, `revoked`, `signature`, `audience`,
//!   `scope`, …);
//! - `jot_rate_limited_total{by}`: token requests refused 429, by limit;
//! - `jot_http_request_duration_seconds{route, method, status}`: latency of
//!   every routed request, by route template (never the raw path, which
//!   may carry anything a client sends).
//!
//! Each running service owns its registry (no process-wide recorder), so
//! several services in one process, as the tests run them, count apart.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::app::Route;
use crate::state::AppState;

/// The endpoint's path.
pub const PATH: &str = "/metrics";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabel {
    grant: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerifyLabels {
    endpoint: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabel {
    by: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
    status: u16,
}

/// The service's metrics. Share it as `Arc<Metrics>`.
pub struct Metrics {
    registry: Registry,
    issued: Family<GrantLabel, Counter>,
    verified: Family<VerifyLabels, Counter>,
    limited: Family<LimitLabel, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// 100 µs to ~3.3 s in doublings: a token request takes about a
/// millisecond, a cached forward-auth check a few microseconds, a store
/// round trip under load tens of milliseconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 16))
}

impl Metrics {
    /// Every metric at zero.
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::default();
        let issued = Family::<GrantLabel, Counter>::default();
        registry.register(
            "jot_tokens_issued",
            "Access tokens issued, by grant",
            issued.clone(),
        );
        let verified = Family::<VerifyLabels, Counter>::default();
        registry.register(
            "jot_token_verifications",
            "Tokens checked by forward auth and introspection, by outcome",
            verified.clone(),
        );
        let limited = Family::<LimitLabel, Counter>::default();
        registry.register(
            "jot_rate_limited",
            "Token requests refused by a rate limit (per client or per source address)",
            limited.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "jot_http_request_duration_seconds",
            "Time to answer a request, by route template, method and status",
            latency.clone(),
        );
        Arc::new(Metrics {
            registry,
            issued,
            verified,
            limited,
            latency,
        })
    }

    /// Counts an access token issued by `grant`.
    pub fn issued(&self, grant: &'static str) {
        self.issued.get_or_create(&GrantLabel { grant }).inc();
    }

    /// Counts a token checked at `endpoint` with `outcome`.
    pub fn verified(&self, endpoint: &'static str, outcome: &'static str) {
        self.verified
            .get_or_create(&VerifyLabels { endpoint, outcome })
            .inc();
    }

    /// Counts a request refused by the `by` rate limit.
    pub fn limited(&self, by: &'static str) {
        self.limited.get_or_create(&LimitLabel { by }).inc();
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The metrics route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, get(scrape))]
}

async fn scrape(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        state.metrics.render(),
    )
}

/// Middleware timing every routed request (install with `route_layer`, so
/// the matched route template is known).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    // Any method reaches `/auth`: only the standard ones are labels.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}
