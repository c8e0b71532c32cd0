//! `grant_type=refresh_token` (RFC 6749 §6): rotation with reuse detection,
//! decided by the store's atomic compare-and-set (see
//! [`Store::rotate_refresh`](crate::store::Store::rotate_refresh)).

use super::access::{self, Binding, Plan};
use super::{request, TokenResponse};
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::refresh::{digest, Refreshed};
use crate::state::AppState;
use crate::store::Client;

pub async fn grant(
    state: &AppState,
    client: &Client,
    form: &Form,
    binding: &Binding,
) -> Result<TokenResponse, OAuthError> {
    let presented = form.require("refresh_token")?;
    // A narrower scope (§6) is checked before the rotation, so a request
    // refused for its scope leaves the token usable. This read decides
    // nothing else: the rotation itself is the store's compare-and-set.
    let requested_scope = match form.get("scope") {
        Some(_) => match state.store.refresh_token(&digest(presented)).await? {
            Some(info) if info.family.client_id == client.id => {
                let family_scopes: Vec<&str> = info.family.scope.split(' ').collect();
                Some(request::scope(form, &family_scopes)?)
            }
            _ => return Err(OAuthError::invalid_grant("the refresh token is invalid")),
        },
        None => None,
    };
    let plan = Plan::new(state, client.token_ttl, binding)?;
    let issued = match state
        .refresh
        .refresh(
            presented,
            &client.id,
            &plan.minted(),
            binding.jkt.as_deref(),
        )
        .await?
    {
        Refreshed::Issued(issued) => issued,
        Refreshed::Reused(_) => {
            // The family's access tokens are on the denylist now: this
            // replica honours that before answering, not at its next poll.
            state.revoked.refresh(state.clock.now()).await?;
            return Err(OAuthError::invalid_grant(
                "the refresh token was already used: every token of its family is revoked",
            ));
        }
        Refreshed::Expired => return Err(OAuthError::invalid_grant("the refresh token expired")),
        Refreshed::Revoked => {
            return Err(OAuthError::invalid_grant("the refresh token was revoked"))
        }
        // RFC 9449 §5 requires this binding for public clients only; jot
        // binds every family started with a proof, confidential clients'
        // too. Otherwise a refresh token stolen together with the client's
        // credentials (or from a client whose "secret" ships in an app)
        // mints fresh tokens without the DPoP key, which makes binding the
        // access tokens worthless: Keycloak's bug was exactly that, a
        // bound refresh token accepted without a proof. The store checks
        // the key before the token's "used" mark, in the same transaction,
        // so a request without the key does not consume the token.
        Refreshed::WrongKey => {
            return Err(OAuthError::invalid_grant(
                "the refresh token is bound to a DPoP key: send a proof of that key",
            ))
        }
        Refreshed::Unknown => {
            return Err(OAuthError::invalid_grant("the refresh token is invalid"))
        }
    };
    let family = &issued.family;
    let scope = requested_scope.unwrap_or_else(|| family.scope.clone());
    let access = access::sign(
        state,
        &plan,
        &client.id,
        &family.subject,
        &family.audience,
        &scope,
    )?;
    Ok(TokenResponse {
        access,
        refresh_token: Some(issued.token),
        issued_token_type: None,
        dpop_nonce: None,
    })
}
