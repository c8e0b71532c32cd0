//! AES-CBC-HMAC-SHA2 authenticated encryption (RFC 7518 §5.2).
//!
//! Encrypt-then-MAC: the CEK is split into MAC_KEY (first half) and ENC_KEY
//! (second half); the tag is the first T_LEN bytes of
//! HMAC(MAC_KEY, AAD || IV || C || AL), AL being the AAD length in bits as a
//! 64-bit big-endian integer (§5.2.2.1).
//!
//! Decryption verifies the full T_LEN-byte tag in constant time *before*
//! decrypting, so a CBC padding oracle (Vaudenay 2002) cannot exist: an
//! attacker who changes any ciphertext byte gets the tag failure, never a
//! padding verdict. Tag lengths other than exactly T_LEN are refused by the
//! caller ([`super::ContentEncryption::decrypt`]) so a truncated tag cannot
//! shorten the MAC an attacker has to forge.

use aws_lc_rs::cipher::{
    self, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::constant_time;
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;

use crate::error::{Error, Result};

/// The CBC IV length: one AES block.
pub(super) const IV_LEN: usize = 16;

/// Parameters of one AES_CBC_HMAC_SHA2 instance (RFC 7518 §5.2.3–5.2.5).
pub(super) struct Params {
    aes: &'static cipher::Algorithm,
    hmac: hmac::Algorithm,
    /// Length of MAC_KEY and of ENC_KEY (each half of the CEK).
    half: usize,
    /// T_LEN.
    tag_len: usize,
}

pub(super) static A128CBC_HS256: Params = Params {
    aes: &cipher::AES_128,
    hmac: hmac::HMAC_SHA256,
    half: 16,
    tag_len: 16,
};

pub(super) static A192CBC_HS384: Params = Params {
    aes: &cipher::AES_192,
    hmac: hmac::HMAC_SHA384,
    half: 24,
    tag_len: 24,
};

pub(super) static A256CBC_HS512: Params = Params {
    aes: &cipher::AES_256,
    hmac: hmac::HMAC_SHA512,
    half: 32,
    tag_len: 32,
};

/// Full HMAC over AAD || IV || C || AL; the caller truncates.
fn mac(p: &Params, mac_key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> Result<hmac::Tag> {
    let al = u64::try_from(aad.len())
        .ok()
        .and_then(|n| n.checked_mul(8))
        .ok_or(Error::TooLarge {
            what: "additional authenticated data",
            actual: aad.len(),
            limit: (u64::MAX / 8) as usize,
        })?;
    let key = hmac::Key::new(p.hmac, mac_key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(ct);
    ctx.update(&al.to_be_bytes());
    Ok(ctx.sign())
}

fn iv_block(iv: &[u8]) -> Result<[u8; IV_LEN]> {
    iv.try_into()
        .map_err(|_| Error::Crypto("initialization vector has the wrong length"))
}

/// Lengths of `cek` and `iv` are checked by the caller.
pub(super) fn encrypt(
    p: &Params,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let (mac_key, enc_key) = cek.split_at(p.half);
    let iv_arr = iv_block(iv)?;
    let key = UnboundCipherKey::new(p.aes, enc_key)
        .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
        .map_err(|_| Error::Crypto("AES-CBC key setup failed"))?;
    let mut ct = Vec::with_capacity(plaintext.len() + IV_LEN);
    ct.extend_from_slice(plaintext);
    key.less_safe_encrypt(&mut ct, EncryptionContext::Iv128(FixedLength::from(iv_arr)))
        .map_err(|_| Error::Crypto("AES-CBC encryption failed"))?;
    let tag = mac(p, mac_key, aad, iv, &ct)?;
    let tag = tag
        .as_ref()
        .get(..p.tag_len)
        .ok_or(Error::Crypto("HMAC output shorter than the tag"))?;
    Ok((ct, tag.to_vec()))
}

/// Lengths of `cek`, `iv` and `tag` are checked by the caller.
pub(super) fn decrypt(
    p: &Params,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>> {
    // Defence in depth: the caller already insists on exactly T_LEN bytes.
    if tag.len() != p.tag_len || cek.len() != 2 * p.half {
        return Err(Error::DecryptionFailed);
    }
    let (mac_key, enc_key) = cek.split_at(p.half);
    let expected = mac(p, mac_key, aad, iv, ciphertext).map_err(|_| Error::DecryptionFailed)?;
    // Compare exactly T_LEN bytes of the full HMAC, in constant time, before
    // any decryption (RFC 7518 §5.2.2.2 step 2).
    let expected = expected
        .as_ref()
        .get(..p.tag_len)
        .ok_or(Error::DecryptionFailed)?;
    constant_time::verify_slices_are_equal(expected, tag).map_err(|_| Error::DecryptionFailed)?;

    let iv_arr = iv_block(iv).map_err(|_| Error::DecryptionFailed)?;
    let key = UnboundCipherKey::new(p.aes, enc_key)
        .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
        .map_err(|_| Error::DecryptionFailed)?;
    let mut buf = ciphertext.to_vec();
    let pt = key
        .decrypt(
            &mut buf,
            DecryptionContext::Iv128(FixedLength::from(iv_arr)),
        )
        .map_err(|_| Error::DecryptionFailed)?;
    let len = pt.len();
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::super::ContentEncryption;
    use crate::error::Error;

    use crate::jwe::test_util::hex as h;

    // RFC 7518 Appendix B: common inputs.
    const P: &str = "41 20 63 69 70 68 65 72 20 73 79 73 74 65 6d 20 6d 75 73 74 20 6e 6f 74 20 62 65 20 72 65 71 75 69 72 65 64 20 74 6f 20 62 65 20 73 65 63 72 65 74 2c 20 61 6e 64 20 69 74 20 6d 75 73 74 20 62 65 20 61 62 6c 65 20 74 6f 20 66 61 6c 6c 20 69 6e 74 6f 20 74 68 65 20 68 61 6e 64 73 20 6f 66 20 74 68 65 20 65 6e 65 6d 79 20 77 69 74 68 6f 75 74 20 69 6e 63 6f 6e 76 65 6e 69 65 6e 63 65";
    const IV: &str = "1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04";
    const A: &str = "54 68 65 20 73 65 63 6f 6e 64 20 70 72 69 6e 63 69 70 6c 65 20 6f 66 20 41 75 67 75 73 74 65 20 4b 65 72 63 6b 68 6f 66 66 73";

    fn check(enc: ContentEncryption, e: &str, t: &str) {
        let k: Vec<u8> = (0..enc.key_len() as u8).collect();
        let (p, iv, a) = (h(P), h(IV), h(A));
        let (ct, tag) = enc.encrypt(&k, &iv, &a, &p).unwrap();
        assert_eq!(ct, h(e), "{enc} E");
        assert_eq!(tag, h(t), "{enc} T");
        assert_eq!(enc.decrypt(&k, &iv, &a, &ct, &tag).unwrap(), p);
    }

    #[test]
    fn rfc7518_b1_a128cbc_hs256() {
        check(
            ContentEncryption::A128CbcHs256,
            "c8 0e df a3 2d df 39 d5 ef 00 c0 b4 68 83 42 79 a2 e4 6a 1b 80 49 f7 92 f7 6b fe 54 b9 03 a9 c9 a9 4a c9 b4 7a d2 65 5c 5f 10 f9 ae f7 14 27 e2 fc 6f 9b 3f 39 9a 22 14 89 f1 63 62 c7 03 23 36 09 d4 5a c6 98 64 e3 32 1c f8 29 35 ac 40 96 c8 6e 13 33 14 c5 40 19 e8 ca 79 80 df a4 b9 cf 1b 38 4c 48 6f 3a 54 c5 10 78 15 8e e5 d7 9d e5 9f bd 34 d8 48 b3 d6 95 50 a6 76 46 34 44 27 ad e5 4b 88 51 ff b5 98 f7 f8 00 74 b9 47 3c 82 e2 db",
            "65 2c 3f a3 6b 0a 7c 5b 32 19 fa b3 a3 0b c1 c4",
        );
    }

    #[test]
    fn rfc7518_b2_a192cbc_hs384() {
        check(
            ContentEncryption::A192CbcHs384,
            "ea 65 da 6b 59 e6 1e db 41 9b e6 2d 19 71 2a e5 d3 03 ee b5 00 52 d0 df d6 69 7f 77 22 4c 8e db 00 0d 27 9b dc 14 c1 07 26 54 bd 30 94 42 30 c6 57 be d4 ca 0c 9f 4a 84 66 f2 2b 22 6d 17 46 21 4b f8 cf c2 40 0a dd 9f 51 26 e4 79 66 3f c9 0b 3b ed 78 7a 2f 0f fc bf 39 04 be 2a 64 1d 5c 21 05 bf e5 91 ba e2 3b 1d 74 49 e5 32 ee f6 0a 9a c8 bb 6c 6b 01 d3 5d 49 78 7b cd 57 ef 48 49 27 f2 80 ad c9 1a c0 c4 e7 9c 7b 11 ef c6 00 54 e3",
            "84 90 ac 0e 58 94 9b fe 51 87 5d 73 3f 93 ac 20 75 16 80 39 cc c7 33 d7",
        );
    }

    #[test]
    fn rfc7518_b3_a256cbc_hs512() {
        check(
            ContentEncryption::A256CbcHs512,
            "4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd 82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b 36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3 a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6",
            "4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5",
        );
    }

    /// The MAC is checked before decryption: a ciphertext with broken PKCS#7
    /// padding but a valid tag decrypts to an error only *after* the tag has
    /// passed, and one with a bad tag never reaches the padding check. We
    /// show the second half: garbage that cannot even be CBC-decrypted (not
    /// a multiple of 16 bytes) with a wrong tag gives the same error as a
    /// well-formed ciphertext with a wrong tag.
    #[test]
    fn tag_checked_before_padding() {
        let enc = ContentEncryption::A128CbcHs256;
        let k = [7u8; 32];
        let iv = [1u8; 16];
        // 20 bytes: two blocks, the second ending in 12 bytes of padding.
        let (ct, _) = enc.encrypt(&k, &iv, b"", b"0123456789abcdefghij").unwrap();
        let bad_tag = [0u8; 16];
        let e1 = enc.decrypt(&k, &iv, b"", &ct, &bad_tag).unwrap_err();
        let e2 = enc.decrypt(&k, &iv, b"", &ct[..5], &bad_tag).unwrap_err();
        assert_eq!(e1, Error::DecryptionFailed);
        assert_eq!(e1, e2);

        // A correctly MACed ciphertext with invalid padding (we MAC it
        // ourselves with the right key) still gives the same opaque error.
        // Flipping the last byte of the first block flips the last byte of
        // the second plaintext block: the padding length becomes 12 ^ 0xff.
        let mut forged = ct.clone();
        forged[15] ^= 0xff;
        let p = &super::A128CBC_HS256;
        let t = super::mac(p, &k[..16], b"", &iv, &forged).unwrap();
        let e3 = enc
            .decrypt(&k, &iv, b"", &forged, &t.as_ref()[..16])
            .unwrap_err();
        assert_eq!(e3, Error::DecryptionFailed);
    }

    /// A tag that is a prefix of the full HMAC but not exactly T_LEN bytes
    /// must fail: comparing `min(len)` bytes would let an attacker send a
    /// one-byte tag and forge with probability 1/256.
    #[test]
    fn truncations_of_the_full_hmac_are_refused() {
        let enc = ContentEncryption::A256CbcHs512;
        let k = [9u8; 64];
        let iv = [2u8; 16];
        let (ct, tag) = enc.encrypt(&k, &iv, b"x", b"payload").unwrap();
        let full = super::mac(&super::A256CBC_HS512, &k[..32], b"x", &iv, &ct).unwrap();
        assert_eq!(&full.as_ref()[..32], &tag[..]);
        for n in [1, 16, 24, 31, 33, 48, 64] {
            assert_eq!(
                enc.decrypt(&k, &iv, b"x", &ct, &full.as_ref()[..n]),
                Err(Error::DecryptionFailed),
                "tag of {n} bytes"
            );
        }
    }
}
