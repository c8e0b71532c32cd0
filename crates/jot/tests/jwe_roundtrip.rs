//! Round trips for every JWE alg × enc × serialization, with and without zip.

use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement, Recipient,
};
use jot::jwk::{EcCurve, Jwk, OkpCurve};
use jot::key::{generate, KeySpec};
use jot::Error;

/// A private JWK suitable for `alg` (content key length given for `dir`).
fn key_for(alg: KeyManagement, enc: ContentEncryption) -> Jwk {
    let spec = match alg.name() {
        n if n.starts_with("RSA") => KeySpec::Rsa { bits: 2048 },
        "dir" => KeySpec::Oct {
            bytes: enc.key_len(),
        },
        "A128KW" | "A128GCMKW" => KeySpec::Oct { bytes: 16 },
        "A192KW" | "A192GCMKW" => KeySpec::Oct { bytes: 24 },
        "A256KW" | "A256GCMKW" => KeySpec::Oct { bytes: 32 },
        n if n.starts_with("PBES2") => KeySpec::Oct { bytes: 20 },
        _ => KeySpec::Ec(EcCurve::P256),
    };
    generate(spec).unwrap()
}

fn opts_for(alg: KeyManagement) -> DecryptOptions {
    DecryptOptions::new().allow(alg)
}

#[test]
fn every_alg_and_enc_compact_and_json() {
    let rsa = generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    let plaintext = "Round trip: ünïcödé and a repeated, repeated, repeated phrase.".repeat(3);
    let mut count = 0;
    for &alg in KeyManagement::ALL {
        for &enc in ContentEncryption::ALL {
            let jwk = if alg.name().starts_with("RSA") {
                rsa.clone()
            } else {
                key_for(alg, enc)
            };
            let ek = EncryptionKey::from_jwk(&jwk, alg).unwrap();
            let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
            for zip in [false, true] {
                let mut o = EncryptOptions::new(enc);
                o.zip = zip;
                let t = jwe::compact::encrypt(plaintext.as_bytes(), &ek, &o).unwrap();
                let d = jwe::compact::decrypt(&t, &dk, &opts_for(alg)).unwrap();
                assert_eq!(d.plaintext, plaintext.as_bytes(), "{alg} {enc} zip={zip}");
                assert_eq!(d.header.zip, zip);

                let mut jo = o.clone();
                jo.aad = Some(b"extra".to_vec());
                let f =
                    jwe::json::encrypt_flattened(plaintext.as_bytes(), &Recipient::new(&ek), &jo)
                        .unwrap();
                let d = jwe::json::decrypt(&f, &dk, &opts_for(alg)).unwrap();
                assert_eq!(d.plaintext, plaintext.as_bytes());
                assert_eq!(d.aad.as_deref(), Some(&b"extra"[..]));

                let g =
                    jwe::json::encrypt_general(plaintext.as_bytes(), &[Recipient::new(&ek)], &o)
                        .unwrap();
                assert_eq!(
                    jwe::json::decrypt(&g, &dk, &opts_for(alg))
                        .unwrap()
                        .plaintext,
                    plaintext.as_bytes()
                );
                count += 3;
            }
        }
    }
    assert_eq!(count, 19 * 6 * 2 * 3);
}

#[test]
fn okp_curves_for_ecdh() {
    for crv in [OkpCurve::X25519, OkpCurve::X448] {
        let jwk = generate(KeySpec::Okp(crv)).unwrap();
        for alg in ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A256KW"] {
            let alg = KeyManagement::from_name(alg).unwrap();
            let ek = EncryptionKey::from_jwk(&jwk.to_public().unwrap(), alg).unwrap();
            let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
            let t =
                jwe::compact::encrypt(b"hi", &ek, &EncryptOptions::new(ContentEncryption::A256Gcm))
                    .unwrap();
            assert_eq!(
                jwe::compact::decrypt(&t, &dk, &DecryptOptions::new())
                    .unwrap()
                    .plaintext,
                b"hi"
            );
        }
    }
}

#[test]
fn several_recipients() {
    let a = generate(KeySpec::Rsa { bits: 2048 }).unwrap().with_kid("a");
    let b = generate(KeySpec::Ec(EcCurve::P384)).unwrap().with_kid("b");
    let c = generate(KeySpec::Oct { bytes: 32 }).unwrap().with_kid("c");
    let algs = ["RSA-OAEP-256", "ECDH-ES+A192KW", "A256GCMKW"]
        .map(|n| KeyManagement::from_name(n).unwrap());
    let eks: Vec<EncryptionKey> = [&a, &b, &c]
        .iter()
        .zip(algs)
        .map(|(k, alg)| EncryptionKey::from_jwk(k, alg).unwrap())
        .collect();
    let mut rs: Vec<Recipient<'_>> = eks.iter().map(Recipient::new).collect();
    for r in &mut rs {
        // Put alg and key-management members in each recipient's header.
        r.header = Some(serde_json::Map::from_iter([(
            "alg".to_string(),
            serde_json::json!(r.key.algorithm().name()),
        )]));
    }
    let mut o = EncryptOptions::new(ContentEncryption::A128CbcHs256);
    o.unprotected = Some(serde_json::Map::from_iter([(
        "cty".to_string(),
        serde_json::json!("text/plain"),
    )]));
    let jwe_json = jwe::json::encrypt_general(b"to three", &rs, &o).unwrap();
    for (i, (k, alg)) in [&a, &b, &c].iter().zip(algs).enumerate() {
        let dk = DecryptionKey::from_jwk(k, alg).unwrap();
        let d = jwe::json::decrypt(&jwe_json, &dk, &DecryptOptions::new()).unwrap();
        assert_eq!(d.plaintext, b"to three");
        assert_eq!(d.recipient_index, i);
        assert_eq!(d.header.cty(), Some("text/plain"));
    }
    // dir cannot be shared among recipients.
    let dir = EncryptionKey::secret(&[1u8; 32], KeyManagement::Dir).unwrap();
    let r = jwe::json::encrypt_general(b"x", &[Recipient::new(&dir), Recipient::new(&eks[2])], &o);
    assert!(matches!(r, Err(Error::Malformed(_))));
}

#[test]
fn off_by_default_algorithms() {
    let rsa = generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    let alg = KeyManagement::from_name("RSA1_5").unwrap();
    let t = jwe::compact::encrypt(
        b"legacy",
        &EncryptionKey::from_jwk(&rsa, alg).unwrap(),
        &EncryptOptions::new(ContentEncryption::A128Gcm),
    )
    .unwrap();
    let dk = DecryptionKey::from_jwk(&rsa, alg).unwrap();
    assert_eq!(
        jwe::compact::decrypt(&t, &dk, &DecryptOptions::new()).unwrap_err(),
        Error::AlgorithmNotAllowed("RSA1_5".into())
    );
    assert_eq!(
        jwe::compact::decrypt(&t, &dk, &DecryptOptions::new().allow(alg))
            .unwrap()
            .plaintext,
        b"legacy"
    );

    let alg = KeyManagement::from_name("PBES2-HS256+A128KW").unwrap();
    let t = jwe::compact::encrypt(
        b"pw",
        &EncryptionKey::password(b"correct horse", alg).unwrap(),
        &EncryptOptions::new(ContentEncryption::A128Gcm),
    )
    .unwrap();
    let dk = DecryptionKey::password(b"correct horse", alg).unwrap();
    assert!(matches!(
        jwe::compact::decrypt(&t, &dk, &DecryptOptions::new()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    assert_eq!(
        jwe::compact::decrypt(&t, &dk, &DecryptOptions::new().allow(alg))
            .unwrap()
            .plaintext,
        b"pw"
    );
    let wrong = DecryptionKey::password(b"wrong", alg).unwrap();
    assert_eq!(
        jwe::compact::decrypt(&t, &wrong, &DecryptOptions::new().allow(alg)).unwrap_err(),
        Error::DecryptionFailed
    );
}
