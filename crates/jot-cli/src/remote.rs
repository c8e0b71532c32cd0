//! Keys from the network, for `jot verify` only: a JWK Set URL
//! (`--key https://...`) or an issuer found by OpenID Connect / RFC 8414
//! discovery (`--issuer https://...`).
//!
//! The one place the binary runs async code: a current-thread runtime is
//! built here for the fetch and dropped before verification, which then
//! runs on the fetched set like on a local JWK Set. The library enforces the
//! transport policy (https, or plain http to loopback only), the response
//! size and the timeout.
//!
//! Exit codes: a key source that cannot be used (refused URL, failed fetch
//! or discovery, a document naming another issuer) is a configuration
//! error, 2; a token whose `kid` is not in the fetched set is rejected, 1,
//! as with a local JWK Set.

use std::future::Future;

use jot::alg::{Algorithm, Family};
use jot::error::DiscoveryError;
use jot::jwks::RemoteJwks;

use crate::error::{Failure, Result};
use crate::keys::Verifier;

fn block_on<F: Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the HTTP client: {e}")))?;
    Ok(rt.block_on(f))
}

/// The algorithms keys are prepared for. HMAC never: a published `oct` key
/// is a secret everyone has.
fn algorithms(algs: &[Algorithm]) -> Result<Vec<Algorithm>> {
    if let Some(a) = algs.iter().find(|a| a.family() == Family::Hmac) {
        return Err(Failure::usage(format!(
            "{a} keys are never taken from a JWK Set URL: a published secret is no secret"
        ))
        .hint("pass the HMAC secret with --secret-file, or use an asymmetric algorithm"));
    }
    Ok(if algs.is_empty() {
        Algorithm::ALL
            .iter()
            .copied()
            .filter(|a| a.family() != Family::Hmac)
            .collect()
    } else {
        algs.to_vec()
    })
}

/// Fetches the JWK Set at `url` once.
pub fn jwks(url: &str, algs: &[Algorithm]) -> Result<Verifier> {
    let algs = algorithms(algs)?;
    block_on(fetch(url, &algs))?
}

/// Discovers `issuer`'s `jwks_uri` and fetches that set once.
pub fn issuer(issuer: &str, algs: &[Algorithm]) -> Result<Verifier> {
    let algs = algorithms(algs)?;
    block_on(async {
        let meta = jot::discovery::discover(issuer)
            .await
            .map_err(|e| discovery_failure(issuer, &e))?;
        fetch(&meta.jwks_uri, &algs).await
    })?
}

async fn fetch(url: &str, algs: &[Algorithm]) -> Result<Verifier> {
    let remote = RemoteJwks::builder(url)
        .algorithms(algs)
        .build()
        .map_err(|e| fetch_failure(url, &e))?;
    let set = remote
        .fetch_now()
        .await
        .map_err(|e| fetch_failure(url, &e))?;
    let mut kids: Vec<String> = set.kids().iter().map(|k| format!("{k:?}")).collect();
    if kids.is_empty() {
        kids.push("none".into());
    }
    let kids = format!("{} (from {url})", kids.join(", "));
    if set.is_empty() {
        return Err(Failure::usage(format!(
            "the JWK Set at {url} has no key for {}",
            algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
        ))
        .hint("check --alg, and that the URL is the issuer's signing key set"));
    }
    Ok(Verifier::Set {
        keys: (*set).clone(),
        kids,
    })
}

fn fetch_failure(url: &str, e: &jot::Error) -> Failure {
    match e {
        jot::Error::InsecureUrl(_) => Failure::config(format!("will not fetch {url}"), e).hint(
            "use https; plain http is accepted only to loopback hosts (127.0.0.1, ::1, localhost)",
        ),
        _ => Failure::config(format!("cannot use the JWK Set at {url}"), e).hint(
            "check the URL and the network; it must answer with a JWK Set ({\"keys\":[...]})",
        ),
    }
}

fn discovery_failure(issuer: &str, e: &jot::Error) -> Failure {
    let f = Failure::config(format!("cannot discover the keys of {issuer}"), e);
    match e {
        jot::Error::InsecureUrl(_) => f.hint(
            "use https; plain http is accepted only to loopback hosts (127.0.0.1, ::1, localhost)",
        ),
        jot::Error::Discovery(DiscoveryError::IssuerMismatch | DiscoveryError::InvalidIssuer(_)) => f.hint(
            "--issuer must equal the provider's issuer exactly (scheme, host, path, trailing slash), \
             as its discovery document says",
        ),
        _ => f.hint(
            "check the issuer URL: jot reads ISSUER/.well-known/openid-configuration, \
             then /.well-known/oauth-authorization-server",
        ),
    }
}
