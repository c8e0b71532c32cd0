//! The Concat KDF of ECDH-ES (RFC 7518 §4.6.2, NIST SP 800-56A §5.8.1).
//!
//! `DerivedKey = first keydatalen bits of SHA-256(1 || Z || OtherInfo) ||
//! SHA-256(2 || Z || OtherInfo) || ...` with
//! `OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo`;
//! the first three are 32-bit big-endian length-prefixed, SuppPubInfo is
//! keydatalen in bits as 32-bit big-endian, SuppPrivInfo is empty.
//!
//! Binding the algorithm and key length into the derivation stops a key
//! derived for one algorithm being reused for another (cross-algorithm
//! attacks). The hash rounds are aws-lc-rs's single-step KDF
//! (`kdf::sskdf_digest`, SP 800-56C rev. 2 §4 option 1), which is exactly
//! this construction; only OtherInfo is assembled here.

use aws_lc_rs::kdf::{get_sskdf_digest_algorithm, sskdf_digest, SskdfDigestAlgorithmId};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// aws-lc's limit on each of Z, OtherInfo and the output.
const SSKDF_MAX: usize = 1 << 30;

fn length_prefixed(out: &mut Vec<u8>, what: &'static str, data: &[u8]) -> Result<()> {
    let len = u32::try_from(data.len()).map_err(|_| Error::TooLarge {
        what,
        actual: data.len(),
        limit: u32::MAX as usize,
    })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(data);
    Ok(())
}

/// The OtherInfo of RFC 7518 §4.6.2 for a `key_len`-byte key.
pub fn other_info(algorithm_id: &str, apu: &[u8], apv: &[u8], key_len: usize) -> Result<Vec<u8>> {
    let bits = key_len
        .checked_mul(8)
        .and_then(|b| u32::try_from(b).ok())
        .ok_or(Error::TooLarge {
            what: "derived key",
            actual: key_len,
            limit: (u32::MAX / 8) as usize,
        })?;
    let mut info = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    length_prefixed(&mut info, "algorithm id", algorithm_id.as_bytes())?;
    length_prefixed(&mut info, "apu", apu)?;
    length_prefixed(&mut info, "apv", apv)?;
    info.extend_from_slice(&bits.to_be_bytes());
    Ok(info)
}

/// Derives `key_len` bytes from the shared secret `z`.
///
/// `algorithm_id` is the `enc` name for direct `ECDH-ES` and the `alg` name
/// for `ECDH-ES+A*KW`; `apu`/`apv` are the decoded `apu`/`apv` header values
/// (empty when absent).
pub fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let info = other_info(algorithm_id, apu, apv, key_len)?;
    if info.len() > SSKDF_MAX {
        return Err(Error::TooLarge {
            what: "apu/apv",
            actual: info.len(),
            limit: SSKDF_MAX,
        });
    }
    if z.is_empty() || key_len == 0 || key_len > SSKDF_MAX {
        return Err(Error::Crypto("Concat KDF input out of range"));
    }
    let alg = get_sskdf_digest_algorithm(SskdfDigestAlgorithmId::Sha256)
        .ok_or(Error::Crypto("SSKDF-SHA256 unavailable"))?;
    let mut out = Zeroizing::new(vec![0u8; key_len]);
    sskdf_digest(alg, z, &info, &mut out).map_err(|_| Error::Crypto("Concat KDF failed"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::digest;

    /// RFC 7518 Appendix C: Z from the Alice/Bob P-256 example, ECDH-ES
    /// with A128GCM, apu "Alice", apv "Bob".
    #[test]
    fn rfc7518_appendix_c_kdf() {
        let z = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49,
            110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let info = other_info("A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(
            info,
            [
                0, 0, 0, 7, 65, 49, 50, 56, 71, 67, 77, 0, 0, 0, 5, 65, 108, 105, 99, 101, 0, 0, 0,
                3, 66, 111, 98, 0, 0, 0, 128
            ]
        );
        let k = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(
            &k[..],
            &[86, 170, 141, 234, 248, 35, 109, 32, 92, 34, 40, 205, 113, 167, 16, 26]
        );
    }

    /// Multi-round output (A256CBC-HS512 needs 512 bits: two SHA-256 rounds)
    /// against the definition written out with plain SHA-256.
    #[test]
    fn multi_round_matches_definition() {
        let z = [0x5au8; 48];
        let info = other_info("A256CBC-HS512", b"u", b"", 64).unwrap();
        let mut expected = Vec::new();
        for counter in 1u32..=2 {
            let mut ctx = digest::Context::new(&digest::SHA256);
            ctx.update(&counter.to_be_bytes());
            ctx.update(&z);
            ctx.update(&info);
            expected.extend_from_slice(ctx.finish().as_ref());
        }
        let got = concat_kdf(&z, "A256CBC-HS512", b"u", b"", 64).unwrap();
        assert_eq!(&got[..], &expected[..]);
        // Shorter outputs are prefixes of the same stream only when the
        // length in SuppPubInfo matches: different key lengths differ.
        let short = concat_kdf(&z, "A256CBC-HS512", b"u", b"", 32).unwrap();
        assert_ne!(&short[..], &got[..32]);
    }
}
