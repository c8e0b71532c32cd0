//! The backend: the only code that calls aws-lc-rs and the RustCrypto
//! primitives. One file per concern: the algorithm descriptors, preparing
//! and using signing and verifying keys, key generation, the checks and
//! derivations of key material on import, the Ed25519 batch equation, and
//! (at the bottom of the stack, usable by the JWK layer) digests and the EC
//! point check. `docs/architecture.md` has the layers.

mod descriptor;
pub(crate) mod digest;
pub(crate) mod ed25519;
pub(crate) mod generate;
pub(crate) mod material;
pub(crate) mod point;
pub(crate) mod sign;
pub(crate) mod verify;

pub(crate) use descriptor::{descriptor, KeyKind, MAX_RSA_BITS, MIN_RSA_BITS};
pub(crate) use digest::sha256;

/// Fills `buf` from the system RNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> crate::error::Result<()> {
    aws_lc_rs::rand::fill(buf).map_err(|_| crate::error::Error::Crypto("random number generation"))
}
