//! Reading any token **without verifying or decrypting it**: the one entry
//! point for inspectors, which detects the serialization and applies the
//! limits and strictness of the verifying parsers. See
//! [`crate::jws::decode_unverified`] and [`crate::jwe::decode_unverified`]
//! for the two kinds.

use crate::error::Result;
use crate::format::{self, Format};
use crate::jwe::UnverifiedJwe;
use crate::jws::UnverifiedJws;
use crate::limits::Limits;

/// A token decoded without any check of its signature or decryption.
#[derive(Debug, Clone, PartialEq)]
pub enum Unverified {
    /// A JWS: headers, payload and signatures.
    Jws(UnverifiedJws),
    /// A JWE: headers and the encoded parts; the content stays encrypted.
    Jwe(Box<UnverifiedJwe>),
}

/// Decodes a compact or JSON JWS or JWE **without verifying it**, under
/// `limits`. Nothing in the result can be trusted.
///
/// ```
/// use jot::decode::{decode_unverified, Unverified};
/// use jot::limits::Limits;
/// match decode_unverified("eyJhbGciOiJub25lIn0.e30.", &Limits::default())? {
///     Unverified::Jws(jws) => assert_eq!(jws.signatures[0].protected["alg"], "none"),
///     Unverified::Jwe(_) => unreachable!(),
/// }
/// # Ok::<(), jot::Error>(())
/// ```
pub fn decode_unverified(token: &str, limits: &Limits) -> Result<Unverified> {
    match format::detect_parsed(token, limits)? {
        (Format::JsonJws, Some(root)) => {
            crate::jws::decode::from_json(&root, limits).map(Unverified::Jws)
        }
        (Format::JsonJwe, Some(root)) => {
            crate::jwe::decode::from_json(&root, limits).map(|j| Unverified::Jwe(Box::new(j)))
        }
        (Format::CompactJwe, _) => {
            crate::jwe::decode_unverified(token, limits).map(|j| Unverified::Jwe(Box::new(j)))
        }
        _ => crate::jws::decode_unverified(token, limits).map(Unverified::Jws),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_by_format() {
        let l = Limits::default();
        assert!(matches!(
            decode_unverified("eyJhbGciOiJub25lIn0.e30.", &l),
            Ok(Unverified::Jws(_))
        ));
        let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0....";
        assert!(matches!(decode_unverified(jwe, &l), Ok(Unverified::Jwe(_))));
        let json_jwe = r#"{"protected":"eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0","ciphertext":""}"#;
        assert!(matches!(
            decode_unverified(json_jwe, &l),
            Ok(Unverified::Jwe(_))
        ));
        let json_jws = r#"{"payload":"e30","protected":"eyJhbGciOiJub25lIn0","signature":""}"#;
        assert!(matches!(
            decode_unverified(json_jws, &l),
            Ok(Unverified::Jws(_))
        ));
        assert!(decode_unverified("a.b", &l).is_err());
    }
}
