//! Property tests: round trips for random payloads, claims and headers, and
//! "any single-byte change to a token is rejected" for JWS and JWE.
//!
//! Mutations are total: a changed byte in a base64url segment changes the
//! decoded bytes (strict decoding gives every byte string exactly one
//! spelling, so no change can decode to the same token), a changed `.`
//! changes the segment structure, and a change that makes the token invalid
//! UTF-8 cannot even be passed as `&str`. Every case must therefore fail.
//! Case counts are modest (64) so the suite stays fast in CI.

use std::sync::OnceLock;

use jot::jwe::keymgmt::aes_kw::AesKeyWrap;
use jot::jwe::keymgmt::ecdh_es::EcdhEs;
use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement,
};
use jot::jwk::EcCurve;
use jot::jws::{self, Header};
use jot::jwt::{self, Audience, Claims, Validation};
use jot::key::{generate, generate_for, KeySpec, SigningKey, VerifyingKey};
use jot::Algorithm;
use proptest::prelude::*;
use serde_json::{Map, Value};

const ALGS: [Algorithm; 3] = [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA];

/// One key pair per algorithm, generated once for the whole run.
fn signing_keys() -> &'static [(SigningKey, VerifyingKey); 3] {
    static KEYS: OnceLock<[(SigningKey, VerifyingKey); 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        ALGS.map(|alg| {
            let jwk = generate_for(alg).unwrap().with_kid(format!("{alg}-key"));
            (
                SigningKey::from_jwk(&jwk, alg).unwrap(),
                VerifyingKey::from_jwk(&jwk, alg).unwrap(),
            )
        })
    })
}

/// (encryption key, decryption key, enc) for dir+A256GCM,
/// A128KW+A128CBC-HS256 and ECDH-ES+A256KW+A256GCM.
fn jwe_keys() -> &'static [(EncryptionKey, DecryptionKey, ContentEncryption); 3] {
    static KEYS: OnceLock<[(EncryptionKey, DecryptionKey, ContentEncryption); 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = KeyManagement::Dir;
        let kw = KeyManagement::AesKw(AesKeyWrap::A128Kw);
        let ecdh = KeyManagement::EcdhEs(EcdhEs::A256Kw);
        let ec = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
        [
            (
                EncryptionKey::secret(&[3; 32], dir).unwrap(),
                DecryptionKey::secret(&[3; 32], dir).unwrap(),
                ContentEncryption::A256Gcm,
            ),
            (
                EncryptionKey::secret(&[5; 16], kw).unwrap(),
                DecryptionKey::secret(&[5; 16], kw).unwrap(),
                ContentEncryption::A128CbcHs256,
            ),
            (
                EncryptionKey::from_jwk(&ec.to_public().unwrap(), ecdh).unwrap(),
                DecryptionKey::from_jwk(&ec, ecdh).unwrap(),
                ContentEncryption::A256Gcm,
            ),
        ]
    })
}

fn short_string() -> impl Strategy<Value = String> {
    // Any Unicode, including quotes and escapes that JSON must carry.
    proptest::collection::vec(any::<char>(), 0..12).prop_map(|v| v.into_iter().collect())
}

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        short_string().prop_map(Value::from),
        Just(Value::Null),
    ]
}

/// Extra (non-registered) members: names prefixed so they never collide with
/// registered header parameters or claims.
fn extra_members() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map(
        "[a-z]{1,8}".prop_map(|s| format!("x_{s}")),
        json_scalar(),
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// A replacement byte: half the time one a token can really contain (the
/// base64url alphabet and `.`), so that most mutations stay valid UTF-8 and
/// reach the decoder.
fn replacement() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        proptest::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".to_vec()
        ),
    ]
}

fn mutate(token: &str, pos: usize, byte: u8) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    let i = pos % bytes.len();
    if bytes[i] == byte {
        return None;
    }
    bytes[i] = byte;
    String::from_utf8(bytes).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn jws_sign_verify_round_trip(
        which in 0..3usize,
        payload in proptest::collection::vec(any::<u8>(), 0..512),
        kid in proptest::option::of(short_string()),
        typ in proptest::option::of(short_string()),
        other in extra_members(),
    ) {
        let (sk, vk) = &signing_keys()[which];
        let mut header = Header::new(sk.algorithm());
        header.kid = kid.clone();
        header.typ = typ.clone();
        header.other = other.clone();
        let token = jws::compact::sign_with_header(&payload, sk, Some(&header)).unwrap();
        let v = jws::compact::verify(&token, vk, &Default::default()).unwrap();
        prop_assert_eq!(&v.payload, &payload);
        prop_assert_eq!(v.header.kid, kid.or_else(|| sk.kid().map(str::to_owned)));
        prop_assert_eq!(v.header.typ, typ);
        prop_assert_eq!(v.header.other, other);
        // The JSON serialization agrees.
        let json_jws =
            jws::json::sign_flattened(&payload, &jws::json::Signer::new(sk), false).unwrap();
        prop_assert_eq!(jws::json::verify(&json_jws, vk, &Default::default()).unwrap().payload, payload);
    }

    #[test]
    fn jwt_claims_round_trip(
        which in 0..3usize,
        iss in short_string(),
        sub in proptest::option::of(short_string()),
        aud in proptest::collection::vec(short_string(), 1..4),
        jti in proptest::option::of(short_string()),
        lifetime in 1i64..100_000,
        extra in extra_members(),
    ) {
        let (sk, vk) = &signing_keys()[which];
        let now = 1_700_000_000;
        let mut b = jwt::Builder::new()
            .at(now)
            .issuer(iss.clone())
            .audiences(aud.clone())
            .expires_at(now + lifetime);
        if let Some(s) = &sub {
            b = b.subject(s.clone());
        }
        if let Some(j) = &jti {
            b = b.jwt_id(j.clone());
        }
        for (k, v) in &extra {
            b = b.claim(k.clone(), v.clone()).unwrap();
        }
        let token = b.sign(sk).unwrap();
        let rules = Validation::new()
            .issuer(iss.clone())
            .audience(aud[0].clone())
            .at(now);
        let v = jwt::verify::<Claims>(&token, vk, &rules).unwrap();
        prop_assert_eq!(v.claims.iss, Some(iss));
        prop_assert_eq!(v.claims.sub, sub);
        prop_assert_eq!(v.claims.jti, jti);
        prop_assert_eq!(v.claims.exp.map(|d| d.as_secs()), Some(now + lifetime));
        let got_aud = match v.claims.aud {
            Some(Audience::One(a)) => vec![a],
            Some(Audience::Many(a)) => a,
            None => vec![],
        };
        prop_assert_eq!(got_aud, aud);
        prop_assert_eq!(v.claims.extra, extra);
        // Past its lifetime (and the default 60 s leeway) it is expired.
        prop_assert!(jwt::verify::<Claims>(&token, vk, &rules.at(now + lifetime + 61)).is_err());
    }

    #[test]
    fn jws_any_byte_mutation_is_rejected(
        which in 0..3usize,
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        pos in any::<usize>(),
        byte in replacement(),
    ) {
        let (sk, vk) = &signing_keys()[which];
        let token = jws::compact::sign(&payload, sk).unwrap();
        if let Some(bad) = mutate(&token, pos, byte) {
            prop_assert!(jws::compact::verify(&bad, vk, &Default::default()).is_err(), "accepted {bad}");
            prop_assert!(
                jwt::verify::<Value>(&bad, vk, &Validation::new().allow_missing_exp()).is_err()
            );
        }
    }

    #[test]
    fn jwe_encrypt_decrypt_round_trip(
        which in 0..3usize,
        zip in any::<bool>(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let (ek, dk, enc) = &jwe_keys()[which];
        let mut opts = EncryptOptions::new(*enc);
        if zip {
            opts = opts.zip();
        }
        let token = jwe::compact::encrypt(&plaintext, ek, &opts).unwrap();
        let d = jwe::compact::decrypt(&token, dk, &DecryptOptions::new()).unwrap();
        prop_assert_eq!(&d.plaintext, &plaintext);
        prop_assert_eq!(d.header.zip, zip);
        let json_jwe =
            jwe::json::encrypt_flattened(&plaintext, &jwe::Recipient::new(ek), &opts).unwrap();
        let d = jwe::json::decrypt(&json_jwe, dk, &DecryptOptions::new()).unwrap();
        prop_assert_eq!(d.plaintext, plaintext);
    }

    #[test]
    fn jwe_any_byte_mutation_is_rejected(
        which in 0..3usize,
        zip in any::<bool>(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        pos in any::<usize>(),
        byte in replacement(),
    ) {
        let (ek, dk, enc) = &jwe_keys()[which];
        let mut opts = EncryptOptions::new(*enc);
        if zip {
            opts = opts.zip();
        }
        let token = jwe::compact::encrypt(&plaintext, ek, &opts).unwrap();
        if let Some(bad) = mutate(&token, pos, byte) {
            prop_assert!(
                jwe::compact::decrypt(&bad, dk, &DecryptOptions::new()).is_err(),
                "accepted {bad}"
            );
        }
    }
}
