//! Access tokens: RFC 9068 JWTs signed with the ring's current key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jot::jwt::Builder;

use crate::oauth_error::OAuthError;
use crate::state::AppState;
use crate::store::MintedAccess;

/// The `typ` header of access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// What a token request proved possession of, which its access token is
/// bound to (`cnf`, RFC 7800): a DPoP key, a TLS client certificate, or
/// both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    /// `jkt` (RFC 9449 §6.1): the thumbprint of the DPoP proof's key.
    pub jkt: Option<String>,
    /// `x5t#S256` (RFC 8705 §3.1): the thumbprint of the certificate the
    /// client authenticated with.
    pub x5t_s256: Option<String>,
}

/// What an access token says, decided before it is signed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `jti`, random.
    pub jti: String,
    /// `iat`.
    pub iat: i64,
    /// `exp`.
    pub exp: i64,
    /// `cnf`: the key and/or certificate the token is bound to.
    pub binding: Binding,
    /// `act` (RFC 8693 §4.1): who acts for the subject, for a token minted
    /// by a delegating token exchange.
    pub act: Option<jot::jwt::Actor>,
}

impl Plan {
    /// A new token's identity and lifetime: the client's `ttl`, capped at
    /// the service's longest (keys stay published that long after they
    /// stop signing), and never ending in the past.
    pub fn new(state: &AppState, ttl: i64, binding: &Binding) -> Result<Plan, OAuthError> {
        let max = i64::try_from(state.settings.keys.max_token_ttl.as_secs()).unwrap_or(i64::MAX);
        let ttl = ttl.clamp(1, max.max(1));
        let mut id = [0u8; 16];
        aws_lc_rs::rand::fill(&mut id).map_err(|_| crate::Error::Random)?;
        let iat = state.clock.now();
        Ok(Plan {
            jti: URL_SAFE_NO_PAD.encode(id),
            iat,
            exp: iat.saturating_add(ttl),
            binding: binding.clone(),
            act: None,
        })
    }

    /// What the store records for a refresh family.
    pub fn minted(&self) -> MintedAccess {
        MintedAccess {
            jti: self.jti.clone(),
            exp: self.exp,
        }
    }
}

/// A signed access token.
pub struct Minted {
    /// The JWT.
    pub token: String,
    /// Seconds until `exp`.
    pub expires_in: i64,
    /// The granted scope.
    pub scope: String,
    /// `DPoP` for a token bound to a DPoP key, else `Bearer` (RFC 9449
    /// §5: the response's `token_type`; a certificate-bound token stays
    /// `Bearer`, RFC 8705 §3).
    pub token_type: &'static str,
}

/// Signs the access token `plan` describes.
pub fn sign(
    state: &AppState,
    plan: &Plan,
    client_id: &str,
    subject: &str,
    audience: &str,
    scope: &str,
) -> Result<Minted, OAuthError> {
    let keys = state.keys.get();
    let signer = keys.signer().ok_or_else(|| {
        tracing::error!("no current signing key: cannot issue tokens");
        OAuthError::server_error()
    })?;
    let mut builder = Builder::new();
    let mut cnf = serde_json::Map::new();
    if let Some(jkt) = &plan.binding.jkt {
        cnf.insert("jkt".into(), jkt.as_str().into());
    }
    if let Some(x5t) = &plan.binding.x5t_s256 {
        cnf.insert("x5t#S256".into(), x5t.as_str().into());
    }
    if !cnf.is_empty() {
        builder = builder.claim("cnf", cnf).map_err(crate::Error::Key)?;
    }
    if let Some(act) = &plan.act {
        builder = builder
            .claim("act", act.to_value())
            .map_err(crate::Error::Key)?;
    }
    let token = builder
        .typ(Some(ACCESS_TOKEN_TYPE))
        .issuer(state.issuer.as_ref())
        .subject(subject)
        .audience(audience)
        .at(plan.iat)
        .expires_at(plan.exp)
        .jwt_id(plan.jti.clone())
        .claim("client_id", client_id)
        .and_then(|b| b.claim("scope", scope))
        .and_then(|b| b.sign(&signer.key))
        .map_err(crate::Error::Key)?;
    Ok(Minted {
        token,
        expires_in: plan.exp - plan.iat,
        scope: scope.to_string(),
        token_type: if plan.binding.jkt.is_some() {
            "DPoP"
        } else {
            "Bearer"
        },
    })
}
