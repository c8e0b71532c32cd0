//! `POST /oauth2/introspect` (RFC 7662): tells an authenticated client
//! whether a token is active, and what it says.
//!
//! A client sees only tokens minted for it, or access tokens whose `aud`
//! is one of its audiences (a resource server registered for `api://x`
//! introspects the tokens sent to `api://x`). Any other token, like an
//! invalid, expired or revoked one, is `{"active": false}` and nothing
//! more (§2.2), so introspection tells no client about another's tokens.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::Serialize;

use crate::app::Route;
use crate::client_auth;
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::refresh;
use crate::state::AppState;
use crate::store::Client;
use crate::verify::{self, AccessClaims, Confirmation};

/// The endpoint's path.
pub const PATH: &str = "/oauth2/introspect";

/// The introspection route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, post(introspect))]
}

async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    cert: crate::mtls::ClientCert,
    form: Form,
) -> Result<Introspection, OAuthError> {
    let (client, _) = client_auth::authenticate(&state, &headers, &form, &cert).await?;
    let token = form.require("token")?;
    // token_type_hint (§2.1) is only a hint, and the two kinds cannot be
    // mistaken for each other: an access token is a JWS (two dots), a
    // refresh token 43 base64url characters.
    introspection(&state, &client, token).await
}

/// What `client` may learn about `token` now.
pub async fn introspection(
    state: &AppState,
    client: &Client,
    token: &str,
) -> Result<Introspection, OAuthError> {
    let now = state.clock.now();
    if looks_like_jws(token) {
        let checked = verify::access_token(state, token, now);
        let outcome = match &checked {
            Ok(c) if visible_to(client, c) => "ok",
            Ok(_) => "not_visible",
            Err(r) => r.as_str(),
        };
        state.metrics.verified("introspect", outcome);
        return Ok(match checked {
            Ok(c) if visible_to(client, &c) => Introspection::active(ActiveToken {
                scope: c.scope.clone(),
                client_id: c.client_id.clone(),
                sub: c.sub.clone(),
                aud: c.audiences().iter().map(|a| a.to_string()).collect(),
                iss: c.iss.clone(),
                iat: c.iat.as_secs(),
                exp: c.exp.as_secs(),
                jti: Some(c.jti.clone()),
                // RFC 9449 §6.2, RFC 8705 §3.2: a bound token says so, with
                // its key or certificate thumbprint, so a resource server
                // that introspects can check the proof or the certificate.
                token_type: Some(if c.dpop_jkt().is_some() {
                    "DPoP"
                } else {
                    "Bearer"
                }),
                cnf: c
                    .cnf
                    .clone()
                    .filter(|cnf| cnf.jkt.is_some() || cnf.x5t_s256.is_some()),
                act: c.act.clone(),
                token_use: "access_token",
            }),
            Ok(_) => {
                tracing::info!(client = %client.id, "introspection of another client's token");
                Introspection::inactive()
            }
            Err(_) => Introspection::inactive(),
        });
    }
    let info = state.store.refresh_token(&refresh::digest(token)).await?;
    let active = info
        .as_ref()
        .is_some_and(|i| i.family.client_id == client.id && i.is_active(now));
    state
        .metrics
        .verified("introspect", if active { "ok" } else { "refresh_inactive" });
    Ok(match info {
        // Refresh tokens are only ever the client's own business
        // (RFC 6749 §1.5: never sent to resource servers).
        Some(info) if active => Introspection::active(ActiveToken {
            scope: info.family.scope.clone(),
            client_id: info.family.client_id.clone(),
            sub: info.family.subject.clone(),
            aud: vec![info.family.audience.clone()],
            iss: state.issuer.to_string(),
            iat: info.created_at,
            exp: info.expires_at.min(info.family.expires_at),
            jti: None,
            token_type: None,
            cnf: None,
            act: None,
            token_use: "refresh_token",
        }),
        _ => Introspection::inactive(),
    })
}

/// Whether `token` has the shape of a compact JWS (three parts).
pub fn looks_like_jws(token: &str) -> bool {
    token.bytes().filter(|b| *b == b'.').count() == 2
}

/// Whether `client` may see an access token: minted for it, or for one of
/// its audiences.
fn visible_to(client: &Client, token: &AccessClaims) -> bool {
    token.client_id == client.id || client.audiences.iter().any(|a| token.has_audience(a))
}

/// An introspection response (RFC 7662 §2.2).
#[derive(Debug, Serialize)]
pub struct Introspection {
    active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    token: Option<ActiveToken>,
}

/// What an active token says.
#[derive(Debug, Serialize)]
struct ActiveToken {
    scope: String,
    client_id: String,
    sub: String,
    /// One string when there is one audience (RFC 7519 §4.1.3 allows both).
    #[serde(serialize_with = "one_or_many")]
    aud: Vec<String>,
    iss: String,
    iat: i64,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    /// The OAuth token type (RFC 6749 §7.1) of access tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    /// `cnf` (RFC 7800) of a bound access token: `{"jkt": …}` and/or
    /// `{"x5t#S256": …}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<Confirmation>,
    /// `act` (RFC 8693 §4.1, §2.1 of RFC 7662 allows any claim) of a token
    /// from a delegation, as signed: who is acting for `sub`, outermost
    /// first. A resource server that introspects sees the chain a local
    /// verifier would.
    #[serde(skip_serializing_if = "Option::is_none")]
    act: Option<serde_json::Value>,
    /// `access_token` or `refresh_token`, as Hydra answers it.
    token_use: &'static str,
}

fn one_or_many<S: serde::Serializer>(aud: &[String], s: S) -> Result<S::Ok, S::Error> {
    match aud {
        [one] => s.serialize_str(one),
        many => many.serialize(s),
    }
}

impl Introspection {
    fn active(token: ActiveToken) -> Self {
        Introspection {
            active: true,
            token: Some(token),
        }
    }

    fn inactive() -> Self {
        Introspection {
            active: false,
            token: None,
        }
    }

    /// Whether the token is active.
    pub fn is_active(&self) -> bool {
        self.active
    }
}

impl IntoResponse for Introspection {
    fn into_response(self) -> Response {
        let mut response = Json(self).into_response();
        // The answer is about a bearer credential: not for any cache.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
