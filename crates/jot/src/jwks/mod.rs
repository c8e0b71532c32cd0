//! Key sets used for verification.

mod local;

pub use local::LocalKeySet;
