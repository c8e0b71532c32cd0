//! The tower layer: find the token, verify it, check requirements.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::{HeaderName, Request};
use axum::response::{IntoResponse, Response};
use jot::verifier::Verifier;
use serde_json::{Map, Value};
use tower_layer::Layer;
use tower_service::Service;

use crate::challenge::{Reason, Rejection};
use crate::extract::{scopes, Token};
use crate::source::{self, Found, TokenSource};

type Check = Arc<dyn Fn(&Map<String, Value>) -> bool + Send + Sync>;

/// Authenticates every request with a bearer JWT; see the
/// [crate docs](crate) for the answers on failure. Cheap to clone.
#[derive(Clone)]
#[must_use]
pub struct JwtLayer {
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    verifier: Verifier,
    realm: Arc<str>,
    sources: Vec<TokenSource>,
    scopes: Vec<String>,
    checks: Vec<(String, Check)>,
}

impl fmt::Debug for JwtLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("JwtLayer")
            .field("verifier", &c.verifier)
            .field("realm", &c.realm)
            .field("sources", &c.sources)
            .field("scopes", &c.scopes)
            .field(
                "checks",
                &c.checks.iter().map(|(d, _)| d).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl JwtLayer {
    /// Verifies with `verifier`, reads `Authorization: Bearer`, realm
    /// `"api"`, no scope requirement.
    pub fn new(verifier: Verifier) -> Self {
        JwtLayer {
            config: Arc::new(Config {
                verifier,
                realm: Arc::from("api"),
                sources: vec![TokenSource::AuthorizationBearer],
                scopes: Vec::new(),
                checks: Vec::new(),
            }),
        }
    }

    fn config(&mut self) -> &mut Config {
        Arc::make_mut(&mut self.config)
    }

    /// The `realm` of the challenges.
    pub fn realm(mut self, realm: &str) -> Self {
        self.config().realm = Arc::from(realm);
        self
    }

    /// Also looks for the token in `source`, after the sources already
    /// configured.
    pub fn token_from(mut self, source: TokenSource) -> Self {
        self.config().sources.push(source);
        self
    }

    /// Also looks for the token in this cookie.
    pub fn token_from_cookie(self, name: &str) -> Self {
        self.token_from(TokenSource::Cookie(name.to_owned()))
    }

    /// Also looks for the token as the whole value of this header.
    pub fn token_from_header(self, name: HeaderName) -> Self {
        self.token_from(TokenSource::Header(name))
    }

    /// Requires every one of these scopes (RFC 9068 `scope`, or `scp`);
    /// otherwise 403 `insufficient_scope` with `scope="…"`.
    pub fn require_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config()
            .scopes
            .extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Requires `check` to accept the verified claims; otherwise 403
    /// `insufficient_scope` with `description` as the `error_description`.
    pub fn require_claims(
        mut self,
        description: &str,
        check: impl Fn(&Map<String, Value>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.config()
            .checks
            .push((description.to_owned(), Arc::new(check)));
        self
    }
}

impl Config {
    async fn authorize(&self, found: Found) -> Result<Token, Rejection> {
        let reject = |reason| Rejection::new(self.realm.clone(), reason);
        let token = match found {
            Found::Token(t) => t,
            Found::Missing => return Err(reject(Reason::MissingToken)),
            Found::Invalid(why) => return Err(reject(Reason::InvalidRequest(why))),
        };
        let verified = self
            .verifier
            .verify::<Map<String, Value>>(&token)
            .await
            .map_err(|e| Rejection::from_error(self.realm.clone(), e))?;
        let claims = verified.claims;
        if !self.scopes.is_empty() {
            let granted = scopes(&claims);
            if !self.scopes.iter().all(|s| granted.contains(&s.as_str())) {
                return Err(reject(Reason::InsufficientScope {
                    description: "the token lacks a required scope".into(),
                    scope: Some(self.scopes.join(" ")),
                }));
            }
        }
        for (description, check) in &self.checks {
            if !check(&claims) {
                return Err(reject(Reason::InsufficientScope {
                    description: description.clone(),
                    scope: None,
                }));
            }
        }
        Ok(Token {
            header: verified.header,
            claims: Arc::new(claims),
            realm: self.realm.clone(),
        })
    }
}

impl<S> Layer<S> for JwtLayer {
    type Service = JwtService<S>;

    fn layer(&self, inner: S) -> JwtService<S> {
        JwtService {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service made by [`JwtLayer`].
#[derive(Clone)]
pub struct JwtService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S: fmt::Debug> fmt::Debug for JwtService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<Request<B>> for JwtService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let config = self.config.clone();
        // The clone that was polled ready is the one called (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let found = source::find(&config.sources, req.headers());
        Box::pin(async move {
            match config.authorize(found).await {
                Ok(token) => {
                    req.extensions_mut().insert(token);
                    inner.call(req).await
                }
                Err(rejection) => Ok(rejection.into_response()),
            }
        })
    }
}
