//! `jws::batch`: per-token results equal single verification's, whatever the
//! mix of good and bad tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jot::jws::{self, batch::Ed25519Batch};
use jot::key::{generate_for, SigningKey, VerifyingKey};
use jot::Algorithm;

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn with_signature(token: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let (input, sig) = token.rsplit_once('.').unwrap();
    let mut sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    f(&mut sig);
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// S + L: the same signature with a non-canonical S (malleability).
fn add_l(sig: &mut [u8]) {
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = v as u8;
        carry = v >> 8;
    }
}

#[test]
fn mixed_batches_equal_single_verification() {
    let jwk = generate_for(Algorithm::EdDSA).unwrap();
    let signer = SigningKey::from_jwk(&jwk, Algorithm::EdDSA).unwrap();
    let key = signer.verifying_key().unwrap();
    let other =
        SigningKey::from_jwk(&generate_for(Algorithm::EdDSA).unwrap(), Algorithm::EdDSA).unwrap();
    let hmac = SigningKey::hmac(&[7u8; 32], Algorithm::HS256).unwrap();

    let good: Vec<String> = (0..150)
        .map(|i| jws::compact::sign(format!("{{\"n\":{i}}}").as_bytes(), &signer).unwrap())
        .collect();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA"}"#);
    let bad_payload_input = format!("{header}.!!notbase64");
    let bad_payload = format!(
        "{bad_payload_input}.{}",
        URL_SAFE_NO_PAD.encode(signer.sign(bad_payload_input.as_bytes()).unwrap())
    );
    let mut bad: Vec<String> = vec![
        with_signature(&good[0], |s| s[40] ^= 1),
        with_signature(&good[1], |s| s[3] ^= 1),
        with_signature(&good[2], |s| add_l(s)),
        with_signature(&good[3], |s| s.truncate(63)),
        with_signature(&good[4], |s| s[..32].fill(0)),
        jws::compact::sign(b"{}", &other).unwrap(),
        jws::compact::sign(b"{}", &hmac).unwrap(),
        bad_payload,
        "a.b".into(),
        "a.b.c.d.e".into(),
        format!("{}x", good[5]),
        good[6].replacen('.', ".e30", 1),
        String::new(),
    ];
    // The identity as R with S = 0 is the one small-order R single
    // verification would judge; it must reach it.
    bad.push(with_signature(&good[7], |s| {
        s.fill(0);
        s[0] = 1;
    }));

    // Bad tokens spread over a good batch, one per chunk and several in one.
    let mut tokens = good.clone();
    for (i, b) in bad.iter().enumerate() {
        tokens.insert((i * 37) % tokens.len(), b.clone());
    }
    let batch = Ed25519Batch::new(&key).unwrap();
    for set in [&tokens, &good, &bad] {
        let got = batch.verify(set, &Default::default());
        assert_eq!(got.len(), set.len());
        for (t, r) in set.iter().zip(&got) {
            assert_eq!(
                r,
                &jws::compact::verify(t, &key, &Default::default()),
                "token {t:?}"
            );
        }
    }
    assert!(batch
        .verify(&good, &Default::default())
        .iter()
        .all(Result::is_ok));
    assert!(batch
        .verify(&bad, &Default::default())
        .iter()
        .all(Result::is_err));
    assert!(batch.verify::<&str>(&[], &Default::default()).is_empty());
}

#[test]
fn only_ed25519_keys_batch() {
    for alg in [Algorithm::HS256, Algorithm::ES256, Algorithm::Ed448] {
        let key = if alg == Algorithm::HS256 {
            VerifyingKey::hmac(&[1u8; 32], alg).unwrap()
        } else {
            SigningKey::from_jwk(&generate_for(alg).unwrap(), alg)
                .unwrap()
                .verifying_key()
                .unwrap()
        };
        assert!(Ed25519Batch::new(&key).is_err(), "{alg}");
    }
}
