//! Secret bytes: zeroized on drop, never printed.

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
}
