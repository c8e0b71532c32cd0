//! JWK thumbprints (RFC 7638) and thumbprint URIs (RFC 9278).

use super::{Jwk, KeyParams};
use crate::backend::digest::Hash;
use crate::encoding::b64;

/// The hash of a thumbprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThumbprintHash {
    /// SHA-256, the common choice.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ThumbprintHash {
    fn hash(self) -> Hash {
        match self {
            ThumbprintHash::Sha256 => Hash::Sha256,
            ThumbprintHash::Sha384 => Hash::Sha384,
            ThumbprintHash::Sha512 => Hash::Sha512,
        }
    }

    /// The hash name used in RFC 9278 URIs (IANA "Named Information" names).
    pub fn uri_name(self) -> &'static str {
        match self {
            ThumbprintHash::Sha256 => "sha-256",
            ThumbprintHash::Sha384 => "sha-384",
            ThumbprintHash::Sha512 => "sha-512",
        }
    }
}

impl Jwk {
    /// The RFC 7638 input: the required members only, in lexicographic
    /// order, no whitespace. Values are base64url or fixed names, so no
    /// escaping is needed.
    pub fn thumbprint_input(&self) -> String {
        match &self.params {
            KeyParams::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, b64::encode(k.expose())),
            KeyParams::Rsa(r) => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                b64::encode(&r.e),
                b64::encode(&r.n)
            ),
            KeyParams::Ec(e) => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                e.crv.name(),
                b64::encode(&e.x),
                b64::encode(&e.y)
            ),
            KeyParams::Okp(o) => format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                o.crv.name(),
                b64::encode(&o.x)
            ),
            // RFC 9964 §6: alg, kty and pub, in that (lexicographic) order.
            KeyParams::Akp(a) => format!(
                r#"{{"alg":"{}","kty":"AKP","pub":"{}"}}"#,
                a.alg.name(),
                b64::encode(&a.public)
            ),
        }
    }

    /// The raw thumbprint digest.
    pub fn thumbprint_bytes(&self, hash: ThumbprintHash) -> Vec<u8> {
        hash.hash().digest(self.thumbprint_input().as_bytes())
    }

    /// The base64url thumbprint, e.g. for use as a `kid`.
    pub fn thumbprint(&self, hash: ThumbprintHash) -> String {
        b64::encode(self.thumbprint_bytes(hash))
    }

    /// The RFC 9278 URI `urn:ietf:params:oauth:jwk-thumbprint:sha-256:...`.
    pub fn thumbprint_uri(&self, hash: ThumbprintHash) -> String {
        format!(
            "urn:ietf:params:oauth:jwk-thumbprint:{}:{}",
            hash.uri_name(),
            self.thumbprint(hash)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7638 §3.1.
    #[test]
    fn rfc7638_example() {
        let jwk: Jwk = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#.parse().unwrap();
        assert_eq!(
            jwk.thumbprint(ThumbprintHash::Sha256),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(
            jwk.thumbprint_uri(ThumbprintHash::Sha256),
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(jwk.thumbprint_bytes(ThumbprintHash::Sha384).len(), 48);
        assert_eq!(jwk.thumbprint_bytes(ThumbprintHash::Sha512).len(), 64);
    }
}
