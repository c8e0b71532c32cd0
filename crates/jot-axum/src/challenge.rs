//! RFC 6750 §3 answers: status, `WWW-Authenticate` challenge, short body;
//! with DPoP configured, the `DPoP` challenge of RFC 9449 §7.1.

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
    dpop: Option<DpopChallenge>,
}

/// What the challenge says about DPoP when the layer accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DpopChallenge {
    /// The accepted proof algorithms, space-separated (`algs`).
    pub(crate) algs: String,
    /// The client presented its token with the DPoP scheme: the answer is
    /// a DPoP challenge whatever the reason.
    pub(crate) presented: bool,
    /// The nonce to send in `DPoP-Nonce`.
    pub(crate) nonce: Option<String>,
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
    /// The token's DPoP binding does not fit how it was presented: a token
    /// bound to a key (`cnf.jkt`) sent as a bearer token, or an unbound one
    /// sent with the DPoP scheme (RFC 9449 §7.1, §7.2): 401
    /// `invalid_token`.
    TokenBinding(&'static str),
    /// The DPoP proof header is missing, repeated or unreadable: 401
    /// `invalid_dpop_proof`.
    MalformedProof(&'static str),
    /// The DPoP proof was rejected (signature, `htm`, `htu`, `ath`, key
    /// binding, age, replay…): 401 `invalid_dpop_proof`, described by the
    /// library error.
    InvalidProof(jot::Error),
    /// The proof lacks the server's current nonce: 401 `use_dpop_nonce`
    /// with a `DPoP-Nonce` header (RFC 9449 §9).
    UseDpopNonce,
    /// The proof could not be recorded against replay (the replay cache is
    /// full of live proofs, or its store failed): 503, the proof was not
    /// accepted.
    ReplayCheckUnavailable(jot::Error),
}

impl Reason {
    /// The reasons that only DPoP requests have: always a DPoP challenge
    /// when DPoP is configured.
    fn is_dpop(&self) -> bool {
        matches!(
            self,
            Reason::TokenBinding(_)
                | Reason::MalformedProof(_)
                | Reason::InvalidProof(_)
                | Reason::UseDpopNonce
        )
    }
}

impl Rejection {
    pub(crate) fn new(realm: Arc<str>, reason: Reason) -> Self {
        Rejection {
            realm,
            reason,
            dpop: None,
        }
    }

    /// The layer accepts DPoP: the challenge says so.
    pub(crate) fn with_dpop(mut self, dpop: DpopChallenge) -> Self {
        self.dpop = Some(dpop);
        self
    }

    /// Classifies a verification error: the provider's trouble is not the
    /// client's (503, no challenge), everything else rejects the token.
    pub(crate) fn reason_for(e: jot::Error) -> Reason {
        match e {
            jot::Error::JwksFetch(_) | jot::Error::JwksStale { .. } | jot::Error::Discovery(_) => {
                Reason::KeysUnavailable(e)
            }
            jot::Error::InsecureUrl(_) => Reason::Misconfigured("key source URL refused"),
            e => Reason::InvalidToken(e),
        }
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self.reason {
            Reason::MissingToken
            | Reason::InvalidToken(_)
            | Reason::TokenBinding(_)
            | Reason::MalformedProof(_)
            | Reason::InvalidProof(_)
            | Reason::UseDpopNonce => StatusCode::UNAUTHORIZED,
            Reason::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Reason::InsufficientScope { .. } => StatusCode::FORBIDDEN,
            Reason::KeysUnavailable(_) | Reason::ReplayCheckUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Reason::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `WWW-Authenticate` value, if the answer has one.
    ///
    /// Without DPoP configured, a `Bearer` challenge (RFC 6750 §3). With
    /// it, a `DPoP` challenge with `algs` (RFC 9449 §7.1) when the client
    /// used the DPoP scheme or its proof is at fault; otherwise the
    /// `Bearer` challenge followed by a `DPoP` one that offers the scheme
    /// (§7.2).
    pub fn challenge(&self) -> Option<String> {
        let dpop_scheme = self
            .dpop
            .as_ref()
            .is_some_and(|d| d.presented || self.reason.is_dpop());
        let scheme = if dpop_scheme { "DPoP" } else { "Bearer" };
        let mut c = format!("{scheme} realm=\"{}\"", quoted(&self.realm));
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
            Reason::TokenBinding(why) => {
                param("error", "invalid_token");
                param("error_description", why);
            }
            Reason::MalformedProof(why) => {
                param("error", "invalid_dpop_proof");
                param("error_description", why);
            }
            Reason::InvalidProof(e) => {
                param("error", "invalid_dpop_proof");
                param("error_description", &e.to_string());
            }
            Reason::UseDpopNonce => {
                param("error", "use_dpop_nonce");
                param(
                    "error_description",
                    "the resource server requires a nonce in the DPoP proof",
                );
            }
            Reason::InsufficientScope { description, scope } => {
                param("error", "insufficient_scope");
                param("error_description", description);
                if let Some(scope) = scope {
                    param("scope", scope);
                }
            }
            Reason::KeysUnavailable(_)
            | Reason::Misconfigured(_)
            | Reason::ReplayCheckUnavailable(_) => return None,
        }
        if let Some(dpop) = &self.dpop {
            if !dpop_scheme {
                let _ = write!(c, ", DPoP realm=\"{}\"", quoted(&self.realm));
            }
            let _ = write!(c, ", algs=\"{}\"", quoted(&dpop.algs));
        }
        Some(c)
    }

    fn body(&self) -> &'static str {
        match self.reason {
            Reason::MissingToken => "",
            Reason::InvalidRequest(_) => "invalid_request",
            Reason::InvalidToken(_) | Reason::TokenBinding(_) => "invalid_token",
            Reason::MalformedProof(_) | Reason::InvalidProof(_) => "invalid_dpop_proof",
            Reason::UseDpopNonce => "use_dpop_nonce",
            Reason::InsufficientScope { .. } => "insufficient_scope",
            Reason::KeysUnavailable(_) | Reason::ReplayCheckUnavailable(_) => {
                "temporarily_unavailable"
            }
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
        let nonce = self.dpop.as_ref().and_then(|d| d.nonce.as_deref());
        if let Some(v) = nonce.and_then(|n| HeaderValue::from_str(n).ok()) {
            resp.headers_mut().insert(crate::dpop::DPOP_NONCE, v);
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
