//! `/auth`: forward authentication for API gateways (nginx `auth_request`,
//! Traefik ForwardAuth, Envoy `ext_authz` over HTTP). The gateway forwards
//! the client's `Authorization: Bearer` header; the answer is
//!
//! - `200` with `X-Auth-Subject`, `X-Auth-Client` and `X-Auth-Scope` for the
//!   upstream, when the token is an access token of this service, live (not
//!   expired, not revoked), for the route's audience, with its scopes;
//! - `401` with an RFC 6750 `WWW-Authenticate: Bearer` challenge when there
//!   is no token or it is not good for the route (`invalid_token`);
//! - `403` `insufficient_scope` when it lacks a required scope.
//!
//! What a route requires comes from the gateway's configuration:
//! `aud` and `scope` query parameters on `/auth` itself (nginx, Traefik),
//! and/or `X-Auth-Require-Audience` / `X-Auth-Require-Scope` headers
//! (nginx, Envoy). Every requirement from every source must hold, so a
//! client that adds a parameter or header of its own can only make its
//! request fail, never pass. Envoy appends the client's path and query to
//! the configured prefix (`/auth/…?…`), so query parameters are read only on
//! exactly `/auth`: below it the query is the client's. A route must name
//! an audience; one that does not is a gateway misconfiguration, answered
//! `400 invalid_request` (the gateway then fails closed).
//!
//! Every method is accepted: nginx and Envoy forward the client's.
//!
//! A DPoP-bound token (`cnf.jkt`, RFC 9449) passes only as
//! `Authorization: DPoP <token>` with one `DPoP` proof of its key for the
//! client's original request: the method is `X-Forwarded-Method` (Traefik)
//! or else this request's own (nginx, Envoy); the URL is `X-Original-URL`,
//! or `X-Forwarded-Proto` + `X-Forwarded-Host` (else `Host`) +
//! `X-Forwarded-Uri` / `X-Original-URI`, or for Envoy the path below
//! `/auth`. The gateway must set these itself (overwriting the client's):
//! the proof is checked against what they say. As a bearer token it is
//! refused (401): the binding is what makes a stolen token useless.
//!
//! A certificate-bound token (`cnf.x5t#S256`, RFC 8705 §3) passes only with
//! that certificate: the one the gateway forwards in the
//! `--mtls-cert-header` header when that is set (and no other: the
//! connection is then the gateway's), else the client certificate of the
//! connection to `jot serve`. Missing or another: 401 `invalid_token`.

mod cache;

pub use cache::TokenCache;

use axum::extract::{Request, State};
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::app::Route;
use crate::state::AppState;
use crate::store::Digest;
use crate::verify::{self, AccessClaims, Rejected};

/// The endpoint's path (and the prefix of Envoy's requests).
pub const PATH: &str = "/auth";

/// A route's required audience, as a request header.
pub const REQUIRE_AUDIENCE: HeaderName = HeaderName::from_static("x-auth-require-audience");
/// A route's required scopes (space-separated), as a request header.
pub const REQUIRE_SCOPE: HeaderName = HeaderName::from_static("x-auth-require-scope");
/// The token's `sub`, for the upstream.
pub const SUBJECT: HeaderName = HeaderName::from_static("x-auth-subject");
/// The token's `client_id`, for the upstream.
pub const CLIENT: HeaderName = HeaderName::from_static("x-auth-client");
/// The token's `scope`, for the upstream.
pub const SCOPE: HeaderName = HeaderName::from_static("x-auth-scope");

/// The forward-auth routes.
pub fn routes() -> Vec<Route> {
    vec![(PATH, any(check)), ("/auth/{*rest}", any(check))]
}

async fn check(State(state): State<AppState>, request: Request) -> Response {
    let exact = request.uri().path() == PATH;
    let query = if exact { request.uri().query() } else { None };
    // Taken apart before any await: a `Request` (its body) is not `Sync`,
    // so no reference to it may live across one.
    let original = original_request(&request);
    let headers = request.headers();
    let outcome = match Requirements::read(query, headers) {
        Ok(rules) => {
            authorize(
                &state,
                headers,
                request.extensions(),
                original.as_ref(),
                &rules,
            )
            .await
        }
        Err(denied) => Err(denied),
    };
    state.metrics.verified(
        "auth",
        outcome.as_ref().map_or_else(Denied::reason, |_| "ok"),
    );
    match outcome {
        Ok(claims) => allow(&claims),
        Err(denied) => {
            tracing::debug!(reason = denied.reason(), "forward auth denied");
            denied.into_response()
        }
    }
}

/// What a route requires of a token.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Requirements {
    /// Audiences the token's `aud` must each name.
    pub audiences: Vec<String>,
    /// Scopes the token must each have.
    pub scopes: Vec<String>,
}

impl Requirements {
    /// Reads them from the query (`aud`, `scope`; `None` where it is not
    /// the gateway's) and the `X-Auth-Require-*` headers.
    pub fn read(query: Option<&str>, headers: &HeaderMap) -> Result<Requirements, Denied> {
        let mut r = Requirements::default();
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "aud" => r.audiences.push(value.into_owned()),
                "scope" => r.add_scopes(&value)?,
                _ => {}
            }
        }
        for value in headers.get_all(REQUIRE_AUDIENCE) {
            let value = value
                .to_str()
                .map_err(|_| misconfigured("X-Auth-Require-Audience"))?;
            r.audiences.push(value.trim().to_string());
        }
        for value in headers.get_all(REQUIRE_SCOPE) {
            let value = value
                .to_str()
                .map_err(|_| misconfigured("X-Auth-Require-Scope"))?;
            r.add_scopes(value)?;
        }
        r.audiences.retain(|a| !a.is_empty());
        if r.audiences.is_empty() {
            return Err(misconfigured("aud"));
        }
        Ok(r)
    }

    fn add_scopes(&mut self, value: &str) -> Result<(), Denied> {
        for s in value.split_whitespace() {
            // RFC 6749 §3.3 scope-token: it goes into a quoted challenge.
            if !s
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) && b != 0x5c)
            {
                return Err(misconfigured("scope"));
            }
            if !self.scopes.iter().any(|have| have == s) {
                self.scopes.push(s.to_string());
            }
        }
        Ok(())
    }
}

/// The token of the request if it passes `rules`.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    original: Option<&(String, String)>,
    rules: &Requirements,
) -> Result<AccessClaims, Denied> {
    let (scheme, token) = credentials(headers)?;
    let claims = verified(state, token).map_err(Denied::Invalid)?;
    match (scheme, claims.dpop_jkt()) {
        (Scheme::Bearer, None) => {}
        // RFC 9449 §7.2: a bound token is not a bearer token.
        (Scheme::Bearer, Some(_)) => return Err(Denied::BoundAsBearer),
        (Scheme::Dpop, None) => return Err(Denied::Proof("not_dpop_bound")),
        (Scheme::Dpop, Some(jkt)) => check_proof(state, headers, original, token, jkt).await?,
    }
    if let Some(bound) = claims.cert_thumbprint() {
        match crate::mtls::presented_thumbprint(state, headers, extensions) {
            Some(presented) if presented == bound => {}
            Some(_) => return Err(Denied::Certificate("certificate_mismatch")),
            None => return Err(Denied::Certificate("certificate_missing")),
        }
    }
    if !rules.audiences.iter().all(|a| claims.has_audience(a)) {
        return Err(Denied::Audience);
    }
    if !claims.has_scopes(rules.scopes.iter().map(String::as_str)) {
        return Err(Denied::Scope(rules.scopes.join(" ")));
    }
    Ok(claims)
}

/// Checks the request's one `DPoP` proof for the client's original request,
/// with `ath` of `token` and the key `jkt` (RFC 9449 §7.1).
async fn check_proof(
    state: &AppState,
    headers: &HeaderMap,
    original: Option<&(String, String)>,
    token: &str,
    jkt: &str,
) -> Result<(), Denied> {
    let proof = match crate::dpop::proof_header(headers) {
        Ok(Some(proof)) => proof,
        _ => return Err(Denied::Proof("dpop_proof_missing")),
    };
    let (method, url) = original.ok_or(Denied::Proof("dpop_original_request"))?;
    state
        .dpop
        .resource_request(proof, method, url, token, jkt, state.clock.now())
        .await
        .map(|_| ())
        .map_err(|e| match e {
            crate::dpop::ProofError::Invalid(e) => {
                tracing::debug!(code = e.code(), "forward auth: DPoP proof refused");
                match state.dpop.retry_nonce(&e, state.clock.now()) {
                    Some(nonce) => Denied::UseNonce(nonce),
                    None => Denied::Proof("invalid_dpop_proof"),
                }
            }
            // The replay store is out of reach: not knowing whether the
            // proof was seen, refuse it, as "try again" rather than "invalid".
            crate::dpop::ProofError::Store(e) => {
                if e.is_unavailable() {
                    tracing::warn!(code = e.code(), error = %e, "forward auth: the store is unavailable");
                } else {
                    tracing::error!(code = e.code(), error = %e, "forward auth: the DPoP replay check failed");
                }
                Denied::Unavailable
            }
        })
}

/// The one value of header `name`, if it has exactly one that is text.
fn one<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(v), None) => v.to_str().ok().map(str::trim).filter(|v| !v.is_empty()),
        _ => None,
    }
}

/// The method and URL of the client's request, as the gateway reports them
/// (see the module doc); `None` when it reports no URL.
fn original_request(request: &Request) -> Option<(String, String)> {
    let h = request.headers();
    let method = one(h, "x-forwarded-method")
        .map_or_else(|| request.method().as_str().to_string(), str::to_string);
    if let Some(url) = one(h, "x-original-url") {
        return Some((method, url.to_string()));
    }
    let proto = one(h, "x-forwarded-proto")?;
    let host = one(h, "x-forwarded-host").or_else(|| one(h, "host"))?;
    let path = match one(h, "x-forwarded-uri").or_else(|| one(h, "x-original-uri")) {
        Some(path) => path.to_string(),
        // Envoy: /auth followed by the client's path.
        None => {
            let below = request.uri().path().strip_prefix(PATH)?;
            if !below.starts_with('/') {
                return None;
            }
            below.to_string()
        }
    };
    Some((method, format!("{proto}://{host}{path}")))
}

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `Authorization: Bearer` (RFC 6750 §2.1).
    Bearer,
    /// `Authorization: DPoP` (RFC 9449 §7.1).
    Dpop,
}

/// The token's claims if it is a live access token of this service, from
/// the cache when it was verified before.
fn verified(state: &AppState, token: &str) -> Result<AccessClaims, Rejected> {
    let now = state.clock.now();
    let digest = Digest::of(token.as_bytes());
    let epoch = state.keys.get().active.epoch;
    if let Some(entry) = state.token_cache.get(&digest, epoch) {
        return match entry.claims.is_live(state, now) {
            Ok(()) => Ok(entry.claims.clone()),
            Err(e) => {
                state.token_cache.remove(&digest);
                Err(e)
            }
        };
    }
    let claims = verify::access_token(state, token, now)?;
    state.token_cache.insert(
        digest,
        cache::Entry {
            claims: claims.clone(),
            epoch,
        },
    );
    Ok(claims)
}

/// The token of `Authorization` and its scheme: `Bearer` (RFC 6750 §2.1)
/// or `DPoP` (RFC 9449 §7.1).
fn credentials(headers: &HeaderMap) -> Result<(Scheme, &str), Denied> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Denied::NoToken);
    };
    let value = value
        .to_str()
        .map_err(|_| Denied::Invalid(Rejected::Malformed))?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return Err(Denied::NoToken);
    };
    let token = token.trim();
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return Err(Denied::NoToken);
    };
    if token.is_empty() {
        return Err(Denied::NoToken);
    }
    Ok((scheme, token))
}

/// 200 with the token's subject, client and scope for the upstream.
fn allow(claims: &AccessClaims) -> Response {
    let values = (
        HeaderValue::from_str(&claims.sub),
        HeaderValue::from_str(&claims.client_id),
        HeaderValue::from_str(&claims.scope),
    );
    // A value that cannot be a header (a control character in a `sub` some
    // login system asserted) must not pass unannounced to the upstream.
    let (Ok(sub), Ok(client), Ok(scope)) = values else {
        return Denied::Invalid(Rejected::Claims).into_response();
    };
    let mut response = StatusCode::OK.into_response();
    let h = response.headers_mut();
    h.insert(SUBJECT, sub);
    h.insert(CLIENT, client);
    h.insert(SCOPE, scope);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Why forward auth said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// No bearer token (401, a bare challenge, RFC 6750 §3.1).
    NoToken,
    /// Not a live access token of this service (401 `invalid_token`).
    Invalid(Rejected),
    /// Not for the route's audience (401 `invalid_token`).
    Audience,
    /// A DPoP-bound token presented as a bearer token (401 `invalid_token`
    /// with a `DPoP` challenge).
    BoundAsBearer,
    /// Presented as `DPoP` without a valid proof of its key for this
    /// request, or not bound at all (401 `invalid_dpop_proof`).
    Proof(&'static str),
    /// The proof lacks the current server nonce (`--dpop-nonce`): 401
    /// `use_dpop_nonce` with the nonce to retry with in `DPoP-Nonce` (RFC
    /// 9449 §9).
    UseNonce(String),
    /// A certificate-bound token without its certificate (401
    /// `invalid_token`).
    Certificate(&'static str),
    /// Lacks some of these scopes (403 `insufficient_scope`).
    Scope(String),
    /// The route's requirements are missing or malformed (400).
    Misconfigured(&'static str),
    /// The check needs the store (the shared DPoP replay store) and it
    /// failed: 503 with `Retry-After`, so the gateway fails closed.
    Unavailable,
}

fn misconfigured(what: &'static str) -> Denied {
    Denied::Misconfigured(what)
}

impl Denied {
    /// The stable name of the reason (metrics label, log field).
    pub fn reason(&self) -> &'static str {
        match self {
            Denied::NoToken => "no_token",
            Denied::Invalid(r) => r.as_str(),
            Denied::Audience => "audience",
            Denied::BoundAsBearer => "dpop_bound_token",
            Denied::Proof(reason) | Denied::Certificate(reason) => reason,
            Denied::UseNonce(_) => "use_dpop_nonce",
            Denied::Scope(_) => "scope",
            Denied::Misconfigured(_) => "misconfigured",
            Denied::Unavailable => "unavailable",
        }
    }
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        const REALM: &str = "Bearer realm=\"jot\"";
        let (status, challenge) = match &self {
            Denied::NoToken => (StatusCode::UNAUTHORIZED, REALM.to_string()),
            Denied::Invalid(_) | Denied::Audience | Denied::Certificate(_) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "{REALM}, error=\"invalid_token\", error_description=\"{}\"",
                    self.reason()
                ),
            ),
            Denied::BoundAsBearer => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP realm=\"jot\", error=\"invalid_token\", error_description=\"{}\"",
                    self.reason()
                ),
            ),
            Denied::Proof(_) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP realm=\"jot\", error=\"invalid_dpop_proof\", error_description=\"{}\"",
                    self.reason()
                ),
            ),
            Denied::Scope(scopes) => (
                StatusCode::FORBIDDEN,
                format!("{REALM}, error=\"insufficient_scope\", scope=\"{scopes}\""),
            ),
            Denied::Misconfigured(what) => {
                tracing::warn!(
                    missing = what,
                    "forward auth: the gateway's route sends no valid {what} requirement"
                );
                (
                    StatusCode::BAD_REQUEST,
                    format!(
                        "{REALM}, error=\"invalid_request\", error_description=\"the route's {what} requirement is missing or invalid\""
                    ),
                )
            }
            Denied::UseNonce(nonce) => {
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                let h = response.headers_mut();
                h.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "DPoP realm=\"jot\", error=\"use_dpop_nonce\", error_description=\"the DPoP proof must carry the nonce of the DPoP-Nonce header\"",
                    ),
                );
                // A nonce is base64url: always a valid header value.
                if let Ok(v) = HeaderValue::from_str(nonce) {
                    h.insert(crate::dpop::NONCE_HEADER, v);
                }
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return response;
            }
            Denied::Unavailable => {
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                let h = response.headers_mut();
                h.insert(header::RETRY_AFTER, HeaderValue::from(1));
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return response;
            }
        };
        let mut response = status.into_response();
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append((*n).clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn requirements_from_query_and_headers_add_up() {
        let r = Requirements::read(
            Some("aud=api%3A%2F%2Fa&scope=read+write&x=1"),
            &headers(&[
                (&REQUIRE_AUDIENCE, "api://b"),
                (&REQUIRE_SCOPE, "write admin"),
            ]),
        )
        .unwrap();
        assert_eq!(r.audiences, ["api://a", "api://b"]);
        assert_eq!(r.scopes, ["read", "write", "admin"]);
    }

    #[test]
    fn a_route_without_audience_or_with_a_bad_scope_is_misconfigured() {
        for (query, h) in [
            (None, headers(&[])),
            (Some("scope=read"), headers(&[])),
            (Some("aud="), headers(&[])),
            (Some("aud=a&scope=%22x%22"), headers(&[])),
            (
                None,
                headers(&[(&REQUIRE_AUDIENCE, "a"), (&REQUIRE_SCOPE, "a\\b")]),
            ),
        ] {
            assert!(
                matches!(Requirements::read(query, &h), Err(Denied::Misconfigured(_))),
                "{query:?}"
            );
        }
    }

    #[test]
    fn credentials_need_one_authorization_header_with_bearer_or_dpop() {
        let ok = headers(&[(&header::AUTHORIZATION, "bearer abc")]);
        assert_eq!(credentials(&ok).unwrap(), (Scheme::Bearer, "abc"));
        let ok = headers(&[(&header::AUTHORIZATION, "DPoP abc")]);
        assert_eq!(credentials(&ok).unwrap(), (Scheme::Dpop, "abc"));
        for bad in [
            headers(&[]),
            headers(&[(&header::AUTHORIZATION, "Basic abc")]),
            headers(&[(&header::AUTHORIZATION, "Bearer ")]),
            headers(&[(&header::AUTHORIZATION, "DPoP ")]),
            headers(&[
                (&header::AUTHORIZATION, "Bearer a"),
                (&header::AUTHORIZATION, "Bearer b"),
            ]),
        ] {
            assert_eq!(credentials(&bad), Err(Denied::NoToken));
        }
    }
}
