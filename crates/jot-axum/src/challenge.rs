//! RFC 6750 §3 answers: status, `WWW-Authenticate` challenge, short body.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Longest `error_description` sent (a header, not a log).
const MAX_DESCRIPTION: usize = 200;

/// Why a request was turned away, and the answer it gets
/// ([`IntoResponse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    realm: Arc<str>,
    reason: Reason,
}

/// The kinds of [`Rejection`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// No token in the request: 401 with only `Bearer realm="…"`
    /// (RFC 6750 §3.1: no error code when the client sent no credentials).
    MissingToken,
    /// The credentials are malformed (empty, repeated): 400
    /// `invalid_request`.
    InvalidRequest(&'static str),
    /// The token was rejected: 401 `invalid_token`, described by the
    /// library error.
    InvalidToken(jot::Error),
    /// A scope or claim requirement failed: 403 `insufficient_scope`, with
    /// the scopes the resource needs.
    InsufficientScope {
        /// What is missing.
        description: String,
        /// The required scopes, space-separated, if scopes are configured.
        scope: Option<String>,
    },
    /// The keys cannot be had (provider unreachable past the staleness
    /// bound, discovery failed): 503, the token was not judged.
    KeysUnavailable(jot::Error),
    /// The service is set up wrongly (e.g. [`crate::Claims`] used on a
    /// route without [`crate::JwtLayer`]): 500.
    Misconfigured(&'static str),
}

impl Rejection {
    pub(crate) fn new(realm: Arc<str>, reason: Reason) -> Self {
        Rejection { realm, reason }
    }

    /// Classifies a verification error: the provider's trouble is not the
    /// client's (503, no challenge), everything else rejects the token.
    pub(crate) fn from_error(realm: Arc<str>, e: jot::Error) -> Self {
        let reason = match e {
            jot::Error::JwksFetch(_) | jot::Error::JwksStale { .. } | jot::Error::Discovery(_) => {
                Reason::KeysUnavailable(e)
            }
            jot::Error::InsecureUrl(_) => Reason::Misconfigured("key source URL refused"),
            e => Reason::InvalidToken(e),
        };
        Rejection { realm, reason }
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self.reason {
            Reason::MissingToken | Reason::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            Reason::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Reason::InsufficientScope { .. } => StatusCode::FORBIDDEN,
            Reason::KeysUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Reason::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `WWW-Authenticate` value, if the answer has one.
    pub fn challenge(&self) -> Option<String> {
        let mut c = format!("Bearer realm=\"{}\"", quoted(&self.realm));
        let mut param = |name: &str, value: &str| {
            let _ = write!(c, ", {name}=\"{}\"", quoted(value));
        };
        match &self.reason {
            Reason::MissingToken => {}
            Reason::InvalidRequest(why) => {
                param("error", "invalid_request");
                param("error_description", why);
            }
            Reason::InvalidToken(e) => {
                param("error", "invalid_token");
                param("error_description", &e.to_string());
            }
            Reason::InsufficientScope { description, scope } => {
                param("error", "insufficient_scope");
                param("error_description", description);
                if let Some(scope) = scope {
                    param("scope", scope);
                }
            }
            Reason::KeysUnavailable(_) | Reason::Misconfigured(_) => return None,
        }
        Some(c)
    }

    fn body(&self) -> &'static str {
        match self.reason {
            Reason::MissingToken => "",
            Reason::InvalidRequest(_) => "invalid_request",
            Reason::InvalidToken(_) => "invalid_token",
            Reason::InsufficientScope { .. } => "insufficient_scope",
            Reason::KeysUnavailable(_) => "temporarily_unavailable",
            Reason::Misconfigured(_) => "server_error",
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut resp = (self.status(), self.body()).into_response();
        resp.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if let Some(c) = self.challenge() {
            if let Ok(v) = HeaderValue::from_str(&c) {
                resp.headers_mut().insert(WWW_AUTHENTICATE, v);
            }
        }
        resp
    }
}

/// A quoted-string body limited to what RFC 6750 §3 allows in
/// `error_description` (%x20-21 / %x23-5B / %x5D-7E): `"` and `\` become
/// `'` and `/`, anything else outside printable ASCII becomes `?`. Library
/// messages may quote a header's `kid`, which the client chose.
fn quoted(s: &str) -> String {
    s.chars()
        .take(MAX_DESCRIPTION)
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let realm: Arc<str> = Arc::from("api");
        let r = |reason| Rejection::new(realm.clone(), reason).challenge();
        assert_eq!(r(Reason::MissingToken).unwrap(), r#"Bearer realm="api""#);
        assert_eq!(
            r(Reason::InvalidToken(jot::Error::NoMatchingKey {
                kid: Some("k\"\\\u{7f}é".into()),
                alg: "ES256".into()
            }))
            .unwrap(),
            r#"Bearer realm="api", error="invalid_token", error_description="no key matches (the token's kid of 6 bytes, alg 'ES256')""#
        );
        assert_eq!(
            r(Reason::KeysUnavailable(jot::Error::JwksFetch("x".into()))),
            None
        );
    }
}
