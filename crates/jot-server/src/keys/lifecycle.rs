//! When keys change state: `next` → `current` → `retired` → removed.
//!
//! [`plan`] is a pure function of the stored ring, the policy and the time,
//! so every replica computes the same steps, and the store's epoch check
//! lets exactly one of them commit each batch.

use std::time::Duration;

use jot::Algorithm;

use crate::error::{Error, Result};
use crate::store::{KeyState, StoredKey};

/// How signing keys are rotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicy {
    /// The algorithms to keep a signing key for; the first is the default.
    pub algorithms: Vec<Algorithm>,
    /// How long a key signs before its successor takes over.
    pub rotation_period: Duration,
    /// How long a successor is published (as `next`) before it signs: at
    /// least the JWKS `max-age`, so every verifier that follows
    /// `Cache-Control` has it before it sees a token signed with it.
    pub publish_ahead: Duration,
    /// The `max-age` the JWKS is served with.
    pub jwks_max_age: Duration,
    /// The longest access-token lifetime the service issues: a retired key
    /// stays published this long (plus `jwks_max_age`) after it stops
    /// signing, so every token it signed verifies until it expires.
    pub max_token_ttl: Duration,
}

impl Default for KeyPolicy {
    fn default() -> Self {
        KeyPolicy {
            algorithms: vec![Algorithm::ES256],
            rotation_period: Duration::from_secs(30 * 86_400),
            publish_ahead: Duration::from_secs(3_600),
            jwks_max_age: Duration::from_secs(300),
            max_token_ttl: Duration::from_secs(86_400),
        }
    }
}

impl KeyPolicy {
    /// Checks the policy's internal consistency.
    pub fn validate(&self) -> Result<()> {
        if self.algorithms.is_empty() {
            return Err(Error::Config(
                "at least one signing algorithm is needed".into(),
            ));
        }
        for alg in &self.algorithms {
            if alg.family() == jot::alg::Family::Hmac {
                return Err(Error::Config(format!(
                    "{} is symmetric: a token service publishes public keys, so it signs with \
                     RS*, PS*, ES* or EdDSA",
                    alg.name()
                )));
            }
        }
        if self.publish_ahead < self.jwks_max_age {
            return Err(Error::Config(
                "publish-ahead must be at least the JWKS max-age, or verifiers may meet a key \
                 they cannot know yet"
                    .into(),
            ));
        }
        if self.rotation_period <= self.publish_ahead {
            return Err(Error::Config(
                "the rotation period must be longer than the publish-ahead time".into(),
            ));
        }
        Ok(())
    }

    fn secs(d: Duration) -> i64 {
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
    }
}

/// One decided change, before keys are generated for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Generate a key for `alg` and store it in `state`.
    Create {
        /// Its algorithm.
        alg: Algorithm,
        /// `Next` on schedule; `Current` when an algorithm has no signing key
        /// at all (first start, or a forced rotation without a `next`).
        state: KeyState,
    },
    /// Move a key to a new state.
    SetState {
        /// The key.
        kid: String,
        /// Its new state.
        to: KeyState,
    },
    /// Stop publishing a key.
    Remove {
        /// The key.
        kid: String,
    },
}

/// The steps due at `now`. Empty when the ring is as it should be.
///
/// Per configured algorithm: with no `current` key, the `next` one is
/// promoted (or a key is created as `current`: nobody can hold a token to
/// be confused by it). A `current` key activated at `a` gets a `next` from
/// `a + rotation_period - publish_ahead` on, and hands over at
/// `a + rotation_period`, once that `next` has been published for
/// `publish_ahead`. A key retired at `r` is removed at
/// `r + max_token_ttl + jwks_max_age`. Keys of algorithms no longer
/// configured retire (`current`) or go (`next`).
pub fn plan(keys: &[StoredKey], policy: &KeyPolicy, now: i64) -> Vec<Step> {
    let period = KeyPolicy::secs(policy.rotation_period);
    let ahead = KeyPolicy::secs(policy.publish_ahead);
    let keep_retired =
        KeyPolicy::secs(policy.max_token_ttl).saturating_add(KeyPolicy::secs(policy.jwks_max_age));
    let mut steps = Vec::new();
    for alg in &policy.algorithms {
        let of = |state| in_state(keys, *alg, state);
        let next = of(KeyState::Next).min_by_key(|k| k.created_at);
        let current = of(KeyState::Current).max_by_key(|k| k.activated_at.unwrap_or(k.created_at));
        // Two current keys of one algorithm cannot be produced by `plan`;
        // should one appear, the older retires.
        for extra in of(KeyState::Current)
            .filter(|k| Some(k.kid.as_str()) != current.map(|c| c.kid.as_str()))
        {
            steps.push(Step::SetState {
                kid: extra.kid.clone(),
                to: KeyState::Retired,
            });
        }
        match current {
            None => steps.push(match next {
                Some(n) => Step::SetState {
                    kid: n.kid.clone(),
                    to: KeyState::Current,
                },
                None => Step::Create {
                    alg: *alg,
                    state: KeyState::Current,
                },
            }),
            Some(c) => {
                let due = c
                    .activated_at
                    .unwrap_or(c.created_at)
                    .saturating_add(period);
                match next {
                    None if now >= due.saturating_sub(ahead) => {
                        steps.push(Step::Create {
                            alg: *alg,
                            state: KeyState::Next,
                        });
                    }
                    Some(n) if now >= due && now >= n.created_at.saturating_add(ahead) => {
                        steps.push(Step::SetState {
                            kid: c.kid.clone(),
                            to: KeyState::Retired,
                        });
                        steps.push(Step::SetState {
                            kid: n.kid.clone(),
                            to: KeyState::Current,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    for k in keys {
        let configured = policy.algorithms.iter().any(|a| a.name() == k.alg);
        match k.state {
            KeyState::Current if !configured => {
                steps.push(Step::SetState {
                    kid: k.kid.clone(),
                    to: KeyState::Retired,
                });
            }
            KeyState::Next if !configured => steps.push(Step::Remove { kid: k.kid.clone() }),
            KeyState::Retired
                if now
                    >= k.retired_at
                        .unwrap_or(k.created_at)
                        .saturating_add(keep_retired) =>
            {
                steps.push(Step::Remove { kid: k.kid.clone() });
            }
            _ => {}
        }
    }
    steps
}

fn in_state(
    keys: &[StoredKey],
    alg: Algorithm,
    state: KeyState,
) -> impl Iterator<Item = &StoredKey> {
    keys.iter()
        .filter(move |k| k.alg == alg.name() && k.state == state)
}

/// The steps of an immediate rotation (`jot keys rotate`) for `algs`: each
/// `current` key retires, and the `next` one (or, without one, a new key)
/// signs from now on. A verifier meets the new `kid` before its JWKS cache
/// expires only when there was no `next`; jot's remote key sets refetch
/// for an unknown `kid`.
pub fn plan_rotate_now(keys: &[StoredKey], algs: &[Algorithm]) -> Vec<Step> {
    let mut steps = Vec::new();
    for alg in algs {
        let of = |state| in_state(keys, *alg, state);
        for c in of(KeyState::Current) {
            steps.push(Step::SetState {
                kid: c.kid.clone(),
                to: KeyState::Retired,
            });
        }
        steps.push(match of(KeyState::Next).min_by_key(|k| k.created_at) {
            Some(n) => Step::SetState {
                kid: n.kid.clone(),
                to: KeyState::Current,
            },
            None => Step::Create {
                alg: *alg,
                state: KeyState::Current,
            },
        });
    }
    steps
}

/// The steps of retiring one key (`jot keys retire KID`): a `current` key
/// is replaced at once as by [`plan_rotate_now`]; a `next` key retires
/// without ever signing. [`Error::NotFound`] for an unknown `kid`,
/// [`Error::Config`] for a key already retired.
pub fn plan_retire(keys: &[StoredKey], kid: &str) -> Result<Vec<Step>> {
    let key = keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or_else(|| Error::NotFound {
            kind: "key",
            id: kid.into(),
        })?;
    match key.state {
        KeyState::Retired => Err(Error::Config(format!("key {kid} is already retired"))),
        KeyState::Next => Ok(vec![Step::SetState {
            kid: kid.into(),
            to: KeyState::Retired,
        }]),
        KeyState::Current => {
            let alg = Algorithm::from_name(&key.alg).ok_or_else(|| {
                Error::Config(format!("key {kid} has an unknown algorithm {}", key.alg))
            })?;
            Ok(plan_rotate_now(keys, &[alg]))
        }
    }
}
