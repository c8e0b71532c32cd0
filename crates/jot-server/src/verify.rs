//! Checking an access token this service issued, as introspection and
//! forward auth both do: signature with the service's own published keys,
//! RFC 9068 profile (`typ: at+jwt`, required claims), issuer, time, and the
//! replica's [`RevocationView`](crate::revocation::RevocationView) (denylist
//! and per-subject cut-off).
//!
//! The audience is not checked here: introspection checks it against the
//! calling client, forward auth against the route.

use jot::jwt::{self, Audience, NumericDate, Validation};
use serde::Deserialize;

use crate::state::AppState;

/// The claims of a verified access token.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud`.
    pub aud: Audience,
    /// `client_id` (RFC 9068 §2.2).
    pub client_id: String,
    /// `scope`, space-separated (absent: no scope).
    #[serde(default)]
    pub scope: String,
    /// `iat`.
    pub iat: NumericDate,
    /// `exp`.
    pub exp: NumericDate,
    /// `jti`.
    pub jti: String,
    /// `cnf` (RFC 7800 §3.1): for a DPoP-bound token, its key's thumbprint
    /// (RFC 9449 §6.1); for a certificate-bound one, the certificate's
    /// (RFC 8705 §3.1).
    #[serde(default)]
    pub cnf: Option<Confirmation>,
    /// `act` (RFC 8693 §4.1), as signed: a token exchange reads it with
    /// [`jot::jwt::Actor`] to nest it under a new actor.
    #[serde(default)]
    pub act: Option<serde_json::Value>,
}

/// An access token's `cnf` claim.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Confirmation {
    /// `jkt`: the RFC 7638 SHA-256 thumbprint of the DPoP key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jkt: Option<String>,
    /// `x5t#S256`: the SHA-256 thumbprint of the client's TLS certificate.
    #[serde(default, rename = "x5t#S256", skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
}

impl AccessClaims {
    /// Whether `aud` names `who`.
    pub fn has_audience(&self, who: &str) -> bool {
        self.aud.contains(who)
    }

    /// The thumbprint of the DPoP key the token is bound to, if it is: a
    /// resource must then take it only with a proof of that key.
    pub fn dpop_jkt(&self) -> Option<&str> {
        self.cnf.as_ref().and_then(|c| c.jkt.as_deref())
    }

    /// The `x5t#S256` of the TLS client certificate the token is bound to,
    /// if it is: a resource must then take it only over a connection with
    /// that certificate (RFC 8705 §3).
    pub fn cert_thumbprint(&self) -> Option<&str> {
        self.cnf.as_ref().and_then(|c| c.x5t_s256.as_deref())
    }

    /// The audiences, in order.
    pub fn audiences(&self) -> Vec<&str> {
        match &self.aud {
            Audience::One(a) => vec![a.as_str()],
            Audience::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// Whether every scope token of `required` is among the token's.
    pub fn has_scopes<'a>(&self, mut required: impl Iterator<Item = &'a str>) -> bool {
        required.all(|r| self.scope.split(' ').any(|s| s == r))
    }

    /// Whether it is still good at `now`: not past `exp` (exactly: this
    /// service issued it, and the denylist forgets an entry at its `exp`,
    /// so a leeway here would bring a revoked token back) and not revoked.
    pub fn is_live(&self, state: &AppState, now: i64) -> Result<(), Rejected> {
        if now >= self.exp.as_secs() {
            return Err(Rejected::Expired);
        }
        if state.revoked.is_revoked(
            Some(&self.jti),
            Some(&self.sub),
            Some(self.iat.as_secs()),
            now,
        ) {
            return Err(Rejected::Revoked);
        }
        Ok(())
    }
}

/// Why a token is not an active access token of this service. The names
/// are the `reason` label of the verification metrics and the forward-auth
/// error descriptions; they never echo the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not a compact JWS, or its parts do not decode.
    Malformed,
    /// No published key verifies it (forged, another issuer's, or signed
    /// with a key removed since).
    Signature,
    /// Past its `exp`.
    Expired,
    /// `nbf` or `iat` in the future.
    NotYetValid,
    /// Signed by us but not an access token of ours (`typ`, `iss`, a
    /// required claim missing or of the wrong type).
    Claims,
    /// On the denylist, or issued before its subject's cut-off.
    Revoked,
}

impl Rejected {
    /// The stable name (metrics label, log field).
    pub fn as_str(self) -> &'static str {
        match self {
            Rejected::Malformed => "malformed",
            Rejected::Signature => "signature",
            Rejected::Expired => "expired",
            Rejected::NotYetValid => "not_yet_valid",
            Rejected::Claims => "claims",
            Rejected::Revoked => "revoked",
        }
    }

    fn from_jot(e: &jot::Error) -> Self {
        match e.code() {
            "ERR_SIGNATURE_INVALID"
            | "ERR_NO_MATCHING_KEY"
            | "ERR_AMBIGUOUS_KEY"
            | "ERR_ALG_NOT_ALLOWED"
            | "ERR_KEY_ALG_MISMATCH"
            | "ERR_UNSUPPORTED_ALG"
            | "ERR_UNSECURED" => Rejected::Signature,
            "ERR_JWT_EXPIRED" => Rejected::Expired,
            "ERR_JWT_NOT_YET_VALID" | "ERR_JWT_IAT_FUTURE" => Rejected::NotYetValid,
            "ERR_JWT_ISSUER"
            | "ERR_JWT_TYP"
            | "ERR_JWT_CLAIM_MISSING"
            | "ERR_JWT_CLAIM_INVALID"
            | "ERR_JWT_CLAIMS_TYPE"
            | "ERR_JWT_AUDIENCE" => Rejected::Claims,
            _ => Rejected::Malformed,
        }
    }
}

/// Verifies `token` as an access token of this service at `now`, then
/// checks that it is live ([`AccessClaims::is_live`]).
pub fn access_token(state: &AppState, token: &str, now: i64) -> Result<AccessClaims, Rejected> {
    let claims = signed_access_token(state, token, now)?;
    claims.is_live(state, now)?;
    Ok(claims)
}

/// Verifies signature, profile, issuer and time with the configured leeway
/// (replicas' clocks may differ a little), but not revocation, nor `exp`
/// exactly: what revocation needs to learn a token's `jti` and owner.
pub fn signed_access_token(
    state: &AppState,
    token: &str,
    now: i64,
) -> Result<AccessClaims, Rejected> {
    let keys = state.keys.get();
    let rules = Validation::new()
        .issuer(state.issuer.as_ref())
        .access_token_profile()
        // The audience is the caller's business (see the module doc).
        .insecure_skip_audience()
        .leeway(state.settings.leeway)
        .at(now);
    jwt::verify::<AccessClaims>(token, &keys.verifier, &rules)
        .map(|v| v.claims)
        .map_err(|e| Rejected::from_jot(&e))
}
