//! A verifier for services: trusted issuers, each with its own keys and
//! rules, shared by every request (feature `remote`).
//!
//! With several issuers the token's `iss` is read before verification, but
//! only to pick the candidate: the token is then verified with that
//! issuer's keys and rules, which require `iss` to be that issuer. A token
//! signed by issuer A that claims to come from B is checked against B's keys
//! and fails; nothing is ever "tried against every issuer".

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::alg::Algorithm;
use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::jwks::{LocalKeySet, RemoteJwks};
use crate::jws::compact;
use crate::jwt::{self, Validation, Verified};
use crate::key::VerifyingKey;

/// Where an issuer's keys come from: a remote JWK Set, or keys held locally.
#[derive(Debug, Clone)]
pub struct KeySource(Source);

#[derive(Debug, Clone)]
enum Source {
    Remote(RemoteJwks),
    Local(Arc<LocalKeySet>),
}

impl From<RemoteJwks> for KeySource {
    fn from(r: RemoteJwks) -> Self {
        KeySource(Source::Remote(r))
    }
}

impl From<LocalKeySet> for KeySource {
    fn from(s: LocalKeySet) -> Self {
        KeySource(Source::Local(Arc::new(s)))
    }
}

impl From<Arc<LocalKeySet>> for KeySource {
    fn from(s: Arc<LocalKeySet>) -> Self {
        KeySource(Source::Local(s))
    }
}

impl From<VerifyingKey> for KeySource {
    fn from(k: VerifyingKey) -> Self {
        LocalKeySet::one(k).into()
    }
}

/// Several keys are a set, by the rules of [`LocalKeySet::from_keys`].
impl TryFrom<Vec<VerifyingKey>> for KeySource {
    type Error = Error;

    fn try_from(keys: Vec<VerifyingKey>) -> Result<Self> {
        Ok(LocalKeySet::from_keys(keys)?.into())
    }
}

/// One trusted issuer: its exact `iss`, its keys, and the rules its tokens
/// must meet. The rules always require `iss` to be this issuer.
#[derive(Debug, Clone)]
#[must_use]
pub struct Issuer {
    issuer: String,
    keys: KeySource,
    validation: Validation,
}

impl Issuer {
    /// An issuer with the default rules ([`Validation::new`] plus this
    /// issuer). Add audiences: a token with `aud` is rejected when none is
    /// configured.
    pub fn new(issuer: impl Into<String>, keys: impl Into<KeySource>) -> Self {
        let issuer = issuer.into();
        Issuer {
            validation: Validation::new().issuer(issuer.clone()),
            issuer,
            keys: keys.into(),
        }
    }

    /// Discovers `issuer` (OIDC, then RFC 8414) and uses its `jwks_uri` with
    /// the default cache settings; the document is kept and revalidated like
    /// the key set, so a changed `jwks_uri` is followed.
    pub async fn discover(issuer: &str) -> Result<Self> {
        Ok(Issuer::new(issuer, RemoteJwks::discover(issuer).await?))
    }

    /// Accepts this audience. Call again for more.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.validation = self.validation.audience(aud);
        self
    }

    /// Restricts the algorithms accepted for this issuer.
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.validation = self.validation.algorithms(algs);
        self
    }

    /// Replaces the rules. Whatever issuers `validation` names, only this
    /// issuer is accepted.
    pub fn validation(mut self, mut validation: Validation) -> Self {
        validation.issuers = vec![self.issuer.clone()];
        self.validation = validation;
        self
    }

    /// The issuer identifier.
    pub fn name(&self) -> &str {
        &self.issuer
    }

    /// The rules in force for this issuer.
    pub fn rules(&self) -> &Validation {
        &self.validation
    }

    async fn verify<T: DeserializeOwned>(&self, token: &str) -> Result<Verified<T>> {
        match &self.keys.0 {
            Source::Remote(remote) => remote.verify(token, &self.validation).await,
            Source::Local(set) => jwt::verify(token, &**set, &self.validation),
        }
    }
}

/// Verifies tokens from one or more [`Issuer`]s. `Send + Sync`, and a clone
/// is a reference count: build one at start-up and share it.
///
/// ```no_run
/// # async fn run(token: &str) -> jot::Result<()> {
/// use jot::jwks::RemoteJwks;
/// use jot::jwt::Claims;
/// use jot::verifier::{Issuer, Verifier};
///
/// let jwks = RemoteJwks::new("https://id.example/.well-known/jwks.json")?;
/// let verifier = Verifier::new(Issuer::new("https://id.example", jwks).audience("api"));
/// let verified = verifier.verify::<Claims>(token).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    issuers: Arc<Vec<Issuer>>,
}

impl Verifier {
    /// A verifier trusting one issuer.
    pub fn new(issuer: Issuer) -> Self {
        Verifier {
            issuers: Arc::new(vec![issuer]),
        }
    }

    /// Also trusts `issuer` (replacing one with the same identifier).
    #[must_use]
    pub fn with_issuer(mut self, issuer: Issuer) -> Self {
        let list = Arc::make_mut(&mut self.issuers);
        list.retain(|i| i.issuer != issuer.issuer);
        list.push(issuer);
        self
    }

    /// The trusted issuers.
    pub fn issuers(&self) -> &[Issuer] {
        &self.issuers
    }

    /// Verifies a compact JWT: picks the issuer named by its (unverified)
    /// `iss`, verifies the signature with that issuer's keys, then checks
    /// that issuer's rules. An `iss` no issuer has is
    /// [`Error::IssuerMismatch`]; a missing one is
    /// [`Error::MissingClaim`].
    pub async fn verify<T: DeserializeOwned>(&self, token: &str) -> Result<Verified<T>> {
        let issuer = match self.issuers.as_slice() {
            // One issuer: its rules require `iss` anyway, after the signature.
            [only] => only,
            [first, ..] => {
                let many = self.issuers.as_slice();
                let iss = unverified_issuer(token, &first.validation)?
                    .ok_or_else(|| Error::MissingClaim("iss".into()))?;
                many.iter()
                    .find(|i| i.issuer == iss)
                    .ok_or(Error::IssuerMismatch)?
            }
            // `Verifier::new` takes an issuer, so this cannot happen.
            [] => return Err(Error::IssuerMismatch),
        };
        issuer.verify(token).await
    }
}

/// The payload's `iss`, read without verification to choose whose keys and
/// rules verify the token. Within the token length limit; the payload is
/// parsed again, strictly, after the signature.
fn unverified_issuer(token: &str, rules: &Validation) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Iss {
        iss: Option<String>,
    }
    let parts = compact::split(token, &rules.limits)?;
    let payload = b64::decode(parts.payload, Part::Payload)?;
    let found: Iss =
        serde_json::from_slice(&payload).map_err(|e| Error::json(Part::Payload, &e))?;
    Ok(found.iss)
}
