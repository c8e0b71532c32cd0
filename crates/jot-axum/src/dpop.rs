//! DPoP-bound tokens at the resource server (RFC 9449 §7): the
//! configuration ([`Dpop`]) and the check of one request's proof.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use jot::dpop::{self, MemoryReplayCache, Nonces, ProofOptions, ReplayCache, VerifiedProof};
use jot::error::DpopError;
use jot::Algorithm;
use serde_json::{Map, Value};

use crate::challenge::Reason;

/// The `DPoP` request header that carries the proof (RFC 9449 §4.1).
pub(crate) const DPOP: HeaderName = HeaderName::from_static("dpop");
/// The `DPoP-Nonce` response header (RFC 9449 §9).
pub(crate) const DPOP_NONCE: HeaderName = HeaderName::from_static("dpop-nonce");

/// Replay cache size of [`Dpop::new`]: proofs accepted within one proof
/// lifetime (6 minutes by default), about 8 MB when full.
const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// DPoP support for [`crate::JwtLayer::dpop`]: accepts `Authorization: DPoP
/// <token>` with a `DPoP` proof header, for tokens bound to the proof key
/// (their `cnf.jkt`).
///
/// The proof's `htu` is checked against the URL the client addressed,
/// which the service cannot know behind a proxy: `origin` is the public
/// `scheme://host[:port]` (and path prefix, if a proxy strips one) the
/// service is reached at, and the request's path is appended to it.
///
/// ```
/// use jot_axum::Dpop;
/// let dpop = Dpop::new("https://api.example")?
///     .algorithms(&[jot::Algorithm::ES256, jot::Algorithm::EdDSA])
///     .replay_capacity(10_000);
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Dpop {
    /// The normalised origin without its trailing `/`.
    base: String,
    options: ProofOptions,
    replay: Arc<dyn ReplayCache>,
    nonces: Option<Nonces>,
}

impl fmt::Debug for Dpop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dpop")
            .field("origin", &self.base)
            .field("options", &self.options)
            .field("nonces", &self.nonces)
            .finish_non_exhaustive()
    }
}

impl Dpop {
    /// DPoP for a service reached at `origin` (an `http` or `https` URL
    /// without query or fragment), with every asymmetric algorithm, proofs
    /// at most 300 s old, a replay cache of 100 000 proofs in memory and no
    /// nonce.
    ///
    /// Errors: [`jot::Error::InsecureUrl`] for an origin that is not such
    /// a URL.
    pub fn new(origin: &str) -> jot::Result<Self> {
        let refused = || jot::Error::InsecureUrl("the DPoP origin must be an http(s) URL".into());
        if origin.contains(['?', '#']) {
            return Err(refused());
        }
        let normal = dpop::normalize_htu(origin).map_err(|_| refused())?;
        Ok(Dpop {
            base: normal.trim_end_matches('/').to_owned(),
            options: ProofOptions::new(),
            replay: Arc::new(MemoryReplayCache::new(DEFAULT_REPLAY_CAPACITY)),
            nonces: None,
        })
    }

    /// Accepts proofs signed with these algorithms only (symmetric ones are
    /// never accepted). They are listed in the challenges' `algs`.
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.options = self.options.algorithms(algs);
        self
    }

    /// How old a proof may be (default 300 s) and the clock skew allowed
    /// (default 60 s).
    pub fn max_age(mut self, max_age: Duration, leeway: Duration) -> Self {
        self.options = self.options.max_age(max_age).leeway(leeway);
        self
    }

    /// An in-memory replay cache for at most `capacity` live proofs. When
    /// it is full of live proofs, requests are answered 503 rather than
    /// accepted unrecorded.
    pub fn replay_capacity(mut self, capacity: usize) -> Self {
        self.replay = Arc::new(MemoryReplayCache::new(capacity));
        self
    }

    /// Remembers proofs in `cache` instead (a store shared by the replicas
    /// that accept the same tokens).
    pub fn replay_cache(mut self, cache: impl ReplayCache + 'static) -> Self {
        self.replay = Arc::new(cache);
        self
    }

    /// Requires proofs to carry a nonce from `nonces` (RFC 9449 §9): a
    /// proof without one, or with an old one, is answered 401
    /// `use_dpop_nonce` with the current nonce in `DPoP-Nonce`.
    pub fn require_nonce(mut self, nonces: Nonces) -> Self {
        self.nonces = Some(nonces);
        self
    }

    /// The `algs` challenge parameter: the accepted algorithms.
    pub(crate) fn algs(&self) -> String {
        let names: Vec<&str> = self
            .options
            .allowed_algorithms()
            .iter()
            .map(|a| a.name())
            .collect();
        names.join(" ")
    }

    /// The nonce to hand out now, if nonces are required.
    pub(crate) fn current_nonce(&self) -> Option<String> {
        let now = jot::jwt::NumericDate::now().as_secs();
        self.nonces.as_ref().and_then(|n| n.current(now).ok())
    }

    /// Checks the request's proof for `token` (already verified, with
    /// `claims`): exactly one `DPoP` header, a proof of the request's method
    /// to this service's URL for its path, carrying the token's hash,
    /// signed by the key the token is bound to, not seen before.
    pub(crate) fn check(
        &self,
        request: &ProofRequest,
        token: &str,
        claims: &Map<String, Value>,
    ) -> Result<VerifiedProof, Reason> {
        let jkt = match binding(claims) {
            Binding::Jkt(jkt) => jkt,
            Binding::None => {
                return Err(Reason::TokenBinding(
                    "the token is not bound to a DPoP key: present it as a Bearer token",
                ))
            }
            Binding::Malformed => {
                return Err(Reason::TokenBinding("the token's cnf.jkt is not a string"))
            }
        };
        // RFC 9449 §4.3 step 1: not more than one DPoP header.
        let mut values = request.proofs.iter();
        let proof = match (values.next(), values.next()) {
            (None, _) => return Err(Reason::MalformedProof("the request has no DPoP proof")),
            (Some(_), Some(_)) => return Err(Reason::MalformedProof("more than one DPoP header")),
            (Some(v), None) => v
                .to_str()
                .map_err(|_| Reason::MalformedProof("the DPoP header is not visible ASCII"))?,
        };
        let htu = format!("{}{}", self.base, request.path);
        let target = dpop::Request::new(&request.method, &htu)
            .access_token(token)
            .bound_to(jkt);
        let target = match &self.nonces {
            Some(nonces) => target.nonce(nonces),
            None => target,
        };
        let checked = dpop::verify(proof.trim(), &target, &self.options).map_err(|e| match e {
            jot::Error::Dpop(DpopError::UseNonce) => Reason::UseDpopNonce,
            e => Reason::InvalidProof(e),
        })?;
        checked.record(self.replay.as_ref()).map_err(|e| match e {
            jot::Error::Dpop(DpopError::Replay) => Reason::InvalidProof(e),
            // Not the client's fault: the proof could not be remembered, so
            // it is not accepted, but it is not called invalid either.
            e => Reason::ReplayCheckUnavailable(e),
        })
    }
}

/// What a proof is checked against, taken from the request before the
/// (possibly long) token verification.
pub(crate) struct ProofRequest {
    pub(crate) method: String,
    /// The path the client addressed (before any `Router::nest` stripped a
    /// prefix).
    pub(crate) path: String,
    /// Every `DPoP` header value.
    pub(crate) proofs: Vec<HeaderValue>,
}

impl ProofRequest {
    pub(crate) fn of<B>(req: &axum::http::Request<B>) -> Self {
        let uri = req
            .extensions()
            .get::<axum::extract::OriginalUri>()
            .map_or(req.uri(), |o| &o.0);
        ProofRequest {
            method: req.method().as_str().to_owned(),
            path: uri.path().to_owned(),
            proofs: req.headers().get_all(DPOP).iter().cloned().collect(),
        }
    }
}

/// What a token's `cnf` says about DPoP (RFC 9449 §6.1).
pub(crate) enum Binding<'a> {
    /// Not DPoP-bound (no `cnf`, or a `cnf` of another kind).
    None,
    /// Bound to the key with this thumbprint.
    Jkt(&'a str),
    /// A `cnf.jkt` that is not a string: bound, but to nothing usable.
    Malformed,
}

pub(crate) fn binding(claims: &Map<String, Value>) -> Binding<'_> {
    match claims.get("cnf").and_then(|c| c.get("jkt")) {
        None => Binding::None,
        Some(Value::String(jkt)) => Binding::Jkt(jkt),
        Some(_) => Binding::Malformed,
    }
}
