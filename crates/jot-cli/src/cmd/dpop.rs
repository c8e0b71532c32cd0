//! `jot dpop proof`: a DPoP proof (RFC 9449 §4.2) for one request, to test
//! a DPoP-protected service by hand or from a script.

use jot::dpop::ProofBuilder;
use jot::jwk::KeyType;

use crate::cli::DpopProofArgs;
use crate::error::{Failure, Result};
use crate::input;
use crate::keys::{self, Loaded};
use crate::output;

pub fn proof(a: DpopProofArgs) -> Result<u8> {
    let loaded = keys::load(&a.key)?;
    // RFC 9449 §4.2: a proof is signed with an asymmetric key, whose public
    // half travels in the proof. Said before anything else, so that an oct
    // key is not met with an unrelated "no --alg" message.
    let symmetric = match &loaded {
        Loaded::Key(k) => k.key_type() == KeyType::Oct,
        Loaded::Set(s) => s.keys.iter().all(|k| k.key_type() == KeyType::Oct),
    };
    if symmetric || a.alg.is_some_and(|alg| alg.is_symmetric()) {
        return Err(Failure::usage(
            "DPoP proofs need an asymmetric key (RFC 9449 §4.2): HMAC keys cannot sign them",
        )
        .hint("generate a client key, e.g. `jot key generate --alg ES256 --out client.jwk`"));
    }
    if a.htm.is_empty() || !a.htm.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Failure::usage("--htm must be an HTTP method, e.g. POST"));
    }
    if jot::dpop::normalize_htu(&a.htu).is_err() {
        return Err(Failure::usage(
            "--htu must be an absolute http(s) URL without user name or password",
        )
        .hint("e.g. --htu https://api.example/resource"));
    }
    let key = keys::signing_key(&loaded, a.alg, None)?;
    let mut b = ProofBuilder::new(a.htm, a.htu);
    if let Some(t) = a.ath_of.as_deref() {
        b = b.access_token(&input::token(Some(t))?);
    }
    if let Some(n) = a.nonce {
        b = b.nonce(n);
    }
    let proof = b
        .sign(&key)
        .map_err(|e| Failure::config("cannot make the proof", &e))?;
    output::println(&proof)?;
    Ok(0)
}
