//! JSON Web Encryption (RFC 7516) with every RFC 7518 algorithm.
//!
//! - [`compact::encrypt`] / [`compact::decrypt`]: the five-part form.
//! - [`json::encrypt_general`], [`json::encrypt_flattened`], [`json::decrypt`].
//! - Keys are prepared once for one `alg`: [`EncryptionKey`],
//!   [`DecryptionKey`]. `RSA1_5` and PBES2 are refused on decryption unless
//!   named in [`DecryptOptions`].
//! - The byte-level building blocks (`content` for `enc`, `keymgmt` for
//!   `alg`) are crate-private: they let a caller choose an IV or run RSA1_5
//!   outside [`DecryptOptions`]. The `hazmat` feature makes them public for
//!   primitive-level tests and the rare caller who needs them; the
//!   `test-vectors` feature adds fixed CEK/IV/ephemeral inputs
//!   ([`compact::encrypt_to`]) for reproducing published vectors. Neither is
//!   on by default, and the CLI enables neither.
//!
//! Every decryption-side failure caused by the token's bytes is reported as
//! [`crate::Error::DecryptionFailed`] with no detail (RFC 7516 §11.5): a
//! distinguishable error would be a padding or key-unwrap oracle.

/// Gives an enum of registered JOSE algorithm names `ALL`, `name()`,
/// `from_name()` (exact, case-sensitive), `Display` and `FromStr`, so the
/// names are written once, next to their variants.
macro_rules! registered_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in registry order. A slice, so that adding a
            /// variant does not change the constant's type.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The registered name, e.g. for the `alg` or `enc` header.
            pub const fn name(&self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// Looks up a registered name (exact, case-sensitive match).
            pub fn from_name(name: &str) -> $crate::error::Result<Self> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|a| a.name() == name)
                    .ok_or_else(|| $crate::error::Error::UnsupportedAlgorithm(name.to_owned()))
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::error::Error;

            fn from_str(s: &str) -> $crate::error::Result<Self> {
                Self::from_name(s)
            }
        }
    };
}

/// Declares a byte-level primitive: `pub` with the `hazmat` feature,
/// crate-private without it, so the normal build offers no way to pick an
/// IV, a KEK or an RSA1_5 decryption outside the checked JWE paths.
macro_rules! hazmat {
    ($(#[$attr:meta])* fn $($rest:tt)*) => {
        #[cfg(feature = "hazmat")]
        $(#[$attr])*
        pub fn $($rest)*
        #[cfg(not(feature = "hazmat"))]
        $(#[$attr])*
        pub(crate) fn $($rest)*
    };
}

mod alg;
pub mod compact;
#[cfg(feature = "hazmat")]
pub mod content;
#[cfg(not(feature = "hazmat"))]
mod content;
pub(crate) mod decode;
mod decrypt;
mod encrypt;
mod header;
pub mod json;
mod key;
#[cfg(feature = "hazmat")]
pub mod keymgmt;
#[cfg(not(feature = "hazmat"))]
mod keymgmt;
mod zip;

pub use alg::KeyManagement;
pub use compact::Decrypted;
pub use content::ContentEncryption;
pub use decode::{decode_unverified, UnverifiedJwe, UnverifiedRecipient};
pub use decrypt::{DecryptOptions, DecryptionKeyResolver};
pub use encrypt::{EncryptOptions, Recipient};
#[cfg(feature = "test-vectors")]
pub use encrypt::{FixedContent, FixedKeyManagement};
// The names that make up a `KeyManagement` value; their byte-level
// operations are `hazmat`.
pub use header::JweHeader;
pub use key::{DecryptionKey, EncryptionKey, DEFAULT_PBES2_COUNT};
pub use keymgmt::aes_gcm_kw::AesGcmKeyWrap;
pub use keymgmt::aes_kw::AesKeyWrap;
pub use keymgmt::ecdh_es::EcdhEs;
pub use keymgmt::pbes2::Pbes2;
pub use keymgmt::rsa::RsaEncryption;

#[cfg(test)]
pub(crate) mod test_util {
    /// Hex to bytes; whitespace is ignored so RFC dumps can be pasted as is.
    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
