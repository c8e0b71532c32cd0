//! `POST /oauth2/revoke` (RFC 7009): a client revokes a token issued to it.
//!
//! A refresh token revokes its whole family (and puts the family's
//! unexpired access tokens on the denylist); an access token goes on the
//! denylist until its `exp`. Each is committed, and this replica's
//! revocation view brought up to date, before the response: a token revoked
//! here is rejected here at once, and on every other replica within one
//! poll of the revocation feed.
//!
//! An invalid, unknown, expired or already revoked token is answered 200
//! (§2.2: the client's purpose, the token being unusable, is achieved). A
//! valid token of another client is refused with `unauthorized_client`
//! (§2.1: the server verifies the token was issued to the requester).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::app::Route;
use crate::client_auth;
use crate::form::Form;
use crate::introspect::looks_like_jws;
use crate::oauth_error::OAuthError;
use crate::refresh;
use crate::state::AppState;
use crate::store::Client;
use crate::verify;

/// The endpoint's path.
pub const PATH: &str = "/oauth2/revoke";

/// The revocation route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, post(revoke))]
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    cert: crate::mtls::ClientCert,
    form: Form,
) -> Result<Revoked, OAuthError> {
    let (client, _) = client_auth::authenticate(&state, &headers, &form, &cert).await?;
    let token = form.require("token")?;
    match form.get("token_type_hint") {
        None | Some("access_token" | "refresh_token") => {}
        // §2.2.1: a type this server cannot revoke (e.g. id_token).
        Some(_) => return Err(OAuthError::unsupported_token_type()),
    }
    revoke_token(&state, &client, token).await?;
    Ok(Revoked)
}

/// Revokes `token` for `client` (see the module doc for what each kind
/// revokes and when it is an error).
pub async fn revoke_token(
    state: &AppState,
    client: &Client,
    token: &str,
) -> Result<(), OAuthError> {
    let now = state.clock.now();
    if looks_like_jws(token) {
        let Ok(claims) = verify::signed_access_token(state, token, now) else {
            return Ok(());
        };
        if claims.client_id != client.id {
            return Err(not_yours());
        }
        if now < claims.exp.as_secs() {
            state
                .store
                .deny_access_token(&claims.jti, claims.exp.as_secs(), now)
                .await?;
            tracing::info!(client = %client.id, jti = %claims.jti, "access token revoked");
        }
    } else {
        let digest = refresh::digest(token);
        let Some(info) = state.store.refresh_token(&digest).await? else {
            return Ok(());
        };
        if info.family.client_id != client.id {
            return Err(not_yours());
        }
        if state
            .store
            .revoke_refresh_token(&digest, &client.id, now)
            .await?
        {
            crate::audit::refresh_family_revoked(&info.family.id, &client.id);
        }
    }
    state.revoked.refresh(now).await?;
    Ok(())
}

fn not_yours() -> OAuthError {
    OAuthError::unauthorized_client("the token was not issued to this client")
}

/// A successful revocation: 200 with an empty body (§2.2).
pub struct Revoked;

impl IntoResponse for Revoked {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        )
            .into_response()
    }
}
