//! `zip: DEF` (RFC 7516 §4.1.3): raw DEFLATE (RFC 1951), inflated under a
//! hard cap so that a small token cannot expand into gigabytes
//! (CVE-2024-28176, CVE-2024-28180).

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use crate::error::{Error, Result};

/// Compresses with raw DEFLATE.
pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = DeflateEncoder::new(
        Vec::with_capacity(data.len() / 2 + 16),
        Compression::default(),
    );
    enc.write_all(data)
        .and_then(|_| enc.finish())
        .map_err(|_| Error::Crypto("DEFLATE compression failed"))
}

/// Inflates, stopping as soon as the output passes `max` bytes.
pub(crate) fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(3).min(max));
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    DeflateDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| Error::DecryptionFailed)?;
    if out.len() > max {
        return Err(Error::TooLarge {
            what: "inflated plaintext",
            actual: out.len(),
            limit: max,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bomb() {
        let text = b"hello hello hello hello".repeat(10);
        assert_eq!(inflate(&deflate(&text).unwrap(), 1000).unwrap(), text);
        let bomb = deflate(&vec![0u8; 10_000_000]).unwrap();
        assert!(bomb.len() < 20_000);
        assert!(matches!(
            inflate(&bomb, 250_000),
            Err(Error::TooLarge { .. })
        ));
        assert_eq!(
            inflate(b"\xff\xff not deflate", 100),
            Err(Error::DecryptionFailed)
        );
    }
}
