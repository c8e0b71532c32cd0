//! `grant_type=client_credentials` (RFC 6749 §4.4): the client acts for
//! itself, so `sub` is its id, and no refresh token is issued (§4.4.3).

use super::access::{self, Binding, Plan};
use super::{request, TokenResponse};
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::state::AppState;
use crate::store::Client;

pub async fn grant(
    state: &AppState,
    client: &Client,
    form: &Form,
    binding: &Binding,
) -> Result<TokenResponse, OAuthError> {
    let scope = request::scope(form, &client.scopes)?;
    let audience = request::audience(form, &client.audiences)?;
    let plan = Plan::new(state, client.token_ttl, binding)?;
    let access = access::sign(state, &plan, &client.id, &client.id, &audience, &scope)?;
    Ok(TokenResponse {
        access,
        refresh_token: None,
        issued_token_type: None,
        dpop_nonce: None,
    })
}
