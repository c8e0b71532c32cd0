//! Checking a DPoP proof (RFC 9449 §4.3), the server's side.

use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;

use super::htu::normalize_htu;
use super::nonce::NoncePolicy;
use super::proof::access_token_hash;
use super::replay::{ReplayCache, ReplayId};
use super::PROOF_TYP;
use crate::alg::Algorithm;
use crate::error::{DpopError, Error, Result};
use crate::jwk::{Jwk, ThumbprintHash};
use crate::jws::TrustEmbeddedJwk;
use crate::jwt::{self, NumericDate, Validation};
use crate::limits::Limits;

/// How proofs are checked, the same for every request. The defaults: every
/// asymmetric algorithm Jot has, a proof at most 300 s old, 60 s of clock
/// skew, [`Limits::default`].
#[derive(Debug, Clone)]
pub struct ProofOptions {
    algorithms: Vec<Algorithm>,
    max_age: i64,
    leeway: i64,
    now: Option<i64>,
    limits: Limits,
}

impl Default for ProofOptions {
    fn default() -> Self {
        ProofOptions {
            algorithms: Algorithm::ALL
                .iter()
                .copied()
                .filter(|a| !a.is_symmetric())
                .collect(),
            max_age: 300,
            leeway: 60,
            now: None,
            limits: Limits::default(),
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl ProofOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts only these algorithms (symmetric ones are never accepted,
    /// RFC 9449 §4.3 step 5).
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.algorithms = algs.iter().copied().filter(|a| !a.is_symmetric()).collect();
        self
    }

    /// The algorithms accepted (for a challenge's `algs` parameter or the
    /// `dpop_signing_alg_values_supported` metadata).
    pub fn allowed_algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// Refuses proofs whose `iat` is older than this (default 300 s).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = secs(max_age);
        self
    }

    /// Clock skew allowed both ways on `iat` (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = secs(leeway);
        self
    }

    /// Checks at this UNIX time instead of now.
    pub fn at(mut self, unix: i64) -> Self {
        self.now = Some(unix);
        self
    }

    /// Parses under these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long a proof must be remembered to be refused as a replay: until
    /// it is too old anyway.
    fn lifetime(&self) -> i64 {
        self.max_age.saturating_add(self.leeway)
    }
}

/// The HTTP request a proof came with: what the proof must match.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    method: &'a str,
    uri: &'a str,
    access_token: Option<&'a str>,
    bound_jkt: Option<&'a str>,
    nonce: Option<NonceRule<'a>>,
}

#[derive(Clone, Copy)]
enum NonceRule<'a> {
    Exact(&'a str),
    Policy(&'a dyn NoncePolicy),
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The access token is a credential: only whether there is one.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("access_token", &self.access_token.map(|_| "<redacted>"))
            .field("bound_jkt", &self.bound_jkt)
            .field("nonce_required", &self.nonce.is_some())
            .finish()
    }
}

impl<'a> Request<'a> {
    /// A `method` request to `uri`: the full URI the client addressed
    /// (scheme, host, path; the query and fragment are ignored). Behind a
    /// proxy this is the external URI, not the one the proxy forwarded to.
    pub fn new(method: &'a str, uri: &'a str) -> Self {
        Request {
            method,
            uri,
            access_token: None,
            bound_jkt: None,
            nonce: None,
        }
    }

    /// The request presents this access token (`Authorization: DPoP …`):
    /// the proof's `ath` must be its hash (§4.3 step 12).
    pub fn access_token(mut self, access_token: &'a str) -> Self {
        self.access_token = Some(access_token);
        self
    }

    /// The token presented is bound to this key thumbprint (its
    /// `cnf.jkt`): the proof must be signed by that key.
    pub fn bound_to(mut self, jkt: &'a str) -> Self {
        self.bound_jkt = Some(jkt);
        self
    }

    /// The server requires a nonce this policy accepts (§4.3 step 10);
    /// without one the proof fails with [`DpopError::UseNonce`].
    pub fn nonce(mut self, policy: &'a dyn NoncePolicy) -> Self {
        self.nonce = Some(NonceRule::Policy(policy));
        self
    }

    /// The server requires exactly this nonce (one it handed out and keeps
    /// itself); without it the proof fails with [`DpopError::UseNonce`].
    pub fn exact_nonce(mut self, nonce: &'a str) -> Self {
        self.nonce = Some(NonceRule::Exact(nonce));
        self
    }
}

#[derive(Deserialize)]
struct ProofClaims {
    jti: String,
    htm: String,
    htu: String,
    iat: NumericDate,
    #[serde(default)]
    ath: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

/// Whether a verification error is about the `jwk` header: missing, not a
/// JWK, private, or not a key for the proof's `alg` (RFC 9449 §4.3 steps
/// 5–7). [`TrustEmbeddedJwk`] reports these as header and key errors.
fn is_key_error(e: &Error) -> bool {
    match e {
        Error::NoMatchingKey { .. } | Error::KeyAlgorithmMismatch { .. } | Error::InvalidKey(_) => {
            true
        }
        Error::InvalidHeader { name, .. } => name == "jwk",
        _ => false,
    }
}

/// Checks `proof` against `request`: every check of RFC 9449 §4.3 but the
/// replay check, which [`CheckedProof::record`] then makes.
///
/// Errors: the JWS and JWT errors for what they cover (a malformed token,
/// [`Error::TypeMismatch`] for a `typ` other than `dpop+jwt`,
/// [`Error::AlgorithmNotAllowed`] for a symmetric or unlisted `alg`,
/// [`Error::UnsecuredToken`], [`Error::InvalidSignature`],
/// [`Error::MissingClaim`], [`Error::TooOld`] and
/// [`Error::IssuedInFuture`] for `iat` outside the window), and
/// [`Error::Dpop`] for the DPoP checks.
pub fn verify(proof: &str, request: &Request<'_>, options: &ProofOptions) -> Result<CheckedProof> {
    let now = options.now.unwrap_or_else(|| NumericDate::now().0);
    // The proof brings its own key: that is the point of DPoP, and what
    // binds it is the thumbprint checked below, so every public key of an
    // allowed algorithm is "trusted" here and kept for the thumbprint.
    let proof_key = OnceLock::new();
    let keys = TrustEmbeddedJwk::new(&options.algorithms, |jwk: &Jwk| {
        let _ = proof_key.set(jwk.clone());
        true
    });
    let validation = Validation::new()
        .typ(PROOF_TYP)
        .algorithms(&options.algorithms)
        .allow_missing_exp()
        // A proof is bound to its request by htm/htu, not by an audience.
        .insecure_skip_audience()
        .require("jti")
        .require("htm")
        .require("htu")
        .require("iat")
        .max_age(Duration::from_secs(options.max_age.unsigned_abs()))
        .leeway(Duration::from_secs(options.leeway.unsigned_abs()))
        .at(now)
        .limits(options.limits);
    let verified = jwt::verify::<ProofClaims>(proof, &keys, &validation).map_err(|e| {
        if is_key_error(&e) {
            Error::Dpop(DpopError::Key)
        } else {
            e
        }
    })?;
    let claims = verified.claims;
    let jwk = proof_key.into_inner().ok_or(Error::Dpop(DpopError::Key))?;

    if claims.htm != request.method {
        return Err(Error::Dpop(DpopError::Method));
    }
    let same_target = normalize_htu(&claims.htu)
        .and_then(|htu| Ok(htu == normalize_htu(request.uri)?))
        .unwrap_or(false);
    if !same_target {
        return Err(Error::Dpop(DpopError::Uri));
    }
    if let Some(rule) = request.nonce {
        let fresh = claims.nonce.as_deref().is_some_and(|n| match rule {
            NonceRule::Exact(want) => n == want,
            NonceRule::Policy(policy) => policy.accepts(n, now),
        });
        if !fresh {
            return Err(Error::Dpop(DpopError::UseNonce));
        }
    }
    if let Some(token) = request.access_token {
        if claims.ath.as_deref() != Some(access_token_hash(token).as_str()) {
            return Err(Error::Dpop(DpopError::AccessTokenHash));
        }
    }
    let jkt = jwk.thumbprint(ThumbprintHash::Sha256);
    if let Some(bound) = request.bound_jkt {
        if bound != jkt {
            return Err(Error::Dpop(DpopError::KeyBinding));
        }
    }
    Ok(CheckedProof {
        replay_id: ReplayId::new(&jkt, &claims.jti),
        replay_until: claims.iat.0.saturating_add(options.lifetime()),
        now,
        proof: VerifiedProof {
            alg: verified.header.alg,
            jwk,
            jkt,
            jti: claims.jti,
            iat: claims.iat.0,
            nonce: claims.nonce,
        },
    })
}

/// A proof that passed every check but the replay check. The only ways on
/// are [`record`](Self::record) with a [`ReplayCache`] and, for a store
/// that is async, [`replay_id`](Self::replay_id) then
/// [`first_use`](Self::first_use).
#[derive(Debug)]
#[must_use = "a proof is verified only once it is recorded against replay"]
pub struct CheckedProof {
    replay_id: ReplayId,
    replay_until: i64,
    now: i64,
    proof: VerifiedProof,
}

impl CheckedProof {
    /// Records the proof in `cache`: the [`VerifiedProof`] on its first
    /// use, [`DpopError::Replay`] on any later one.
    pub fn record(self, cache: &dyn ReplayCache) -> Result<VerifiedProof> {
        let first = cache.first_use(&self.replay_id, self.replay_until, self.now)?;
        self.first_use(first)
    }

    /// What identifies this proof in a replay store.
    pub fn replay_id(&self) -> &ReplayId {
        &self.replay_id
    }

    /// Until when (UNIX seconds) the store must remember it.
    pub fn replay_until(&self) -> i64 {
        self.replay_until
    }

    /// The outcome of the caller's own replay store for [`Self::replay_id`]:
    /// `true` if this was the first time it was recorded.
    pub fn first_use(self, first: bool) -> Result<VerifiedProof> {
        if first {
            Ok(self.proof)
        } else {
            Err(Error::Dpop(DpopError::Replay))
        }
    }
}

/// A DPoP proof that passed every check, replay included.
#[derive(Debug, Clone)]
pub struct VerifiedProof {
    alg: Algorithm,
    jwk: Jwk,
    jkt: String,
    jti: String,
    iat: i64,
    nonce: Option<String>,
}

impl VerifiedProof {
    /// The RFC 7638 SHA-256 thumbprint of the proof key: what a token
    /// issued now is bound to (`cnf.jkt`, RFC 9449 §6.1).
    pub fn jkt(&self) -> &str {
        &self.jkt
    }

    /// The proof key (public).
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The algorithm the proof was signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The proof's `jti`.
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// The proof's `iat`.
    pub fn issued_at(&self) -> i64 {
        self.iat
    }

    /// The proof's `nonce`, if it has one.
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }
}
