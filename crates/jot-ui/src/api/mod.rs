//! The JSON API the page calls: one module per thing the user does. Every
//! route is a `POST` (so the guard's `Origin` check applies) and every
//! answer to bad input is a 4xx with a stable code, never a 500.

mod decode;
mod decrypt;
mod keys;
mod sign;
mod verify;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

pub fn routes() -> Router {
    Router::new()
        .route("/api/rules", get(decode::rules))
        .route("/api/decode", post(decode::decode))
        .route("/api/verify", post(verify::verify))
        .route("/api/decrypt", post(decrypt::decrypt))
        .route("/api/sign", post(sign::sign))
        .route("/api/keys/generate", post(keys::generate))
        .route("/api/keys/inspect", post(keys::inspect))
        .route("/api/keys/jwks", post(keys::jwks))
}

/// A request the API cannot carry out: `{"error":{"code","message"}}`.
#[derive(Debug)]
pub struct ApiError {
    code: &'static str,
    message: String,
}

impl ApiError {
    /// Input the library was never asked about (a key that is no known
    /// format, JSON that is not an object…).
    pub fn input(message: impl Into<String>) -> Self {
        ApiError {
            code: "ERR_INPUT",
            message: message.into(),
        }
    }

    /// The same error with a message that says what to do.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

impl From<jot::Error> for ApiError {
    fn from(e: jot::Error) -> Self {
        ApiError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Runs CPU-heavy work (RSA key generation, PBES2) off the server's only
/// thread, so the page stays responsive.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(ApiError::input("the operation failed")))
}
