//! `GET /healthz` (the process answers) and `GET /readyz` (the store
//! answers and a current signing key is loaded).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::app::Route;
use crate::state::AppState;

/// The health routes.
pub fn routes() -> Vec<Route> {
    vec![
        ("/healthz", get(|| async { "ok\n" })),
        ("/readyz", get(ready)),
    ]
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if let Err(e) = state.store.ping().await {
        tracing::warn!(code = e.code(), "not ready: the store does not answer");
        return (StatusCode::SERVICE_UNAVAILABLE, "store unreachable\n");
    }
    if state.keys.get().signer().is_none() {
        return (StatusCode::SERVICE_UNAVAILABLE, "no current signing key\n");
    }
    (StatusCode::OK, "ready\n")
}
