//! Jot: JSON Web Tokens done right.
//!
//! JWS (RFC 7515), JWE (RFC 7516), JWK (RFC 7517), JWA (RFC 7518) and JWT
//! (RFC 7519) on aws-lc-rs. Keys are prepared once into objects bound to one
//! algorithm; verification never takes the algorithm from the token alone.
//!
//! The default build does no I/O. The `remote` feature adds
//! `jwks::RemoteJwks` (a cached JWK Set fetched over HTTPS), `discovery`
//! (OIDC / RFC 8414) and `verifier::Verifier` (several issuers, each with
//! its keys and rules), on reqwest with rustls and tokio's sync primitives.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Panic discipline: the library reads untrusted input (tokens, keys, key
// sets, HTTP responses) and may not unwrap, expect, index or panic outside
// its unit tests, so no input can abort the caller's process. Failures are
// `Error`s.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]
pub mod alg;
pub(crate) mod backend;
#[cfg(feature = "remote")]
mod cache;
mod curve;
pub mod decode;
#[cfg(feature = "remote")]
pub mod discovery;
pub mod dpop;
pub mod encoding;
pub mod error;
pub mod format;
#[cfg(feature = "remote")]
mod http;
pub mod jwe;
pub mod jwk;
pub mod jwks;
pub mod jws;
pub mod jwt;
pub mod key;
pub mod limits;
pub mod secret;
#[cfg(feature = "remote")]
pub mod verifier;

pub use alg::Algorithm;
pub use error::{Error, Result};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
