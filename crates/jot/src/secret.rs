//! Secret bytes and secret JSON: wiped on drop, never printed.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Secret key material (an HMAC or AES key, a private scalar, an RSA private
/// exponent...). Zeroized when dropped; `Debug` prints only the length.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wraps bytes as a secret.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }

    /// Copies a slice into a secret.
    pub fn from_slice(bytes: &[u8]) -> Self {
        SecretBytes(bytes.to_vec())
    }

    /// The secret bytes. Handle with care.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes, redacted)", self.0.len())
    }
}

/// A JSON document that may hold secret members: a private JWK's `d`,
/// `p`, `q`... or an `oct` key's `k`, or a JWK Set holding such keys.
/// Every string in it (member values, array items, at any depth) is wiped
/// when it is dropped, as [`zeroize::Zeroizing`] does for a `String`
/// (serde_json's `Value` has no `Zeroize` of its own). `Debug` names the
/// members and prints no value. Read it through `Deref`; any copy the
/// caller makes (`clone`, `to_string`) is the caller's to wipe.
#[derive(Clone)]
pub struct SecretJson(serde_json::Value);

impl SecretJson {
    pub(crate) fn new(value: serde_json::Value) -> Self {
        SecretJson(value)
    }
}

impl std::ops::Deref for SecretJson {
    type Target = serde_json::Value;
    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl serde::Serialize for SecretJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Wipes every string of a JSON tree in place. Numbers, booleans and member
/// names are not key material in any JOSE document and are left alone.
fn wipe(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(members) => members.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl fmt::Debug for SecretJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            serde_json::Value::Object(m) => f
                .debug_struct("SecretJson")
                .field("members", &m.keys().collect::<Vec<_>>())
                .finish_non_exhaustive(),
            _ => f.write_str("SecretJson(redacted)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let s = SecretBytes::from_slice(b"hunter2hunter2");
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2"));
        assert!(!d.contains("104")); // no byte values either
        assert!(d.contains("14 bytes"));
    }

    #[test]
    fn secret_json_wipes_every_string_and_debug_redacts() {
        let mut doc = SecretJson::new(serde_json::json!({
            "kty": "oct",
            "k": "c2VjcmV0LXNlY3JldA",
            "keys": [{"d": "cHJpdmF0ZQ"}, "loose"],
            "n": 7
        }));
        let d = format!("{doc:?}");
        assert!(d.contains("\"k\"") && !d.contains("c2VjcmV0"), "{d}");
        // What Drop runs, observed before the memory is freed.
        wipe(&mut doc.0);
        assert_eq!(
            doc.0,
            serde_json::json!({"kty": "", "k": "", "keys": [{"d": ""}, ""], "n": 7})
        );
    }
}
