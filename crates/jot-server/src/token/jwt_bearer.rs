//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1):
//! a configured backend asserts a user; the client gets an access token and
//! a refresh token for that user.

use jot::jwt::{self, Claims, Validation};

use super::access::{self, Binding, Plan};
use super::{request, TokenResponse};
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::state::{AppState, TrustedIssuer};
use crate::store::Client;

pub async fn grant(
    state: &AppState,
    client: &Client,
    form: &Form,
    binding: &Binding,
) -> Result<TokenResponse, OAuthError> {
    let assertion = form.require("assertion")?;
    let (issuer, claims) = verify_assertion(state, assertion)?;
    let subject = claims
        .sub
        .ok_or_else(|| OAuthError::invalid_grant("the assertion has no sub"))?;
    // RFC 7523 §3 item 7: a jti lets the server refuse a replayed assertion.
    if let (Some(jti), Some(exp)) = (&claims.jti, claims.exp) {
        let now = state.clock.now();
        if !state
            .store
            .consume_jti(issuer, jti, exp.as_secs(), now)
            .await?
        {
            return Err(OAuthError::invalid_grant("the assertion was already used"));
        }
    }
    let scope = request::scope(form, &client.scopes)?;
    let audience = request::audience(form, &client.audiences)?;
    let plan = Plan::new(state, client.token_ttl, binding)?;
    let issued = state
        .refresh
        .start_family(
            &client.id,
            &subject,
            &scope,
            &audience,
            &plan.minted(),
            binding.jkt.as_deref(),
        )
        .await?;
    let access = access::sign(state, &plan, &client.id, &subject, &audience, &scope)?;
    Ok(TokenResponse {
        access,
        refresh_token: Some(issued.token),
        issued_token_type: None,
        dpop_nonce: None,
    })
}

/// Verifies the assertion with the keys of the trusted issuer its `iss`
/// names: signature, `exp` (required), `nbf`, and an `aud` naming this
/// service (its issuer or token endpoint, RFC 7523 §3 item 3).
fn verify_assertion<'s>(
    state: &'s AppState,
    assertion: &str,
) -> Result<(&'s str, Claims), OAuthError> {
    let trusted = match trusted_issuer(state, assertion) {
        Ok(t) => t,
        Err(Untrusted::Malformed) => {
            return Err(OAuthError::invalid_grant("the assertion is invalid"))
        }
        Err(Untrusted::NoIssuer) => {
            return Err(OAuthError::invalid_grant("the assertion has no iss"))
        }
        Err(Untrusted::Unknown) => {
            return Err(OAuthError::invalid_grant(
                "the assertion's issuer is not trusted",
            ))
        }
    };
    let rules = Validation::new()
        .issuer(&trusted.issuer)
        .audience(state.issuer.as_ref())
        .audience(state.token_endpoint())
        .require("sub")
        .leeway(state.settings.leeway)
        .at(state.clock.now());
    let verified = jwt::verify::<Claims>(assertion, &trusted.keys, &rules).map_err(|e| {
        tracing::info!(code = e.code(), "jwt-bearer assertion rejected");
        OAuthError::invalid_grant(format!("the assertion is invalid ({})", e.code()))
    })?;
    Ok((&trusted.issuer, verified.claims))
}

/// Why a JWT has no trusted issuer.
pub(super) enum Untrusted {
    /// Not a compact JWS.
    Malformed,
    /// No string `iss`.
    NoIssuer,
    /// An `iss` that is not configured.
    Unknown,
}

/// The configured issuer whose keys are to verify `jwt`. The unverified
/// `iss` only picks whose keys to try; the caller's verification must then
/// require that same `iss`.
pub(super) fn trusted_issuer<'s>(
    state: &'s AppState,
    jwt: &str,
) -> Result<&'s TrustedIssuer, Untrusted> {
    let unverified = jot::jws::compact::decode_unverified(jwt, &jot::limits::Limits::default())
        .map_err(|_| Untrusted::Malformed)?;
    let iss = serde_json::from_slice::<Claims>(&unverified.payload)
        .ok()
        .and_then(|c| c.iss)
        .ok_or(Untrusted::NoIssuer)?;
    state
        .trusted
        .iter()
        .find(|t| t.issuer == iss)
        .ok_or(Untrusted::Unknown)
}
