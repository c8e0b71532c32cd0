//! Nested JWTs (RFC 7519 §5.2, §7.2): sign, then encrypt with `cty: JWT`;
//! decrypt, then verify the inner JWS by the normal JWT rules.

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
use crate::key::{KeyResolver, SigningKey};

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

/// Decrypts a compact JWE whose `cty` is `JWT` and verifies the JWS inside
/// with `keys` and `validation`. A JWE without `cty: JWT`, or whose content
/// is not a compact JWS, is rejected.
pub fn decrypt_and_verify<T: DeserializeOwned>(
    token: &str,
    decryption: &impl DecryptionKeyResolver,
    decrypt_opts: &DecryptOptions,
    keys: &impl KeyResolver,
    validation: &Validation,
) -> Result<NestedVerified<T>> {
    let d = jwe::compact::decrypt(token, decryption, decrypt_opts)?;
    if !d
        .header
        .cty()
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
    {
        return Err(Error::header("cty", "a nested JWT must say cty \"JWT\""));
    }
    let inner = std::str::from_utf8(&d.plaintext)
        .map_err(|_| Error::malformed("nested JWT is not text"))?;
    let v = verify::<T>(inner, keys, validation)?;
    Ok(NestedVerified {
        outer: d.header,
        header: v.header,
        claims: v.claims,
    })
}
