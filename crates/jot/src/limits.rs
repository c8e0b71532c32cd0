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
        }
    }
}
