//! What a key says it is for: `use` (RFC 7517 §4.2) and `key_ops`
//! (RFC 7517 §4.3), as types. Values outside the registry are kept as they
//! were written (`Other`), so a key round-trips unchanged and a value Jot
//! does not know never matches an operation Jot performs.

use std::fmt;

/// The `use` member: the public key's intended use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyUse {
    /// `sig`: signatures and MACs.
    Sig,
    /// `enc`: encryption (key management).
    Enc,
    /// A value outside the registry, as written.
    Other(String),
}

impl KeyUse {
    /// The value as it appears in a JWK.
    pub fn name(&self) -> &str {
        match self {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
            KeyUse::Other(s) => s,
        }
    }

    /// Reads a `use` value; case-sensitive (RFC 7517 §4.2), so `"SIG"` is
    /// `Other`.
    pub fn from_name(name: &str) -> Self {
        match name {
            "sig" => KeyUse::Sig,
            "enc" => KeyUse::Enc,
            other => KeyUse::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for KeyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `key_ops` entry: an operation the key may be used for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyOp {
    /// `sign`: compute a signature or MAC.
    Sign,
    /// `verify`: verify a signature or MAC.
    Verify,
    /// `encrypt`: encrypt content.
    Encrypt,
    /// `decrypt`: decrypt content and validate decryption.
    Decrypt,
    /// `wrapKey`: encrypt a key.
    WrapKey,
    /// `unwrapKey`: decrypt a key and validate decryption.
    UnwrapKey,
    /// `deriveKey`: derive a key.
    DeriveKey,
    /// `deriveBits`: derive bits not to be used as a key.
    DeriveBits,
    /// A value outside the registry, as written.
    Other(String),
}

impl KeyOp {
    /// The value as it appears in a JWK.
    pub fn name(&self) -> &str {
        match self {
            KeyOp::Sign => "sign",
            KeyOp::Verify => "verify",
            KeyOp::Encrypt => "encrypt",
            KeyOp::Decrypt => "decrypt",
            KeyOp::WrapKey => "wrapKey",
            KeyOp::UnwrapKey => "unwrapKey",
            KeyOp::DeriveKey => "deriveKey",
            KeyOp::DeriveBits => "deriveBits",
            KeyOp::Other(s) => s,
        }
    }

    /// Reads a `key_ops` value; case-sensitive (RFC 7517 §4.3).
    pub fn from_name(name: &str) -> Self {
        match name {
            "sign" => KeyOp::Sign,
            "verify" => KeyOp::Verify,
            "encrypt" => KeyOp::Encrypt,
            "decrypt" => KeyOp::Decrypt,
            "wrapKey" => KeyOp::WrapKey,
            "unwrapKey" => KeyOp::UnwrapKey,
            "deriveKey" => KeyOp::DeriveKey,
            "deriveBits" => KeyOp::DeriveBits,
            other => KeyOp::Other(other.to_owned()),
        }
    }

    /// The `use` this operation falls under: `sig` for `sign` and
    /// `verify`, `enc` for every other registered operation, none for an
    /// unregistered one (RFC 7517 §4.3 asks that the two agree).
    pub fn key_use(&self) -> Option<KeyUse> {
        match self {
            KeyOp::Sign | KeyOp::Verify => Some(KeyUse::Sig),
            KeyOp::Encrypt
            | KeyOp::Decrypt
            | KeyOp::WrapKey
            | KeyOp::UnwrapKey
            | KeyOp::DeriveKey
            | KeyOp::DeriveBits => Some(KeyUse::Enc),
            KeyOp::Other(_) => None,
        }
    }
}

impl fmt::Display for KeyOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_names_round_trip_and_others_are_kept() {
        for op in [
            KeyOp::Sign,
            KeyOp::Verify,
            KeyOp::Encrypt,
            KeyOp::Decrypt,
            KeyOp::WrapKey,
            KeyOp::UnwrapKey,
            KeyOp::DeriveKey,
            KeyOp::DeriveBits,
        ] {
            assert_eq!(KeyOp::from_name(op.name()), op);
            assert!(op.key_use().is_some());
        }
        assert_eq!(KeyOp::from_name("Sign"), KeyOp::Other("Sign".into()));
        assert_eq!(KeyOp::from_name("x-custom").name(), "x-custom");
        assert_eq!(KeyOp::Other("x".into()).key_use(), None);
        for u in [KeyUse::Sig, KeyUse::Enc] {
            assert_eq!(KeyUse::from_name(u.name()), u);
        }
        assert_eq!(KeyUse::from_name("SIG"), KeyUse::Other("SIG".into()));
    }

    fn jwk(members: &str) -> crate::Result<crate::jwk::Jwk> {
        let json = format!(r#"{{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"{members}}}"#);
        crate::jwk::Jwk::from_json(json.as_bytes(), &Default::default())
    }

    #[test]
    fn a_jwk_keeps_unknown_values_and_permits_by_type() {
        let k = jwk(r#","use":"x-tls","key_ops":["sign","x-audit"]"#).unwrap();
        assert_eq!(k.key_use, Some(KeyUse::Other("x-tls".into())));
        assert_eq!(
            k.key_ops,
            Some(vec![KeyOp::Sign, KeyOp::Other("x-audit".into())])
        );
        let out = k.to_value();
        assert_eq!(out["use"], "x-tls");
        assert_eq!(out["key_ops"], serde_json::json!(["sign", "x-audit"]));
        assert!(k.permits(KeyOp::Sign));
        assert!(!k.permits(KeyOp::Verify));

        let sig = jwk(r#","use":"sig""#).unwrap();
        assert!(sig.permits(KeyOp::Verify) && !sig.permits(KeyOp::WrapKey));
        let enc = jwk(r#","use":"enc""#).unwrap();
        assert!(enc.permits(KeyOp::UnwrapKey) && !enc.permits(KeyOp::Sign));
        assert!(jwk("").unwrap().permits(KeyOp::Other("anything".into())));

        // RFC 7517 §4.3: use and key_ops must agree; a value twice is refused.
        assert!(jwk(r#","use":"sig","key_ops":["encrypt"]"#).is_err());
        assert!(jwk(r#","use":"enc","key_ops":["verify"]"#).is_err());
        assert!(jwk(r#","key_ops":["sign","sign"]"#).is_err());
    }
}
