//! Loading, rotating and sealing the key ring against the store.

use std::sync::Arc;

use jot::jwk::{Jwk, JwkSet, KeyUse, ThumbprintHash};
use jot::key::SigningKey;
use jot::Algorithm;

use super::kek::{Kek, KekSource};
use super::lifecycle::{plan, plan_retire, plan_rotate_now, KeyPolicy, Step};
use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::store::{KeyChange, KeyRing, KeyState, Store, StoredKey};

/// How often a batch is re-planned when other replicas keep committing
/// first; each loss means the ring moved, so a few tries always suffice.
const MAX_ATTEMPTS: usize = 5;

/// A key that signs, ready to use.
#[derive(Debug)]
pub struct Signer {
    /// Its `kid` (RFC 7638 thumbprint).
    pub kid: String,
    /// Its algorithm.
    pub alg: Algorithm,
    /// The prepared key, with `kid` set for the JWS header.
    pub key: SigningKey,
}

/// The keys one replica signs and publishes with, as of one ring epoch.
#[derive(Debug)]
pub struct ActiveKeys {
    /// The ring epoch these were loaded at.
    pub epoch: i64,
    /// One signer per configured algorithm that has a `current` key, in the
    /// policy's order (the first is the default).
    pub signers: Vec<Signer>,
    /// The public JWKS: every `next`, `current` and `retired` key.
    pub jwks: JwkSet,
    /// Every stored key's metadata (no key material).
    pub keys: Vec<StoredKey>,
}

impl ActiveKeys {
    /// The signer for `alg`, if that algorithm has a current key.
    pub fn signer(&self, alg: Algorithm) -> Option<&Signer> {
        self.signers.iter().find(|s| s.alg == alg)
    }
}

/// The key ring of one store, under one KEK and policy.
#[derive(Debug, Clone)]
pub struct KeyManager {
    store: Arc<dyn Store>,
    kek: Arc<Kek>,
    kek_source: Option<KekSource>,
    policy: KeyPolicy,
    clock: SharedClock,
}

impl KeyManager {
    /// Checks the policy and the KEK against the store
    /// ([`Error::WrongKek`] if the store was set up under another KEK).
    pub async fn new(
        store: Arc<dyn Store>,
        kek: Kek,
        policy: KeyPolicy,
        clock: SharedClock,
    ) -> Result<Self> {
        policy.validate()?;
        kek.check(store.as_ref()).await?;
        Ok(KeyManager {
            store,
            kek: Arc::new(kek),
            kek_source: None,
            policy,
            clock,
        })
    }

    /// The key manager `jot serve` and `jot keys` use: the KEK from
    /// `JOT_KEK`, `--kek-file` or the data dir (generated there on first
    /// use), checked against `store`, and the policy from the flags.
    pub async fn open(
        store: Arc<dyn Store>,
        options: &crate::config::StoreOptions,
        keys: &crate::config::KeyOptions,
        clock: SharedClock,
    ) -> Result<Self> {
        let (kek, source) = Kek::load(options)?;
        tracing::info!(?source, "key-encryption key loaded");
        let mut manager = Self::new(store, kek, keys.policy(), clock).await?;
        manager.kek_source = Some(source);
        Ok(manager)
    }

    /// Where [`open`](Self::open) found the KEK (`None` when it was given
    /// to [`new`](Self::new)): a command-line tool tells its user when it
    /// was generated.
    pub fn kek_source(&self) -> Option<&KekSource> {
        self.kek_source.as_ref()
    }

    /// The policy in force.
    pub fn policy(&self) -> &KeyPolicy {
        &self.policy
    }

    /// Applies the steps due now ([`plan`]). Every replica may call it on
    /// every tick; the store's epoch check makes exactly one commit each
    /// change. Returns whether this call committed one.
    pub async fn maintain(&self) -> Result<bool> {
        let policy = self.policy.clone();
        self.apply("schedule", move |ring, now| {
            Ok(plan(&ring.keys, &policy, now))
        })
        .await
    }

    /// Rotates now (`jot keys rotate`): for `alg`, or every configured
    /// algorithm when `None`.
    pub async fn rotate_now(&self, alg: Option<Algorithm>) -> Result<()> {
        let algs = match alg {
            Some(a) => vec![a],
            None => self.policy.algorithms.clone(),
        };
        self.apply("cli", move |ring, _| Ok(plan_rotate_now(&ring.keys, &algs)))
            .await
            .map(drop)
    }

    /// Retires one key now (`jot keys retire KID`).
    pub async fn retire(&self, kid: &str) -> Result<()> {
        self.apply("cli", |ring, _| plan_retire(&ring.keys, kid))
            .await
            .map(drop)
    }

    /// Commits the steps `decide` finds due; `by` names who asked, for the
    /// audit events (`"schedule"` or `"cli"`).
    async fn apply(
        &self,
        by: &str,
        decide: impl Fn(&KeyRing, i64) -> Result<Vec<Step>>,
    ) -> Result<bool> {
        for _ in 0..MAX_ATTEMPTS {
            let ring = self.store.key_ring().await?;
            let now = self.clock.now();
            let steps = decide(&ring, now)?;
            if steps.is_empty() {
                return Ok(false);
            }
            let changes = steps
                .iter()
                .map(|s| self.change(s, now))
                .collect::<Result<Vec<_>>>()?;
            if self.store.commit_key_changes(ring.epoch, &changes).await? {
                for s in &steps {
                    crate::audit::key_ring_changed(s, by);
                }
                return Ok(true);
            }
        }
        Err(Error::Config(
            "the key ring kept changing under this replica; try again".into(),
        ))
    }

    fn change(&self, step: &Step, now: i64) -> Result<KeyChange> {
        Ok(match step {
            Step::Create { alg, state } => KeyChange::Insert(self.generate(*alg, *state, now)?),
            Step::SetState { kid, to } => KeyChange::SetState {
                kid: kid.clone(),
                to: *to,
                at: now,
            },
            Step::Remove { kid } => KeyChange::Remove { kid: kid.clone() },
        })
    }

    /// A fresh key for `alg` made by the jot library, `kid` = its RFC 7638
    /// thumbprint, the private JWK sealed under the KEK.
    fn generate(&self, alg: Algorithm, state: KeyState, now: i64) -> Result<StoredKey> {
        let jwk = jot::key::generate_for(alg)?;
        let kid = jwk.thumbprint(ThumbprintHash::Sha256);
        let jwk = jwk.with_kid(kid.clone()).with_use(KeyUse::Sig);
        let public_jwk = jwk.to_public()?.to_json().to_string();
        // Wiped when dropped (`Jwk::to_json` returns it so).
        let private = jwk.to_json();
        Ok(StoredKey {
            private_sealed: self.kek.seal_key(&kid, private.as_bytes())?,
            kid,
            alg: alg.name().to_string(),
            state,
            created_at: now,
            activated_at: (state == KeyState::Current).then_some(now),
            retired_at: None,
            public_jwk,
        })
    }

    /// The ring's epoch (cheap: poll it, and [`load`](Self::load) when it moves).
    pub async fn epoch(&self) -> Result<i64> {
        self.store.key_epoch().await
    }

    /// Loads the ring: the signers of the `current` keys (opened with the
    /// KEK) and the public JWKS.
    pub async fn load(&self) -> Result<ActiveKeys> {
        let ring = self.store.key_ring().await?;
        let mut published = Vec::with_capacity(ring.keys.len());
        for k in &ring.keys {
            published.push(Jwk::from_json(
                k.public_jwk.as_bytes(),
                &Default::default(),
            )?);
        }
        let mut signers = Vec::new();
        for alg in &self.policy.algorithms {
            let current = ring
                .keys
                .iter()
                .filter(|k| k.alg == alg.name() && k.state == KeyState::Current)
                .max_by_key(|k| k.activated_at.unwrap_or(k.created_at));
            if let Some(k) = current {
                let private = self.kek.open_key(&k.kid, &k.private_sealed)?;
                let jwk = Jwk::from_json(&private, &Default::default())?;
                signers.push(Signer {
                    kid: k.kid.clone(),
                    alg: *alg,
                    key: SigningKey::from_jwk(&jwk, *alg)?.with_kid(k.kid.clone()),
                });
            }
        }
        Ok(ActiveKeys {
            epoch: ring.epoch,
            signers,
            jwks: JwkSet::new(published),
            keys: ring.keys,
        })
    }
}
