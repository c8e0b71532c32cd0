//! JWE cryptographic building blocks (RFC 7516, RFC 7518 §4 and §5).
//!
//! Byte-level primitives only: content encryption ([`content`], the `enc`
//! header parameter) and key management ([`keymgmt`], the `alg` header
//! parameter). Headers, JWK keys and the compact/JSON serializations are built
//! on top of these elsewhere.
//!
//! Every decryption-side failure caused by the token's bytes is reported as
//! [`crate::Error::DecryptionFailed`] with no detail (RFC 7516 §11.5): a
//! distinguishable error would be a padding or key-unwrap oracle.

pub mod content;
pub mod keymgmt;
