//! Nested JWTs (RFC 7519 §5.2, §7.2): sign, then encrypt with `cty: JWT`;
//! decrypt, then verify the inner JWS by the normal JWT rules.

use crate::error::HeaderProblem;
use crate::error::Malformed;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::validation::Validation;
use super::verify::verify;
use crate::error::{Error, Result};
use crate::jwe::{
    self, DecryptOptions, DecryptionKeyResolver, EncryptOptions, EncryptionKey, JweHeader,
};
use crate::jws::Header;
use crate::jws::KeyResolver;
use crate::key::SigningKey;

/// A nested JWT that was decrypted and verified.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedVerified<T> {
    /// The outer (JWE) header.
    pub outer: JweHeader,
    /// The inner (JWS) header.
    pub header: Header,
    /// The claims.
    pub claims: T,
}

/// Signs `claims` as a JWT, then encrypts it to `recipient` as a compact
/// JWE with `cty: "JWT"`.
pub fn sign_and_encrypt<T: Serialize + ?Sized>(
    claims: &T,
    signer: &SigningKey,
    recipient: &EncryptionKey,
    opts: &EncryptOptions,
) -> Result<String> {
    let inner = super::sign(claims, signer)?;
    encrypt_signed(&inner, recipient, opts)
}

/// Encrypts an already signed compact JWT, adding `cty: "JWT"`.
pub fn encrypt_signed(
    jwt: &str,
    recipient: &EncryptionKey,
    opts: &EncryptOptions,
) -> Result<String> {
    let mut opts = opts.clone();
    opts.protected
        .insert("cty".into(), Value::String("JWT".into()));
    jwe::compact::encrypt(jwt.as_bytes(), recipient, &opts)
}

/// The signed JWT inside a decrypted nested JWT, **not yet verified**: the
/// first of the two steps of [`decrypt_and_verify`], for callers that need
/// the inner token between them (to explain a failed claim from it, say).
#[derive(Clone, PartialEq)]
pub struct DecryptedJwt {
    /// The outer (JWE) header.
    pub outer: JweHeader,
    /// The inner compact JWS, exactly as encrypted (never trimmed or
    /// otherwise repaired). Verify it with [`super::verify`].
    pub jwt: String,
}

impl fmt::Debug for DecryptedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The inner JWT is a bearer credential: not printed.
        f.debug_struct("DecryptedJwt")
            .field("outer", &self.outer)
            .field("jwt", &format_args!("({} bytes)", self.jwt.len()))
            .finish()
    }
}

/// The step of a nested JWT that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NestedStage {
    /// The outer JWE: not a compact JWE, not decryptable with the keys and
    /// options given, no `cty: JWT`, or content that is not a compact JWT.
    Decrypt,
    /// The inner JWT: its signature, header rules or claims.
    Verify,
}

/// Why a nested JWT was rejected, and at which step. Converts into
/// [`Error`] (dropping the stage) so that `?` works in functions returning
/// [`crate::Result`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedError {
    /// The step that failed.
    pub stage: NestedStage,
    /// What went wrong.
    pub error: Error,
}

impl fmt::Display for NestedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stage {
            NestedStage::Decrypt => write!(f, "outer JWE: {}", self.error),
            NestedStage::Verify => write!(f, "inner JWT: {}", self.error),
        }
    }
}

impl std::error::Error for NestedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<NestedError> for Error {
    fn from(e: NestedError) -> Self {
        e.error
    }
}

/// Decrypts the outer JWE of a nested JWT (RFC 7519 §5.2) and returns the
/// signed JWT inside **without verifying it**. The token must be a compact
/// JWE (a signed-only JWT is [`Error::NotJwe`]: accepting it would let anyone
/// strip the encryption the caller relies on), its `cty` must be `JWT`
/// (case-insensitively, RFC 7515 §4.1.10), and the content a compact
/// JWT: text with no surrounding whitespace, which RFC 7519 §7.2's
/// serialization never has.
pub fn decrypt_jwt(
    token: &str,
    decryption: &impl DecryptionKeyResolver,
    decrypt_opts: &DecryptOptions,
) -> Result<DecryptedJwt> {
    let d = jwe::compact::decrypt(token, decryption, decrypt_opts)?;
    if !d
        .header
        .cty()
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
    {
        return Err(Error::header("cty", HeaderProblem::UnexpectedValue));
    }
    let jwt = String::from_utf8(d.plaintext)
        .map_err(|_| Error::Malformed(Malformed::NestedJwtNotText))?;
    if jwt.trim() != jwt {
        return Err(Error::Malformed(Malformed::NestedJwtWhitespace));
    }
    Ok(DecryptedJwt {
        outer: d.header,
        jwt,
    })
}

/// Decrypts a compact JWE whose `cty` is `JWT` ([`decrypt_jwt`]) and
/// verifies the JWS inside with `keys` and `validation` ([`super::verify`]).
/// The error says which of the two steps failed.
///
/// ```
/// use jot::jwe::{ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey, KeyManagement};
/// use jot::jwt::{self, NestedStage, Validation};
/// use jot::key::SigningKey;
/// use jot::Algorithm;
///
/// let signer = SigningKey::hmac(&[1; 32], Algorithm::HS256)?;
/// let enc = EncryptionKey::secret(&[2; 32], KeyManagement::from_name("A256KW")?)?;
/// let dec = DecryptionKey::secret(&[2; 32], KeyManagement::from_name("A256KW")?)?;
/// let claims = serde_json::json!({"sub": "alice"});
/// let token = jwt::sign_and_encrypt(&claims, &signer, &enc, &EncryptOptions::new(ContentEncryption::A256Gcm))?;
/// // No `exp`: decryption succeeds, the inner JWT fails its claims.
/// let err = jwt::decrypt_and_verify::<serde_json::Value>(
///     &token, &dec, &DecryptOptions::new(), &signer.verifying_key()?, &Validation::new(),
/// ).unwrap_err();
/// assert_eq!(err.stage, NestedStage::Verify);
/// assert_eq!(err.error, jot::Error::MissingClaim("exp".into()));
/// # Ok::<(), jot::Error>(())
/// ```
pub fn decrypt_and_verify<T: DeserializeOwned>(
    token: &str,
    decryption: &impl DecryptionKeyResolver,
    decrypt_opts: &DecryptOptions,
    keys: &impl KeyResolver,
    validation: &Validation,
) -> std::result::Result<NestedVerified<T>, NestedError> {
    let d = decrypt_jwt(token, decryption, decrypt_opts).map_err(|error| NestedError {
        stage: NestedStage::Decrypt,
        error,
    })?;
    let v = verify::<T>(&d.jwt, keys, validation).map_err(|error| NestedError {
        stage: NestedStage::Verify,
        error,
    })?;
    Ok(NestedVerified {
        outer: d.outer,
        header: v.header,
        claims: v.claims,
    })
}
