//! Importing keys made by OpenSSL (fixtures in tests/data/keys, see gen.sh).

use der::{Decode, Encode};
use jot::error::{DerStructure, InvalidKey, PemError};
use jot::jwk::{EcCurve, Jwk, KeyParams, KeyType, OkpCurve};
use jot::key::{import, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};

fn path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/keys")
        .join(name)
}

fn pem(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap()
}

fn der(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap()
}

fn is_invalid_key(r: jot::Result<Jwk>, expected: InvalidKey) {
    match r {
        Err(Error::InvalidKey(why)) => assert_eq!(why, expected),
        other => panic!("expected InvalidKey({expected:?}), got {other:?}"),
    }
}

/// (fixture stem, algorithm to sign with, expected kty).
const SIGNING: [(&str, Algorithm, KeyType); 7] = [
    ("rsa2048", Algorithm::RS256, KeyType::Rsa),
    ("ec-p256", Algorithm::ES256, KeyType::Ec),
    ("ec-p384", Algorithm::ES384, KeyType::Ec),
    ("ec-p521", Algorithm::ES512, KeyType::Ec),
    ("ec-secp256k1", Algorithm::ES256K, KeyType::Ec),
    ("ed25519", Algorithm::Ed25519, KeyType::Okp),
    ("ed448", Algorithm::Ed448, KeyType::Okp),
];

const ALL_STEMS: [&str; 9] = [
    "rsa2048",
    "ec-p256",
    "ec-p384",
    "ec-p521",
    "ec-secp256k1",
    "ed25519",
    "ed448",
    "x25519",
    "x448",
];

#[test]
fn pkcs8_and_spki_of_every_key_type_agree_in_pem_and_der() {
    for stem in ALL_STEMS {
        let private = Jwk::from_pem(&pem(&format!("{stem}.pkcs8.pem"))).unwrap();
        assert!(private.is_private(), "{stem}");
        let public = Jwk::from_pem(&pem(&format!("{stem}.spki.pem"))).unwrap();
        assert!(!public.is_private(), "{stem}");
        assert_eq!(private.to_public().unwrap(), public, "{stem}");
        assert_eq!(
            Jwk::from_der(&der(&format!("{stem}.pkcs8.der"))).unwrap(),
            private,
            "{stem}"
        );
        assert_eq!(
            Jwk::from_der(&der(&format!("{stem}.spki.der"))).unwrap(),
            public,
            "{stem}"
        );
    }
}

#[test]
fn curves_and_types_are_identified() {
    let crv = |stem: &str| match Jwk::from_pem(&pem(&format!("{stem}.spki.pem")))
        .unwrap()
        .params
    {
        KeyParams::Ec(e) => format!("EC {}", e.crv.name()),
        KeyParams::Okp(o) => format!("OKP {}", o.crv.name()),
        KeyParams::Rsa(r) => format!("RSA {}", r.modulus_bits()),
        KeyParams::Oct { .. } => "oct".into(),
        KeyParams::Akp(a) => format!("AKP {}", a.alg.name()),
    };
    assert_eq!(crv("rsa2048"), "RSA 2048");
    assert_eq!(crv("ec-p256"), "EC P-256");
    assert_eq!(crv("ec-p384"), "EC P-384");
    assert_eq!(crv("ec-p521"), "EC P-521");
    assert_eq!(crv("ec-secp256k1"), "EC secp256k1");
    assert_eq!(crv("ed25519"), "OKP Ed25519");
    assert_eq!(crv("ed448"), "OKP Ed448");
    assert_eq!(crv("x25519"), "OKP X25519");
    assert_eq!(crv("x448"), "OKP X448");
}

#[test]
fn rsa_modulus_matches_openssl_and_has_no_leading_zero() {
    let jwk = Jwk::from_pem(&pem("rsa2048.pkcs8.pem")).unwrap();
    let KeyParams::Rsa(r) = &jwk.params else {
        panic!("not RSA")
    };
    let hex: String = r.n.iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(hex, pem("rsa2048.modulus.hex").trim());
    assert_eq!(r.e, [1, 0, 1]);
    let p = r.private.as_ref().unwrap();
    for v in [
        &p.d,
        &p.primes.p,
        &p.primes.q,
        &p.primes.dp,
        &p.primes.dq,
        &p.primes.qi,
    ] {
        assert_ne!(v.expose()[0], 0, "leading zero kept");
    }
}

#[test]
fn pkcs1_private_and_public_keys() {
    let pkcs8 = Jwk::from_pem(&pem("rsa2048.pkcs8.pem")).unwrap();
    let spki = Jwk::from_pem(&pem("rsa2048.spki.pem")).unwrap();
    assert_eq!(Jwk::from_pem(&pem("rsa2048.pkcs1.pem")).unwrap(), pkcs8);
    assert_eq!(Jwk::from_der(&der("rsa2048.pkcs1.der")).unwrap(), pkcs8);
    assert_eq!(Jwk::from_pem(&pem("rsa2048.pkcs1pub.pem")).unwrap(), spki);
    assert_eq!(Jwk::from_der(&der("rsa2048.pkcs1pub.der")).unwrap(), spki);
}

#[test]
fn sec1_keys_with_and_without_public_point() {
    for stem in ["ec-p256", "ec-p384", "ec-p521", "ec-secp256k1"] {
        let pkcs8 = Jwk::from_pem(&pem(&format!("{stem}.pkcs8.pem"))).unwrap();
        for variant in ["sec1.pem", "sec1-nopub.pem", "pkcs8-nopub.pem"] {
            let jwk = Jwk::from_pem(&pem(&format!("{stem}.{variant}"))).unwrap();
            assert_eq!(jwk, pkcs8, "{stem}.{variant}");
        }
        assert_eq!(
            Jwk::from_der(&der(&format!("{stem}.sec1.der"))).unwrap(),
            pkcs8,
            "{stem}"
        );
    }
}

#[test]
fn ec_private_scalar_is_left_padded() {
    // A SEC1 key whose d lost its leading zero bytes must still give a
    // fixed-length JWK `d`. Rebuild P-256 keys until one has a short d.
    let pkcs8 = Jwk::from_pem(&pem("ec-p256.pkcs8.pem")).unwrap();
    let KeyParams::Ec(e) = &pkcs8.params else {
        panic!()
    };
    let d = e.d.as_ref().unwrap().expose();
    let point = [&[4u8][..], &e.x, &e.y].concat();
    // Re-encode with d written minimally (as some encoders do).
    let mut short = d.to_vec();
    short.insert(0, 0); // and a leading zero, the other common deviation
    let k = sec1::EcPrivateKey {
        private_key: &short,
        parameters: Some(sec1::EcParameters::NamedCurve(
            "1.2.840.10045.3.1.7".parse().unwrap(),
        )),
        public_key: Some(&point),
    };
    let jwk = Jwk::from_der(&k.to_der().unwrap()).unwrap();
    assert_eq!(jwk, pkcs8);
    let KeyParams::Ec(e2) = jwk.params else {
        panic!()
    };
    assert_eq!(e2.d.unwrap().len(), 32);
}

#[test]
fn sec1_without_curve_needs_the_caller_to_name_it() {
    let original = der("ec-p256.sec1.der");
    let mut k = sec1::EcPrivateKey::from_der(&original).unwrap();
    k.parameters = None;
    let bare = k.to_der().unwrap();
    is_invalid_key(Jwk::from_der(&bare), InvalidKey::Sec1WithoutCurve);
    let pem_text =
        der::pem::encode_string("EC PRIVATE KEY", der::pem::LineEnding::LF, &bare).unwrap();
    is_invalid_key(Jwk::from_pem(&pem_text), InvalidKey::Sec1WithoutCurve);

    let expected = Jwk::from_der(&original).unwrap();
    assert_eq!(
        import::from_der_with_curve(&bare, EcCurve::P256).unwrap(),
        expected
    );
    assert_eq!(
        import::from_pem_with_curve(&pem_text, EcCurve::P256).unwrap(),
        expected
    );
    // A curve that contradicts the key's own is an error, not an override.
    is_invalid_key(
        import::from_der_with_curve(&original, EcCurve::P384),
        InvalidKey::CurveMismatch {
            found: "P-256",
            expected: "P-384",
        },
    );
    // Without the point, the wrong curve cannot even derive a public key.
    assert!(import::from_der_with_curve(&bare, EcCurve::P384).is_err());
}

#[test]
fn ec_private_key_must_match_its_public_point() {
    let a = sec1::EcPrivateKey::from_der(&der("ec-p256.sec1.der"))
        .unwrap()
        .to_der()
        .unwrap();
    let other = Jwk::from_pem(&pem("ec-p256.with-params.pem")).unwrap();
    let KeyParams::Ec(o) = &other.params else {
        panic!()
    };
    let other_point = [&[4u8][..], &o.x, &o.y].concat();
    let mut k = sec1::EcPrivateKey::from_der(&a).unwrap();
    k.public_key = Some(&other_point);
    is_invalid_key(
        Jwk::from_der(&k.to_der().unwrap()),
        InvalidKey::KeyPairMismatch,
    );
}

#[test]
fn ec_point_off_the_curve_is_rejected() {
    let mut spki = der("ec-p256.spki.der");
    let last = spki.len() - 1;
    spki[last] ^= 1; // y changes, x does not: no longer on the curve
    is_invalid_key(
        Jwk::from_der(&spki),
        InvalidKey::NotOnCurve { curve: "P-256" },
    );
}

#[test]
fn compressed_ec_points_are_refused_with_a_clear_error() {
    let spki = der("ec-p256.spki.der");
    let info = spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
    let point = info.subject_public_key.as_bytes().unwrap();
    let mut compressed = vec![2 | (point[64] & 1)];
    compressed.extend_from_slice(&point[1..33]);
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: info.algorithm,
        subject_public_key: der::asn1::BitStringRef::from_bytes(&compressed).unwrap(),
    };
    is_invalid_key(
        Jwk::from_der(&info.to_der().unwrap()),
        InvalidKey::CompressedPoint,
    );
}

#[test]
fn okp_public_key_is_derived_and_checked() {
    // OpenSSL writes PKCS#8 v1 (no public key): x is derived and must equal
    // OpenSSL's own SPKI (checked in the round-trip test above). A v2 key
    // whose public key does not match is refused.
    for stem in ["ed25519", "ed448", "x25519", "x448"] {
        let bytes = der(&format!("{stem}.pkcs8.der"));
        let mut info = pkcs8::PrivateKeyInfoRef::from_der(&bytes).unwrap();
        let spki = Jwk::from_der(&der(&format!("{stem}.spki.der"))).unwrap();
        let KeyParams::Okp(o) = &spki.params else {
            panic!()
        };
        let good = o.x.clone();
        info.public_key = Some(der::asn1::BitStringRef::from_bytes(&good).unwrap());
        assert!(Jwk::from_der(&info.to_der().unwrap()).unwrap().is_private());
        let mut bad = good.clone();
        bad[0] ^= 1;
        info.public_key = Some(der::asn1::BitStringRef::from_bytes(&bad).unwrap());
        is_invalid_key(
            Jwk::from_der(&info.to_der().unwrap()),
            InvalidKey::KeyPairMismatch,
        );
    }
}

#[test]
fn certificates_yield_their_subject_public_key() {
    let ec = Jwk::from_pem(&pem("ec-p256.spki.pem")).unwrap();
    let rsa = Jwk::from_pem(&pem("rsa2048.spki.pem")).unwrap();
    let ed = Jwk::from_pem(&pem("ed25519.spki.pem")).unwrap();
    assert_eq!(Jwk::from_pem(&pem("cert-ec-p256.pem")).unwrap(), ec);
    assert_eq!(Jwk::from_der(&der("cert-ec-p256.der")).unwrap(), ec);
    assert_eq!(Jwk::from_pem(&pem("cert-rsa2048.pem")).unwrap(), rsa);
    assert_eq!(Jwk::from_pem(&pem("cert-ed25519.pem")).unwrap(), ed);
    // Several blocks: the first one is used.
    assert_eq!(Jwk::from_pem(&pem("bundle-rsa-then-ec.pem")).unwrap(), rsa);
}

#[test]
fn unknown_blocks_before_the_key_are_skipped() {
    let jwk = Jwk::from_pem(&pem("ec-p256.with-params.pem")).unwrap();
    assert!(jwk.is_private());
    assert!(matches!(jwk.params, KeyParams::Ec(ref e) if e.crv == EcCurve::P256));
    // Explanatory text around the block is allowed too.
    let text = format!("my key:\n{}\ntrailing notes\n", pem("ed25519.spki.pem"));
    assert!(Jwk::from_pem(&text).is_ok());
}

#[test]
fn rsa_pss_keys_import_as_rsa() {
    let private = Jwk::from_pem(&pem("rsapss2048.pkcs8.pem")).unwrap();
    let public = Jwk::from_pem(&pem("rsapss2048.spki.pem")).unwrap();
    assert_eq!(private.to_public().unwrap(), public);
    let sk = SigningKey::from_jwk(&private, Algorithm::PS256).unwrap();
    let sig = sk.sign(b"msg").unwrap();
    let vk = VerifyingKey::from_jwk(&public, Algorithm::PS256).unwrap();
    vk.verify(b"msg", &sig).unwrap();
}

#[test]
fn imported_keys_sign_and_verify() {
    for (stem, alg, kty) in SIGNING {
        let private_pem = pem(&format!("{stem}.pkcs8.pem"));
        assert_eq!(Jwk::from_pem(&private_pem).unwrap().key_type(), kty);
        let sk = SigningKey::from_pem(&private_pem, alg).unwrap();
        let sig = sk.sign(b"payload").unwrap();
        let vk = VerifyingKey::from_pem(&pem(&format!("{stem}.spki.pem")), alg).unwrap();
        vk.verify(b"payload", &sig).unwrap();
        let vk = VerifyingKey::from_der(&der(&format!("{stem}.spki.der")), alg).unwrap();
        vk.verify(b"payload", &sig).unwrap();
        // A private key verifies with its public half.
        VerifyingKey::from_pem(&private_pem, alg)
            .unwrap()
            .verify(b"payload", &sig)
            .unwrap();
        let sk = SigningKey::from_der(&der(&format!("{stem}.pkcs8.der")), alg).unwrap();
        vk.verify(b"payload", &sk.sign(b"payload").unwrap())
            .unwrap();
        assert!(vk.verify(b"payloae", &sig).is_err(), "{stem}");
    }
    let vk = VerifyingKey::from_pem(&pem("cert-ec-p256.pem"), Algorithm::ES256).unwrap();
    let sk = SigningKey::from_pem(&pem("ec-p256.sec1.pem"), Algorithm::ES256).unwrap();
    vk.verify(b"x", &sk.sign(b"x").unwrap()).unwrap();
}

#[test]
fn public_keys_can_never_become_hmac_keys() {
    for hs in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        for stem in ["rsa2048", "ec-p256", "ed25519"] {
            let p = pem(&format!("{stem}.spki.pem"));
            let d = der(&format!("{stem}.spki.der"));
            for r in [
                VerifyingKey::from_pem(&p, hs),
                VerifyingKey::from_der(&d, hs),
            ] {
                assert!(
                    matches!(r, Err(Error::KeyAlgorithmMismatch { .. })),
                    "{stem} {hs}: {r:?}"
                );
            }
            let r = SigningKey::from_pem(&pem(&format!("{stem}.pkcs8.pem")), hs);
            assert!(matches!(r, Err(Error::KeyAlgorithmMismatch { .. })));
        }
        let r = VerifyingKey::from_pem(&pem("cert-rsa2048.pem"), hs);
        assert!(matches!(r, Err(Error::KeyAlgorithmMismatch { .. })));
        let r = VerifyingKey::from_pem(&pem("rsa2048.pkcs1pub.pem"), hs);
        assert!(matches!(r, Err(Error::KeyAlgorithmMismatch { .. })));
    }
}

#[test]
fn public_key_cannot_sign_and_wrong_algorithm_is_refused() {
    let r = SigningKey::from_pem(&pem("ec-p256.spki.pem"), Algorithm::ES256);
    assert!(
        matches!(r, Err(Error::KeyAlgorithmMismatch { .. })),
        "{r:?}"
    );
    let r = VerifyingKey::from_pem(&pem("ec-p256.spki.pem"), Algorithm::ES384);
    assert!(
        matches!(r, Err(Error::KeyAlgorithmMismatch { .. })),
        "{r:?}"
    );
    let r = VerifyingKey::from_pem(&pem("x25519.spki.pem"), Algorithm::EdDSA);
    assert!(
        matches!(r, Err(Error::KeyAlgorithmMismatch { .. })),
        "{r:?}"
    );
}

#[test]
fn rsa_1024_imports_but_is_too_weak_to_sign() {
    let jwk = Jwk::from_pem(&pem("rsa1024.pkcs8.pem")).unwrap();
    assert!(matches!(&jwk.params, KeyParams::Rsa(r) if r.modulus_bits() == 1024));
    let r = SigningKey::from_jwk(&jwk, Algorithm::RS256);
    assert!(matches!(r, Err(Error::WeakKey(_))), "{r:?}");
    let r = SigningKey::from_pem(&pem("rsa1024.pkcs8.pem"), Algorithm::RS256);
    assert!(matches!(r, Err(Error::WeakKey(_))), "{r:?}");
    let r = VerifyingKey::from_jwk(&jwk.to_public().unwrap(), Algorithm::PS256);
    assert!(matches!(r, Err(Error::WeakKey(_))), "{r:?}");
}

#[test]
fn rsa_exponent_one_is_rejected() {
    let original = der("rsa2048.pkcs1pub.der");
    let k = pkcs1::RsaPublicKeyRef::from_der(&original).unwrap();
    for e in [&[1u8][..], &[2u8][..]] {
        let bad = pkcs1::RsaPublicKeyRef {
            modulus: k.modulus,
            public_exponent: der::asn1::UintRef::new(e).unwrap(),
        }
        .to_der()
        .unwrap();
        is_invalid_key(Jwk::from_der(&bad), InvalidKey::RsaExponent);
        let text =
            der::pem::encode_string("RSA PUBLIC KEY", der::pem::LineEnding::LF, &bad).unwrap();
        is_invalid_key(Jwk::from_pem(&text), InvalidKey::RsaExponent);
    }
}

#[test]
fn encrypted_pkcs8() {
    let plain = Jwk::from_pem(&pem("ec-p256.pkcs8.pem")).unwrap();
    let enc = pem("ec-p256.enc.pem");
    assert_eq!(Jwk::from_encrypted_pem(&enc, b"jot-test").unwrap(), plain);
    is_invalid_key(
        Jwk::from_encrypted_pem(&enc, b"wrong"),
        InvalidKey::WrongPassword,
    );
    is_invalid_key(Jwk::from_pem(&enc), InvalidKey::Encrypted);
    // An unencrypted key given to the encrypted entry point is refused.
    is_invalid_key(
        Jwk::from_encrypted_pem(&pem("ec-p256.pkcs8.pem"), b"jot-test"),
        InvalidKey::NotEncrypted,
    );

    let rsa = Jwk::from_pem(&pem("rsa2048.pkcs8.pem")).unwrap();
    assert_eq!(
        import::from_encrypted_der(&der("rsa2048.enc.der"), b"jot-test").unwrap(),
        rsa
    );
    is_invalid_key(
        Jwk::from_der(&der("rsa2048.enc.der")),
        InvalidKey::Encrypted,
    );
    let ed = Jwk::from_pem(&pem("ed25519.pkcs8.pem")).unwrap();
    assert_eq!(
        import::from_encrypted_pem(&pem("ed25519.enc-scrypt.pem"), b"jot-test").unwrap(),
        ed
    );
}

#[test]
fn legacy_encrypted_pem_is_refused_with_advice() {
    is_invalid_key(
        Jwk::from_pem(&pem("ec-p256.legacy-enc.pem")),
        InvalidKey::Pem(PemError::LegacyEncryption),
    );
}

#[test]
fn garbage_is_an_invalid_key() {
    is_invalid_key(Jwk::from_pem(""), InvalidKey::Pem(PemError::NoBlock));
    is_invalid_key(
        Jwk::from_pem("hello world"),
        InvalidKey::Pem(PemError::NoBlock),
    );
    is_invalid_key(
        Jwk::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n"),
        InvalidKey::Pem(PemError::Unterminated),
    );
    is_invalid_key(
        Jwk::from_pem("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"),
        InvalidKey::Pem(PemError::Base64),
    );
    is_invalid_key(
        Jwk::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        InvalidKey::Der(DerStructure::Spki),
    );
    is_invalid_key(Jwk::from_der(b""), InvalidKey::UnknownStructure);
    is_invalid_key(
        Jwk::from_der(b"\x30\x03\x02\x01\x00"),
        InvalidKey::UnknownStructure,
    );
    is_invalid_key(Jwk::from_der(&[0xff; 64]), InvalidKey::UnknownStructure);
    let mut truncated = der("rsa2048.pkcs8.der");
    truncated.truncate(truncated.len() - 10);
    is_invalid_key(Jwk::from_der(&truncated), InvalidKey::UnknownStructure);
    let mut trailing = der("ec-p256.spki.der");
    trailing.push(0);
    is_invalid_key(Jwk::from_der(&trailing), InvalidKey::UnknownStructure);
}

#[test]
fn wrong_or_unknown_pem_labels() {
    let spki = pem("ec-p256.spki.pem");
    let relabelled = spki.replace("PUBLIC KEY", "CERTIFICATE REQUEST");
    is_invalid_key(
        Jwk::from_pem(&relabelled),
        InvalidKey::Pem(PemError::UnsupportedLabel("CERTIFICATE REQUEST".into())),
    );
    let openssh = spki.replace("PUBLIC KEY", "OPENSSH PRIVATE KEY");
    is_invalid_key(
        Jwk::from_pem(&openssh),
        InvalidKey::Pem(PemError::UnsupportedLabel("OPENSSH PRIVATE KEY".into())),
    );
    // The label decides the structure: an SPKI labelled as a private key
    // is not silently accepted as something else.
    let mislabelled = spki.replace("PUBLIC KEY", "PRIVATE KEY");
    is_invalid_key(
        Jwk::from_pem(&mislabelled),
        InvalidKey::Der(DerStructure::Pkcs8),
    );
    let mislabelled = pem("rsa2048.pkcs1pub.pem").replace("RSA PUBLIC KEY", "CERTIFICATE");
    is_invalid_key(
        Jwk::from_pem(&mislabelled),
        InvalidKey::Der(DerStructure::Certificate),
    );
}

#[test]
fn unsupported_algorithms_name_the_oid() {
    // An SPKI for a DSA-like OID (1.2.840.10040.4.1).
    let spki = der("ed25519.spki.der");
    let info = spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: "1.2.840.10040.4.1".parse().unwrap(),
            parameters: None,
        },
        subject_public_key: info.subject_public_key,
    };
    is_invalid_key(
        Jwk::from_der(&info.to_der().unwrap()),
        InvalidKey::UnsupportedOid("1.2.840.10040.4.1".into()),
    );
}

#[test]
fn oversized_documents_are_refused_before_parsing() {
    let big = "A".repeat(import::MAX_DOCUMENT_LEN + 1);
    assert!(matches!(Jwk::from_pem(&big), Err(Error::TooLarge { .. })));
    assert!(matches!(
        Jwk::from_der(big.as_bytes()),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn okp_curves_are_reported_by_name() {
    for (stem, crv) in [
        ("ed25519", OkpCurve::Ed25519),
        ("ed448", OkpCurve::Ed448),
        ("x25519", OkpCurve::X25519),
        ("x448", OkpCurve::X448),
    ] {
        let jwk = Jwk::from_pem(&pem(&format!("{stem}.pkcs8.pem"))).unwrap();
        assert!(matches!(&jwk.params, KeyParams::Okp(o) if o.crv == crv && o.d.is_some()));
    }
}

#[test]
fn crlf_line_endings_and_other_wrap_widths_are_accepted() {
    let original = pem("ec-p384.pkcs8.pem");
    let expected = Jwk::from_pem(&original).unwrap();
    assert_eq!(
        Jwk::from_pem(&original.replace('\n', "\r\n")).unwrap(),
        expected
    );
    // The same base64 on one line, and wrapped at 76 columns.
    let lines: Vec<&str> = original.lines().collect();
    let body: String = lines[1..lines.len() - 1].concat();
    let one_line = format!("{}\n{body}\n{}\n", lines[0], lines[lines.len() - 1]);
    assert_eq!(Jwk::from_pem(&one_line).unwrap(), expected);
    let wrapped: Vec<String> = body
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let at_76 = format!(
        "{}\n{}\n{}\n",
        lines[0],
        wrapped.join("\n"),
        lines[lines.len() - 1]
    );
    assert_eq!(Jwk::from_pem(&at_76).unwrap(), expected);
}

#[test]
fn ec_public_point_encoding_must_be_uncompressed_or_compressed() {
    let sec1_der = der("ec-p256.sec1.der");
    let k = sec1::EcPrivateKey::from_der(&sec1_der).unwrap();
    let point = k.public_key.unwrap();
    // A correct compressed point is accepted for a private key (checked
    // against the point derived from d), a hybrid (06) one is not.
    let mut compressed = vec![2 | (point[64] & 1)];
    compressed.extend_from_slice(&point[1..33]);
    let mut hybrid = point.to_vec();
    hybrid[0] = 6;
    let expected = Jwk::from_der(&sec1_der).unwrap();
    let with = |p: &[u8]| {
        let mut k2 = sec1::EcPrivateKey::from_der(&sec1_der).unwrap();
        k2.public_key = Some(p);
        Jwk::from_der(&k2.to_der().unwrap())
    };
    assert_eq!(with(&compressed).unwrap(), expected);
    compressed[0] ^= 1; // the other y
    is_invalid_key(with(&compressed), InvalidKey::KeyPairMismatch);
    is_invalid_key(with(&hybrid), InvalidKey::InvalidPublicKey);
}
