//! Refresh tokens: opaque 256-bit random strings, stored as digests,
//! rotated on every use with reuse detection (see
//! [`Store::rotate_refresh`](crate::store::Store::rotate_refresh)).
//!
//! The grace window answers a retry with the *same* successor although the
//! store keeps no token in the clear: the successor is stored sealed under a
//! key derived from its predecessor, so only whoever presents the
//! predecessor can open it, which is exactly whom the grace window serves.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::seal::SealKey;
use crate::store::{
    Digest, FamilyInfo, MintedAccess, NewRefreshToken, RotateOutcome, RotateRequest, Store,
};

/// Refresh-token lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// `refresh_ttl`: a token unused for this long expires (sliding: each
    /// rotation starts it again).
    pub ttl: Duration,
    /// `refresh_max_lifetime`: no token of a family outlives the family's
    /// start plus this, however often rotated.
    pub max_lifetime: Duration,
    /// `refresh_reuse_grace`: a token used less than this long ago is
    /// answered with the same successor instead of revoking its family.
    pub grace: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            ttl: Duration::from_secs(14 * 86_400),
            max_lifetime: Duration::from_secs(90 * 86_400),
            grace: Duration::ZERO,
        }
    }
}

/// A refresh token handed to a client. Debug hides the token.
pub struct IssuedRefresh {
    /// The token (show it to the client once; never log it).
    pub token: Zeroizing<String>,
    /// When it expires.
    pub expires_at: i64,
    /// Its family.
    pub family: FamilyInfo,
}

impl std::fmt::Debug for IssuedRefresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedRefresh")
            .field("expires_at", &self.expires_at)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

/// What presenting a refresh token gave.
#[derive(Debug)]
pub enum Refreshed {
    /// A successor (new, or the same as the first time within the grace
    /// window).
    Issued(IssuedRefresh),
    /// The token was used before: its family is now revoked
    /// (`invalid_grant`).
    Reused(FamilyInfo),
    /// Past its end or its family's (`invalid_grant`).
    Expired,
    /// Its family was revoked (`invalid_grant`).
    Revoked,
    /// Its family is bound to a DPoP key and the request did not prove
    /// possession of it (`invalid_grant`). The token was not consumed.
    WrongKey,
    /// Unknown, or another client's (`invalid_grant`).
    Unknown,
}

/// Issues and rotates refresh tokens over a store.
#[derive(Debug, Clone)]
pub struct RefreshTokens {
    store: Arc<dyn Store>,
    clock: SharedClock,
    policy: RefreshPolicy,
}

impl RefreshTokens {
    /// Refresh tokens in `store` under `policy`.
    pub fn new(store: Arc<dyn Store>, clock: SharedClock, policy: RefreshPolicy) -> Self {
        RefreshTokens {
            store,
            clock,
            policy,
        }
    }

    /// Starts a family for `subject` (a `jwt-bearer` grant) with its first
    /// token; `access` is the access token issued alongside. With
    /// `dpop_jkt` (the request carried a valid DPoP proof) the family is
    /// bound to that key.
    pub async fn start_family(
        &self,
        client_id: &str,
        subject: &str,
        scope: &str,
        audience: &str,
        access: &MintedAccess,
        dpop_jkt: Option<&str>,
    ) -> Result<IssuedRefresh> {
        let now = self.clock.now();
        let token = new_token()?;
        let family = FamilyInfo {
            id: URL_SAFE_NO_PAD.encode(random::<16>()?),
            client_id: client_id.into(),
            subject: subject.into(),
            scope: scope.into(),
            audience: audience.into(),
            created_at: now,
            expires_at: now.saturating_add(secs(self.policy.max_lifetime)),
            dpop_jkt: dpop_jkt.map(str::to_string),
        };
        let first = NewRefreshToken {
            digest: digest(&token),
            expires_at: now
                .saturating_add(secs(self.policy.ttl))
                .min(family.expires_at),
            sealed_for_predecessor: Vec::new(),
        };
        self.store.create_family(&family, &first, access).await?;
        Ok(IssuedRefresh {
            token,
            expires_at: first.expires_at,
            family,
        })
    }

    /// Presents a refresh token (`grant_type=refresh_token`) for
    /// `client_id`; `access` is the access token the response will carry;
    /// `dpop_jkt` the key the request proved possession of, if any.
    pub async fn refresh(
        &self,
        presented: &str,
        client_id: &str,
        access: &MintedAccess,
        dpop_jkt: Option<&str>,
    ) -> Result<Refreshed> {
        let now = self.clock.now();
        let successor = new_token()?;
        let req = RotateRequest {
            presented: digest(presented),
            successor: NewRefreshToken {
                digest: digest(&successor),
                expires_at: now.saturating_add(secs(self.policy.ttl)),
                sealed_for_predecessor: seal_successor(presented, &successor)?,
            },
            access: access.clone(),
            client_id: client_id.into(),
            now,
            grace: secs(self.policy.grace),
            dpop_jkt: dpop_jkt.map(str::to_string),
        };
        Ok(match self.store.rotate_refresh(&req).await? {
            RotateOutcome::Rotated { family, expires_at } => Refreshed::Issued(IssuedRefresh {
                token: successor,
                expires_at,
                family,
            }),
            RotateOutcome::Replayed {
                family,
                sealed_successor,
                expires_at,
            } => Refreshed::Issued(IssuedRefresh {
                token: open_successor(presented, &sealed_successor)
                    .ok_or_else(|| crate::store::sql::corrupt("sealed refresh successor"))?,
                expires_at,
                family,
            }),
            RotateOutcome::Reused { family } => {
                crate::audit::refresh_reuse_detected(&family.id, &family.client_id);
                Refreshed::Reused(family)
            }
            RotateOutcome::Expired => Refreshed::Expired,
            RotateOutcome::Revoked => Refreshed::Revoked,
            RotateOutcome::WrongKey => Refreshed::WrongKey,
            RotateOutcome::Unknown => Refreshed::Unknown,
        })
    }
}

/// A new opaque token: 256 random bits, base64url (43 characters).
pub fn new_token() -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(URL_SAFE_NO_PAD.encode(*random::<32>()?)))
}

/// What the store keeps of a token.
pub fn digest(token: &str) -> Digest {
    Digest::of(token.as_bytes())
}

/// The successor sealed so that only the predecessor's holder can open it.
/// The key is a hash of the predecessor under its own label, so it differs
/// from the digest the store keeps (which would otherwise open it).
fn seal_successor(predecessor: &str, successor: &str) -> Result<Vec<u8>> {
    successor_key(predecessor)?.seal(b"jot:refresh-successor", successor.as_bytes())
}

fn open_successor(predecessor: &str, sealed: &[u8]) -> Option<Zeroizing<String>> {
    let plain = successor_key(predecessor)
        .ok()?
        .open(b"jot:refresh-successor", sealed)?;
    std::str::from_utf8(&plain)
        .ok()
        .map(|s| Zeroizing::new(s.to_string()))
}

fn successor_key(predecessor: &str) -> Result<SealKey> {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    ctx.update(b"jot refresh successor key\0");
    ctx.update(predecessor.as_bytes());
    SealKey::new(ctx.finish().as_ref()).ok_or(Error::Random)
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut bytes = Zeroizing::new([0u8; N]);
    aws_lc_rs::rand::fill(&mut *bytes).map_err(|_| Error::Random)?;
    Ok(bytes)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_distinct() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(*a, *b);
        assert_eq!(URL_SAFE_NO_PAD.decode(a.as_bytes()).unwrap().len(), 32);
    }

    #[test]
    fn only_the_predecessor_opens_the_successor() {
        let sealed = seal_successor("old", "new").unwrap();
        assert_eq!(open_successor("old", &sealed).unwrap().as_str(), "new");
        assert!(open_successor("other", &sealed).is_none());
        // The digest the store keeps is not the sealing key.
        let by_digest = SealKey::new(digest("old").as_bytes()).unwrap();
        assert!(by_digest.open(b"jot:refresh-successor", &sealed).is_none());
    }
}
