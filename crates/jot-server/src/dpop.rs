//! DPoP (RFC 9449) as this service checks it: proofs at the token endpoint
//! (which bind the tokens issued to the proof key) and with bound access
//! tokens at `/auth`, over one replay store and, when `--dpop-nonce` is on,
//! server-provided nonces at the token endpoint.
//!
//! Replay: by default a proof is remembered in the process
//! ([`MemoryReplayCache`]), which is enough for one replica (SQLite). With
//! [`Dpop::with_shared_replay`] it is remembered in the store's
//! `dpop_proofs` table instead, in one insert-if-absent statement, so a
//! proof accepted by one replica is refused by every other one sharing the
//! store; `jot serve` does that on PostgreSQL, where several replicas may
//! run. When the store cannot be asked, the proof is not accepted: the
//! request is answered 503 like any other request that needs the store.
//!
//! The nonce secret is derived from the KEK, so replicas sharing a store
//! (and so the KEK) accept each other's nonces.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName};
use jot::dpop::{
    self, CheckedProof, MemoryReplayCache, Nonces, ProofOptions, Request, VerifiedProof,
};
use jot::error::DpopError;
use jot::Algorithm;

use crate::error::Result;
use crate::oauth_error::OAuthError;
use crate::store::Store;

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

/// Where accepted proofs are remembered.
enum Replay {
    /// In this process: one replica's proofs only.
    Memory(MemoryReplayCache),
    /// In the store: every replica's proofs.
    Store(Arc<dyn Store>),
}

/// The service's DPoP state (one per replica).
pub struct Dpop {
    replay: Replay,
    nonces: Option<Nonces>,
    algorithms: Vec<Algorithm>,
    leeway: Duration,
}

impl std::fmt::Debug for Dpop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dpop")
            .field("nonces", &self.nonces.is_some())
            .field("shared_replay", &self.shared_replay())
            .finish_non_exhaustive()
    }
}

/// Why a proof was not accepted.
#[derive(Debug)]
pub enum ProofError {
    /// The proof fails a check of RFC 9449 §4.3, replay included.
    Invalid(jot::Error),
    /// The replay store could not be asked whether the proof was seen.
    Store(crate::Error),
}

impl ProofError {
    /// A stable code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::Invalid(e) => e.code(),
            ProofError::Store(e) => e.code(),
        }
    }
}

impl Dpop {
    /// Proofs signed with any of `algorithms` (asymmetric ones only),
    /// `iat` checked with `leeway`; with `nonce_secret`, the token endpoint
    /// requires server nonces. Replays are detected in this process only
    /// (see [`Dpop::with_shared_replay`]).
    pub fn new(
        algorithms: &[Algorithm],
        leeway: Duration,
        nonce_secret: Option<&[u8]>,
    ) -> Result<Dpop> {
        let nonces = nonce_secret
            .map(|secret| Nonces::from_secret(secret, NONCE_PERIOD))
            .transpose()?;
        Ok(Dpop {
            replay: Replay::Memory(MemoryReplayCache::new(REPLAY_CAPACITY)),
            nonces,
            algorithms: ProofOptions::new()
                .algorithms(algorithms)
                .allowed_algorithms()
                .to_vec(),
            leeway,
        })
    }

    /// Remembers accepted proofs in `store` instead of this process, so
    /// that replicas sharing the store refuse each other's proofs.
    pub fn with_shared_replay(mut self, store: Arc<dyn Store>) -> Dpop {
        self.replay = Replay::Store(store);
        self
    }

    /// Whether accepted proofs are remembered in the store.
    pub fn shared_replay(&self) -> bool {
        matches!(self.replay, Replay::Store(_))
    }

    /// The algorithms a proof may be signed with (discovery's
    /// `dpop_signing_alg_values_supported`).
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The nonce a client should retry with when its proof was refused with
    /// `e` for lacking the current one (token endpoint and `/auth` alike).
    /// `None` for any other refusal, and when nonces are off.
    pub fn retry_nonce(&self, e: &jot::Error, now: i64) -> Option<String> {
        match e {
            jot::Error::Dpop(DpopError::UseNonce) => self.nonce(now),
            _ => None,
        }
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

    /// Checks the token request's `DPoP` header, if it has one, except for
    /// replay: a `POST` to `token_endpoint` without `ath`, with the current
    /// nonce when nonces are on. `None` when there is no header (a Bearer
    /// request). Pure (no store, no cache), so the fuzz target runs it.
    pub fn check_token_request(
        &self,
        headers: &HeaderMap,
        token_endpoint: &str,
        now: i64,
    ) -> std::result::Result<Option<CheckedProof>, OAuthError> {
        let Some(proof) = proof_header(headers)
            .map_err(|_| OAuthError::invalid_dpop_proof("one DPoP header is allowed"))?
        else {
            return Ok(None);
        };
        let mut request = Request::new("POST", token_endpoint);
        if let Some(nonces) = &self.nonces {
            request = request.nonce(nonces);
        }
        dpop::verify(proof, &request, &self.options(now))
            .map(Some)
            .map_err(|e| self.token_error(ProofError::Invalid(e), now))
    }

    /// [`check_token_request`](Self::check_token_request), then the replay
    /// check: the verified proof, or the error to answer.
    pub async fn token_request(
        &self,
        headers: &HeaderMap,
        token_endpoint: &str,
        now: i64,
    ) -> std::result::Result<Option<VerifiedProof>, OAuthError> {
        let Some(checked) = self.check_token_request(headers, token_endpoint, now)? else {
            return Ok(None);
        };
        self.record(checked, now)
            .await
            .map(Some)
            .map_err(|e| self.token_error(e, now))
    }

    /// Checks a proof sent with the bound access token `access_token`
    /// (`cnf.jkt` = `jkt`) for a `method` request to `url`, with the
    /// current nonce when nonces are on.
    pub async fn resource_request(
        &self,
        proof: &str,
        method: &str,
        url: &str,
        access_token: &str,
        jkt: &str,
        now: i64,
    ) -> std::result::Result<VerifiedProof, ProofError> {
        let mut request = Request::new(method, url)
            .access_token(access_token)
            .bound_to(jkt);
        // RFC 9449 §9: with nonces on, resource requests need one too (the
        // same rotating nonce as the token endpoint), so a proof made ahead
        // of time by a thief holding the key for a while is stale here too.
        if let Some(nonces) = &self.nonces {
            request = request.nonce(nonces);
        }
        let checked =
            dpop::verify(proof, &request, &self.options(now)).map_err(ProofError::Invalid)?;
        self.record(checked, now).await
    }

    /// The replay check: the proof's first use passes, any later one is
    /// [`DpopError::Replay`].
    async fn record(
        &self,
        checked: CheckedProof,
        now: i64,
    ) -> std::result::Result<VerifiedProof, ProofError> {
        match &self.replay {
            Replay::Memory(cache) => checked.record(cache).map_err(ProofError::Invalid),
            Replay::Store(store) => {
                let first = store
                    .first_dpop_use(checked.replay_id().as_bytes(), checked.replay_until(), now)
                    .await
                    .map_err(ProofError::Store)?;
                checked.first_use(first).map_err(ProofError::Invalid)
            }
        }
    }

    fn token_error(&self, e: ProofError, now: i64) -> OAuthError {
        let e = match e {
            // 503 when the store is out of reach (500 otherwise), never an
            // accepted proof.
            ProofError::Store(e) => return e.into(),
            ProofError::Invalid(e) => e,
        };
        tracing::info!(code = e.code(), "DPoP proof refused at the token endpoint");
        if let Some(nonce) = self.retry_nonce(&e, now) {
            return OAuthError::use_dpop_nonce(nonce);
        }
        match &e {
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
