//! Registering clients and checking their secrets.
//!
//! Secrets are 256 random bits generated here, shown once, and stored as a
//! SHA-256 digest. A high-entropy secret needs no slow password hash: no
//! dictionary holds it, so a fast digest is as safe and costs microseconds
//! per token request instead of a bcrypt round.
//!
//! A client registered for TLS client authentication (RFC 8705 §2) gets a
//! secret too, since every client row has one, but it is never shown: the
//! certificate is its only credential.

mod cache;

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::mtls::PeerCertificate;
use crate::store::{Client, Digest, Grant, Store, TlsClientAuth};

pub use cache::{ClientCache, TTL as CACHE_TTL};

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
    /// Authentication with a TLS client certificate instead of a secret.
    /// A subject DN is stored in its canonical form.
    pub tls_auth: Option<TlsClientAuth>,
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
    /// Recent successes of secret authentication, when the service keeps
    /// them ([`Clients::with_cache`]).
    cache: Option<Arc<ClientCache>>,
}

impl Clients {
    /// Clients in `store`.
    pub fn new(store: Arc<dyn Store>, clock: SharedClock) -> Self {
        Clients {
            store,
            clock,
            decoy: Digest::of(b"jot: no such client"),
            cache: None,
        }
    }

    /// The same, reusing a secret authentication's success for `ttl` (see
    /// [`ClientCache`] for what may be stale that long). `jot serve` uses
    /// [`CACHE_TTL`]; the CLI, which changes clients, uses none.
    pub fn with_cache(mut self, ttl: Duration) -> Self {
        self.cache = Some(Arc::new(ClientCache::new(ttl)));
        self
    }

    /// Registers a client and returns its secret, which is not stored and
    /// cannot be shown again (none for a client that authenticates with its
    /// certificate). [`Error::Exists`] if the id is taken.
    pub async fn add(&self, new: NewClient) -> Result<(Client, Option<Secret>)> {
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
        let tls_auth = match new.tls_auth {
            Some(_) if new.jwks.is_some() || new.jwks_uri.is_some() => {
                return Err(Error::Config(
                    "a client authenticates with a certificate or with private_key_jwt, not both"
                        .into(),
                ))
            }
            Some(TlsClientAuth::SubjectDn(dn)) => Some(TlsClientAuth::SubjectDn(
                crate::mtls::canonical_dn(&dn).ok_or_else(|| {
                    Error::Config(format!(
                        "--tls-subject {dn:?}: not an RFC 4514 distinguished name (e.g. \"CN=billing,O=Example\")"
                    ))
                })?,
            )),
            other => other,
        };
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
            tls_auth,
        };
        self.store.create_client(&client).await?;
        let shown = client.tls_auth.is_none().then_some(secret);
        Ok((client, shown))
    }

    /// Replaces a client's secret; the old one stops working at once. A
    /// client that authenticates with its certificate has no secret to
    /// replace.
    pub async fn rotate_secret(&self, id: &str) -> Result<Secret> {
        if let Some(auth) = self.store.client(id).await?.and_then(|c| c.tls_auth) {
            return Err(Error::Config(format!(
                "client {id} authenticates with its TLS certificate ({}): it has no secret",
                auth.method()
            )));
        }
        let secret = new_secret()?;
        let digest = Digest::of(secret.expose().as_bytes());
        let replaced = self
            .store
            .set_client_secret(id, digest, self.clock.now())
            .await?;
        if let Some(cache) = &self.cache {
            cache.forget(id);
        }
        if replaced {
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
        if let Some(client) = self
            .cache
            .as_ref()
            .and_then(|c| c.authenticated(id, &presented))
        {
            return Ok(Some(client));
        }
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
        let client = self
            .store
            .client(id)
            .await?
            .filter(|c| c.secret_digest == presented);
        if let (Some(cache), Some(client)) = (&self.cache, &client) {
            cache.insert(client);
        }
        Ok(client)
    }

    /// The client `id` if `cert` authenticates it: it is registered for TLS
    /// client authentication and the certificate is the one it registered
    /// ([`PeerCertificate::authenticates`]). `None` for an unknown id, a
    /// client with a secret instead, or another certificate.
    pub async fn authenticate_certificate(
        &self,
        id: &str,
        cert: &PeerCertificate,
    ) -> Result<Option<Client>> {
        Ok(self.store.client(id).await?.filter(|c| {
            c.tls_auth
                .as_ref()
                .is_some_and(|auth| cert.authenticates(auth))
        }))
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
