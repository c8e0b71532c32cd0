//! ROCA (CVE-2017-15361): RSA keys whose modulus has the fingerprint of the
//! vulnerable Infineon library are refused as weak, wherever a key is
//! prepared; ordinary keys are not.

use base64::Engine;
use jot::jwe::KeyManagement;
use jot::jwk::{Jwk, JwkSet};
use jot::jwks::LocalKeySet;
use jot::jws::compact;
use jot::key::{generate_for, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};

fn fingerprint_key() -> Jwk {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/roca/fingerprint-2048.pub.jwk"
    );
    Jwk::from_json(&std::fs::read(path).unwrap(), &Default::default()).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn rsa_public(n: &[u8]) -> Jwk {
    Jwk::from_json(
        format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(n)).as_bytes(),
        &Default::default(),
    )
    .unwrap()
}

fn assert_roca(result: Result<impl std::fmt::Debug, Error>, what: &str) {
    let e = result.expect_err(what);
    assert_eq!(e.code(), "ERR_WEAK_KEY", "{what}: {e}");
    assert!(e.to_string().contains("CVE-2017-15361"), "{what}: {e}");
}

#[test]
fn a_key_with_the_fingerprint_is_refused_for_every_use() {
    let jwk = fingerprint_key();
    let mut any_alg = jwk.clone();
    any_alg.alg = None;
    any_alg.key_use = None;
    for alg in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        assert_roca(VerifyingKey::from_jwk(&any_alg, alg), alg.name());
        assert_roca(
            VerifyingKey::from_jwk_allow_short_hmac(&any_alg, alg),
            alg.name(),
        );
    }
    for alg in ["RSA-OAEP", "RSA-OAEP-256"] {
        let km = KeyManagement::from_name(alg).unwrap();
        assert_roca(jot::jwe::EncryptionKey::from_jwk(&any_alg, km), alg);
    }
    // The same modulus through PEM (SPKI).
    let pem = jwk.to_public_pem().unwrap();
    assert_roca(VerifyingKey::from_pem(&pem, Algorithm::RS256), "PEM");
}

#[test]
fn in_a_key_set_the_key_is_left_out_and_named_as_weak() {
    let ec = generate_for(Algorithm::ES256).unwrap().with_kid("ec");
    let set = JwkSet::new(vec![fingerprint_key(), ec.to_public().unwrap()]);
    let local = LocalKeySet::from_jwks(&set, Algorithm::ALL).unwrap();
    assert_eq!(local.kids(), ["ec"]);
    let signer = SigningKey::from_jwk(&ec, Algorithm::ES256).unwrap();
    let good = compact::sign(b"ok", &signer).unwrap();
    compact::verify(&good, &local, &Default::default()).unwrap();
    // A token naming the refused key learns why it cannot be verified.
    let header = b64(br#"{"alg":"RS256","kid":"roca-fingerprint"}"#);
    let token = format!("{header}.{}.{}", b64(b"x"), b64(&[7u8; 256]));
    assert_roca(
        compact::verify(&token, &local, &Default::default()),
        "token naming the ROCA key",
    );
}

/// 1 000 random odd 2048-bit moduli and a few real keys are prepared
/// normally.
#[test]
fn ordinary_keys_pass() {
    for _ in 0..1000 {
        let mut n = [0u8; 256];
        aws_lc_rs::rand::fill(&mut n).unwrap();
        n[0] |= 0x80;
        n[255] |= 1;
        VerifyingKey::from_jwk(&rsa_public(&n), Algorithm::RS256)
            .unwrap_or_else(|e| panic!("{e}: {}", b64(&n)));
    }
    for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::RS512] {
        let jwk = generate_for(alg).unwrap();
        let signer = SigningKey::from_jwk(&jwk, alg).unwrap();
        let token = compact::sign(b"real key", &signer).unwrap();
        let vk = VerifyingKey::from_jwk(&jwk.to_public().unwrap(), alg).unwrap();
        compact::verify(&token, &vk, &Default::default()).unwrap();
    }
}
