//! `POST /admin/sessions/revoke` (form: `sub`): "log out everywhere" over
//! HTTP, what `jot sessions revoke --sub` does on the store. Every token of
//! the subject issued until now is rejected from now on, and its refresh
//! families are revoked.
//!
//! Only a client registered with `jot client add --admin` may call it. It
//! is an HTTP call rather than only a shell command because the caller is
//! usually the login system itself (a password change, an account locked),
//! the way Hydra's admin API and Keycloak's user logout are called; the
//! client's own secret authenticates it, so nothing is open to the network
//! that was not before.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Json;
use serde_json::json;

use crate::app::Route;
use crate::client_auth;
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::state::AppState;

/// The endpoint's path.
pub const PATH: &str = "/admin/sessions/revoke";

/// The admin route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, post(revoke_subject))]
}

async fn revoke_subject(
    State(state): State<AppState>,
    headers: HeaderMap,
    cert: crate::mtls::ClientCert,
    form: Form,
) -> Result<impl IntoResponse, OAuthError> {
    let (client, _) = client_auth::authenticate(&state, &headers, &form, &cert).await?;
    if !client.admin {
        return Err(OAuthError::access_denied(
            "this client may not revoke sessions (jot client add --admin)",
        ));
    }
    let subject = form.require("sub")?;
    let now = state.clock.now();
    let families = state.store.revoke_subject(subject, now).await?;
    state.revoked.refresh(now).await?;
    crate::audit::subject_logged_out(subject, families, &client.id);
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({
            "sub": subject,
            "revoked_before": now,
            "refresh_families_revoked": families,
        })),
    ))
}
