//! DPoP: sender-constrained tokens (RFC 9449).
//!
//! A bearer token works for whoever holds it. With DPoP the client signs a
//! short proof JWT for every request with a key of its own; the
//! authorization server binds the tokens it issues to that key (the
//! access token's `cnf.jkt`, the key's RFC 7638 thumbprint) and a resource
//! server accepts a bound token only with a fresh proof of the same key.
//!
//! - [`ProofBuilder`]: the client side, a proof for one request.
//! - [`verify`]: the server side, every check of RFC 9449 §4.3 (`typ`,
//!   asymmetric `alg`, the public `jwk` that signed it, `htm`, `htu`, the
//!   `iat` window, `nonce`, `ath` and the key binding), giving a
//!   [`CheckedProof`] that must still pass the replay check
//!   ([`CheckedProof::record`] with a [`ReplayCache`]) before it is a
//!   [`VerifiedProof`]: the types make skipping that step impossible.
//! - [`Nonces`]: stateless server-provided nonces that rotate (§8, §9).
//!
//! ```
//! use jot::{dpop, key, Algorithm};
//! let client_key = key::SigningKey::from_jwk(&key::generate_for(Algorithm::ES256)?, Algorithm::ES256)?;
//! let proof = dpop::ProofBuilder::new("POST", "https://as.example/token").sign(&client_key)?;
//!
//! let replay = dpop::MemoryReplayCache::new(10_000);
//! let request = dpop::Request::new("POST", "https://as.example/token");
//! let verified = dpop::verify(&proof, &request, &dpop::ProofOptions::new())?.record(&replay)?;
//! // Bind the tokens issued now to this key: cnf.jkt = verified.jkt().
//! assert_eq!(verified.jkt().len(), 43);
//! // The same proof again is a replay.
//! let again = dpop::verify(&proof, &request, &dpop::ProofOptions::new())?.record(&replay);
//! assert_eq!(again.unwrap_err().code(), "ERR_DPOP_REPLAY");
//! # Ok::<(), jot::Error>(())
//! ```

mod htu;
mod nonce;
mod proof;
mod replay;
mod verify;

pub use htu::normalize_htu;
pub use nonce::{NoncePolicy, Nonces};
pub use proof::{access_token_hash, ProofBuilder};
pub use replay::{MemoryReplayCache, ReplayCache, ReplayId};
pub use verify::{verify, CheckedProof, ProofOptions, Request, VerifiedProof};

/// The `typ` of a DPoP proof (RFC 9449 §4.2).
pub const PROOF_TYP: &str = "dpop+jwt";
