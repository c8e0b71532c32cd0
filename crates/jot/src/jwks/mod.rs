//! Key sets: prepared for verification ([`LocalKeySet`], `RemoteJwks`
//! with the `remote` feature) and decryption ([`DecryptionKeySet`]), and
//! the one key of a set to sign or encrypt with ([`select`]).

mod decryption;
mod local;
#[cfg(feature = "remote")]
mod remote;
pub mod select;

#[cfg(feature = "remote")]
pub use crate::cache::{Clock, SystemClock};
pub use decryption::DecryptionKeySet;
pub use local::LocalKeySet;
#[cfg(feature = "remote")]
pub use remote::{
    RemoteJwks, RemoteJwksBuilder, DEFAULT_COOLDOWN, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_STALE,
    DEFAULT_MAX_TTL, DEFAULT_MIN_TTL, DEFAULT_TIMEOUT,
};
