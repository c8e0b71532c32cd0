//! DPoP (RFC 9449) as this service checks it: proofs at the token endpoint
//! (which bind the tokens issued to the proof key) and with bound access
//! tokens at `/auth`, over one replay cache and, when `--dpop-nonce` is on,
//! server-provided nonces at the token endpoint.
//!
//! The replay cache is in memory, per replica: a proof accepted by one
//! replica could be replayed once at another. A proof is bound to one
//! request (method, URL, and at `/auth` the token) and lives for at most
//! [`MAX_AGE`] plus the leeway, which bounds what such a replay can do; a
//! shared replay store is the way to close it (jot's `ReplayCache` trait).
//!
//! The nonce secret is derived from the KEK, so replicas sharing a store
//! (and so the KEK) accept each other's nonces.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName};
use jot::dpop::{self, MemoryReplayCache, Nonces, ProofOptions, Request, VerifiedProof};
use jot::error::DpopError;
use jot::Algorithm;

use crate::error::Result;
use crate::oauth_error::OAuthError;

/// The request header carrying a proof.
pub const PROOF_HEADER: HeaderName = HeaderName::from_static("dpop");
/// The response header carrying a server nonce.
pub const NONCE_HEADER: HeaderName = HeaderName::from_static("dpop-nonce");

/// How many accepted proofs one replica remembers at most. A proof is
/// remembered for [`MAX_AGE`] plus the leeway (~6 minutes by default), so
/// this serves about 270 proofs a second; beyond that proofs are refused
/// (429) rather than accepted unrecorded. About 8 MB when full.
pub const REPLAY_CAPACITY: usize = 100_000;
/// The oldest proof (by its `iat`) accepted.
pub const MAX_AGE: Duration = Duration::from_secs(300);
/// How often the server nonce changes; a nonce is accepted for its period
/// and the next.
pub const NONCE_PERIOD: Duration = Duration::from_secs(120);
/// What the nonce secret is derived for (see [`crate::keys::Kek::derive`]).
pub const NONCE_SECRET_PURPOSE: &str = "jot dpop nonce secret v1";

/// The service's DPoP state (one per replica).
pub struct Dpop {
    replay: MemoryReplayCache,
    nonces: Option<Nonces>,
    algorithms: Vec<Algorithm>,
    leeway: Duration,
}

impl std::fmt::Debug for Dpop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dpop")
            .field("nonces", &self.nonces.is_some())
            .finish_non_exhaustive()
    }
}

/// Why a proof at a resource (`/auth`) was refused.
pub type ProofError = jot::Error;

impl Dpop {
    /// Proofs signed with any of `algorithms` (asymmetric ones only),
    /// `iat` checked with `leeway`; with `nonce_secret`, the token endpoint
    /// requires server nonces.
    pub fn new(
        algorithms: &[Algorithm],
        leeway: Duration,
        nonce_secret: Option<&[u8]>,
    ) -> Result<Dpop> {
        let nonces = nonce_secret
            .map(|secret| Nonces::from_secret(secret, NONCE_PERIOD))
            .transpose()?;
        Ok(Dpop {
            replay: MemoryReplayCache::new(REPLAY_CAPACITY),
            nonces,
            algorithms: ProofOptions::new()
                .algorithms(algorithms)
                .allowed_algorithms()
                .to_vec(),
            leeway,
        })
    }

    /// The algorithms a proof may be signed with (discovery's
    /// `dpop_signing_alg_values_supported`).
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The nonce to hand out now, when nonces are required.
    pub fn nonce(&self, now: i64) -> Option<String> {
        self.nonces.as_ref().and_then(|n| n.current(now).ok())
    }

    fn options(&self, now: i64) -> ProofOptions {
        ProofOptions::new()
            .algorithms(&self.algorithms)
            .max_age(MAX_AGE)
            .leeway(self.leeway)
            .at(now)
    }

    /// Checks the token request's `DPoP` header, if it has one: a `POST` to
    /// `token_endpoint` without `ath`, with the current nonce when nonces
    /// are on. `None` when there is no header (a Bearer request).
    pub fn token_request(
        &self,
        headers: &HeaderMap,
        token_endpoint: &str,
        now: i64,
    ) -> std::result::Result<Option<VerifiedProof>, OAuthError> {
        let Some(proof) = proof_header(headers)
            .map_err(|_| OAuthError::invalid_dpop_proof("one DPoP header is allowed"))?
        else {
            return Ok(None);
        };
        let mut request = Request::new("POST", token_endpoint);
        if let Some(nonces) = &self.nonces {
            request = request.nonce(nonces);
        }
        self.check(proof, &request, now)
            .map(Some)
            .map_err(|e| self.token_error(&e, now))
    }

    /// Checks a proof sent with the bound access token `access_token`
    /// (`cnf.jkt` = `jkt`) for a `method` request to `url`.
    pub fn resource_request(
        &self,
        proof: &str,
        method: &str,
        url: &str,
        access_token: &str,
        jkt: &str,
        now: i64,
    ) -> std::result::Result<VerifiedProof, ProofError> {
        let request = Request::new(method, url)
            .access_token(access_token)
            .bound_to(jkt);
        self.check(proof, &request, now)
    }

    fn check(
        &self,
        proof: &str,
        request: &Request<'_>,
        now: i64,
    ) -> std::result::Result<VerifiedProof, ProofError> {
        dpop::verify(proof, request, &self.options(now))?.record(&self.replay)
    }

    fn token_error(&self, e: &jot::Error, now: i64) -> OAuthError {
        tracing::info!(code = e.code(), "DPoP proof refused at the token endpoint");
        match e {
            jot::Error::Dpop(DpopError::UseNonce) => match self.nonce(now) {
                Some(nonce) => OAuthError::use_dpop_nonce(nonce),
                // Not reached (nonces are asked for only when on), but a
                // request must never be answered 500.
                None => OAuthError::invalid_dpop_proof("the DPoP proof is invalid"),
            },
            jot::Error::Dpop(DpopError::ReplayCacheFull) => {
                tracing::warn!("DPoP replay cache full: proofs refused until entries expire");
                OAuthError::rate_limited(1)
            }
            // The DPoP checks' messages name the check; other errors (JWS,
            // JWT) only by their stable code: no part of the proof is echoed.
            jot::Error::Dpop(d) => OAuthError::invalid_dpop_proof(format!("{d}")),
            other => OAuthError::invalid_dpop_proof(format!(
                "the DPoP proof is invalid ({})",
                other.code()
            )),
        }
    }
}

/// A request with several `DPoP` headers, or one that is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadProofHeader;

/// The request's one `DPoP` header: `Ok(None)` without one, `Err` with
/// several or one that is not text (RFC 9449 §4.3 step 1).
pub fn proof_header(headers: &HeaderMap) -> std::result::Result<Option<&str>, BadProofHeader> {
    let mut values = headers.get_all(PROOF_HEADER).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(v), None) => v.to_str().map(Some).map_err(|_| BadProofHeader),
        (Some(_), Some(_)) => Err(BadProofHeader),
    }
}
