//! What every request handler shares, built once at start-up.

use std::sync::{Arc, RwLock};

use aws_lc_rs::digest::{digest, SHA256};
use axum::body::Bytes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jot::jwk::JwkSet;
use jot::jwks::LocalKeySet;
use jot::Algorithm;

use crate::client_assertion::ClientKeySets;
use crate::clients::Clients;
use crate::clock::SharedClock;
use crate::dpop::Dpop;
use crate::error::{Error, Result};
use crate::forward_auth::TokenCache;
use crate::keys::{ActiveKeys, KeyManager, Signer};
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::refresh::RefreshTokens;
use crate::revocation::RevocationView;
use crate::settings::{Settings, TrustedIssuerConfig};
use crate::store::Store;

/// The service's shared state (cheap to clone: every part is shared).
#[derive(Clone)]
pub struct AppState {
    /// Settings, resolved once.
    pub settings: Arc<Settings>,
    /// The issuer (`iss`), without a trailing slash.
    pub issuer: Arc<str>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The time source.
    pub clock: SharedClock,
    /// The key ring (rotation).
    pub key_manager: KeyManager,
    /// The keys loaded from the ring, swapped when it changes.
    pub keys: KeyCache,
    /// Registered clients (authentication).
    pub clients: Clients,
    /// What is revoked, polled from the store's feed.
    pub revoked: Arc<RevocationView>,
    /// Refresh-token issue and rotation.
    pub refresh: RefreshTokens,
    /// Backends trusted to assert users (jwt-bearer).
    pub trusted: Arc<Vec<TrustedIssuer>>,
    /// Forward auth's verified-token cache.
    pub token_cache: Arc<TokenCache>,
    /// Remote key sets of `private_key_jwt` clients registered by URL.
    pub client_keys: Arc<ClientKeySets>,
    /// Counters and histograms (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// The token endpoint's rate limits.
    pub rate_limits: Arc<RateLimits>,
    /// DPoP proofs: replay cache and server nonces.
    pub dpop: Arc<Dpop>,
}

impl AppState {
    /// The token endpoint's URL.
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth2/token", self.issuer)
    }
}

/// The keys of one ring epoch, prepared for signing, publishing and
/// verifying this service's own tokens.
pub struct Published {
    /// The ring as loaded.
    pub active: ActiveKeys,
    /// The JWKS response body.
    pub jwks_body: Bytes,
    /// Its strong ETag (a digest of the body).
    pub etag: String,
    /// Every published key, prepared for verification.
    pub verifier: LocalKeySet,
}

impl Published {
    fn new(active: ActiveKeys, algorithms: &[Algorithm]) -> Result<Self> {
        let jwks_body = Bytes::from(active.jwks.to_json().as_bytes().to_vec());
        let etag = format!(
            "\"{}\"",
            URL_SAFE_NO_PAD.encode(&digest(&SHA256, &jwks_body).as_ref()[..16])
        );
        let verifier = LocalKeySet::from_jwks(&active.jwks, algorithms)?;
        Ok(Published {
            active,
            jwks_body,
            etag,
            verifier,
        })
    }

    /// The key that signs access tokens: the first configured algorithm's
    /// current key.
    pub fn signer(&self) -> Option<&Signer> {
        self.active.signers.first()
    }
}

/// The current [`Published`] keys, replaced as a whole when the ring moves.
#[derive(Clone)]
pub struct KeyCache(Arc<RwLock<Arc<Published>>>);

impl KeyCache {
    /// Loads the ring now.
    pub async fn load(manager: &KeyManager) -> Result<KeyCache> {
        let published = Self::published(manager).await?;
        Ok(KeyCache(Arc::new(RwLock::new(Arc::new(published)))))
    }

    async fn published(manager: &KeyManager) -> Result<Published> {
        let active = manager.load().await?;
        Published::new(active, &manager.policy().algorithms)
    }

    /// The keys in force.
    pub fn get(&self) -> Arc<Published> {
        // A poisoned lock only means a writer panicked between two complete
        // values; the value inside is still a whole one.
        match self.0.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    /// Reloads if the ring's epoch moved (a rotation step committed here,
    /// by [`maintenance`](crate::maintenance), or on another replica).
    pub async fn refresh(&self, manager: &KeyManager) -> Result<()> {
        let epoch = manager.epoch().await?;
        if epoch != self.get().active.epoch {
            let published = Self::published(manager).await?;
            tracing::info!(
                epoch,
                keys = published.active.keys.len(),
                "signing keys reloaded"
            );
            match self.0.write() {
                Ok(mut g) => *g = Arc::new(published),
                Err(p) => *p.into_inner() = Arc::new(published),
            }
        }
        Ok(())
    }
}

/// Every public-key JWS algorithm jot supports: what a key someone else
/// holds the private half of (a trusted backend, a `private_key_jwt`
/// client) may sign with. HMAC is never among them: a shared secret
/// registered as a public key would let anyone who reads it sign.
pub fn asymmetric_algorithms() -> Vec<Algorithm> {
    Algorithm::ALL
        .iter()
        .copied()
        .filter(|a| !a.is_symmetric())
        .collect()
}

/// A backend trusted to assert users, with its keys prepared.
pub struct TrustedIssuer {
    /// Its `iss`.
    pub issuer: String,
    /// Its public keys.
    pub keys: LocalKeySet,
}

impl TrustedIssuer {
    /// Reads the issuer's key file (a JWK or a JWK Set, public parts used).
    pub fn load(config: &TrustedIssuerConfig) -> Result<TrustedIssuer> {
        let text = std::fs::read(&config.jwks_file).map_err(|e| {
            Error::io(
                format!(
                    "reading the keys of {} ({})",
                    config.issuer,
                    config.jwks_file.display()
                ),
                e,
            )
        })?;
        let set = match JwkSet::from_json(&text, &jot::limits::Limits::default()) {
            Ok(set) => set,
            Err(_) => JwkSet::new(vec![jot::jwk::Jwk::from_json(
                &text,
                &jot::limits::Limits::default(),
            )?]),
        };
        let keys = LocalKeySet::from_jwks(&set, &asymmetric_algorithms())?;
        if keys.is_empty() {
            return Err(Error::Config(format!(
                "{}: no usable public key for the trusted issuer {}",
                config.jwks_file.display(),
                config.issuer
            )));
        }
        Ok(TrustedIssuer {
            issuer: config.issuer.clone(),
            keys,
        })
    }
}
