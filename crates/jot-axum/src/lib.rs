//! Bearer-token authentication for tower and axum, on Jot.
//!
//! [`JwtLayer`] takes the token from `Authorization: Bearer` (or a cookie or
//! another header, if configured), verifies it with a
//! [`jot::verifier::Verifier`] (remote JWK Sets, several issuers), checks
//! the required scopes and claims, and puts the verified [`Token`] into the
//! request extensions, where the [`Claims`] extractor reads it into your
//! type. Failures answer as RFC 6750 §3 says:
//!
//! | case | status | `WWW-Authenticate` |
//! |---|---|---|
//! | no token | 401 | `Bearer realm="…"` |
//! | malformed request (empty or repeated credentials) | 400 | `Bearer realm="…", error="invalid_request", …` |
//! | token rejected (signature, expiry, issuer, audience…) | 401 | `Bearer realm="…", error="invalid_token", error_description="…"` |
//! | scope or claim requirement not met | 403 | `Bearer realm="…", error="insufficient_scope", error_description="…", scope="…"` |
//! | keys unavailable (provider down past the staleness bound) | 503 | none |
//!
//! With [`JwtLayer::dpop`], tokens bound to a client key (RFC 9449 DPoP,
//! `cnf.jkt`) are accepted as `Authorization: DPoP <token>` with a `DPoP`
//! proof header; failures then answer with a `DPoP` challenge:
//!
//! | case | status | `WWW-Authenticate` |
//! |---|---|---|
//! | no token | 401 | `Bearer realm="…", DPoP realm="…", algs="…"` |
//! | proof missing, repeated or rejected (method, URL, `ath`, key, age, replay) | 401 | `DPoP realm="…", error="invalid_dpop_proof", …, algs="…"` |
//! | bound token sent as `Bearer`, unbound token sent as `DPoP` | 401 | `DPoP realm="…", error="invalid_token", …, algs="…"` |
//! | nonce required ([`Dpop::require_nonce`]) and missing or old | 401 | `DPoP realm="…", error="use_dpop_nonce", …` and a `DPoP-Nonce` header |
//! | replay cache full | 503 | none |
//!
//! A token whose claims carry `cnf.jkt` is refused as a bearer token
//! whether DPoP is configured or not.
//!
//! Descriptions come from [`jot::Error`]'s messages, which never contain the
//! token or key material; response bodies hold only the error code.
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use jot::jwks::RemoteJwks;
//! use jot::verifier::{Issuer, Verifier};
//! use jot_axum::{Claims, JwtLayer};
//!
//! #[derive(serde::Deserialize)]
//! struct User { sub: String }
//!
//! async fn me(Claims(user): Claims<User>) -> String { user.sub }
//!
//! # fn app() -> jot::Result<Router> {
//! let jwks = RemoteJwks::new("https://id.example/.well-known/jwks.json")?;
//! let verifier = Verifier::new(Issuer::new("https://id.example", jwks).audience("api"));
//! let app = Router::new()
//!     .route("/me", get(me))
//!     .layer(JwtLayer::new(verifier).realm("api").require_scopes(["read"]));
//! # Ok(app) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod challenge;
mod dpop;
mod extract;
mod layer;
mod source;

pub use challenge::{Reason, Rejection};
pub use dpop::Dpop;
pub use extract::{Claims, Token};
pub use layer::{JwtLayer, JwtService};
pub use source::TokenSource;
