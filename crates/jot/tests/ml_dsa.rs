//! ML-DSA-44/65/87 (FIPS 204) as JWS algorithms on `AKP` keys (RFC 9964,
//! draft-ietf-cose-dilithium): the draft's examples (a seed gives the
//! published key, its thumbprint is the published `kid`, the published
//! signatures verify), round trips, tampering, and the key forms (JWK,
//! PKCS#8, SPKI, PEM) against each other and against aws-lc-rs itself.
//!
//! aws-lc-rs signs ML-DSA hedged (randomized), so signatures are never
//! compared byte for byte; only verification of known signatures is.

mod common;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{
    KeyPair, PqdsaKeyPair, PqdsaSigningAlgorithm, UnparsedPublicKey, ML_DSA_44, ML_DSA_44_SIGNING,
    ML_DSA_65, ML_DSA_65_SIGNING, ML_DSA_87, ML_DSA_87_SIGNING,
};
use jot::error::{InvalidKey, KeyMismatch};
use jot::jwe::{DecryptionKey, EncryptionKey, KeyManagement};
use jot::jwk::{AkpAlgorithm, Jwk, JwkSet, KeyParams, KeyType, ThumbprintHash};
use jot::jwks::LocalKeySet;
use jot::jws::{compact, VerifyOptions};
use jot::key::{generate, generate_for, KeySpec, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};
use serde_json::Value;

const ML_DSA: [Algorithm; 3] = [Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87];

/// (JWS algorithm, AKP algorithm, public key length, signature length,
/// aws-lc-rs signing algorithm): FIPS 204 Table 2.
fn params(
    alg: Algorithm,
) -> (
    AkpAlgorithm,
    usize,
    usize,
    &'static PqdsaSigningAlgorithm,
    &'static aws_lc_rs::signature::PqdsaVerificationAlgorithm,
) {
    match alg {
        Algorithm::MlDsa44 => (
            AkpAlgorithm::MlDsa44,
            1312,
            2420,
            &ML_DSA_44_SIGNING,
            &ML_DSA_44,
        ),
        Algorithm::MlDsa65 => (
            AkpAlgorithm::MlDsa65,
            1952,
            3309,
            &ML_DSA_65_SIGNING,
            &ML_DSA_65,
        ),
        Algorithm::MlDsa87 => (
            AkpAlgorithm::MlDsa87,
            2592,
            4627,
            &ML_DSA_87_SIGNING,
            &ML_DSA_87,
        ),
        other => panic!("not ML-DSA: {other}"),
    }
}

fn b64(bytes: &[u8]) -> String {
    common::b64u(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    common::unb64u(s)
}

fn akp(jwk: &Jwk) -> &jot::jwk::AkpParams {
    match &jwk.params {
        KeyParams::Akp(a) => a,
        other => panic!("not an AKP key: {other:?}"),
    }
}

/// A PKCS#8 v1 `PrivateKeyInfo` holding `seed` in the seed form of RFC 9881
/// §6, written out byte by byte here so that the library's own encoder is
/// not what the examples are checked with.
fn pkcs8_seed(alg: AkpAlgorithm, seed: &[u8; 32]) -> Vec<u8> {
    let last_arc = match alg {
        AkpAlgorithm::MlDsa44 => 0x11,
        AkpAlgorithm::MlDsa65 => 0x12,
        AkpAlgorithm::MlDsa87 => 0x13,
    };
    let mut der = vec![
        0x30, 0x34, // PrivateKeyInfo, 52 bytes
        0x02, 0x01, 0x00, // version v1
        0x30, 0x0b, 0x06, 0x09, // AlgorithmIdentifier { OID 2.16.840.1.101.3.4.3.x }
        0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, last_arc, //
        0x04, 0x22, // privateKey OCTET STRING, 34 bytes
        0x80, 0x20, // seed [0] IMPLICIT OCTET STRING, 32 bytes
    ];
    der.extend_from_slice(seed);
    der
}

struct Example {
    alg: Algorithm,
    seed: [u8; 32],
    kid: String,
    public: Option<Vec<u8>>,
    jws: Option<String>,
}

fn examples() -> Vec<Example> {
    let doc = common::load_json("ml-dsa/cose-dilithium-examples.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 3, "one example per parameter set");
    vectors
        .iter()
        .map(|v| Example {
            alg: Algorithm::from_name(v["alg"].as_str().unwrap()).unwrap(),
            seed: common::unhex(v["seed"].as_str().unwrap())
                .try_into()
                .unwrap(),
            kid: v["kid"].as_str().unwrap().to_owned(),
            public: v["pub"].as_str().map(unb64),
            jws: v["jws"].as_str().map(str::to_owned),
        })
        .collect()
}

/// The key the example's seed gives, through the seed form of PKCS#8.
fn example_key(e: &Example) -> Jwk {
    Jwk::from_der(&pkcs8_seed(params(e.alg).0, &e.seed)).unwrap()
}

#[test]
fn the_drafts_seeds_give_the_published_keys_and_thumbprints() {
    let examples = examples();
    for e in &examples {
        let jwk = example_key(e);
        let a = akp(&jwk);
        assert_eq!(a.alg.algorithm(), e.alg);
        assert_eq!(a.private.as_ref().unwrap().expose(), &e.seed);
        // RFC 9964 §6: the thumbprint over alg, kty and pub is the kid the
        // draft published; it pins the derived public key to the draft's.
        assert_eq!(jwk.thumbprint(ThumbprintHash::Sha256), e.kid, "{}", e.alg);
        if let Some(public) = &e.public {
            assert_eq!(&a.public, public, "{}", e.alg);
        }
    }
    assert!(examples.iter().any(|e| e.public.is_some()));
}

#[test]
fn the_drafts_signatures_verify_and_tampered_copies_do_not() {
    let payload = "It\u{2019}s a dangerous business, Frodo, going out your door.";
    let mut verified = 0;
    for e in examples() {
        let Some(token) = &e.jws else { continue };
        let public = example_key(&e).to_public().unwrap();
        let key = VerifyingKey::from_jwk(&public, e.alg).unwrap();
        let v = compact::verify(token, &key, &VerifyOptions::default()).unwrap();
        assert_eq!(v.payload, payload.as_bytes());
        assert_eq!(v.header.alg, e.alg);
        assert_eq!(v.header.kid.as_deref(), Some(e.kid.as_str()));
        verified += 1;

        let (signing_input, sig) = token.rsplit_once('.').unwrap();
        let sig = unb64(sig);
        assert_eq!(sig.len(), params(e.alg).2);
        // One flipped bit anywhere in the signature: at its start (the
        // commitment hash), its middle and its end (the hint encoding).
        for i in [0, sig.len() / 2, sig.len() - 1] {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            let forged = format!("{signing_input}.{}", b64(&bad));
            assert!(
                matches!(
                    compact::verify(&forged, &key, &VerifyOptions::default()),
                    Err(Error::InvalidSignature)
                ),
                "{} byte {i}",
                e.alg
            );
        }
        // A truncated or extended signature is refused by its length.
        for bad in [&sig[..sig.len() - 1], &[sig.as_slice(), &[0]].concat()[..]] {
            assert!(matches!(
                key.verify(signing_input.as_bytes(), bad),
                Err(Error::InvalidSignature)
            ));
        }
        // Another payload under the same signature.
        let other = format!(
            "{}.{}.{}",
            signing_input.split('.').next().unwrap(),
            b64(b"It's a dangerous business."),
            b64(&sig)
        );
        assert!(compact::verify(&other, &key, &VerifyOptions::default()).is_err());
    }
    assert_eq!(verified, 2, "ML-DSA-44 and ML-DSA-65 carry a JWS");
}

#[test]
fn the_drafts_private_jwk_parses_and_signs() {
    let e = examples().into_iter().find(|e| e.public.is_some()).unwrap();
    let text = serde_json::json!({
        "kid": e.kid,
        "kty": "AKP",
        "alg": e.alg.name(),
        "pub": b64(e.public.as_ref().unwrap()),
        "priv": b64(&e.seed),
    })
    .to_string();
    let jwk: Jwk = text.parse().unwrap();
    assert_eq!(jwk.key_type(), KeyType::Akp);
    assert_eq!(jwk.alg.as_deref(), Some(e.alg.name()));
    assert_eq!(jwk, example_key(&e).with_kid(e.kid.clone()));
    let key = SigningKey::from_jwk(&jwk, e.alg).unwrap();
    let token = compact::sign(b"frodo", &key).unwrap();
    let public = VerifyingKey::from_jwk(&jwk.to_public().unwrap(), e.alg).unwrap();
    assert_eq!(
        compact::verify(&token, &public, &VerifyOptions::default())
            .unwrap()
            .payload,
        b"frodo"
    );
}

#[test]
fn every_parameter_set_signs_and_verifies_round_trip() {
    for alg in ML_DSA {
        let (akp_alg, public_len, sig_len, ..) = params(alg);
        let jwk = generate_for(alg).unwrap();
        let a = akp(&jwk);
        assert_eq!((a.alg, a.public.len()), (akp_alg, public_len));
        assert_eq!(a.private.as_ref().unwrap().len(), 32);
        assert_eq!(jwk.alg.as_deref(), Some(alg.name()));

        let key = SigningKey::from_jwk(&jwk, alg).unwrap();
        let token = compact::sign(b"payload", &key).unwrap();
        let sig = unb64(token.rsplit('.').next().unwrap());
        assert_eq!(sig.len(), sig_len, "{alg}");
        let vk = key.verifying_key().unwrap();
        let v = compact::verify(&token, &vk, &VerifyOptions::default()).unwrap();
        assert_eq!((v.payload.as_slice(), v.header.alg), (&b"payload"[..], alg));
        // Hedged signing: the same message signs differently each time.
        assert_ne!(token, compact::sign(b"payload", &key).unwrap(), "{alg}");
        // The empty payload is a payload like any other.
        let empty = compact::sign(b"", &key).unwrap();
        assert!(compact::verify(&empty, &vk, &VerifyOptions::default())
            .unwrap()
            .payload
            .is_empty());
    }
}

#[test]
fn a_token_verifies_only_with_its_own_key_and_algorithm() {
    let k44 = generate_for(Algorithm::MlDsa44).unwrap();
    let other44 = generate_for(Algorithm::MlDsa44).unwrap();
    let k65 = generate_for(Algorithm::MlDsa65).unwrap();
    let token = compact::sign(
        b"x",
        &SigningKey::from_jwk(&k44, Algorithm::MlDsa44).unwrap(),
    )
    .unwrap();

    // Another ML-DSA-44 key.
    let wrong = VerifyingKey::from_jwk(&other44, Algorithm::MlDsa44).unwrap();
    assert!(matches!(
        compact::verify(&token, &wrong, &VerifyOptions::default()),
        Err(Error::InvalidSignature)
    ));
    // A key for another parameter set is not the header's algorithm.
    let k65v = VerifyingKey::from_jwk(&k65, Algorithm::MlDsa65).unwrap();
    assert!(compact::verify(&token, &k65v, &VerifyOptions::default()).is_err());
    // A key prepared for another algorithm than its alg member, or than
    // its material, is refused before anything is verified.
    for alg in [Algorithm::MlDsa65, Algorithm::MlDsa87, Algorithm::Ed25519] {
        assert!(matches!(
            VerifyingKey::from_jwk(&k44, alg),
            Err(Error::KeyAlgorithmMismatch { .. })
        ));
    }
    let mut relabelled = k44.to_public().unwrap();
    relabelled.alg = Some("ML-DSA-65".into());
    assert!(matches!(
        VerifyingKey::from_jwk(&relabelled, Algorithm::MlDsa65),
        Err(Error::KeyAlgorithmMismatch { .. })
    ));
    // A header that claims ML-DSA-65 over an ML-DSA-44 signature.
    let (_, rest) = token.split_once('.').unwrap();
    let header65 = b64(br#"{"alg":"ML-DSA-65"}"#);
    let relabelled_token = format!("{header65}.{rest}");
    let k44v = VerifyingKey::from_jwk(&k44, Algorithm::MlDsa44).unwrap();
    assert!(matches!(
        compact::verify(&relabelled_token, &k44v, &VerifyOptions::default()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    // No other key type serves ML-DSA.
    for jwk in [
        generate_for(Algorithm::Ed25519).unwrap(),
        generate_for(Algorithm::ES256).unwrap(),
        generate_for(Algorithm::HS256).unwrap(),
    ] {
        let mut jwk = jwk;
        jwk.alg = None;
        assert!(SigningKey::from_jwk(&jwk, Algorithm::MlDsa44).is_err());
        assert!(VerifyingKey::from_jwk(&jwk, Algorithm::MlDsa44).is_err());
    }
}

fn parse(v: Value) -> jot::Result<Jwk> {
    Jwk::from_json(v.to_string().as_bytes(), &Default::default())
}

#[test]
fn malformed_akp_jwks_are_refused() {
    let jwk = generate_for(Algorithm::MlDsa65).unwrap();
    let good: Value = serde_json::from_str(&jwk.to_json()).unwrap();
    assert!(parse(good.clone()).is_ok());
    let public = unb64(good["pub"].as_str().unwrap());
    let seed = unb64(good["priv"].as_str().unwrap());
    let with = |name: &str, value: Value| {
        let mut v = good.clone();
        v[name] = value;
        v
    };
    let without = |name: &str| {
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove(name);
        v
    };
    let bad = [
        ("no alg", without("alg")),
        ("no pub", without("pub")),
        ("alg of another key type", with("alg", "Ed25519".into())),
        ("alg not a string", with("alg", 65.into())),
        ("lower-case alg", with("alg", "ml-dsa-65".into())),
        // pub of another parameter set's length.
        ("pub for ML-DSA-44", with("alg", "ML-DSA-44".into())),
        (
            "truncated pub",
            with("pub", b64(&public[..public.len() - 1]).into()),
        ),
        (
            "extended pub",
            with("pub", b64(&[&public[..], &[0]].concat()).into()),
        ),
        ("pub not base64url", with("pub", "!!!".into())),
        ("31-byte seed", with("priv", b64(&seed[..31]).into())),
        (
            "33-byte seed",
            with("priv", b64(&[&seed[..], &[0]].concat()).into()),
        ),
        // RFC 9964 §4: never the expanded private key.
        (
            "expanded private key",
            with("priv", b64(&[7u8; 4032]).into()),
        ),
        ("priv not a string", with("priv", 1.into())),
    ];
    for (what, v) in bad {
        assert!(
            matches!(parse(v), Err(Error::InvalidKey(_))),
            "accepted: {what}"
        );
    }

    // A seed that is not the one of `pub` parses (it is well-formed) but
    // never becomes a signing key: its signatures would not verify.
    let mut other_seed = seed.clone();
    other_seed[0] ^= 1;
    let mismatched = parse(with("priv", b64(&other_seed).into())).unwrap();
    let err = SigningKey::from_jwk(&mismatched, Algorithm::MlDsa65).unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    // A public key has nothing to sign with.
    assert!(SigningKey::from_jwk(&jwk.to_public().unwrap(), Algorithm::MlDsa65).is_err());
}

#[test]
fn serialization_keeps_alg_with_the_material_and_never_leaks_the_seed() {
    for alg in ML_DSA {
        let jwk = generate_for(alg).unwrap().with_kid("k1");
        let seed = b64(akp(&jwk).private.as_ref().unwrap().expose());
        let v: Value = serde_json::from_str(&jwk.to_json()).unwrap();
        assert_eq!(v["kty"], "AKP");
        assert_eq!(v["alg"], alg.name());
        assert_eq!(v["priv"], seed.as_str());
        assert_eq!(v["kid"], "k1");
        assert_eq!(
            Jwk::from_json(jwk.to_json().as_bytes(), &Default::default()).unwrap(),
            jwk
        );

        let public = jwk.to_public().unwrap();
        assert!(!public.is_private());
        let pv: Value = serde_json::from_str(&public.to_json()).unwrap();
        assert!(pv.get("priv").is_none());
        assert_eq!(pv["alg"], alg.name());
        // The material names its algorithm even when the JWK's alg field
        // was cleared.
        let mut bare = public.clone();
        bare.alg = None;
        assert!(bare
            .to_json()
            .contains(&format!(r#""alg":"{}""#, alg.name())));

        for text in [format!("{jwk:?}"), format!("{:?}", jwk.params)] {
            assert!(!text.contains(&seed), "{text}");
            assert!(text.contains(alg.name()), "{text}");
        }
        let signing = SigningKey::from_jwk(&jwk, alg).unwrap();
        assert!(!format!("{signing:?}").contains(&seed));
    }
}

#[test]
fn thumbprints_cover_alg_kty_and_pub_in_that_order() {
    let jwk = generate_for(Algorithm::MlDsa44).unwrap().with_kid("x");
    let public = b64(&akp(&jwk).public);
    let input = jwk.thumbprint_input();
    assert_eq!(
        input,
        format!(r#"{{"alg":"ML-DSA-44","kty":"AKP","pub":"{public}"}}"#)
    );
    // Private and public halves, and metadata, do not change it.
    let t = jwk.thumbprint(ThumbprintHash::Sha256);
    assert_eq!(
        jwk.to_public().unwrap().thumbprint(ThumbprintHash::Sha256),
        t
    );
    assert_eq!(
        jwk.clone().with_kid("y").thumbprint(ThumbprintHash::Sha256),
        t
    );
}

#[test]
fn key_forms_agree_with_each_other_and_with_aws_lc() {
    for alg in ML_DSA {
        let (akp_alg, _, sig_len, signing, verifying) = params(alg);
        let jwk = generate(KeySpec::Akp(akp_alg)).unwrap();
        let public = jwk.to_public().unwrap();
        let a = akp(&jwk);

        // PKCS#8 and SPKI, DER and PEM, back to the same JWK.
        assert_eq!(Jwk::from_der(&jwk.to_der().unwrap()).unwrap(), jwk);
        assert_eq!(Jwk::from_pem(&jwk.to_pem().unwrap()).unwrap(), jwk);
        assert_eq!(Jwk::from_der(&public.to_der().unwrap()).unwrap(), public);
        assert_eq!(
            Jwk::from_pem(&jwk.to_public_pem().unwrap()).unwrap(),
            public
        );
        // The seed PKCS#8 Jot writes is the one written out by hand here.
        let seed: [u8; 32] = a.private.as_ref().unwrap().expose().try_into().unwrap();
        assert_eq!(*jwk.to_der().unwrap(), pkcs8_seed(akp_alg, &seed));

        // aws-lc reads Jot's PKCS#8 to the same public key, and Jot reads
        // aws-lc's PKCS#8 and SPKI to the same JWK.
        let pair = PqdsaKeyPair::from_pkcs8(signing, &jwk.to_der().unwrap()).unwrap();
        assert_eq!(pair.public_key().as_ref(), a.public.as_slice());
        assert_eq!(
            Jwk::from_der(pair.to_pkcs8v1().unwrap().as_ref()).unwrap(),
            jwk
        );
        let spki = pair.public_key().as_der().unwrap();
        assert_eq!(Jwk::from_der(spki.as_ref()).unwrap(), public);
        assert_eq!(spki.as_ref(), public.to_public_der().unwrap().as_slice());

        // Signatures cross over both ways.
        let key = SigningKey::from_jwk(&jwk, alg).unwrap();
        let sig = key.sign(b"cross").unwrap();
        UnparsedPublicKey::new(verifying, &a.public)
            .verify(b"cross", &sig)
            .unwrap();
        let mut theirs = vec![0u8; sig_len];
        pair.sign(b"cross", &mut theirs).unwrap();
        VerifyingKey::from_jwk(&public, alg)
            .unwrap()
            .verify(b"cross", &theirs)
            .unwrap();
    }
}

#[test]
fn pkcs8_forms_without_the_seed_or_with_a_mismatch_are_refused() {
    let jwk = generate(KeySpec::Akp(AkpAlgorithm::MlDsa44)).unwrap();
    let seed: [u8; 32] = akp(&jwk)
        .private
        .as_ref()
        .unwrap()
        .expose()
        .try_into()
        .unwrap();
    let pair = PqdsaKeyPair::from_pkcs8(
        &ML_DSA_44_SIGNING,
        &pkcs8_seed(AkpAlgorithm::MlDsa44, &seed),
    )
    .unwrap();
    use aws_lc_rs::encoding::AsRawBytes;
    let expanded = pair.private_key().as_raw_bytes().unwrap();
    let expanded = expanded.as_ref();
    assert_eq!(expanded.len(), 2560);

    // DER TLV with a minimal length (short form, or two bytes).
    let octets = |tag: u8, v: &[u8]| -> Vec<u8> {
        let mut out = vec![tag];
        match u8::try_from(v.len()) {
            Ok(n) if n < 0x80 => out.push(n),
            _ => {
                out.push(0x82);
                out.extend_from_slice(&u16::try_from(v.len()).unwrap().to_be_bytes());
            }
        }
        out.extend_from_slice(v);
        out
    };
    // PrivateKeyInfo { v1, id-ml-dsa-44, OCTET STRING { inner } }.
    let wrap = |inner: &[u8]| -> Vec<u8> {
        let mut body = vec![0x02, 0x01, 0x00];
        body.extend_from_slice(&[
            0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11,
        ]);
        body.extend_from_slice(&octets(0x04, inner));
        octets(0x30, &body)
    };
    let both = |seed: &[u8], expanded: &[u8]| {
        octets(0x30, &[octets(0x04, seed), octets(0x04, expanded)].concat())
    };

    // The "both" form with a matching expanded key imports to the same key.
    assert_eq!(Jwk::from_der(&wrap(&both(&seed, expanded))).unwrap(), jwk);
    // Expanded only: the seed cannot be recovered.
    let err = Jwk::from_der(&wrap(&octets(0x04, expanded))).unwrap_err();
    assert_eq!(err, Error::InvalidKey(InvalidKey::ExpandedOnly));
    // Both, disagreeing.
    let mut other = expanded.to_vec();
    other[100] ^= 1;
    let err = Jwk::from_der(&wrap(&both(&seed, &other))).unwrap_err();
    assert_eq!(err, Error::InvalidKey(InvalidKey::KeyPairMismatch));
    // A seed of the wrong length.
    assert!(Jwk::from_der(&wrap(&octets(0x80, &seed[..31]))).is_err());
    // Trailing bytes after the seed.
    let mut trailing = octets(0x80, &seed);
    trailing.push(0);
    assert!(Jwk::from_der(&wrap(&trailing)).is_err());
}

#[test]
fn key_sets_select_ml_dsa_keys_by_kid() {
    let k44 = generate_for(Algorithm::MlDsa44).unwrap().with_kid("pq-44");
    let k87 = generate_for(Algorithm::MlDsa87).unwrap().with_kid("pq-87");
    let ed = generate_for(Algorithm::Ed25519).unwrap().with_kid("ed");
    let set = JwkSet::new(vec![
        k44.to_public().unwrap(),
        k87.to_public().unwrap(),
        ed.to_public().unwrap(),
    ]);
    let text = set.to_json();
    let parsed = JwkSet::from_json(text.as_bytes(), &Default::default()).unwrap();
    assert_eq!(parsed.keys.len(), 3);
    let keys = LocalKeySet::from_jwks(
        &parsed,
        &[Algorithm::MlDsa44, Algorithm::MlDsa87, Algorithm::Ed25519],
    )
    .unwrap();
    for (jwk, alg) in [(&k44, Algorithm::MlDsa44), (&k87, Algorithm::MlDsa87)] {
        let token = compact::sign(b"set", &SigningKey::from_jwk(jwk, alg).unwrap()).unwrap();
        let v = compact::verify(&token, &keys, &VerifyOptions::default()).unwrap();
        assert_eq!(v.header.kid, jwk.kid);
    }
    // A set that does not allow ML-DSA-87 does not verify with that key.
    let only44 = LocalKeySet::from_jwks(&parsed, &[Algorithm::MlDsa44]).unwrap();
    let token = compact::sign(
        b"set",
        &SigningKey::from_jwk(&k87, Algorithm::MlDsa87).unwrap(),
    )
    .unwrap();
    assert!(compact::verify(&token, &only44, &VerifyOptions::default()).is_err());
}

#[test]
fn jwe_refuses_akp_keys_by_name() {
    let jwk = generate_for(Algorithm::MlDsa65).unwrap();
    for alg in ["RSA-OAEP-256", "ECDH-ES", "A256KW", "dir"] {
        let km: KeyManagement = alg.parse().unwrap();
        for err in [
            EncryptionKey::from_jwk(&jwk.to_public().unwrap(), km).unwrap_err(),
            DecryptionKey::from_jwk(&jwk, km).unwrap_err(),
        ] {
            assert!(
                matches!(
                    err,
                    Error::KeyAlgorithmMismatch {
                        reason: KeyMismatch::SignatureOnly { alg: "ML-DSA-65" },
                        ..
                    }
                ),
                "{alg}: {err}"
            );
        }
    }
}
