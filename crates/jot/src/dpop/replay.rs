//! Replay defence (RFC 9449 §11.1): a proof is single-use. The server
//! remembers each proof it accepted until the proof would be too old anyway,
//! and refuses one it has seen.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

use crate::encoding::b64;
use crate::error::{DpopError, Error, Result};

/// What identifies one proof: SHA-256 over the proof key's thumbprint and
/// the proof's `jti`. Scoped to the key, so a client can only collide with
/// its own proofs; hashed, so an entry has a fixed size however long the
/// `jti` a client sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayId([u8; 32]);

impl ReplayId {
    pub(crate) fn new(jkt: &str, jti: &str) -> Self {
        let mut input = Vec::with_capacity(jkt.len() + 1 + jti.len());
        input.extend_from_slice(jkt.as_bytes());
        // The thumbprint is base64url, so it never contains '.': the
        // boundary between the two is unambiguous.
        input.push(b'.');
        input.extend_from_slice(jti.as_bytes());
        ReplayId(crate::backend::sha256(&input))
    }

    /// The 32 bytes, for a store's key column.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for ReplayId {
    /// base64url, 43 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0))
    }
}

impl fmt::Debug for ReplayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplayId({self})")
    }
}

/// Where accepted proofs are remembered. Implement it over a shared store
/// (a database table with `id` as primary key) when several servers accept
/// proofs for the same tokens; [`MemoryReplayCache`] serves one process.
pub trait ReplayCache: Send + Sync {
    /// Remembers `id` until `expires_at` (UNIX seconds) and returns `true`
    /// if it was not already remembered (the proof's first use), `false` if
    /// it was (a replay). `now` is the verifier's clock, for purging.
    fn first_use(&self, id: &ReplayId, expires_at: i64, now: i64) -> Result<bool>;
}

/// A [`ReplayCache`] in memory, for one process, holding at most
/// `capacity` live entries.
///
/// When every slot holds a proof that has not expired, a new proof is
/// refused ([`DpopError::ReplayCacheFull`]) rather than accepted without
/// being remembered (which would let it be replayed) or evicting a live one
/// (which would let that one be replayed). Size it for the proofs accepted
/// within one proof lifetime (`max_age` + leeway of [`super::ProofOptions`]);
/// an entry costs about 80 bytes.
pub struct MemoryReplayCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    until: HashMap<ReplayId, i64>,
    /// Insertion order with each entry's expiry. Proofs are accepted only
    /// within a fixed window after their `iat`, so insertion order is close
    /// to expiry order and purging from the front finds the expired ones.
    order: VecDeque<(ReplayId, i64)>,
}

impl MemoryReplayCache {
    /// A cache for at most `capacity` live proofs.
    pub fn new(capacity: usize) -> Self {
        MemoryReplayCache {
            capacity,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// How many proofs are remembered now (expired ones not yet purged
    /// included).
    pub fn len(&self) -> usize {
        self.lock().until.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic elsewhere while holding the lock leaves the maps
        // consistent (every mutation is a single insert or remove).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for MemoryReplayCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl ReplayCache for MemoryReplayCache {
    fn first_use(&self, id: &ReplayId, expires_at: i64, now: i64) -> Result<bool> {
        let mut e = self.lock();
        while let Some(&(old, until)) = e.order.front() {
            if until > now {
                break;
            }
            e.order.pop_front();
            if e.until.get(&old) == Some(&until) {
                e.until.remove(&old);
            }
        }
        if let Some(&until) = e.until.get(id) {
            if until > now {
                return Ok(false);
            }
        }
        if e.until.len() >= self.capacity {
            // Entries that expired out of insertion order are still here;
            // one full sweep before refusing.
            e.until.retain(|_, until| *until > now);
            let Entries { until, order } = &mut *e;
            order.retain(|(id, u)| until.get(id) == Some(u));
            if e.until.len() >= self.capacity {
                return Err(Error::Dpop(DpopError::ReplayCacheFull));
            }
        }
        e.until.insert(*id, expires_at);
        e.order.push_back((*id, expires_at));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ReplayId {
        ReplayId::new("jkt", &n.to_string())
    }

    #[test]
    fn a_proof_is_accepted_once_until_it_expires() {
        let c = MemoryReplayCache::new(10);
        assert!(c.first_use(&id(1), 100, 0).unwrap());
        assert!(!c.first_use(&id(1), 100, 50).unwrap());
        assert!(c.first_use(&id(2), 100, 50).unwrap());
        // After its expiry the entry is gone (the proof itself is too old by
        // then, which the verifier checks).
        assert!(c.first_use(&id(1), 200, 100).unwrap());
    }

    #[test]
    fn a_full_cache_refuses_instead_of_forgetting_live_proofs() {
        let c = MemoryReplayCache::new(2);
        assert!(c.first_use(&id(1), 100, 0).unwrap());
        assert!(c.first_use(&id(2), 100, 0).unwrap());
        assert_eq!(
            c.first_use(&id(3), 100, 0),
            Err(Error::Dpop(DpopError::ReplayCacheFull))
        );
        // Both live proofs are still remembered.
        assert!(!c.first_use(&id(1), 100, 0).unwrap());
        assert!(!c.first_use(&id(2), 100, 0).unwrap());
        // Once they expire there is room again.
        assert!(c.first_use(&id(3), 200, 100).unwrap());
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn entries_expiring_out_of_order_are_swept_when_full() {
        let c = MemoryReplayCache::new(2);
        assert!(c.first_use(&id(1), 1_000, 0).unwrap());
        assert!(c.first_use(&id(2), 10, 0).unwrap());
        // id(2) expired but sits behind a live entry in insertion order.
        assert!(c.first_use(&id(3), 1_000, 20).unwrap());
        assert!(!c.first_use(&id(1), 1_000, 20).unwrap());
    }

    #[test]
    fn ids_are_scoped_to_the_key() {
        assert_ne!(ReplayId::new("a", "1"), ReplayId::new("b", "1"));
        assert_ne!(ReplayId::new("a", "1"), ReplayId::new("a", "2"));
        assert_eq!(ReplayId::new("a", "1").to_string().len(), 43);
    }
}
