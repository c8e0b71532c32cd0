//! The SQL both backends run, written once.
//!
//! SQLite and PostgreSQL accept the same statements here (`$N` parameters,
//! `ON CONFLICT`, `RETURNING`-free inserts), so one body serves both; a
//! macro rather than a generic function because sqlx's per-database types
//! (`Pool<Sqlite>`, `PgRow`, …) make generic code a wall of trait bounds.
//! What differs is supplied by each backend:
//!
//! - `$store::begin_write`: a transaction that will write. SQLite takes the
//!   database's write lock up front (`BEGIN IMMEDIATE`), so a transaction
//!   never fails half-way for lack of it; PostgreSQL begins normally.
//! - `$store::lock_feed`: serialises appends to the revocation feed, so
//!   `seq` order is commit order (SQLite: the write lock already does;
//!   PostgreSQL: a transaction-scoped advisory lock, since identity values
//!   are handed out before commit).
//! - `for_update`: `" FOR UPDATE"` on PostgreSQL, where row locks make
//!   concurrent rotations of one family take turns; empty on SQLite, whose
//!   write transactions already take turns.
//!
//! Lock order, to rule out deadlocks on PostgreSQL: the meta row (key
//! epoch), then family rows, then the feed lock; nothing row-locks after
//! taking the feed lock.

use crate::error::Error;
use crate::store::{Grant, TlsClientAuth};

/// The JSON text a list column stores.
pub(crate) fn list_to_json(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

/// A list column read back.
pub(crate) fn list_from_json(text: &str, what: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

/// The grants column's JSON text.
pub(crate) fn grants_to_json(grants: &[Grant]) -> String {
    serde_json::Value::from(grants.iter().map(|g| g.as_str()).collect::<Vec<_>>()).to_string()
}

/// The grants column read back.
pub(crate) fn grants_from_json(text: &str) -> Result<Vec<Grant>, Error> {
    list_from_json(text, "client grants")?
        .iter()
        .map(|g| Grant::parse(g).ok_or_else(|| corrupt("client grants")))
        .collect()
}

/// The mTLS columns read back: at most one is set.
pub(crate) fn tls_auth_from_columns(
    subject_dn: Option<String>,
    x5t_s256: Option<String>,
) -> Result<Option<TlsClientAuth>, Error> {
    match (subject_dn, x5t_s256) {
        (None, None) => Ok(None),
        (Some(dn), None) => Ok(Some(TlsClientAuth::SubjectDn(dn))),
        (None, Some(x5t_s256)) => Ok(Some(TlsClientAuth::SelfSigned { x5t_s256 })),
        (Some(_), Some(_)) => Err(corrupt("client TLS authentication")),
    }
}

/// A stored value the service could not have written.
pub(crate) fn corrupt(what: &str) -> Error {
    Error::Store(sqlx::Error::Decode(
        format!("stored {what} is malformed").into(),
    ))
}

macro_rules! impl_store {
    ($store:ty, $db:ty, backend = $name:literal, for_update = $for_update:literal) => {
        impl $store {
            fn client_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::error::Result<$crate::store::Client> {
                use sqlx::Row;
                use $crate::store::sql::{corrupt, grants_from_json, list_from_json};
                let digest: Vec<u8> = row.try_get("secret_digest")?;
                Ok($crate::store::Client {
                    id: row.try_get("id")?,
                    secret_digest: $crate::store::Digest::from_slice(&digest)
                        .ok_or_else(|| corrupt("client secret digest"))?,
                    scopes: list_from_json(&row.try_get::<String, _>("scopes")?, "client scopes")?,
                    audiences: list_from_json(
                        &row.try_get::<String, _>("audiences")?,
                        "client audiences",
                    )?,
                    grants: grants_from_json(&row.try_get::<String, _>("grants")?)?,
                    token_ttl: row.try_get("token_ttl")?,
                    jwks: row.try_get("jwks")?,
                    jwks_uri: row.try_get("jwks_uri")?,
                    admin: row.try_get("admin")?,
                    created_at: row.try_get("created_at")?,
                    secret_rotated_at: row.try_get("secret_rotated_at")?,
                    tls_auth: $crate::store::sql::tls_auth_from_columns(
                        row.try_get("tls_subject_dn")?,
                        row.try_get("tls_cert_x5t")?,
                    )?,
                })
            }

            fn family_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::error::Result<$crate::store::FamilyInfo> {
                use sqlx::Row;
                Ok($crate::store::FamilyInfo {
                    id: row.try_get("f_id")?,
                    client_id: row.try_get("f_client_id")?,
                    subject: row.try_get("f_subject")?,
                    scope: row.try_get("f_scope")?,
                    audience: row.try_get("f_audience")?,
                    created_at: row.try_get("f_created_at")?,
                    expires_at: row.try_get("f_expires_at")?,
                    dpop_jkt: row.try_get("f_dpop_jkt")?,
                })
            }

            /// A token joined with its family (columns as `family_from_row`
            /// reads them).
            async fn token_with_family(
                conn: &mut <$db as sqlx::Database>::Connection,
                digest: &$crate::store::Digest,
            ) -> $crate::error::Result<Option<<$db as sqlx::Database>::Row>> {
                Ok(sqlx::query(
                    "SELECT t.created_at, t.expires_at, t.used_at, t.successor, \
                     f.id AS f_id, f.client_id AS f_client_id, f.subject AS f_subject, \
                     f.scope AS f_scope, f.audience AS f_audience, \
                     f.created_at AS f_created_at, f.expires_at AS f_expires_at, \
                     f.revoked_at AS f_revoked_at, f.dpop_jkt AS f_dpop_jkt \
                     FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id \
                     WHERE t.digest = $1",
                )
                .bind(&digest.0[..])
                .fetch_optional(&mut *conn)
                .await?)
            }

            /// Revokes a family (if not already) and denylists the access
            /// tokens it minted that are still valid at `now`.
            async fn revoke_family_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                family_id: &str,
                now: i64,
            ) -> $crate::error::Result<bool> {
                let done = sqlx::query(
                    "UPDATE refresh_families SET revoked_at = $2 \
                     WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(family_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                Self::lock_feed(tx).await?;
                sqlx::query(
                    "INSERT INTO revocation_feed (kind, value, at) \
                     SELECT 'jti', a.jti, a.exp FROM family_access_tokens a \
                     WHERE a.family_id = $1 AND a.exp > $2 \
                     AND NOT EXISTS (SELECT 1 FROM denied_access_tokens d WHERE d.jti = a.jti) \
                     ORDER BY a.exp, a.jti",
                )
                .bind(family_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO denied_access_tokens (jti, exp) \
                     SELECT jti, exp FROM family_access_tokens WHERE family_id = $1 AND exp > $2 \
                     ON CONFLICT (jti) DO NOTHING",
                )
                .bind(family_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(true)
            }

            async fn record_access(
                tx: &mut sqlx::Transaction<'static, $db>,
                family_id: &str,
                access: &$crate::store::MintedAccess,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "INSERT INTO family_access_tokens (family_id, jti, exp) VALUES ($1, $2, $3) \
                     ON CONFLICT (family_id, jti) DO NOTHING",
                )
                .bind(family_id)
                .bind(&access.jti)
                .bind(access.exp)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn ping(&self) -> $crate::error::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_client(&self, c: &$crate::store::Client) -> $crate::error::Result<()> {
                use $crate::store::sql::{grants_to_json, list_to_json};
                let done = sqlx::query(
                    "INSERT INTO clients (id, secret_digest, scopes, audiences, grants, token_ttl, \
                     jwks, jwks_uri, created_at, secret_rotated_at, admin, tls_subject_dn, \
                     tls_cert_x5t) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&c.id)
                .bind(&c.secret_digest.0[..])
                .bind(list_to_json(&c.scopes))
                .bind(list_to_json(&c.audiences))
                .bind(grants_to_json(&c.grants))
                .bind(c.token_ttl)
                .bind(&c.jwks)
                .bind(&c.jwks_uri)
                .bind(c.created_at)
                .bind(c.secret_rotated_at)
                .bind(c.admin)
                .bind(match &c.tls_auth {
                    Some($crate::store::TlsClientAuth::SubjectDn(dn)) => Some(dn.as_str()),
                    _ => None,
                })
                .bind(match &c.tls_auth {
                    Some($crate::store::TlsClientAuth::SelfSigned { x5t_s256 }) => {
                        Some(x5t_s256.as_str())
                    }
                    _ => None,
                })
                .execute(self.writer())
                .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::error::Error::Exists {
                        kind: "client",
                        id: c.id.clone(),
                    });
                }
                Ok(())
            }

            async fn client(&self, id: &str) -> $crate::error::Result<Option<$crate::store::Client>> {
                let row = sqlx::query("SELECT * FROM clients WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::client_from_row).transpose()
            }

            async fn client_secret_digest(
                &self,
                id: &str,
                decoy: &$crate::store::Digest,
            ) -> $crate::error::Result<$crate::store::Digest> {
                use sqlx::Row;
                // Found or not, the same statement steps the same index and
                // returns one 32-byte value.
                let row = sqlx::query(
                    "SELECT secret_digest FROM clients WHERE id = $1 \
                     UNION ALL SELECT $2 WHERE NOT EXISTS (SELECT 1 FROM clients WHERE id = $1)",
                )
                .bind(id)
                .bind(&decoy.as_bytes()[..])
                .fetch_one(&self.pool)
                .await?;
                let bytes: Vec<u8> = row.try_get(0)?;
                $crate::store::Digest::from_slice(&bytes)
                    .ok_or_else(|| $crate::store::sql::corrupt("client secret digest"))
            }

            async fn list_clients(&self) -> $crate::error::Result<Vec<$crate::store::Client>> {
                let rows = sqlx::query("SELECT * FROM clients ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::client_from_row).collect()
            }

            async fn remove_client(&self, id: &str) -> $crate::error::Result<bool> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM refresh_families WHERE client_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let done = sqlx::query("DELETE FROM clients WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            async fn set_client_secret(
                &self,
                id: &str,
                digest: $crate::store::Digest,
                now: i64,
            ) -> $crate::error::Result<bool> {
                let done = sqlx::query(
                    "UPDATE clients SET secret_digest = $2, secret_rotated_at = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(&digest.0[..])
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn key_ring(&self) -> $crate::error::Result<$crate::store::KeyRing> {
                use sqlx::Row;
                use $crate::store::sql::corrupt;
                // One statement, so the epoch and the keys come from one
                // snapshot on both backends.
                let rows = sqlx::query(
                    "SELECT m.int_value AS epoch, k.kid, k.alg, k.state, k.created_at, \
                     k.activated_at, k.retired_at, k.public_jwk, k.private_sealed \
                     FROM meta m LEFT JOIN signing_keys k ON 1 = 1 \
                     WHERE m.name = 'key_epoch' ORDER BY k.created_at, k.kid",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut ring = $crate::store::KeyRing { epoch: 0, keys: Vec::new() };
                for row in &rows {
                    ring.epoch = row.try_get("epoch")?;
                    let Some(kid) = row.try_get::<Option<String>, _>("kid")? else {
                        continue;
                    };
                    let state: String = row.try_get("state")?;
                    ring.keys.push($crate::store::StoredKey {
                        kid,
                        alg: row.try_get("alg")?,
                        state: $crate::store::KeyState::parse(&state)
                            .ok_or_else(|| corrupt("key state"))?,
                        created_at: row.try_get("created_at")?,
                        activated_at: row.try_get("activated_at")?,
                        retired_at: row.try_get("retired_at")?,
                        public_jwk: row.try_get("public_jwk")?,
                        private_sealed: row.try_get("private_sealed")?,
                    });
                }
                Ok(ring)
            }

            async fn key_epoch(&self) -> $crate::error::Result<i64> {
                Ok(sqlx::query_scalar("SELECT int_value FROM meta WHERE name = 'key_epoch'")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn commit_key_changes(
                &self,
                expected_epoch: i64,
                changes: &[$crate::store::KeyChange],
            ) -> $crate::error::Result<bool> {
                use $crate::store::{KeyChange, KeyState};
                let mut tx = self.begin_write().await?;
                // The compare-and-set that makes one replica the one that
                // rotates: a concurrent batch on the same epoch waits for
                // this row, then finds the epoch moved and changes nothing.
                let bumped = sqlx::query(
                    "UPDATE meta SET int_value = int_value + 1 \
                     WHERE name = 'key_epoch' AND int_value = $1",
                )
                .bind(expected_epoch)
                .execute(&mut *tx)
                .await?;
                if bumped.rows_affected() == 0 {
                    return Ok(false);
                }
                for change in changes {
                    match change {
                        KeyChange::Insert(k) => {
                            let done = sqlx::query(
                                "INSERT INTO signing_keys (kid, alg, state, created_at, \
                                 activated_at, retired_at, public_jwk, private_sealed) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                                 ON CONFLICT (kid) DO NOTHING",
                            )
                            .bind(&k.kid)
                            .bind(&k.alg)
                            .bind(k.state.as_str())
                            .bind(k.created_at)
                            .bind(k.activated_at)
                            .bind(k.retired_at)
                            .bind(&k.public_jwk)
                            .bind(&k.private_sealed)
                            .execute(&mut *tx)
                            .await?;
                            if done.rows_affected() == 0 {
                                return Err($crate::error::Error::Exists {
                                    kind: "key",
                                    id: k.kid.clone(),
                                });
                            }
                        }
                        KeyChange::SetState { kid, to, at } => {
                            let activated = (*to == KeyState::Current).then_some(*at);
                            let retired = (*to == KeyState::Retired).then_some(*at);
                            let done = sqlx::query(
                                "UPDATE signing_keys SET state = $2, \
                                 activated_at = COALESCE($3, activated_at), \
                                 retired_at = COALESCE($4, retired_at) WHERE kid = $1",
                            )
                            .bind(kid)
                            .bind(to.as_str())
                            .bind(activated)
                            .bind(retired)
                            .execute(&mut *tx)
                            .await?;
                            if done.rows_affected() == 0 {
                                return Err($crate::error::Error::NotFound {
                                    kind: "key",
                                    id: kid.clone(),
                                });
                            }
                        }
                        KeyChange::Remove { kid } => {
                            let done = sqlx::query("DELETE FROM signing_keys WHERE kid = $1")
                                .bind(kid)
                                .execute(&mut *tx)
                                .await?;
                            if done.rows_affected() == 0 {
                                return Err($crate::error::Error::NotFound {
                                    kind: "key",
                                    id: kid.clone(),
                                });
                            }
                        }
                    }
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn kek_check(&self, candidate: &[u8]) -> $crate::error::Result<Vec<u8>> {
                sqlx::query(
                    "INSERT INTO meta (name, blob_value) VALUES ('kek_check', $1) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(candidate)
                .execute(self.writer())
                .await?;
                let stored: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT blob_value FROM meta WHERE name = 'kek_check'")
                        .fetch_one(&self.pool)
                        .await?;
                stored.ok_or_else(|| $crate::store::sql::corrupt("KEK check value"))
            }

            async fn create_family(
                &self,
                family: &$crate::store::FamilyInfo,
                first: &$crate::store::NewRefreshToken,
                access: &$crate::store::MintedAccess,
            ) -> $crate::error::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO refresh_families (id, client_id, subject, scope, audience, \
                     created_at, expires_at, dpop_jkt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&family.id)
                .bind(&family.client_id)
                .bind(&family.subject)
                .bind(&family.scope)
                .bind(&family.audience)
                .bind(family.created_at)
                .bind(family.expires_at)
                .bind(&family.dpop_jkt)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO refresh_tokens (digest, family_id, created_at, expires_at, \
                     sealed_for_predecessor) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&first.digest.0[..])
                .bind(&family.id)
                .bind(family.created_at)
                .bind(first.expires_at.min(family.expires_at))
                .bind(&first.sealed_for_predecessor)
                .execute(&mut *tx)
                .await?;
                Self::record_access(&mut tx, &family.id, access).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rotate_refresh(
                &self,
                req: &$crate::store::RotateRequest,
            ) -> $crate::error::Result<$crate::store::RotateOutcome> {
                use sqlx::Row;
                use $crate::store::RotateOutcome;
                let mut tx = self.begin_write().await?;
                // Find the family, then lock it: concurrent rotations of one
                // family take turns from here on, and each re-reads the
                // token under the lock.
                let Some(row) = Self::token_with_family(&mut *tx, &req.presented).await?
                else {
                    return Ok(RotateOutcome::Unknown);
                };
                let family_id: String = row.try_get("f_id")?;
                sqlx::query(concat!(
                    "SELECT id FROM refresh_families WHERE id = $1",
                    $for_update
                ))
                .bind(&family_id)
                .execute(&mut *tx)
                .await?;
                let Some(row) = Self::token_with_family(&mut *tx, &req.presented).await?
                else {
                    return Ok(RotateOutcome::Unknown);
                };
                let family = Self::family_from_row(&row)?;
                if family.client_id != req.client_id {
                    return Ok(RotateOutcome::Unknown);
                }
                if row.try_get::<Option<i64>, _>("f_revoked_at")?.is_some() {
                    return Ok(RotateOutcome::Revoked);
                }
                let token_end: i64 = row.try_get("expires_at")?;
                if req.now >= token_end || req.now >= family.expires_at {
                    return Ok(RotateOutcome::Expired);
                }
                if family.dpop_jkt.is_some() && family.dpop_jkt != req.dpop_jkt {
                    return Ok(RotateOutcome::WrongKey);
                }
                match row.try_get::<Option<i64>, _>("used_at")? {
                    None => {
                        let marked = sqlx::query(
                            "UPDATE refresh_tokens SET used_at = $2, successor = $3 \
                             WHERE digest = $1 AND used_at IS NULL",
                        )
                        .bind(&req.presented.0[..])
                        .bind(req.now)
                        .bind(&req.successor.digest.0[..])
                        .execute(&mut *tx)
                        .await?;
                        if marked.rows_affected() != 1 {
                            // Only possible if the family lock did not hold.
                            return Err($crate::store::sql::corrupt("refresh token state"));
                        }
                        let expires_at = req.successor.expires_at.min(family.expires_at);
                        sqlx::query(
                            "INSERT INTO refresh_tokens (digest, family_id, created_at, \
                             expires_at, sealed_for_predecessor) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(&req.successor.digest.0[..])
                        .bind(&family.id)
                        .bind(req.now)
                        .bind(expires_at)
                        .bind(&req.successor.sealed_for_predecessor)
                        .execute(&mut *tx)
                        .await?;
                        Self::record_access(&mut tx, &family.id, &req.access).await?;
                        tx.commit().await?;
                        Ok(RotateOutcome::Rotated { family, expires_at })
                    }
                    Some(used_at) => {
                        let successor: Option<Vec<u8>> = row.try_get("successor")?;
                        // Within the window only if used at or before
                        // now: after the clock steps back, `now - used_at`
                        // is negative, which is no retry of a lost
                        // response but a reuse (with no window at all, a
                        // negative age would otherwise pass `< 0`).
                        if (0..req.grace).contains(&(req.now - used_at)) {
                            if let Some(successor) = successor {
                                let next = sqlx::query(
                                    "SELECT sealed_for_predecessor, expires_at \
                                     FROM refresh_tokens WHERE digest = $1",
                                )
                                .bind(&successor)
                                .fetch_optional(&mut *tx)
                                .await?;
                                if let Some(next) = next {
                                    Self::record_access(&mut tx, &family.id, &req.access)
                                        .await?;
                                    tx.commit().await?;
                                    return Ok(RotateOutcome::Replayed {
                                        family,
                                        sealed_successor: next
                                            .try_get("sealed_for_predecessor")?,
                                        expires_at: next.try_get("expires_at")?,
                                    });
                                }
                            }
                        }
                        Self::revoke_family_in(&mut tx, &family.id, req.now).await?;
                        tx.commit().await?;
                        Ok(RotateOutcome::Reused { family })
                    }
                }
            }

            async fn refresh_token(
                &self,
                digest: &$crate::store::Digest,
            ) -> $crate::error::Result<Option<$crate::store::RefreshTokenInfo>> {
                use sqlx::Row;
                let mut conn = self.pool.acquire().await?;
                let Some(row) = Self::token_with_family(&mut *conn, digest).await? else {
                    return Ok(None);
                };
                Ok(Some($crate::store::RefreshTokenInfo {
                    family: Self::family_from_row(&row)?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    used_at: row.try_get("used_at")?,
                    revoked_at: row.try_get("f_revoked_at")?,
                }))
            }

            async fn revoke_refresh_token(
                &self,
                digest: &$crate::store::Digest,
                client_id: &str,
                now: i64,
            ) -> $crate::error::Result<bool> {
                use sqlx::Row;
                let mut tx = self.begin_write().await?;
                let Some(row) = Self::token_with_family(&mut *tx, digest).await? else {
                    return Ok(false);
                };
                let owner: String = row.try_get("f_client_id")?;
                if owner != client_id {
                    return Ok(false);
                }
                let family_id: String = row.try_get("f_id")?;
                let revoked = Self::revoke_family_in(&mut tx, &family_id, now).await?;
                tx.commit().await?;
                Ok(revoked)
            }

            async fn deny_access_token(
                &self,
                jti: &str,
                exp: i64,
                now: i64,
            ) -> $crate::error::Result<()> {
                if exp <= now {
                    // Already rejected by every verifier for being expired.
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                Self::lock_feed(&mut tx).await?;
                let added = sqlx::query(
                    "INSERT INTO denied_access_tokens (jti, exp) VALUES ($1, $2) \
                     ON CONFLICT (jti) DO NOTHING",
                )
                .bind(jti)
                .bind(exp)
                .execute(&mut *tx)
                .await?;
                if added.rows_affected() > 0 {
                    sqlx::query("INSERT INTO revocation_feed (kind, value, at) VALUES ('jti', $1, $2)")
                        .bind(jti)
                        .bind(exp)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn is_access_token_denied(&self, jti: &str, now: i64) -> $crate::error::Result<bool> {
                let hit: Option<i64> =
                    sqlx::query_scalar("SELECT exp FROM denied_access_tokens WHERE jti = $1 AND exp > $2")
                        .bind(jti)
                        .bind(now)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(hit.is_some())
            }

            async fn revoke_subject(&self, subject: &str, now: i64) -> $crate::error::Result<u64> {
                let mut tx = self.begin_write().await?;
                // Lock the subject's families in id order first: two
                // transactions locking the same rows in different orders
                // would deadlock on PostgreSQL.
                sqlx::query(concat!(
                    "SELECT id FROM refresh_families \
                     WHERE subject = $1 AND revoked_at IS NULL ORDER BY id",
                    $for_update
                ))
                .bind(subject)
                .execute(&mut *tx)
                .await?;
                let families = sqlx::query(
                    "UPDATE refresh_families SET revoked_at = $2 \
                     WHERE subject = $1 AND revoked_at IS NULL AND created_at <= $2",
                )
                .bind(subject)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let raised = sqlx::query(
                    "INSERT INTO subject_cutoffs (subject, revoked_before) VALUES ($1, $2) \
                     ON CONFLICT (subject) DO UPDATE SET revoked_before = excluded.revoked_before \
                     WHERE subject_cutoffs.revoked_before < excluded.revoked_before",
                )
                .bind(subject)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if raised.rows_affected() > 0 {
                    Self::lock_feed(&mut tx).await?;
                    sqlx::query(
                        "INSERT INTO revocation_feed (kind, value, at) VALUES ('subject', $1, $2)",
                    )
                    .bind(subject)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(families)
            }

            async fn subject_cutoff(&self, subject: &str) -> $crate::error::Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT revoked_before FROM subject_cutoffs WHERE subject = $1",
                )
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn revocation_version(&self) -> $crate::error::Result<i64> {
                Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM revocation_feed")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn revocations_since(
                &self,
                after: i64,
                limit: i64,
            ) -> $crate::error::Result<Vec<$crate::store::Revocation>> {
                use sqlx::Row;
                use $crate::store::{Revocation, RevocationKind};
                let rows = sqlx::query(
                    "SELECT seq, kind, value, at FROM revocation_feed \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let kind: String = row.try_get("kind")?;
                        let value: String = row.try_get("value")?;
                        let at: i64 = row.try_get("at")?;
                        Ok(Revocation {
                            seq: row.try_get("seq")?,
                            kind: match kind.as_str() {
                                "jti" => RevocationKind::AccessToken { jti: value, exp: at },
                                "subject" => RevocationKind::Subject {
                                    subject: value,
                                    before: at,
                                },
                                _ => return Err($crate::store::sql::corrupt("revocation kind")),
                            },
                        })
                    })
                    .collect()
            }

            async fn consume_jti(
                &self,
                issuer: &str,
                jti: &str,
                exp: i64,
                now: i64,
            ) -> $crate::error::Result<bool> {
                // Insert, or take over an entry whose exp has passed; a live
                // entry makes this a no-op, which is the replay.
                let done = sqlx::query(
                    "INSERT INTO used_jtis (issuer, jti, exp) VALUES ($1, $2, $3) \
                     ON CONFLICT (issuer, jti) DO UPDATE SET exp = excluded.exp \
                     WHERE used_jtis.exp <= $4",
                )
                .bind(issuer)
                .bind(jti)
                .bind(exp)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn first_dpop_use(
                &self,
                id: &[u8; 32],
                exp: i64,
                now: i64,
            ) -> $crate::error::Result<bool> {
                // As consume_jti: insert, or take over an entry past its exp
                // that the janitor has not deleted yet; a live entry makes
                // this a no-op (0 rows), which is the replay.
                let done = sqlx::query(
                    "INSERT INTO dpop_proofs (id, exp) VALUES ($1, $2) \
                     ON CONFLICT (id) DO UPDATE SET exp = excluded.exp \
                     WHERE dpop_proofs.exp <= $3",
                )
                .bind(&id[..])
                .bind(exp)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn purge_expired(
                &self,
                now: i64,
                limit: i64,
            ) -> $crate::error::Result<$crate::store::Purged> {
                // Each statement deletes at most `limit` rows, chosen by
                // primary key through the expiry indexes (migration 0004),
                // so one call holds the write lock briefly however much has
                // piled up; the caller repeats while `more` says so.
                let mut tx = self.begin_write().await?;
                let mut purged = $crate::store::Purged::default();
                let mut full = false;
                let mut delete = async |sql: &str| -> $crate::error::Result<u64> {
                    let n = sqlx::query(sql)
                        .bind(now)
                        .bind(limit)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    full |= n >= u64::try_from(limit).unwrap_or(u64::MAX);
                    Ok(n)
                };
                purged.denylist = delete(
                    "DELETE FROM denied_access_tokens WHERE jti IN \
                     (SELECT jti FROM denied_access_tokens WHERE exp <= $1 LIMIT $2)",
                )
                .await?;
                delete(
                    "DELETE FROM revocation_feed WHERE seq IN (SELECT seq FROM revocation_feed \
                     WHERE kind = 'jti' AND at <= $1 LIMIT $2)",
                )
                .await?;
                delete(
                    "DELETE FROM family_access_tokens WHERE (family_id, jti) IN \
                     (SELECT family_id, jti FROM family_access_tokens WHERE exp <= $1 LIMIT $2)",
                )
                .await?;
                purged.refresh = delete(
                    "DELETE FROM refresh_tokens WHERE digest IN \
                     (SELECT digest FROM refresh_tokens WHERE expires_at <= $1 LIMIT $2)",
                )
                .await?;
                purged.refresh += delete(
                    "DELETE FROM refresh_families WHERE id IN \
                     (SELECT id FROM refresh_families WHERE expires_at <= $1 LIMIT $2)",
                )
                .await?;
                purged.jtis = delete(
                    "DELETE FROM used_jtis WHERE (issuer, jti) IN \
                     (SELECT issuer, jti FROM used_jtis WHERE exp <= $1 LIMIT $2)",
                )
                .await?;
                purged.dpop_proofs = delete(
                    "DELETE FROM dpop_proofs WHERE id IN \
                     (SELECT id FROM dpop_proofs WHERE exp <= $1 LIMIT $2)",
                )
                .await?;
                tx.commit().await?;
                purged.more = full;
                Ok(purged)
            }
        }
    };
}

pub(crate) use impl_store;
