//! The one error type of the HTTP endpoints, answered as RFC 6749 §5.2 JSON
//! (`{"error": CODE, "error_description": …}`) with the status and
//! challenge each code calls for.
//!
//! A store or key failure is the service's fault, not the request's: it is
//! logged (by its stable code, never with request data) and answered
//! `500 server_error`. Everything a request can get wrong has its own code
//! and a 4xx.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An OAuth 2.0 error response.
#[derive(Debug, Clone)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: Option<Cow<'static, str>>,
    challenge: Option<&'static str>,
    retry_after: Option<u64>,
    dpop_nonce: Option<String>,
}

impl OAuthError {
    fn new(
        status: StatusCode,
        code: &'static str,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        OAuthError {
            status,
            code,
            description: Some(description.into()),
            challenge: None,
            retry_after: None,
            dpop_nonce: None,
        }
    }

    /// `invalid_request`: a parameter missing, repeated or malformed.
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// `invalid_client` (401). `basic` when the client tried HTTP Basic,
    /// which RFC 6749 §5.2 answers with a `WWW-Authenticate` challenge.
    pub fn invalid_client(basic: bool) -> Self {
        OAuthError {
            challenge: basic.then_some("Basic realm=\"jot\", charset=\"UTF-8\""),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            )
        }
    }

    /// `invalid_grant`: the grant (refresh token, assertion) is invalid,
    /// expired, revoked or another client's.
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    /// `unauthorized_client`: this client may not use this grant.
    pub fn unauthorized_client(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unauthorized_client", description)
    }

    /// `unsupported_grant_type`.
    pub fn unsupported_grant_type() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials, refresh_token or \
             urn:ietf:params:oauth:grant-type:jwt-bearer",
        )
    }

    /// `invalid_scope`: a scope the client may not have, or malformed.
    pub fn invalid_scope(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    /// `invalid_target` (RFC 8707 §2): a `resource`/`audience` the client
    /// may not have.
    pub fn invalid_target(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_target", description)
    }

    /// `unsupported_token_type` (RFC 7009 §2.2.1).
    pub fn unsupported_token_type() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "token_type_hint must be access_token or refresh_token",
        )
    }

    /// `access_denied` (403): the authenticated client may not do this.
    pub fn access_denied(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "access_denied", description)
    }

    /// 429 over a rate limit, with `Retry-After`. The code is RFC 6749's
    /// `temporarily_unavailable` (its "temporary overloading"), which OAuth
    /// client libraries treat as retryable.
    pub fn rate_limited(retry_after: u64) -> Self {
        OAuthError {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                "rate limit exceeded: retry later",
            )
        }
    }

    /// `invalid_dpop_proof` (RFC 9449 §5): the `DPoP` header is missing
    /// where required, repeated, or its proof fails a check.
    pub fn invalid_dpop_proof(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
    }

    /// `use_dpop_nonce` (RFC 9449 §8): retry with the nonce of the
    /// `DPoP-Nonce` header, which this error carries.
    pub fn use_dpop_nonce(nonce: String) -> Self {
        OAuthError {
            dpop_nonce: Some(nonce),
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "use_dpop_nonce",
                "the DPoP proof must carry the nonce of the DPoP-Nonce header",
            )
        }
    }

    /// The same error, also handing out `nonce` in `DPoP-Nonce` (RFC 9449
    /// §8.2: a server may send a fresh nonce with any response).
    pub fn with_dpop_nonce(mut self, nonce: Option<String>) -> Self {
        if self.dpop_nonce.is_none() {
            self.dpop_nonce = nonce;
        }
        self
    }

    /// `server_error` (500): the store or the key ring failed.
    pub fn server_error() -> Self {
        OAuthError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "server_error",
            description: None,
            challenge: None,
            retry_after: None,
            dpop_nonce: None,
        }
    }

    /// 503 `temporarily_unavailable` with `Retry-After: 1`: the store is
    /// out of reach for now (see [`crate::Error::is_unavailable`]).
    pub fn unavailable() -> Self {
        OAuthError {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the service's store is unavailable: retry later",
            )
        }
    }

    /// A body over the size cap (413), still in the §5.2 shape.
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            "request body too large",
        )
    }

    /// The error code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<crate::Error> for OAuthError {
    fn from(e: crate::Error) -> Self {
        // The store's messages hold no secret (see crate::error), but the
        // code alone is enough to find the failure in the operator's logs.
        if e.is_unavailable() {
            tracing::warn!(code = e.code(), error = %e, "the store is unavailable");
            return OAuthError::unavailable();
        }
        tracing::error!(code = e.code(), error = %e, "request failed inside the service");
        OAuthError::server_error()
    }
}

#[derive(serde::Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = Body {
            error: self.code,
            error_description: self.description.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(nonce) = self.dpop_nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
            headers.insert(crate::dpop::NONCE_HEADER, nonce);
        }
        if let Some(challenge) = self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}
