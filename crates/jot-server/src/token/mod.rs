//! `POST /oauth2/token` (RFC 6749 §3.2): authenticates the client, then runs
//! the grant it asks for. One file per grant; `access` mints the RFC 9068
//! access tokens they all return, `request` picks scope and audience.

mod access;
mod client_credentials;
mod jwt_bearer;
mod refresh;
mod request;
mod token_exchange;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::app::Route;
use crate::client_auth;
use crate::form::Form;
use crate::mtls::ClientCert;
use crate::oauth_error::OAuthError;
use crate::rate_limit::Limited;
use crate::state::AppState;
use crate::store::Grant;

use access::Binding;
pub use access::{Minted, ACCESS_TOKEN_TYPE};

/// The grants the token endpoint implements, as discovery lists them.
pub const GRANTS: [Grant; 4] = Grant::ALL;

/// The token endpoint's route.
pub fn routes() -> Vec<Route> {
    vec![("/oauth2/token", post(token))]
}

async fn token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    cert: ClientCert,
    form: Form,
) -> Response {
    let answer = grant(&state, peer, &headers, &cert, &form).await;
    // RFC 9449 §8.2: with nonces on, every answer hands out the current
    // one, so a client learns the next before the one it holds expires.
    let nonce = state.dpop.nonce(state.clock.now());
    match answer {
        Ok(mut response) => {
            response.dpop_nonce = nonce;
            response.into_response()
        }
        Err(e) => e.with_dpop_nonce(nonce).into_response(),
    }
}

async fn grant(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    cert: &ClientCert,
    form: &Form,
) -> Result<TokenResponse, OAuthError> {
    // Before authentication: a flood of bad credentials costs little.
    limit(state, state.rate_limits.check_address(peer.ip()))?;
    // RFC 6749 §5.2 checks the grant type after authenticating the client,
    // but a request with no grant_type at all is malformed either way.
    let grant_type = form.require("grant_type")?;
    let (client, method) = client_auth::authenticate(state, headers, form, cert).await?;
    limit(state, state.rate_limits.check_client(&client.id))?;
    let grant = Grant::parse(grant_type)
        .filter(|g| g.as_str() == grant_type)
        .ok_or_else(OAuthError::unsupported_grant_type)?;
    if !client.grants.contains(&grant) {
        return Err(OAuthError::unauthorized_client(format!(
            "this client may not use the {grant} grant"
        )));
    }
    // After authentication, so only registered clients fill the replay
    // cache; before the grant, so a refresh token is never rotated for a
    // request whose proof fails.
    let proof = state
        .dpop
        .token_request(headers, &state.token_endpoint(), state.clock.now())
        .await?;
    let binding = Binding {
        jkt: proof.as_ref().map(|p| p.jkt().to_string()),
        // RFC 8705 §3: a client that authenticated with its certificate
        // gets tokens only that certificate can use.
        x5t_s256: cert
            .0
            .as_ref()
            .filter(|_| method.is_certificate())
            .map(|c| c.x5t_s256.clone()),
    };
    let response = match grant {
        Grant::ClientCredentials => {
            client_credentials::grant(state, &client, form, &binding).await?
        }
        Grant::RefreshToken => refresh::grant(state, &client, form, &binding).await?,
        Grant::JwtBearer => jwt_bearer::grant(state, &client, form, &binding).await?,
        Grant::TokenExchange => token_exchange::grant(state, &client, form, &binding).await?,
    };
    tracing::info!(
        grant = grant.as_str(),
        client = %client.id,
        token_type = response.access.token_type,
        "token issued"
    );
    state.metrics.issued(grant.as_str());
    Ok(response)
}

fn limit(state: &AppState, checked: Result<(), Limited>) -> Result<(), OAuthError> {
    checked.map_err(|l| {
        state.metrics.limited(l.by);
        OAuthError::rate_limited(l.retry_after)
    })
}

/// A successful token response (RFC 6749 §5.1).
pub struct TokenResponse {
    access: Minted,
    refresh_token: Option<Zeroizing<String>>,
    /// `issued_token_type` (RFC 8693 §2.2.1), for a token exchange.
    issued_token_type: Option<&'static str>,
    /// The server nonce to hand out (`DPoP-Nonce`), when nonces are on.
    dpop_nonce: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    /// RFC 8693 §2.2.1, token exchange only.
    #[serde(skip_serializing_if = "Option::is_none")]
    issued_token_type: Option<&'static str>,
}

impl IntoResponse for TokenResponse {
    fn into_response(self) -> Response {
        let body = Body {
            access_token: &self.access.token,
            token_type: self.access.token_type,
            expires_in: self.access.expires_in,
            scope: &self.access.scope,
            refresh_token: self.refresh_token.as_deref().map(String::as_str),
            issued_token_type: self.issued_token_type,
        };
        let mut response = Json(body).into_response();
        // RFC 6749 §5.1: tokens must not be cached.
        let h = response.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if let Some(nonce) = self.dpop_nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
            h.insert(crate::dpop::NONCE_HEADER, nonce);
        }
        response
    }
}
