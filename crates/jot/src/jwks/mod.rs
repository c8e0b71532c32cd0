//! Key sets used for verification.

mod decryption;
mod local;

pub use decryption::DecryptionKeySet;
pub use local::LocalKeySet;
