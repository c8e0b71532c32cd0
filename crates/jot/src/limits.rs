//! Hard limits applied to untrusted input before any expensive work.

/// Limits for parsing and verifying tokens. Every field has a safe default;
/// raise one only for a reason you can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum length of a whole token (compact or JSON), checked before any
    /// decoding. Default 64 KiB.
    pub max_token_len: usize,
    /// Maximum length of a decoded protected header. Default 8 KiB.
    pub max_header_len: usize,
    /// Maximum nesting depth of any JSON document in the token. Default 32.
    pub max_json_depth: usize,
    /// Maximum number of signatures in a general JWS JSON. Default 16.
    pub max_signatures: usize,
    /// Maximum number of recipients in a general JWE JSON. Default 16.
    pub max_recipients: usize,
    /// Maximum PBES2 iteration count (`p2c`). Default 10 000.
    pub max_pbes2_count: u32,
    /// Maximum size of inflated (`zip: DEF`) plaintext. Default 250 kB.
    pub max_inflated_len: usize,
    /// Largest RSA modulus parsed from a JWK, in bits (bounds the cost of a
    /// hostile key). Default 16 384. The floor of 2048 bits for using a key
    /// ([`crate::key::MIN_RSA_BITS`]) is a security rule, not a resource
    /// limit, and is not configurable.
    pub max_rsa_bits: usize,
    /// Maximum length of a JWK or JWK Set document parsed with
    /// [`crate::jwk::Jwk::from_json_with_limits`] or
    /// [`crate::jwk::JwkSet::from_json_with_limits`]. Default 1 MiB.
    pub max_jwks_len: usize,
}

impl Limits {
    /// Fails with [`crate::Error::TooLarge`] if a whole token is over
    /// `max_token_len`. Every entry point calls this before decoding.
    pub(crate) fn check_token_len(&self, len: usize) -> crate::Result<()> {
        if len > self.max_token_len {
            return Err(crate::Error::TooLarge {
                what: "token",
                actual: len,
                limit: self.max_token_len,
            });
        }
        Ok(())
    }

    /// Fails if a base64url protected header would decode to more than
    /// `max_header_len` bytes, so that an oversized header is refused
    /// before it is decoded.
    pub(crate) fn check_header_b64_len(&self, encoded_len: usize) -> crate::Result<()> {
        match crate::encoding::b64::decoded_len(encoded_len) {
            Some(n) => self.check_header_len(n),
            None => Err(crate::Error::Base64(crate::error::Part::Header)),
        }
    }

    /// Fails if a decoded protected header is over `max_header_len`.
    pub(crate) fn check_header_len(&self, len: usize) -> crate::Result<()> {
        if len > self.max_header_len {
            return Err(crate::Error::TooLarge {
                what: "protected header",
                actual: len,
                limit: self.max_header_len,
            });
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_token_len: 64 * 1024,
            max_header_len: 8 * 1024,
            max_json_depth: crate::encoding::json::DEFAULT_MAX_DEPTH,
            max_signatures: 16,
            max_recipients: 16,
            max_pbes2_count: 10_000,
            max_inflated_len: 250_000,
            max_rsa_bits: crate::jwk::MAX_RSA_BITS,
            max_jwks_len: 1 << 20,
        }
    }
}
