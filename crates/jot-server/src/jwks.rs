//! `GET /.well-known/jwks.json`: the public keys (`next`, `current`,
//! `retired`), cacheable for the JWKS max-age and revalidated by ETag.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::Route;
use crate::state::AppState;

/// Where the key set is published.
pub const PATH: &str = "/.well-known/jwks.json";

/// The JWKS route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, get(jwks))]
}

async fn jwks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let keys = state.keys.get();
    let cache = format!(
        "public, max-age={}",
        state.settings.keys.jwks_max_age.as_secs()
    );
    let etag = HeaderValue::from_str(&keys.etag);
    let cache = HeaderValue::from_str(&cache);
    let (Ok(etag), Ok(cache)) = (etag, cache) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let fresh = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == keys.etag
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/jwk-set+json")],
            keys.jwks_body.clone(),
        )
            .into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, cache);
    response
}
