//! The storage trait: everything the service keeps, with the exact
//! semantics every backend implements.
//!
//! Two backends implement it: embedded SQLite (the default, one file under
//! the data dir) and PostgreSQL (shared by several replicas). Both run the
//! same test suite. Every method that changes state commits before it
//! returns `Ok`, so a response sent after it acknowledges a durable write.
//! Times are Unix seconds and always come from the caller (who reads its
//! [`Clock`](crate::clock::Clock)); the store never reads the time itself.
//!
//! Consistency across replicas: every decision that two replicas could race
//! on (a refresh rotation, a key-ring change, a single-use `jti`) is one
//! atomic statement or transaction in the database, never a read followed
//! by a write in the process.

mod model;
mod postgres;
pub(crate) mod sql;
mod sqlite;

pub use model::*;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{Backend, StoreOptions};
use crate::error::{Error, Result};

/// Opens the store the options select (creating and migrating it as
/// needed): the data dir's SQLite file, or the `--database` PostgreSQL.
pub async fn open(options: &StoreOptions) -> Result<Arc<dyn Store>> {
    match options.backend() {
        Backend::Sqlite { path } => Ok(Arc::new(SqliteStore::open(&path).await?)),
        Backend::Postgres { url } => Ok(Arc::new(PgStore::connect(url).await?)),
        Backend::Unsupported { .. } => Err(Error::Config(
            "--database must be a postgres:// or postgresql:// URL \
             (without it, the SQLite file in --data-dir is used)"
                .into(),
        )),
    }
}

/// The service's storage. Shared as `Arc<dyn Store>`; every method may be
/// called concurrently from many tasks and many processes.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// `"sqlite"` or `"postgres"`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Checks that the database answers (`/readyz`).
    async fn ping(&self) -> Result<()>;

    // ----- clients -----

    /// Registers a client. [`Error::Exists`](crate::Error::Exists) if its
    /// id is taken.
    async fn create_client(&self, client: &Client) -> Result<()>;

    /// The client with this id, if any.
    async fn client(&self, id: &str) -> Result<Option<Client>>;

    /// The secret digest of the client with this id, or `decoy` when there
    /// is none: what authentication compares first. One query that returns
    /// one row of one column either way, so that a known id with a wrong
    /// secret costs what an unknown id costs (the whole client is read only
    /// after the secret matched).
    async fn client_secret_digest(&self, id: &str, decoy: &Digest) -> Result<Digest>;

    /// Every client, ordered by id.
    async fn list_clients(&self) -> Result<Vec<Client>>;

    /// Deletes a client and every refresh-token family issued to it
    /// (its refresh tokens stop working at once). Access tokens already
    /// minted for it stay valid until they expire unless revoked.
    /// `false` if there was no such client.
    async fn remove_client(&self, id: &str) -> Result<bool>;

    /// Replaces a client's secret digest and stamps `secret_rotated_at`.
    /// The old secret stops working when this returns. `false` if there
    /// was no such client.
    async fn set_client_secret(&self, id: &str, digest: Digest, now: i64) -> Result<bool>;

    // ----- signing keys -----

    /// Every stored key, oldest first, with the ring's epoch, read in one
    /// transaction (a consistent snapshot).
    async fn key_ring(&self) -> Result<KeyRing>;

    /// The ring's epoch alone: cheap enough for every replica to poll, and
    /// reload the ring when it moves.
    async fn key_epoch(&self) -> Result<i64>;

    /// Applies `changes` in order, in one transaction, if and only if the
    /// ring's epoch still equals `expected_epoch`; the epoch then increases
    /// by one. Returns `false` (and changes nothing) when another replica
    /// committed first: the caller reloads the ring and decides again. This
    /// is how exactly one replica performs each rotation step.
    /// A `SetState` or `Remove` naming no stored key fails the whole batch
    /// with [`Error::NotFound`](crate::Error::NotFound).
    async fn commit_key_changes(&self, expected_epoch: i64, changes: &[KeyChange]) -> Result<bool>;

    /// The key-encryption-key check value: stores `candidate` if the store
    /// has none yet, and returns the stored one. Whoever holds the KEK seals
    /// a known text as `candidate`; a stored value that does not open under
    /// the configured KEK means the KEK is wrong, even before any key exists.
    async fn kek_check(&self, candidate: &[u8]) -> Result<Vec<u8>>;

    // ----- refresh tokens -----

    /// Stores a new family with its first token and the access token minted
    /// with it, in one transaction. The token's end is capped at the
    /// family's.
    async fn create_family(
        &self,
        family: &FamilyInfo,
        first: &NewRefreshToken,
        access: &MintedAccess,
    ) -> Result<()>;

    /// Rotates a refresh token: an atomic compare-and-set on the presented
    /// token's "used" mark, so of any number of concurrent calls with the
    /// same token, on any number of replicas, exactly one returns
    /// [`RotateOutcome::Rotated`]. In order:
    ///
    /// 1. No stored token with that digest, or its family belongs to another
    ///    client: [`RotateOutcome::Unknown`], nothing changes.
    /// 2. Its family is revoked: [`RotateOutcome::Revoked`].
    /// 3. `now` is at or past the token's end or its family's:
    ///    [`RotateOutcome::Expired`].
    ///    Then, the family is bound to a DPoP key (`dpop_jkt`) and
    ///    `req.dpop_jkt` is not that key: [`RotateOutcome::WrongKey`],
    ///    nothing changes (checked before the "used" mark, in the same
    ///    transaction, so a request without the key neither consumes the
    ///    token nor, for a used one, revokes the family).
    /// 4. The token is unused: it is marked used at `now`, the successor is
    ///    stored with end `min(successor.expires_at, family end)`, the
    ///    access token is recorded for the family: `Rotated`.
    /// 5. It was used at `u` and `0 <= now - u < grace`: the access token is
    ///    recorded and the successor stored by that first rotation is
    ///    returned sealed: `Replayed`. (With `grace` 0 this never happens.)
    /// 6. Otherwise it is a reuse: the family is revoked at `now`, every
    ///    access token recorded for it whose `exp` is after `now` goes on the
    ///    denylist (and the revocation feed): `Reused`.
    async fn rotate_refresh(&self, req: &RotateRequest) -> Result<RotateOutcome>;

    /// A refresh token's state, whatever it is (used, revoked, expired);
    /// `None` if no token has this digest.
    async fn refresh_token(&self, digest: &Digest) -> Result<Option<RefreshTokenInfo>>;

    /// Revokes the family of the token with this digest if that family
    /// belongs to `client_id` (RFC 7009 §2.1: a client revokes only its own
    /// tokens), putting its unexpired access tokens on the denylist as
    /// [`rotate_refresh`](Store::rotate_refresh)'s reuse does. `true` if a
    /// family was revoked now; `false` if the token is unknown, another
    /// client's, or its family was already revoked.
    async fn revoke_refresh_token(
        &self,
        digest: &Digest,
        client_id: &str,
        now: i64,
    ) -> Result<bool>;

    // ----- access-token revocation -----

    /// Puts an access token on the denylist until `exp`, and appends it to
    /// the revocation feed. Idempotent: a second call adds nothing.
    async fn deny_access_token(&self, jti: &str, exp: i64, now: i64) -> Result<()>;

    /// Whether `jti` is on the denylist with an `exp` after `now`.
    async fn is_access_token_denied(&self, jti: &str, now: i64) -> Result<bool>;

    /// "Log out everywhere": every token of `subject` whose `iat` is at or
    /// before `now` is rejected from now on. Raises the subject's cut-off to
    /// `now` (never lowers it), revokes its refresh families created at or
    /// before `now`, and appends the cut-off to the revocation feed. Returns
    /// how many families it revoked.
    async fn revoke_subject(&self, subject: &str, now: i64) -> Result<u64>;

    /// The subject's cut-off: its tokens with `iat <=` it are revoked.
    async fn subject_cutoff(&self, subject: &str) -> Result<Option<i64>>;

    /// The revocation feed's version: the `seq` of its newest entry (0 when
    /// empty). Replicas poll it (cheap) and read
    /// [`revocations_since`](Store::revocations_since) when it moves, so a
    /// revocation committed on one replica is seen by every other within
    /// one poll interval.
    async fn revocation_version(&self) -> Result<i64>;

    /// Feed entries with `seq > after`, in `seq` order, at most `limit`.
    /// Entries become visible in `seq` order: once an entry is visible, no
    /// entry with a smaller `seq` appears later, so a reader that remembers
    /// the last `seq` it saw never misses one. Access-token entries whose
    /// `exp` has passed may have been purged; subject cut-offs never are, so
    /// `revocations_since(0, …)` rebuilds a replica's whole view.
    async fn revocations_since(&self, after: i64, limit: i64) -> Result<Vec<Revocation>>;

    // ----- single-use assertion ids -----

    /// Records the `jti` of a client assertion (RFC 7523 §3, `private_key_jwt`)
    /// until `exp`. `true` the first time; `false` if the same `issuer` used
    /// the same `jti` and that entry's `exp` is still after `now` (a replay).
    /// Atomic across replicas.
    async fn consume_jti(&self, issuer: &str, jti: &str, exp: i64, now: i64) -> Result<bool>;

    /// Records an accepted DPoP proof (its [`jot::dpop::ReplayId`] bytes)
    /// until `exp`. `true` the first time; `false` if the same id is
    /// recorded with an `exp` still after `now` (a replay). One statement,
    /// so atomic across replicas.
    async fn first_dpop_use(&self, id: &[u8; 32], exp: i64, now: i64) -> Result<bool>;

    // ----- housekeeping -----

    /// Deletes what can no longer matter at `now`, at most `limit` rows of
    /// each table, in one short transaction: denylist entries and their feed
    /// entries past `exp`, refresh tokens past their end and families past
    /// theirs, `jti` and DPoP proof entries past `exp`. Nothing live is touched: every
    /// condition is an end at or before `now`. [`Purged::more`] says a table
    /// may hold more; [`purge_all`] repeats until none does.
    async fn purge_expired(&self, now: i64, limit: i64) -> Result<Purged>;
}

/// Purges in batches of `batch` rows per table until nothing expired is
/// left (at most `max_batches` rounds, so a huge backlog is worked off over
/// several maintenance runs instead of one long one), yielding between
/// batches so requests get the write lock in between.
pub async fn purge_all(
    store: &dyn Store,
    now: i64,
    batch: i64,
    max_batches: usize,
) -> Result<Purged> {
    let mut total = Purged::default();
    for _ in 0..max_batches {
        let purged = store.purge_expired(now, batch).await?;
        total += purged;
        if !purged.more {
            break;
        }
        tokio::task::yield_now().await;
    }
    Ok(total)
}
