//! Signing keys: sealed at rest under the KEK ([`kek`]), rotated on a
//! schedule every replica agrees on ([`lifecycle`]), and loaded for signing
//! and publishing ([`manager`]).

pub mod kek;
pub mod lifecycle;
pub mod manager;

pub use kek::{Kek, KekSource};
pub use lifecycle::KeyPolicy;
pub use manager::{ActiveKeys, KeyManager, Signer};
