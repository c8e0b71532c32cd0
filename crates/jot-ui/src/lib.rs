//! `jot ui`: a JWT debugger served on loopback from the `jot` binary.
//!
//! The page (plain HTML, CSS and JavaScript modules, embedded at compile
//! time) talks to a small JSON API on the same server, and the API calls the
//! `jot` library, so the page decides exactly what `jot verify` decides.
//! Nothing is fetched from anywhere else and nothing is written to disk.
//!
//! The serving is the security of the tool ([`guard`]): the listener binds
//! 127.0.0.1 only, the printed URL carries a one-time launch token that is
//! swapped for an `HttpOnly; SameSite=Strict` session cookie, every request
//! must name a loopback `Host` (against DNS rebinding), and every API call
//! must come from the page's own `Origin` with the cookie.
#![forbid(unsafe_code)]

mod api;
mod assets;
pub mod guard;
pub mod inspect;
mod keys;
pub mod lint;
mod serve;

pub use serve::{serve, Ui};
