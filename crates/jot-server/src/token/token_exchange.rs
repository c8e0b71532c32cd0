//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693):
//! a client trades a token it was given (the subject token) for a narrower
//! access token of this service, for itself or a downstream service.
//!
//! - Subject and actor tokens are either access tokens of this service
//!   (`...:token-type:access_token`: own keys, RFC 9068 profile, denylist
//!   and subject cut-off, exactly `exp`) or JWTs of a trusted issuer
//!   (`...:token-type:jwt`: that issuer's keys, `exp` and `sub` required,
//!   and an `aud` naming this service, its token endpoint or the requesting
//!   client, so a token meant for some unrelated party cannot be traded).
//! - With an actor token the result is delegation: `act` names the actor,
//!   with the subject token's own `act` nested inside (§4.1). Without one
//!   it is impersonation: no new actor, but a subject token's existing
//!   `act` is kept, so an exchange never launders a delegated token into
//!   one that looks like the user's own.
//! - Scope only narrows: it is within both the subject token's scope (for
//!   a trusted issuer's JWT without `scope`, the client's scopes are the
//!   ceiling, as for jwt-bearer) and the client's. The audience is one the
//!   client is registered for: the point of an exchange is to reach a
//!   downstream service, so the subject token's audience does not bound
//!   it; the per-client registration does, and scope still only narrows.
//! - A subject token's `may_act` (§4.4), when present, must allow the actor
//!   or, without one, the requesting client.
//! - The new token never outlives the tokens it came from, is bound to the
//!   request's DPoP key if any, and a DPoP-bound subject or actor token is
//!   exchanged only with a proof of its key (otherwise an exchange would
//!   strip the binding off a stolen token).
//! - Errors follow RFC 8693 §2.2.2: a subject or actor token that is
//!   invalid for any reason, or unacceptable by policy (`may_act`, DPoP
//!   binding), is `invalid_request` (a MUST there, where RFC 6749 would
//!   have said `invalid_grant`); a target the client may not have is
//!   `invalid_target`; a wider scope is `invalid_scope`.
//! - No refresh token (§2.2.1 allows one; a delegated session ends with the
//!   token it came from).

use jot::jwt::{self, Actor, Claims, MayAct, Validation};

use super::access::{self, Binding, Plan};
use super::jwt_bearer::{trusted_issuer, Untrusted};
use super::{request, TokenResponse};
use crate::form::Form;
use crate::oauth_error::OAuthError;
use crate::state::AppState;
use crate::store::Client;
use crate::verify;

/// RFC 8693 §3: an access token of this service.
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// RFC 8693 §3: a JWT, here one from a trusted issuer.
pub const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

pub async fn grant(
    state: &AppState,
    client: &Client,
    form: &Form,
    binding: &Binding,
) -> Result<TokenResponse, OAuthError> {
    if form
        .get("requested_token_type")
        .is_some_and(|t| t != ACCESS_TOKEN_TYPE)
    {
        return Err(OAuthError::invalid_request(
            "only access tokens are issued by token exchange",
        ));
    }
    let now = state.clock.now();
    let subject = presented(
        state,
        client,
        form.require("subject_token")?,
        form.require("subject_token_type")?,
        Role::Subject,
        now,
    )?;
    let actor = match (form.get("actor_token"), form.get("actor_token_type")) {
        (None, None) => None,
        (Some(token), Some(kind)) => Some(presented(state, client, token, kind, Role::Actor, now)?),
        // §2.1: actor_token_type is required with, and only with, actor_token.
        _ => {
            return Err(OAuthError::invalid_request(
                "actor_token and actor_token_type go together",
            ))
        }
    };
    for p in std::iter::once(&subject).chain(actor.as_ref()) {
        if p.jkt.is_some() && p.jkt != binding.jkt {
            return Err(unacceptable(format!(
                "the {} token is DPoP-bound: exchange it with a proof of its key",
                p.role.as_str()
            )));
        }
        if p.x5t_s256.is_some() && p.x5t_s256 != binding.x5t_s256 {
            return Err(unacceptable(format!(
                "the {} token is certificate-bound: exchange it authenticated with its certificate",
                p.role.as_str()
            )));
        }
    }
    if let Some(may) = &subject.may_act {
        let allowed = match &actor {
            Some(a) => may.allows(&a.sub, Some(a.iss.as_str())),
            None => may.allows(&client.id, Some(state.issuer.as_ref())),
        };
        if !allowed {
            return Err(unacceptable(
                "the subject token's may_act does not allow this party to act for its subject",
            ));
        }
    }

    let ceiling: Vec<&str> = client
        .scopes
        .iter()
        .map(String::as_str)
        .filter(|s| {
            subject
                .scope
                .as_ref()
                .is_none_or(|own| own.iter().any(|o| o.as_str() == *s))
        })
        .collect();
    let scope = request::scope(form, &ceiling)?;
    let audience = request::audience(form, &client.audiences)?;

    let mut plan = Plan::new(state, client.token_ttl, binding)?;
    plan.exp = plan
        .exp
        .min(subject.exp)
        .min(actor.as_ref().map_or(i64::MAX, |a| a.exp));
    if plan.exp <= plan.iat {
        return Err(unacceptable("the presented tokens have expired"));
    }
    plan.act = match actor {
        Some(a) => {
            // An actor of this service is named by `sub` alone: `iss`
            // would only repeat the new token's own issuer.
            let iss = (a.iss != state.issuer.as_ref()).then_some(a.iss);
            Some(
                Actor::new(a.sub, iss)
                    .delegating(subject.act)
                    .map_err(|_| unacceptable("the delegation chain is too long"))?,
            )
        }
        None => subject.act,
    };
    let access = access::sign(state, &plan, &client.id, &subject.sub, &audience, &scope)?;
    Ok(TokenResponse {
        access,
        refresh_token: None,
        issued_token_type: Some(ACCESS_TOKEN_TYPE),
        dpop_nonce: None,
    })
}

#[derive(Clone, Copy)]
enum Role {
    Subject,
    Actor,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Subject => "subject",
            Role::Actor => "actor",
        }
    }
}

/// A verified subject or actor token, reduced to what the exchange uses.
struct Presented {
    role: Role,
    sub: String,
    /// Who `sub` is relative to (this service's issuer for its own tokens).
    iss: String,
    /// The scope it carries; `None` for a trusted issuer's JWT without one.
    scope: Option<Vec<String>>,
    exp: i64,
    act: Option<Actor>,
    may_act: Option<MayAct>,
    /// `cnf.jkt`, if the token is DPoP-bound.
    jkt: Option<String>,
    /// `cnf.x5t#S256`, if the token is certificate-bound (RFC 8705 §3).
    x5t_s256: Option<String>,
}

fn presented(
    state: &AppState,
    client: &Client,
    token: &str,
    kind: &str,
    role: Role,
    now: i64,
) -> Result<Presented, OAuthError> {
    let presented = match kind {
        ACCESS_TOKEN_TYPE => own_access_token(state, token, role, now)?,
        JWT_TYPE => trusted_jwt(state, client, token, role, now)?,
        _ => {
            return Err(OAuthError::invalid_request(format!(
                "unsupported {}_token_type",
                role.as_str()
            )))
        }
    };
    Ok(presented)
}

fn own_access_token(
    state: &AppState,
    token: &str,
    role: Role,
    now: i64,
) -> Result<Presented, OAuthError> {
    let claims = verify::access_token(state, token, now).map_err(|r| {
        tracing::info!(
            role = role.as_str(),
            reason = r.as_str(),
            "token exchange: token rejected"
        );
        unacceptable(format!(
            "the {} token is not an active access token ({})",
            role.as_str(),
            r.as_str()
        ))
    })?;
    let act = claims
        .act
        .as_ref()
        .map(Actor::from_value)
        .transpose()
        .map_err(|_| bad_claim(role, "act"))?;
    Ok(Presented {
        role,
        jkt: claims.dpop_jkt().map(str::to_string),
        x5t_s256: claims.cert_thumbprint().map(str::to_string),
        sub: claims.sub,
        iss: state.issuer.to_string(),
        scope: Some(
            claims
                .scope
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        exp: claims.exp.as_secs(),
        act,
        // This service never mints may_act.
        may_act: None,
    })
}

fn trusted_jwt(
    state: &AppState,
    client: &Client,
    token: &str,
    role: Role,
    now: i64,
) -> Result<Presented, OAuthError> {
    let trusted = trusted_issuer(state, token).map_err(|e| {
        unacceptable(format!(
            "the {} token {}",
            role.as_str(),
            match e {
                Untrusted::Malformed => "is not a JWT",
                Untrusted::NoIssuer => "has no iss",
                Untrusted::Unknown => "is from an issuer that is not trusted",
            }
        ))
    })?;
    let rules = Validation::new()
        .issuer(&trusted.issuer)
        .audience(state.issuer.as_ref())
        .audience(state.token_endpoint())
        .audience(client.id.as_str())
        .require("sub")
        .leeway(state.settings.leeway)
        .at(now);
    let claims = jwt::verify::<Claims>(token, &trusted.keys, &rules)
        .map_err(|e| {
            tracing::info!(
                role = role.as_str(),
                code = e.code(),
                "token exchange: token rejected"
            );
            unacceptable(format!(
                "the {} token is invalid ({})",
                role.as_str(),
                e.code()
            ))
        })?
        .claims;
    let scope = match claims.extra.get("scope") {
        None => None,
        Some(serde_json::Value::String(s)) => Some(
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Some(_) => return Err(bad_claim(role, "scope")),
    };
    let cnf_member = |name: &str| match claims.extra.get("cnf").map(|c| c.get(name)) {
        None | Some(None) => Ok(None),
        Some(Some(serde_json::Value::String(j))) => Ok(Some(j.clone())),
        Some(Some(_)) => Err(bad_claim(role, "cnf")),
    };
    let jkt = cnf_member("jkt")?;
    let x5t_s256 = cnf_member("x5t#S256")?;
    Ok(Presented {
        role,
        act: Actor::from_claims(&claims.extra).map_err(|_| bad_claim(role, "act"))?,
        may_act: MayAct::from_claims(&claims.extra).map_err(|_| bad_claim(role, "may_act"))?,
        // `require("sub")` and the default `exp` rule make both present.
        sub: claims.sub.ok_or_else(|| bad_claim(role, "sub"))?,
        exp: claims.exp.ok_or_else(|| bad_claim(role, "exp"))?.as_secs(),
        iss: trusted.issuer.clone(),
        scope,
        jkt,
        x5t_s256,
    })
}

fn bad_claim(role: Role, claim: &str) -> OAuthError {
    unacceptable(format!(
        "the {} token's {claim} claim is invalid",
        role.as_str()
    ))
}

/// RFC 8693 §2.2.2: "if either the subject_token or actor_token are invalid
/// for any reason, or are unacceptable based on policy", the error MUST be
/// `invalid_request`.
fn unacceptable(description: impl Into<std::borrow::Cow<'static, str>>) -> OAuthError {
    OAuthError::invalid_request(description)
}
