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

use crate::challenge::{DpopChallenge, Reason, Rejection};
use crate::dpop::{binding, Binding, Dpop, ProofRequest};
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
    dpop: Option<Dpop>,
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
            .field("dpop", &c.dpop)
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
                dpop: None,
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

    /// Also accepts DPoP-bound tokens: `Authorization: DPoP <token>` with a
    /// `DPoP` proof header (RFC 9449 §7), checked as [`Dpop`] is
    /// configured. The handler sees the proof in [`Token::dpop_proof`].
    ///
    /// With or without this, a token bound to a DPoP key (its claims carry
    /// `cnf.jkt`) is never accepted as a bearer token.
    pub fn dpop(mut self, dpop: Dpop) -> Self {
        self.config().dpop = Some(dpop);
        self
    }
}

impl Config {
    fn reject(&self, reason: Reason, presented_with_dpop: bool) -> Rejection {
        let rejection = Rejection::new(self.realm.clone(), reason);
        let Some(dpop) = &self.dpop else {
            return rejection;
        };
        let nonce = match rejection.reason() {
            Reason::UseDpopNonce => dpop.current_nonce(),
            _ => None,
        };
        rejection.with_dpop(DpopChallenge {
            algs: dpop.algs(),
            presented: presented_with_dpop,
            nonce,
        })
    }

    async fn authorize(
        &self,
        found: Found,
        proof: Option<ProofRequest>,
    ) -> Result<Token, Rejection> {
        let (token, with_dpop) = match found {
            Found::Token(t) => (t, false),
            Found::Dpop(t) => (t, true),
            Found::Missing => return Err(self.reject(Reason::MissingToken, false)),
            Found::Invalid(why) => return Err(self.reject(Reason::InvalidRequest(why), false)),
        };
        let reject = |reason| self.reject(reason, with_dpop);
        let verified = self
            .verifier
            .verify::<Map<String, Value>>(&token)
            .await
            .map_err(|e| reject(Rejection::reason_for(e)))?;
        let claims = verified.claims;
        let proof = match (&self.dpop, proof) {
            // Only a token sent with the DPoP scheme comes with a request
            // to check a proof against.
            (Some(dpop), Some(request)) => {
                Some(dpop.check(&request, &token, &claims).map_err(reject)?)
            }
            _ => {
                // RFC 9449 §7.2: a token bound to a key works only with a
                // proof of that key, or stealing it would be enough.
                if !matches!(binding(&claims), Binding::None) {
                    return Err(reject(Reason::TokenBinding(
                        "the token is bound to a DPoP key: present it with the DPoP scheme and a proof",
                    )));
                }
                None
            }
        };
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
            dpop: proof.map(Arc::new),
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
        let found = source::find(&config.sources, req.headers(), config.dpop.is_some());
        let proof = matches!(found, Found::Dpop(_)).then(|| ProofRequest::of(&req));
        Box::pin(async move {
            match config.authorize(found, proof).await {
                Ok(token) => {
                    req.extensions_mut().insert(token);
                    inner.call(req).await
                }
                Err(rejection) => Ok(rejection.into_response()),
            }
        })
    }
}
