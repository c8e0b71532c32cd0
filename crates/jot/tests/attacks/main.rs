//! The attack regression suite: one test (at least) per known JWT/JOSE
//! vulnerability class, each naming its past incidents. `jws` holds the
//! signature-side rows, `jwe` the encryption-side rows; SECURITY.md maps
//! every row to its tests.

#[path = "../common/mod.rs"]
mod common;
mod jwe;
mod jws;
