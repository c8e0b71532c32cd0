//! The verified-token cache of forward auth: a gateway sends the same
//! bearer token with every request of a client, and a signature check costs
//! far more than a hash lookup.
//!
//! What it caches is only the outcome of the signature and claims check,
//! keyed by the token's SHA-256 digest (the token itself is not kept). What
//! can change while a token is cached is checked again on every hit:
//!
//! - expiry, exactly, against the clock (an entry never outlives `exp`);
//! - revocation, against the in-memory [`RevocationView`] (a denylisted or
//!   cut-off token is refused on the hit that follows the revocation);
//! - the key ring: an entry verified under another ring epoch is verified
//!   again, so a key removed from the ring takes its tokens with it.
//!
//! [`RevocationView`]: crate::revocation::RevocationView

use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::store::Digest;
use crate::verify::AccessClaims;

/// A verified token as cached.
#[derive(Debug)]
pub struct Entry {
    /// Its claims.
    pub claims: AccessClaims,
    /// The key-ring epoch it was verified under.
    pub epoch: i64,
}

/// A bounded map from token digest to verified claims (`None` when
/// disabled by a size of 0).
pub struct TokenCache(Option<Cache<Digest, Arc<Entry>>>);

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("entries", &self.0.as_ref().map_or(0, Cache::len))
            .finish()
    }
}

impl TokenCache {
    /// A cache of at most `entries` tokens (0: no cache).
    pub fn new(entries: usize) -> Self {
        TokenCache((entries > 0).then(|| Cache::new(entries)))
    }

    /// The entry for `token`'s digest verified under `epoch`, if cached.
    /// An entry of another epoch is dropped.
    pub fn get(&self, digest: &Digest, epoch: i64) -> Option<Arc<Entry>> {
        let cache = self.0.as_ref()?;
        let entry = cache.get(digest)?;
        if entry.epoch == epoch {
            Some(entry)
        } else {
            cache.remove(digest);
            None
        }
    }

    /// Caches a verified token.
    pub fn insert(&self, digest: Digest, entry: Entry) {
        if let Some(cache) = &self.0 {
            cache.insert(digest, Arc::new(entry));
        }
    }

    /// Forgets a token (expired or revoked: it will not pass again).
    pub fn remove(&self, digest: &Digest) {
        if let Some(cache) = &self.0 {
            cache.remove(digest);
        }
    }

    /// How many tokens are cached.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, Cache::len)
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
