//! `private_key_jwt` client authentication (RFC 7523 §2.2, RFC 7521 §4.2):
//! the client signs a short JWT with its own private key instead of sending
//! a secret. Its public keys are registered inline (`jot client add
//! --jwks FILE`) or fetched from its URL (`--jwks-uri`, through jot's
//! `RemoteJwks`: cached, revalidated, refetched on an unknown `kid`).
//!
//! The assertion must have `iss` = `sub` = the client id, an `aud` naming
//! this service (its issuer or token endpoint, RFC 7523 §3), an `exp` at
//! most [`MAX_LIFETIME`] ahead, and a `jti` used once: the store remembers
//! it until `exp`, on every replica, as it does for jwt-bearer assertions.
//! Every failure is `invalid_client`, with the reason in the log only.

use std::collections::HashMap;
use std::sync::Mutex;

use jot::jwk::JwkSet;
use jot::jwks::{LocalKeySet, RemoteJwks};
use jot::jwt::{self, Claims, Validation};
use jot::limits::Limits;

use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::state::{asymmetric_algorithms, AppState};
use crate::store::Client;

/// The `client_assertion_type` of a JWT assertion (RFC 7523 §2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest an assertion may live: its `jti` is stored that long, and a
/// client has no reason to sign one for longer than a request takes.
pub const MAX_LIFETIME: i64 = 3_600;

/// The remote key sets of clients registered with `--jwks-uri`, one per URL,
/// kept for the life of the process so their caches work.
#[derive(Debug, Default)]
pub struct ClientKeySets(Mutex<HashMap<String, RemoteJwks>>);

impl ClientKeySets {
    fn get(&self, url: &str) -> Result<RemoteJwks, jot::Error> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = map.get(url) {
            return Ok(set.clone());
        }
        let set = RemoteJwks::builder(url)
            .algorithms(&asymmetric_algorithms())
            .build()?;
        map.insert(url.to_string(), set.clone());
        Ok(set)
    }
}

fn rejected(why: &'static str) -> OAuthError {
    tracing::info!(
        method = "private_key_jwt",
        reason = why,
        "client authentication failed"
    );
    OAuthError::invalid_client(false)
}

/// The client a request's `client_assertion` authenticates.
pub async fn authenticate(state: &AppState, form: &Form) -> Result<Client, OAuthError> {
    let kind = form.require("client_assertion_type")?;
    let assertion = form.require("client_assertion")?;
    if kind != ASSERTION_TYPE {
        return Err(rejected("unsupported client_assertion_type"));
    }
    // The unverified `sub` only picks whose keys verify the assertion; the
    // verification then requires `iss` and `sub` to be that same id.
    let unverified = jot::jws::compact::decode_unverified(assertion, &Limits::default())
        .map_err(|_| rejected("malformed assertion"))?;
    let id = serde_json::from_slice::<Claims>(&unverified.payload)
        .ok()
        .and_then(|c| c.sub)
        .ok_or_else(|| rejected("assertion without sub"))?;
    if form.get("client_id").is_some_and(|body_id| body_id != id) {
        return Err(rejected("client_id differs from the assertion's sub"));
    }
    let client = state
        .store
        .client(&id)
        .await?
        .ok_or_else(|| rejected("unknown client"))?;
    let now = state.clock.now();
    let rules = Validation::new()
        .issuer(&client.id)
        .subject(&client.id)
        .audience(state.issuer.as_ref())
        .audience(state.token_endpoint())
        .require("jti")
        .leeway(state.settings.leeway)
        .at(now);
    let verified = match (&client.jwks, &client.jwks_uri) {
        (Some(inline), _) => {
            let set = JwkSet::from_json(inline.as_bytes(), &Limits::default())
                .map_err(|_| rejected("the client's stored JWKS does not parse"))?;
            // A set with two keys of one kid is refused here (the client's
            // registration is at fault); the outcome is the same rejection.
            LocalKeySet::from_jwks(&set, &asymmetric_algorithms())
                .and_then(|keys| jwt::verify::<Claims>(assertion, &keys, &rules))
        }
        (None, Some(url)) => match state.client_keys.get(url) {
            Ok(remote) => remote.verify::<Claims>(assertion, &rules).await,
            Err(e) => Err(e),
        },
        (None, None) => return Err(rejected("the client has no registered keys")),
    };
    let claims = verified
        .map_err(|e| {
            tracing::info!(code = e.code(), client = %client.id, "client assertion rejected");
            OAuthError::invalid_client(false)
        })?
        .claims;
    let (Some(jti), Some(exp)) = (claims.jti, claims.exp) else {
        return Err(rejected("assertion without jti or exp"));
    };
    if exp.as_secs().saturating_sub(now) > MAX_LIFETIME {
        return Err(rejected("assertion lives longer than an hour"));
    }
    // Namespaced apart from jwt-bearer issuers: a client id has no ':'.
    let issuer = format!("client:{}", client.id);
    if !state
        .store
        .consume_jti(&issuer, &jti, exp.as_secs(), now)
        .await?
    {
        return Err(rejected("assertion replayed (jti already used)"));
    }
    Ok(client)
}
