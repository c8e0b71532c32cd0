//! The records the service stores.
//!
//! Secrets never appear here in the clear: client secrets and refresh
//! tokens are kept as SHA-256 digests ([`Digest`]), private keys sealed under
//! the key-encryption key ([`StoredKey::private_sealed`]).

use std::fmt;

/// A SHA-256 digest of a secret (client secret, refresh token, cached token).
///
/// Debug shows only a short prefix: enough to tell two apart in a test
/// failure, too little to search a leaked log for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The SHA-256 digest of `secret`.
    pub fn of(secret: &[u8]) -> Self {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, secret);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Digest(out)
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A digest read back from the store; `None` unless exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Digest)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// An OAuth 2.0 grant type a client may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grant {
    /// `client_credentials` (RFC 6749 §4.4).
    ClientCredentials,
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1).
    JwtBearer,
    /// `refresh_token` (RFC 6749 §6).
    RefreshToken,
    /// `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2.1).
    TokenExchange,
}

impl Grant {
    /// Every grant, in the order they are documented.
    pub const ALL: [Grant; 4] = [
        Grant::ClientCredentials,
        Grant::JwtBearer,
        Grant::RefreshToken,
        Grant::TokenExchange,
    ];

    /// The `grant_type` value of RFC 6749 / RFC 7523.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
            Grant::RefreshToken => "refresh_token",
            Grant::TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange",
        }
    }

    /// Parses a `grant_type` value; `jwt-bearer` and `token-exchange` are
    /// accepted as short names.
    pub fn parse(s: &str) -> Option<Grant> {
        match s {
            "client_credentials" => Some(Grant::ClientCredentials),
            "urn:ietf:params:oauth:grant-type:jwt-bearer" | "jwt-bearer" => Some(Grant::JwtBearer),
            "refresh_token" => Some(Grant::RefreshToken),
            "urn:ietf:params:oauth:grant-type:token-exchange" | "token-exchange" => {
                Some(Grant::TokenExchange)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The `client_id` (the name given to `jot client add`).
    pub id: String,
    /// SHA-256 of the generated 256-bit secret. Compared in constant time.
    pub secret_digest: Digest,
    /// Scopes the client may request (a token's `scope` is a subset).
    pub scopes: Vec<String>,
    /// Audiences the client may request (`resource` / `audience`).
    pub audiences: Vec<String>,
    /// Grants the client may use.
    pub grants: Vec<Grant>,
    /// Lifetime of the access tokens minted for it, in seconds.
    pub token_ttl: i64,
    /// An inline JWK Set (JSON) for `private_key_jwt` authentication.
    pub jwks: Option<String>,
    /// A JWK Set URL for `private_key_jwt` authentication.
    pub jwks_uri: Option<String>,
    /// May log a subject out everywhere over HTTP
    /// (`POST /admin/sessions/revoke`).
    pub admin: bool,
    /// When the client was registered.
    pub created_at: i64,
    /// When its secret was last replaced (equals `created_at` until then).
    pub secret_rotated_at: i64,
    /// Authentication with a TLS client certificate (RFC 8705 §2), if the
    /// client was registered for it; it then has no usable secret.
    pub tls_auth: Option<TlsClientAuth>,
}

/// How a client authenticates with its TLS certificate (RFC 8705 §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsClientAuth {
    /// `tls_client_auth` (§2.1): a certificate whose chain the TLS layer
    /// validated against `--tls-client-ca`, with this subject DN (RFC 4514,
    /// in the canonical form [`mtls::canonical_dn`](crate::mtls::canonical_dn)
    /// writes).
    SubjectDn(String),
    /// `self_signed_tls_client_auth` (§2.2): the registered certificate
    /// itself, by its `x5t#S256`.
    SelfSigned {
        /// base64url SHA-256 of the registered certificate's DER.
        x5t_s256: String,
    },
}

impl TlsClientAuth {
    /// The RFC 8705 `token_endpoint_auth_method` name.
    pub fn method(&self) -> &'static str {
        match self {
            TlsClientAuth::SubjectDn(_) => "tls_client_auth",
            TlsClientAuth::SelfSigned { .. } => "self_signed_tls_client_auth",
        }
    }
}

/// The state of a signing key (RFC 7517 keys in the service's JWKS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyState {
    /// Published in the JWKS, not yet signing: verifiers learn it before
    /// the first token it signs reaches them.
    Next,
    /// Signs new tokens (one per algorithm) and is published.
    Current,
    /// No longer signs; published until every token it signed has expired
    /// plus the JWKS `max-age`, then removed.
    Retired,
}

impl KeyState {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Current => "current",
            KeyState::Retired => "retired",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<KeyState> {
        match s {
            "next" => Some(KeyState::Next),
            "current" => Some(KeyState::Current),
            "retired" => Some(KeyState::Retired),
            _ => None,
        }
    }
}

impl fmt::Display for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signing key as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// `kid`: the RFC 7638 SHA-256 thumbprint of the public key.
    pub kid: String,
    /// The JWS algorithm it signs with (`ES256`, `RS256`, …).
    pub alg: String,
    /// Its lifecycle state.
    pub state: KeyState,
    /// When it was created (and published, as `next`).
    pub created_at: i64,
    /// When it became `current`.
    pub activated_at: Option<i64>,
    /// When it became `retired`.
    pub retired_at: Option<i64>,
    /// The public JWK (JSON), as published.
    pub public_jwk: String,
    /// The private JWK sealed with AES-256-GCM under the key-encryption key
    /// (nonce ‖ ciphertext ‖ tag), bound to `kid` as associated data.
    pub private_sealed: Vec<u8>,
}

// The sealed private part is useless without the KEK, but Debug still
// leaves it out: logs are no place for key material in any form.
impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("state", &self.state)
            .field("created_at", &self.created_at)
            .field("activated_at", &self.activated_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// The key ring as read in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRing {
    /// Bumped by every committed [`KeyChange`] batch; a replica whose epoch
    /// is stale reloads, and a batch based on a stale epoch is refused.
    pub epoch: i64,
    /// Every key not yet removed, oldest first.
    pub keys: Vec<StoredKey>,
}

/// One change to the key ring, applied in a batch by
/// [`Store::commit_key_changes`](super::Store::commit_key_changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    /// Adds a key (normally in state `next`).
    Insert(StoredKey),
    /// Moves a key to `to`, stamping `activated_at` (for `current`) or
    /// `retired_at` (for `retired`) with `at`.
    SetState {
        /// The key.
        kid: String,
        /// Its new state.
        to: KeyState,
        /// When (Unix seconds).
        at: i64,
    },
    /// Deletes a key (no longer published).
    Remove {
        /// The key.
        kid: String,
    },
}

/// A refresh token about to be stored (its digest only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// SHA-256 of the opaque token handed to the client.
    pub digest: Digest,
    /// Its sliding end (`now + refresh_ttl`); the store caps it at the
    /// family's `expires_at`.
    pub expires_at: i64,
    /// The token itself, sealed so that only the holder of the token it
    /// replaces can open it (see `refresh::seal_successor`). Kept only so
    /// that a grace-window retry can be answered with the same successor;
    /// empty for a family's first token.
    pub sealed_for_predecessor: Vec<u8>,
}

/// An access token minted alongside a refresh token: remembered so that a
/// family's revocation puts it on the denylist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedAccess {
    /// Its `jti`.
    pub jti: String,
    /// Its `exp`.
    pub exp: i64,
}

/// One refresh-token rotation, decided atomically by
/// [`Store::rotate_refresh`](super::Store::rotate_refresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateRequest {
    /// Digest of the presented refresh token.
    pub presented: Digest,
    /// The successor to store if the presented token is current.
    pub successor: NewRefreshToken,
    /// The access token the response will carry (recorded for the family in
    /// the same transaction, on `Rotated` and `Replayed`).
    pub access: MintedAccess,
    /// The client presenting it: a token of another client's family is
    /// [`RotateOutcome::Unknown`] and changes nothing.
    pub client_id: String,
    /// Now (Unix seconds).
    pub now: i64,
    /// `refresh_reuse_grace` in seconds (0 = none).
    pub grace: i64,
    /// The thumbprint of the DPoP key the request proved possession of, if
    /// it carried a valid proof: a family bound to a key rotates only for
    /// a proof of that key.
    pub dpop_jkt: Option<String>,
}

/// A refresh-token family: one grant of offline access to one subject,
/// which every rotation of its tokens carries on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyInfo {
    /// A random identifier (not a secret: it never authenticates anything).
    pub id: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The subject (`sub`) it acts for.
    pub subject: String,
    /// The granted scope (space-separated).
    pub scope: String,
    /// The granted audience.
    pub audience: String,
    /// When it was created.
    pub created_at: i64,
    /// Its absolute end (`created_at + refresh_max_lifetime`): no token of
    /// the family is valid after it, however recently rotated.
    pub expires_at: i64,
    /// The RFC 7638 thumbprint of the DPoP key the family was started
    /// with (RFC 9449 §5): its tokens are refreshed only with a proof of
    /// that key. `None`: started without a proof, not bound.
    pub dpop_jkt: Option<String>,
}

/// What [`Store::rotate_refresh`](super::Store::rotate_refresh) decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The presented token was current: it is now used, the successor is
    /// stored (expiring at the returned time) and the access token recorded.
    Rotated {
        /// The family.
        family: FamilyInfo,
        /// The successor's stored end (capped at the family's end).
        expires_at: i64,
    },
    /// The presented token was used less than `grace` seconds ago: nothing
    /// is revoked, the access token is recorded, and the caller opens
    /// `sealed_successor` with the presented token to answer with the same
    /// successor as the first time.
    Replayed {
        /// The family.
        family: FamilyInfo,
        /// The successor sealed to the presented token.
        sealed_successor: Vec<u8>,
        /// The successor's end.
        expires_at: i64,
    },
    /// The presented token was already used (outside the grace window):
    /// the whole family is now revoked and the access tokens it minted that
    /// have not expired are on the denylist.
    Reused {
        /// The family, now revoked.
        family: FamilyInfo,
    },
    /// The token, or its family, is past its end. Nothing changed.
    Expired,
    /// The family was revoked earlier. Nothing changed.
    Revoked,
    /// The family is bound to a DPoP key and the request proved possession
    /// of no key or another one. Nothing changed: the token stays usable by
    /// its holder (who has the key).
    WrongKey,
    /// No such token (or not this client's). Nothing changed.
    Unknown,
}

/// A refresh token's state, for introspection and revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenInfo {
    /// Its family.
    pub family: FamilyInfo,
    /// When it was issued.
    pub created_at: i64,
    /// Its end (capped at the family's end).
    pub expires_at: i64,
    /// When it was rotated, if it was.
    pub used_at: Option<i64>,
    /// When its family was revoked, if it was.
    pub revoked_at: Option<i64>,
}

impl RefreshTokenInfo {
    /// Whether it can be used at `now`: neither used, nor revoked, nor past
    /// its end or its family's.
    pub fn is_active(&self, now: i64) -> bool {
        self.used_at.is_none()
            && self.revoked_at.is_none()
            && now < self.expires_at
            && now < self.family.expires_at
    }
}

/// One entry of the revocation feed that every replica polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// Its position in the feed: strictly increasing in commit order.
    pub seq: i64,
    /// What was revoked.
    pub kind: RevocationKind,
}

/// What a [`Revocation`] revokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationKind {
    /// One access token, until its `exp`.
    AccessToken {
        /// Its `jti`.
        jti: String,
        /// Its `exp`: after it the entry no longer matters.
        exp: i64,
    },
    /// Every token of `subject` issued at or before `before` (its `iat`).
    Subject {
        /// The `sub`.
        subject: String,
        /// The cut-off (Unix seconds, inclusive).
        before: i64,
    },
}

/// What [`Store::purge_expired`](super::Store::purge_expired) removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Denylist entries past their `exp`.
    pub denylist: u64,
    /// Refresh tokens past their end, and families past theirs.
    pub refresh: u64,
    /// Single-use `jti` entries past their `exp`.
    pub jtis: u64,
    /// Accepted DPoP proofs past their `exp`.
    pub dpop_proofs: u64,
    /// Some table had at least the batch's limit to delete: call again.
    pub more: bool,
}

impl std::ops::AddAssign for Purged {
    fn add_assign(&mut self, other: Purged) {
        self.denylist += other.denylist;
        self.refresh += other.refresh;
        self.jtis += other.jtis;
        self.dpop_proofs += other.dpop_proofs;
        self.more = other.more;
    }
}
