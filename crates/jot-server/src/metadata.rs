//! `GET /.well-known/oauth-authorization-server` (RFC 8414) and
//! `/.well-known/openid-configuration`: the same document, listing exactly
//! what this service implements. There is no authorization endpoint (no
//! login UI), so no response type is supported and no ID token is issued.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use crate::app::Route;
use crate::client_auth;
use crate::state::AppState;
use crate::token::GRANTS;

/// The discovery routes.
pub fn routes() -> Vec<Route> {
    vec![
        ("/.well-known/oauth-authorization-server", get(metadata)),
        ("/.well-known/openid-configuration", get(metadata)),
    ]
}

async fn metadata(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(document(&state)),
    )
}

/// The metadata document.
pub fn document(state: &AppState) -> Value {
    let iss = state.issuer.as_ref();
    let auth_methods: Vec<&str> = client_auth::supported(state)
        .iter()
        .map(|m| m.as_str())
        .collect();
    let signing: Vec<&str> = state
        .settings
        .keys
        .algorithms
        .iter()
        .map(|a| a.name())
        .collect();
    let mut document = json!({
        "issuer": iss,
        "token_endpoint": state.token_endpoint(),
        "jwks_uri": format!("{iss}{}", crate::jwks::PATH),
        "grant_types_supported": GRANTS.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": crate::state::asymmetric_algorithms()
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>(),
        "introspection_endpoint": format!("{iss}{}", crate::introspect::PATH),
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint": format!("{iss}{}", crate::revoke::PATH),
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "response_types_supported": [],
        "access_token_signing_alg_values_supported": signing,
        // RFC 9449 §5.1: the token endpoint accepts DPoP proofs with these.
        "dpop_signing_alg_values_supported": state
            .dpop
            .algorithms()
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>(),
    });
    // RFC 8705 §3.3: certificate-bound tokens, where certificates reach the
    // token endpoint (TLS terminated here). One endpoint serves clients
    // with and without certificates, so there are no mtls_endpoint_aliases
    // (§5).
    if state.settings.tls.is_some() {
        document["tls_client_certificate_bound_access_tokens"] = Value::Bool(true);
    }
    document
}
