//! Strict base64url without padding (RFC 7515 §2, Appendix C).
//!
//! Decoding accepts exactly one spelling of each byte string: no `=`, no
//! `+`/`/`, no whitespace, and the unused low bits of the last symbol must be
//! zero. Anything else would make signatures malleable (CVE-2022-25898).
//!
//! Every token passes through here three times per verification (header,
//! payload, signature), so this uses `base64-simd` (the SIMD codec the AWS
//! SDK for Rust uses, with runtime CPU detection): it decodes the payload of
//! a typical JWT in about a third of the time of a table-driven decoder.

use std::mem::MaybeUninit;

use base64_simd::{Out, URL_SAFE_NO_PAD as STRICT};

use crate::error::{Error, Part, Result};

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    STRICT.encode_to_string(bytes)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub fn encode_into(bytes: impl AsRef<[u8]>, out: &mut String) {
    STRICT.encode_append(bytes, out)
}

/// Encodes `bytes` into `buf` (uninitialised scratch space, e.g. on the
/// stack), returning the encoded text; an error if `buf` is too small.
pub(crate) fn encode_to_uninit<'b>(
    bytes: &[u8],
    buf: &'b mut [MaybeUninit<u8>],
) -> Result<&'b str> {
    let len = STRICT.encoded_length(bytes.len());
    let out = buf.get_mut(..len).ok_or(Error::Crypto(
        "signature larger than any supported key makes",
    ))?;
    Ok(STRICT.encode_as_str(bytes, Out::from_uninit_slice(out)))
}

/// Decodes strict base64url; `part` names what is being decoded in the error.
pub fn decode(input: impl AsRef<[u8]>, part: Part) -> Result<Vec<u8>> {
    STRICT.decode_to_vec(input).map_err(|_| Error::Base64(part))
}

/// Decodes strict base64url into `out`, returning the decoded length. Fails
/// (as a base64 error for `part`) when `out` is too small.
pub fn decode_to_slice(input: impl AsRef<[u8]>, out: &mut [u8], part: Part) -> Result<usize> {
    let input = input.as_ref();
    let len = STRICT
        .decoded_length(input)
        .map_err(|_| Error::Base64(part))?;
    let out = out.get_mut(..len).ok_or(Error::Base64(part))?;
    STRICT
        .decode(input, Out::from_slice(out))
        .map(|d| d.len())
        .map_err(|_| Error::Base64(part))
}

/// Calls `f` with the decoded bytes, using a stack buffer of `N` bytes when
/// the result fits and the heap otherwise (the verify path's header,
/// signature and, for owned claims, payload: this keeps them off the
/// allocator). The stack buffer is not zeroed first: the decoder writes
/// exactly the bytes `f` sees.
pub(crate) fn with_decoded<const N: usize, T>(
    input: &str,
    part: Part,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    let input = input.as_bytes();
    let len = STRICT
        .decoded_length(input)
        .map_err(|_| Error::Base64(part))?;
    if len <= N {
        let mut buf = [MaybeUninit::<u8>::uninit(); N];
        let out = buf.get_mut(..len).ok_or(Error::Base64(part))?;
        let decoded = STRICT
            .decode(input, Out::from_uninit_slice(out))
            .map_err(|_| Error::Base64(part))?;
        f(decoded)
    } else {
        f(&decode(input, part)?)
    }
}

/// Decodes strict base64url, appending to `out` (which keeps its capacity).
pub fn decode_into(input: impl AsRef<[u8]>, out: &mut Vec<u8>, part: Part) -> Result<()> {
    let before = out.len();
    STRICT.decode_append(input, out).map_err(|_| {
        out.truncate(before);
        Error::Base64(part)
    })
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
        for n in 0..200u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let enc = encode(&data);
            assert!(!enc.contains('='));
            assert_eq!(decode(&enc, Part::Payload).unwrap(), data);
            assert_eq!(decoded_len(enc.len()), Some(data.len()));
            let mut v = b"keep".to_vec();
            decode_into(&enc, &mut v, Part::Payload).unwrap();
            assert_eq!(&v[..4], b"keep");
            assert_eq!(&v[4..], &data[..]);
            let mut buf = [0u8; 256];
            let k = decode_to_slice(&enc, &mut buf, Part::Payload).unwrap();
            assert_eq!(&buf[..k], &data[..]);
            let mut scratch = [MaybeUninit::<u8>::uninit(); 300];
            assert_eq!(encode_to_uninit(&data, &mut scratch).unwrap(), enc);
            let mut tiny = [MaybeUninit::<u8>::uninit(); 3];
            assert_eq!(encode_to_uninit(&data, &mut tiny).is_ok(), enc.len() <= 3);
            let via_stack = with_decoded::<64, _>(&enc, Part::Payload, |d| Ok(d.to_vec()));
            assert_eq!(
                via_stack.unwrap(),
                data,
                "stack buffer when short, heap when long"
            );
            if !data.is_empty() {
                let mut small = vec![0u8; data.len() - 1];
                assert!(decode_to_slice(&enc, &mut small, Part::Payload).is_err());
            }
        }
        // padding, standard alphabet, whitespace, non-canonical trailing bits
        assert_eq!(decode("YWI", Part::Payload).unwrap(), b"ab");
        for bad in [
            "YQ==", "YQ=", "a+b/", "YW J", "YW\nI", "YR", "YWJ", "Y", "YWI ",
        ] {
            let r = decode(bad, Part::Payload);
            assert_eq!(r, Err(Error::Base64(Part::Payload)), "{bad:?}");
            let mut v = b"keep".to_vec();
            assert!(decode_into(bad, &mut v, Part::Payload).is_err());
            assert_eq!(v, b"keep", "a failed decode leaves the buffer as it was");
            assert!(with_decoded::<8, _>(bad, Part::Payload, |_| Ok(())).is_err());
        }
        // The same defects deep inside a long input, where the SIMD loop
        // (not the scalar tail) sees them.
        let long = encode([0xA5u8; 96]);
        for (i, c) in [(5, '+'), (40, '/'), (70, '='), (33, ' '), (64, '\0')] {
            let mut s = long.clone().into_bytes();
            s[i] = c as u8;
            assert!(decode(&s, Part::Payload).is_err(), "{c:?} at {i}");
        }
    }
}
