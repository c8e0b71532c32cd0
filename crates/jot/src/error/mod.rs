//! The one error type of the library.
//!
//! Every variant has a stable, machine-readable [`Error::code`] (for logs, the
//! CLI's `--json` output and HTTP layers). Messages name what failed and never
//! contain key material or any part of a token: a name taken from a token
//! (a header member, `kid`, an `alg` value, a `crit` entry) is printed only
//! if it is a name of the JOSE registries Jot knows, and parser messages
//! have the values they quote removed. Tokens are bearer credentials and
//! error messages end up in logs. The variants' fields keep the names for
//! programmatic use.

use std::fmt;

mod header;
mod key;
mod redact;
mod token;

pub use header::HeaderProblem;
pub use key::{DerStructure, InvalidKey, KeyMismatch, PemError, WeakKey};
use redact::KidNote;
pub(crate) use redact::{scrub, serde_message, Shown};
pub use token::{ClaimsType, Crit, JsonType, Malformed};

/// Which part of a serialized object a decoding error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The protected header.
    Header,
    /// The payload (JWS) or plaintext (JWE).
    Payload,
    /// A JWS signature.
    Signature,
    /// A JWE encrypted key.
    EncryptedKey,
    /// A JWE initialization vector.
    Iv,
    /// A JWE ciphertext.
    Ciphertext,
    /// A JWE authentication tag.
    Tag,
    /// A JWE additional authenticated data member.
    Aad,
    /// A key (JWK member, PEM or DER document).
    Key,
    /// A header parameter other than the protected header as a whole.
    HeaderParameter,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
            Part::EncryptedKey => "encrypted key",
            Part::Iv => "initialization vector",
            Part::Ciphertext => "ciphertext",
            Part::Tag => "authentication tag",
            Part::Aad => "aad",
            Part::Key => "key",
            Part::HeaderParameter => "header parameter",
        })
    }
}

/// Why OIDC / RFC 8414 discovery failed ([`Error::Discovery`]), typed so
/// that callers can tell the cases apart without reading the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The configured issuer is not a valid issuer URL (RFC 8414 §2).
    #[error("invalid issuer: {0}")]
    InvalidIssuer(String),
    /// Neither discovery document exists (HTTP 404).
    #[error("no discovery document (HTTP status 404)")]
    NotFound,
    /// The request failed, or answered an error status.
    #[error("{0}")]
    Fetch(String),
    /// The document is not a JSON object, or a member Jot needs is missing
    /// or of the wrong type.
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    /// The document's `issuer` is not the configured issuer (OIDC Discovery
    /// §4.3, RFC 8414 §3.3: the mix-up attack).
    #[error("the document's issuer is not the configured issuer")]
    IssuerMismatch,
}

/// Why a DPoP proof (RFC 9449) was refused ([`Error::Dpop`]), one variant
/// per check of RFC 9449 §4.3 that is not already a JWS or JWT error (a bad
/// signature is [`Error::InvalidSignature`], a stale `iat`
/// [`Error::TooOld`]). Callers map [`DpopError::UseNonce`] to the
/// `use_dpop_nonce` error and everything else to `invalid_dpop_proof`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopError {
    /// The `jwk` header is missing, not a public asymmetric key, or not a
    /// key for the proof's `alg` (§4.3 steps 5–7).
    #[error("the jwk header must be the public key that signed the proof")]
    Key,
    /// `htm` is not the request's method (§4.3 step 8).
    #[error("htm is not the request's method")]
    Method,
    /// `htu` is not the request's URI, compared without query and fragment
    /// after normalisation (§4.3 step 9).
    #[error("htu is not the request's URI")]
    Uri,
    /// The request carries an access token and the proof has no `ath`, or
    /// its `ath` is not the token's SHA-256 hash (§4.3 step 12).
    #[error("ath is missing or is not the hash of the access token")]
    AccessTokenHash,
    /// The proof key is not the key the access token is bound to (its
    /// `cnf.jkt`, RFC 9449 §6.1).
    #[error("the proof key is not the key the token is bound to")]
    KeyBinding,
    /// The server requires a nonce and the proof has none, or an old or
    /// unknown one (§8, §9): retry with the nonce the server sends.
    #[error("a fresh server-provided nonce is required")]
    UseNonce,
    /// This proof was presented before (its `jti` within the proof key was
    /// seen, §11.1).
    #[error("the proof was already used")]
    Replay,
    /// The replay cache is full of live entries: the proof cannot be
    /// remembered, so it is refused rather than accepted unrecorded.
    #[error("the replay cache is full")]
    ReplayCacheFull,
}

/// Everything that can go wrong in Jot.
///
/// Match on the variant, or on [`Error::code`] when the value crosses a
/// process boundary. Codes are part of the public contract and never change
/// meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- shape of the token -------------------------------------------------
    /// The token is not well formed (wrong number of segments, a member of
    /// the wrong type...), or the token asked for could not be; the payload
    /// says which.
    #[error("malformed token: {0}")]
    Malformed(Malformed),
    /// The token or one of its parts is larger than the configured limit.
    #[error("{what} is over its limit ({actual} > {limit})")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its size.
        actual: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A [`crate::limits::Limits`] setter was given a value outside the
    /// limit's range.
    #[error("limit {name} must be within {min}..={max}")]
    InvalidLimit {
        /// The limit.
        name: &'static str,
        /// The smallest value allowed.
        min: u64,
        /// The largest value allowed.
        max: u64,
    },
    /// A part is not strict base64url (RFC 7515 §2: no padding, no
    /// whitespace, canonical trailing bits).
    #[error("{0} is not valid base64url")]
    Base64(Part),
    /// A part is not valid JSON of the expected shape.
    #[error("{part} is not valid JSON: {reason}")]
    Json {
        /// Which part.
        part: Part,
        /// What the parser said (never includes the input): text for
        /// people; match on `part`.
        reason: String,
    },
    /// A JSON object names the same member twice (RFC 7515 §4, RFC 7516 §4).
    #[error("duplicate member {} in {}", Shown(.0), .1)]
    DuplicateMember(String, Part),
    /// A header parameter is missing, of the wrong type or has a bad value.
    #[error("invalid header parameter {}: {reason}", Shown(name))]
    InvalidHeader {
        /// The parameter.
        name: String,
        /// Why it was rejected.
        reason: HeaderProblem,
    },
    /// A JWE was given where a JWS was expected.
    #[error("expected a JWS but got a JWE")]
    NotJws,
    /// A JWS was given where a JWE was expected.
    #[error("expected a JWE but got a JWS")]
    NotJwe,

    // ---- algorithms ---------------------------------------------------------
    /// The algorithm name is not one Jot implements.
    #[error("unsupported algorithm {}", Shown(.0))]
    UnsupportedAlgorithm(String),
    /// The algorithm is known but not in the caller's allowlist or not
    /// permitted by the key.
    #[error("algorithm {0} is not allowed here")]
    AlgorithmNotAllowed(String),
    /// `crit` lists an extension Jot does not understand, or is malformed;
    /// the payload says which.
    #[error("crit: {0}")]
    Crit(Crit),
    /// The unsecured `none` algorithm reached a verifying API.
    #[error("unsecured tokens (alg \"none\") are never accepted")]
    UnsecuredToken,

    // ---- keys ---------------------------------------------------------------
    /// The key could not be parsed, is inconsistent, or cannot do what was
    /// asked; the payload says which.
    #[error("invalid key: {0}")]
    InvalidKey(InvalidKey),
    /// The key is valid but too weak for the operation (RFC 7518 §3.2, §3.3);
    /// the payload says why.
    #[error("weak key: {0}")]
    WeakKey(WeakKey),
    /// The key cannot be used with this algorithm (wrong kty, curve, size, or
    /// a private operation on a public key).
    #[error("key cannot be used with {alg}: {reason}")]
    KeyAlgorithmMismatch {
        /// The algorithm asked for.
        alg: String,
        /// Why the key does not fit.
        reason: KeyMismatch,
    },
    /// No key in the set matches the token's `kid` and algorithm.
    #[error("no key matches ({}, alg {})", KidNote(kid.as_deref()), Shown(alg))]
    NoMatchingKey {
        /// The token's `kid`, if any.
        kid: Option<String>,
        /// The token's algorithm.
        alg: String,
    },
    /// Several keys match and the token does not say which (or the set has
    /// duplicate `kid`s). Jot never tries them all.
    #[error("ambiguous key selection: {} keys match ({})", .0, KidNote(.1.as_deref()))]
    AmbiguousKey(usize, Option<String>),
    /// A key set prepared for verification holds both HMAC secrets (`oct`)
    /// and public keys. Such a set is how algorithm confusion survives a
    /// key-bound API: a token can steer selection by `kid` to the secret.
    /// `LocalKeySet::from_jwks_mixed` takes such a set on purpose.
    #[error(
        "the key set mixes HMAC secrets (oct) with public keys, which lets a token pick the \
         secret by kid (algorithm confusion); keep them in separate sets"
    )]
    MixedKeySet,
    /// Two keys of a set have this `kid` and could verify the same
    /// algorithm: selection by `kid` would depend on order, not on the key.
    /// The `kid` comes from the key set (configuration), not from a token.
    #[error("two keys in the set have kid {0:?} and could verify the same algorithm")]
    DuplicateKid(String),
    /// The token carries a key (`jwk`, `jku`, `x5u`, `x5c`) and the caller did
    /// not make a trust decision about it.
    #[error(
        "header parameter {} carries a key and no trust anchor was configured for it",
        Shown(.0)
    )]
    UntrustedEmbeddedKey(String),
    /// Random number generation or another primitive failed unexpectedly.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),

    // ---- outcomes -----------------------------------------------------------
    /// The signature or MAC does not verify.
    #[error("signature verification failed")]
    InvalidSignature,
    /// Decryption failed. Deliberately carries no detail (RFC 7516 §11.5):
    /// the cause goes to `tracing` at debug level only.
    #[error("decryption failed")]
    DecryptionFailed,

    // ---- JWT claims ---------------------------------------------------------
    /// `exp` is in the past (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid (nbf)")]
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    #[error("token issued in the future (iat)")]
    IssuedInFuture,
    /// `iat` is older than the configured maximum age.
    #[error("token too old (iat older than max age)")]
    TooOld,
    /// A required claim is absent.
    #[error("missing required claim {}", Shown(.0))]
    MissingClaim(String),
    /// A claim is present but of the wrong type or shape.
    #[error("invalid claim {}: {reason}", Shown(name))]
    InvalidClaim {
        /// The claim.
        name: String,
        /// What the claim's deserializer said, with any value it quotes
        /// removed: text for people; match on `name`.
        reason: String,
    },
    /// `iss` is not one of the expected issuers.
    #[error("unexpected issuer")]
    IssuerMismatch,
    /// `aud` names none of the expected audiences.
    #[error("unexpected audience")]
    AudienceMismatch,
    /// `sub` is not the expected subject.
    #[error("unexpected subject")]
    SubjectMismatch,
    /// The `typ` header is not the expected one.
    #[error("unexpected typ header")]
    TypeMismatch,
    /// The claims set is not an object, or could not be deserialized into
    /// the caller's type.
    #[error("claims do not match the expected type: {0}")]
    ClaimsType(ClaimsType),

    // ---- remote key sets (feature `remote`) ---------------------------------
    /// A URL was refused before any request: not `https` (plain `http` is
    /// allowed only for loopback hosts or when explicitly enabled), or not a
    /// valid absolute URL.
    #[error("refused URL: {0}")]
    InsecureUrl(String),
    /// Fetching a JWK Set failed (network, timeout, HTTP status, size cap,
    /// invalid JSON) and no usable cached set exists.
    #[error("fetching the JWK Set failed: {0}")]
    JwksFetch(String),
    /// The provider has been unreachable for longer than the allowed
    /// staleness of the last good JWK Set.
    #[error("the cached JWK Set expired {stale_secs} s ago, beyond the allowed staleness; last fetch error: {reason}")]
    JwksStale {
        /// How long ago the cached set stopped being fresh.
        stale_secs: u64,
        /// Why the refresh failed.
        reason: String,
    },
    /// OIDC / RFC 8414 discovery failed: the document could not be fetched,
    /// is invalid, or names another issuer; the payload says which.
    #[error("discovery failed: {0}")]
    Discovery(DiscoveryError),

    // ---- DPoP (RFC 9449) ----------------------------------------------------
    /// A DPoP proof failed a check of its own (the payload says which).
    #[error("invalid DPoP proof: {0}")]
    Dpop(DpopError),
}

impl Error {
    /// A stable, machine-readable code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Malformed(_) => "ERR_MALFORMED",
            Error::TooLarge { .. } => "ERR_TOO_LARGE",
            Error::InvalidLimit { .. } => "ERR_INVALID_LIMIT",
            Error::Base64(_) => "ERR_BASE64",
            Error::Json { .. } => "ERR_JSON",
            Error::DuplicateMember(..) => "ERR_DUPLICATE_MEMBER",
            Error::InvalidHeader { .. } => "ERR_INVALID_HEADER",
            Error::NotJws => "ERR_NOT_JWS",
            Error::NotJwe => "ERR_NOT_JWE",
            Error::UnsupportedAlgorithm(_) => "ERR_UNSUPPORTED_ALG",
            Error::AlgorithmNotAllowed(_) => "ERR_ALG_NOT_ALLOWED",
            Error::Crit(_) => "ERR_CRIT",
            Error::UnsecuredToken => "ERR_UNSECURED",
            Error::InvalidKey(_) => "ERR_INVALID_KEY",
            Error::WeakKey(_) => "ERR_WEAK_KEY",
            Error::KeyAlgorithmMismatch { .. } => "ERR_KEY_ALG_MISMATCH",
            Error::NoMatchingKey { .. } => "ERR_NO_MATCHING_KEY",
            Error::AmbiguousKey(..) => "ERR_AMBIGUOUS_KEY",
            Error::MixedKeySet => "ERR_MIXED_KEY_SET",
            Error::DuplicateKid(_) => "ERR_DUPLICATE_KID",
            Error::UntrustedEmbeddedKey(_) => "ERR_UNTRUSTED_EMBEDDED_KEY",
            Error::Crypto(_) => "ERR_CRYPTO",
            Error::InvalidSignature => "ERR_SIGNATURE_INVALID",
            Error::DecryptionFailed => "ERR_DECRYPTION_FAILED",
            Error::Expired => "ERR_JWT_EXPIRED",
            Error::NotYetValid => "ERR_JWT_NOT_YET_VALID",
            Error::IssuedInFuture => "ERR_JWT_IAT_FUTURE",
            Error::TooOld => "ERR_JWT_TOO_OLD",
            Error::MissingClaim(_) => "ERR_JWT_CLAIM_MISSING",
            Error::InvalidClaim { .. } => "ERR_JWT_CLAIM_INVALID",
            Error::IssuerMismatch => "ERR_JWT_ISSUER",
            Error::AudienceMismatch => "ERR_JWT_AUDIENCE",
            Error::SubjectMismatch => "ERR_JWT_SUBJECT",
            Error::TypeMismatch => "ERR_JWT_TYP",
            Error::ClaimsType(_) => "ERR_JWT_CLAIMS_TYPE",
            Error::InsecureUrl(_) => "ERR_INSECURE_URL",
            Error::JwksFetch(_) => "ERR_JWKS_FETCH",
            Error::JwksStale { .. } => "ERR_JWKS_STALE",
            Error::Discovery(_) => "ERR_DISCOVERY",
            Error::Dpop(DpopError::UseNonce) => "ERR_DPOP_NONCE",
            Error::Dpop(DpopError::Replay) => "ERR_DPOP_REPLAY",
            Error::Dpop(_) => "ERR_DPOP",
        }
    }

    pub(crate) fn header(name: &str, reason: HeaderProblem) -> Self {
        Error::InvalidHeader {
            name: name.to_owned(),
            reason,
        }
    }

    /// A key in header parameter `name` (`jwk`, `epk`) that failed to
    /// parse: its own [`InvalidKey`] case, or `InvalidPublicKey` when the
    /// failure was of another kind.
    pub(crate) fn header_key(name: &str, e: Error) -> Self {
        let why = match e {
            Error::InvalidKey(why) => why,
            _ => InvalidKey::InvalidPublicKey,
        };
        Error::header(name, HeaderProblem::Key(why))
    }

    pub(crate) fn key_alg(alg: impl fmt::Display, reason: KeyMismatch) -> Self {
        Error::KeyAlgorithmMismatch {
            alg: alg.to_string(),
            reason,
        }
    }

    /// Turns a serde_json error into a `Json` error without echoing input.
    pub(crate) fn json(part: Part, e: &serde_json::Error) -> Self {
        // serde_json messages name the problem and position, never the input
        // bytes, except for unknown-variant/field messages which quote member
        // names (not values): safe to pass on.
        Error::Json {
            part,
            reason: serde_message(e),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
