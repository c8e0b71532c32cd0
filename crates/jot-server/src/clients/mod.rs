//! Registering clients and checking their secrets.
//!
//! Secrets are 256 random bits generated here, shown once, and stored as a
//! SHA-256 digest. A high-entropy secret needs no slow password hash: no
//! dictionary holds it, so a fast digest is as safe and costs microseconds
//! per token request instead of a bcrypt round.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::store::{Client, Digest, Grant, Store};

/// Default access-token lifetime of a client.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(600);

/// What `jot client add` registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    /// The `client_id`.
    pub id: String,
    /// Scopes it may request.
    pub scopes: Vec<String>,
    /// Audiences it may request.
    pub audiences: Vec<String>,
    /// Grants it may use (`client_credentials` when empty).
    pub grants: Vec<Grant>,
    /// Access-token lifetime.
    pub token_ttl: Duration,
    /// Inline JWK Set for `private_key_jwt`.
    pub jwks: Option<String>,
    /// JWK Set URL for `private_key_jwt`.
    pub jwks_uri: Option<String>,
    /// May log subjects out everywhere over HTTP.
    pub admin: bool,
}

/// A client secret, shown once. Debug hides it.
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// The secret's text (print it once; never log it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Client registration and authentication over a store.
#[derive(Debug, Clone)]
pub struct Clients {
    store: Arc<dyn Store>,
    clock: SharedClock,
    /// Compared against when the client id is unknown, so that an unknown id
    /// costs the same as a wrong secret.
    decoy: Digest,
}

impl Clients {
    /// Clients in `store`.
    pub fn new(store: Arc<dyn Store>, clock: SharedClock) -> Self {
        Clients {
            store,
            clock,
            decoy: Digest::of(b"jot: no such client"),
        }
    }

    /// Registers a client and returns its secret, which is not stored and
    /// cannot be shown again. [`Error::Exists`] if the id is taken.
    pub async fn add(&self, new: NewClient) -> Result<(Client, Secret)> {
        validate_id(&new.id)?;
        if new.audiences.is_empty() {
            return Err(Error::Config(
                "a client needs at least one --audience for its tokens".into(),
            ));
        }
        let ttl = i64::try_from(new.token_ttl.as_secs()).unwrap_or(i64::MAX);
        if ttl <= 0 {
            return Err(Error::Config("--token-ttl must be at least 1s".into()));
        }
        let secret = new_secret()?;
        let now = self.clock.now();
        let client = Client {
            id: new.id,
            secret_digest: Digest::of(secret.expose().as_bytes()),
            scopes: new.scopes,
            audiences: new.audiences,
            grants: if new.grants.is_empty() {
                vec![Grant::ClientCredentials]
            } else {
                new.grants
            },
            token_ttl: ttl,
            jwks: new.jwks,
            jwks_uri: new.jwks_uri,
            admin: new.admin,
            created_at: now,
            secret_rotated_at: now,
        };
        self.store.create_client(&client).await?;
        Ok((client, secret))
    }

    /// Replaces a client's secret; the old one stops working at once.
    pub async fn rotate_secret(&self, id: &str) -> Result<Secret> {
        let secret = new_secret()?;
        let digest = Digest::of(secret.expose().as_bytes());
        if self
            .store
            .set_client_secret(id, digest, self.clock.now())
            .await?
        {
            Ok(secret)
        } else {
            Err(Error::NotFound {
                kind: "client",
                id: id.into(),
            })
        }
    }

    /// The client if `secret` is its secret (`client_secret_basic` /
    /// `client_secret_post`). The digests are compared in constant time, and
    /// an unknown id is compared against a decoy, so neither the timing nor
    /// the answer tells an unknown id from a wrong secret.
    pub async fn authenticate(&self, id: &str, secret: &str) -> Result<Option<Client>> {
        let presented = Digest::of(secret.as_bytes());
        // Only the digest first: a known id with a wrong secret must cost
        // what an unknown one costs (examples/auth_timing.rs measured 6.5 µs
        // more when the whole client was decoded before the comparison).
        let expected = self.store.client_secret_digest(id, &self.decoy).await?;
        let equal = aws_lc_rs::constant_time::verify_slices_are_equal(
            presented.as_bytes(),
            expected.as_bytes(),
        )
        .is_ok();
        if !equal {
            return Ok(None);
        }
        // The secret may have been rotated in between: the client read now
        // must still have the digest that matched.
        Ok(self
            .store
            .client(id)
            .await?
            .filter(|c| c.secret_digest == presented))
    }
}

/// A new secret: 256 random bits, base64url (43 characters).
fn new_secret() -> Result<Secret> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(&mut *bytes).map_err(|_| Error::Random)?;
    Ok(Secret(Zeroizing::new(URL_SAFE_NO_PAD.encode(*bytes))))
}

/// Client ids go into logs, URLs and `client_id` claims: keep them plain.
/// RFC 6749 allows any printable ASCII, but `:` would break
/// `client_secret_basic` (RFC 6749 §2.3.1 form-encodes it, and many clients
/// do not), so the set is letters, digits and `-._~`.
fn validate_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::Config(
            "a client name is 1 to 128 letters, digits, '-', '.', '_' or '~'".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain() {
        for ok in ["billing", "svc.a-1_~"] {
            validate_id(ok).unwrap();
        }
        for bad in ["", "a b", "a:b", "é", &"x".repeat(129)] {
            assert!(validate_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_256_bit_and_hidden_from_debug() {
        let s = new_secret().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(s.expose()).unwrap().len(), 32);
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_ne!(s.expose(), new_secret().unwrap().expose());
    }
}
