//! `jot serve`: the token service on the jot JWT library.
//!
//! This crate holds everything the service keeps and decides, apart from
//! HTTP: the [`store::Store`] trait with its two backends (embedded SQLite,
//! shared PostgreSQL), the domain types it stores, the [`clock::Clock`] every
//! time-dependent rule reads, and the shared start-up options
//! ([`config::StoreOptions`]) that `jot serve` and the store-side
//! subcommands (`jot client …`, `jot keys …`, `jot sessions …`) all take.
//!
//! Times are Unix seconds (`i64`) throughout, the unit of JWT `iat`/`exp`.
//! The store never reads a clock itself: every method that depends on time
//! takes `now`, so tests drive it with [`clock::FakeClock`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod audit;
pub mod client_assertion;
pub mod client_auth;
pub mod clients;
pub mod clock;
pub mod config;
pub mod dpop;
pub mod error;
pub mod form;
pub mod forward_auth;
pub mod health;
pub mod introspect;
pub mod jwks;
pub mod keys;
mod listen;
pub mod maintenance;
pub mod metadata;
pub mod metrics;
pub mod mtls;
pub mod oauth_error;
pub mod openapi;
pub mod rate_limit;
pub mod refresh;
pub mod revocation;
pub mod revoke;
mod seal;
pub mod sessions;
pub mod settings;
pub mod state;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tls;
pub mod token;
pub mod verify;

pub use clock::{Clock, FakeClock, SharedClock, SystemClock};
pub use error::{Error, Result};
pub use store::Store;
