//! Hard limits applied to untrusted input before any expensive work.

/// Largest RSA modulus Jot parses by default, in bits (bounds the cost of
/// a hostile key). Also [`crate::jwk::MAX_RSA_BITS`].
pub const MAX_RSA_BITS: usize = 16384;

/// Limits for parsing and verifying tokens. Every limit has a safe default
/// and a hard range: a setter refuses a value outside it
/// ([`crate::Error::InvalidLimit`]), so no configuration can turn a limit
/// off. Raise one only for a reason you can name.
///
/// ```
/// use jot::limits::Limits;
/// let limits = Limits::default().with_max_token_len(128 * 1024)?;
/// assert_eq!(limits.max_token_len(), 128 * 1024);
/// assert!(Limits::default().with_max_json_depth(100_000).is_err());
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub(crate) max_token_len: usize,
    pub(crate) max_header_len: usize,
    pub(crate) max_json_depth: usize,
    pub(crate) max_signatures: usize,
    pub(crate) max_recipients: usize,
    pub(crate) max_pbes2_count: u32,
    pub(crate) max_inflated_len: usize,
    pub(crate) max_rsa_bits: usize,
    pub(crate) max_jwks_len: usize,
}

/// A getter and a checked setter per limit, with the range written once.
macro_rules! limits {
    ($($(#[$doc:meta])* $field:ident / $setter:ident: $ty:ty, $min:expr, $max:expr;)+) => {
        impl Limits {
            $(
                $(#[$doc])*
                pub const fn $field(&self) -> $ty {
                    self.$field
                }

                #[doc = concat!("Sets [`Limits::", stringify!($field), "`]: `",
                    stringify!($min), "..=", stringify!($max), "`, or `InvalidLimit`.")]
                pub fn $setter(mut self, value: $ty) -> crate::Result<Self> {
                    if !($min..=$max).contains(&value) {
                        return Err(crate::Error::InvalidLimit {
                            name: stringify!($field),
                            min: $min as u64,
                            max: $max as u64,
                        });
                    }
                    self.$field = value;
                    Ok(self)
                }
            )+
        }
    };
}

limits! {
    /// Maximum length of a whole token (compact or JSON), checked before any
    /// decoding. Default 64 KiB.
    max_token_len / with_max_token_len: usize, 16, 16 << 20;
    /// Maximum length of a decoded protected header. Default 8 KiB.
    max_header_len / with_max_header_len: usize, 16, 1 << 20;
    /// Maximum nesting depth of any JSON document in the token. Default 32;
    /// at most 128, serde_json's own recursion bound.
    max_json_depth / with_max_json_depth: usize, 1, 128;
    /// Maximum number of signatures in a general JWS JSON. Default 16.
    max_signatures / with_max_signatures: usize, 1, 1024;
    /// Maximum number of recipients in a general JWE JSON. Default 16.
    max_recipients / with_max_recipients: usize, 1, 1024;
    /// Maximum PBES2 iteration count (`p2c`). Default 10 000.
    max_pbes2_count / with_max_pbes2_count: u32, 1, 10_000_000;
    /// Maximum size of inflated (`zip: DEF`) plaintext. Default 250 kB.
    max_inflated_len / with_max_inflated_len: usize, 1, 64 << 20;
    /// Largest RSA modulus parsed from a JWK, in bits (bounds the cost of a
    /// hostile key). Default 16 384. The floor of 2048 bits for using a key
    /// ([`crate::key::MIN_RSA_BITS`]) is a security rule, not a resource
    /// limit, and is not configurable.
    max_rsa_bits / with_max_rsa_bits: usize, 2048, 32_768;
    /// Maximum length of a JWK or JWK Set document. Default 1 MiB.
    max_jwks_len / with_max_jwks_len: usize, 64, 64 << 20;
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
            max_rsa_bits: MAX_RSA_BITS,
            max_jwks_len: 1 << 20,
        }
    }
}
