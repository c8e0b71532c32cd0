//! Strict base64url without padding (RFC 7515 §2, Appendix C).
//!
//! Decoding accepts exactly one spelling of each byte string: no `=`, no
//! `+`/`/`, no whitespace, and the unused low bits of the last symbol must be
//! zero. Anything else would make signatures malleable (CVE-2022-25898).

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::error::{Error, Part, Result};

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    STRICT.encode(bytes)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub fn encode_into(bytes: impl AsRef<[u8]>, out: &mut String) {
    STRICT.encode_string(bytes, out)
}

/// Decodes strict base64url; `part` names what is being decoded in the error.
pub fn decode(input: impl AsRef<[u8]>, part: Part) -> Result<Vec<u8>> {
    STRICT.decode(input).map_err(|_| Error::Base64(part))
}

/// Decodes strict base64url into `out`, returning the decoded length. Fails
/// (as a base64 error for `part`) when `out` is too small.
pub fn decode_to_slice(input: impl AsRef<[u8]>, out: &mut [u8], part: Part) -> Result<usize> {
    STRICT
        .decode_slice(input, out)
        .map_err(|_| Error::Base64(part))
}

/// Calls `f` with the decoded bytes, using a stack buffer of `N` bytes when
/// the result fits and the heap otherwise (the verify path's header and
/// signature are small: this keeps them off the allocator).
pub(crate) fn with_decoded<const N: usize, T>(
    input: &str,
    part: Part,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    let len = decoded_len(input.len()).ok_or(Error::Base64(part))?;
    if len <= N {
        let mut buf = [0u8; N];
        let n = decode_to_slice(input, &mut buf, part)?;
        f(buf.get(..n).ok_or(Error::Base64(part))?)
    } else {
        f(&decode(input, part)?)
    }
}

/// Decodes strict base64url, appending to `out` (which keeps its capacity).
pub fn decode_into(input: impl AsRef<[u8]>, out: &mut Vec<u8>, part: Part) -> Result<()> {
    STRICT
        .decode_vec(input, out)
        .map_err(|_| Error::Base64(part))
}

/// The decoded length of `len` base64url symbols, if `len` is a possible
/// unpadded length.
pub fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        r => Some(len / 4 * 3 + r.saturating_sub(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let enc = encode(&data);
            assert!(!enc.contains('='));
            assert_eq!(decode(&enc, Part::Payload).unwrap(), data);
            assert_eq!(decoded_len(enc.len()), Some(data.len()));
        }
        // padding, standard alphabet, whitespace, non-canonical trailing bits
        assert_eq!(decode("YWI", Part::Payload).unwrap(), b"ab");
        for bad in [
            "YQ==", "YQ=", "a+b/", "YW J", "YW\nI", "YR", "YWJ", "Y", "YWI ",
        ] {
            let r = decode(bad, Part::Payload);
            assert_eq!(r, Err(Error::Base64(Part::Payload)), "{bad:?}");
        }
    }
}
