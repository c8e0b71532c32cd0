//! The clients that recently authenticated with their secret, kept for a
//! short while so that a busy client's token and introspection requests do
//! not each read the store twice (on SQLite each read is two thread hand-offs
//! through sqlx's connection worker, most of what such a request costs).
//!
//! Only a success is kept, and only a success is answered from here: a
//! presented secret whose digest is not the kept one goes to the store as if
//! nothing were kept. So a wrong secret and an unknown id still cost the
//! same (the store's decoy comparison), a rotated secret's new value works at
//! once, and what can be stale is bounded by [`TTL`]: for that long after
//! `jot client rotate-secret` or `jot client remove` in another process (or
//! on another replica), the old secret still authenticates and the client's
//! old scopes, audiences and grants still apply.

use std::time::{Duration, Instant};

use quick_cache::sync::Cache;

use crate::store::{Client, Digest};

/// How long a success is reused: the longest a change made outside this
/// process takes to reach it (the revocation feed is polled every 250 ms).
pub const TTL: Duration = Duration::from_secs(1);

/// Clients kept at most: only clients that authenticated are kept, so this
/// bounds memory only against a registry larger than the busy set.
const CAPACITY: usize = 10_000;

/// Recently authenticated clients, by id.
#[derive(Debug)]
pub struct ClientCache {
    entries: Cache<String, (Client, Instant)>,
    ttl: Duration,
}

impl ClientCache {
    /// A cache reusing a success for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        ClientCache {
            entries: Cache::new(CAPACITY),
            ttl,
        }
    }

    /// The client `id` if it authenticated with the secret whose digest is
    /// `presented` less than the TTL ago. The digests are compared in
    /// constant time.
    pub fn authenticated(&self, id: &str, presented: &Digest) -> Option<Client> {
        let (client, at) = self.entries.get(id)?;
        if at.elapsed() >= self.ttl {
            self.entries.remove(id);
            return None;
        }
        aws_lc_rs::constant_time::verify_slices_are_equal(
            presented.as_bytes(),
            client.secret_digest.as_bytes(),
        )
        .ok()
        .map(|()| client)
    }

    /// Keeps `client`, which just authenticated with its secret.
    pub fn insert(&self, client: &Client) {
        self.entries
            .insert(client.id.clone(), (client.clone(), Instant::now()));
    }

    /// Forgets `id` (its secret changed or it was removed here).
    pub fn forget(&self, id: &str) {
        self.entries.remove(id);
    }
}
