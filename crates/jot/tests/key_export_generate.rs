//! Generating keys, exporting them as PEM/DER and importing them back.

use jot::jwk::{EcCurve, Jwk, KeyParams, OkpCurve};
use jot::key::{generate, generate_for, KeySpec, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};

fn path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/keys")
        .join(name)
}

const SPECS: [KeySpec; 9] = [
    KeySpec::Rsa { bits: 2048 },
    KeySpec::Ec(EcCurve::P256),
    KeySpec::Ec(EcCurve::P384),
    KeySpec::Ec(EcCurve::P521),
    KeySpec::Ec(EcCurve::Secp256k1),
    KeySpec::Okp(OkpCurve::Ed25519),
    KeySpec::Okp(OkpCurve::Ed448),
    KeySpec::Okp(OkpCurve::X25519),
    KeySpec::Okp(OkpCurve::X448),
];

#[test]
fn every_key_type_round_trips_through_pem_and_der() {
    for spec in SPECS {
        let jwk = generate(spec).unwrap();
        assert!(jwk.is_private(), "{spec:?}");

        let pem = jwk.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{spec:?}");
        assert_eq!(Jwk::from_pem(&pem).unwrap(), jwk, "{spec:?}");
        assert_eq!(Jwk::from_der(&jwk.to_der().unwrap()).unwrap(), jwk);

        let public = jwk.to_public().unwrap();
        let public_pem = jwk.to_public_pem().unwrap();
        assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(*public.to_pem().unwrap(), public_pem);
        assert_eq!(Jwk::from_pem(&public_pem).unwrap(), public, "{spec:?}");
        assert_eq!(
            Jwk::from_der(&public.to_der().unwrap()).unwrap(),
            public,
            "{spec:?}"
        );
        assert_eq!(jwk.to_public_der().unwrap(), *public.to_der().unwrap());
    }
}

#[test]
fn export_matches_openssl_byte_for_byte() {
    for stem in [
        "rsa2048",
        "ec-p256",
        "ec-p384",
        "ec-p521",
        "ec-secp256k1",
        "ed25519",
        "ed448",
        "x25519",
        "x448",
    ] {
        let pkcs8 = std::fs::read(path(&format!("{stem}.pkcs8.der"))).unwrap();
        let spki = std::fs::read(path(&format!("{stem}.spki.der"))).unwrap();
        let jwk = Jwk::from_der(&pkcs8).unwrap();
        assert_eq!(*jwk.to_der().unwrap(), pkcs8, "{stem} PKCS#8");
        assert_eq!(jwk.to_public_der().unwrap(), spki, "{stem} SPKI");
        let pem = std::fs::read_to_string(path(&format!("{stem}.pkcs8.pem"))).unwrap();
        assert_eq!(*jwk.to_pem().unwrap(), pem, "{stem} PEM");
    }
}

#[test]
fn oct_keys_have_no_pem_or_der() {
    let jwk = generate(KeySpec::Oct { bytes: 32 }).unwrap();
    assert!(matches!(jwk.to_pem(), Err(Error::InvalidKey(_))));
    assert!(matches!(jwk.to_public_pem(), Err(Error::InvalidKey(_))));
    assert!(matches!(jwk.to_der(), Err(Error::InvalidKey(_))));
}

#[test]
fn generated_keys_have_the_requested_shape() {
    let KeyParams::Oct { k } = generate(KeySpec::Oct { bytes: 48 }).unwrap().params else {
        panic!()
    };
    assert_eq!(k.len(), 48);
    let KeyParams::Rsa(r) = generate(KeySpec::Rsa { bits: 3072 }).unwrap().params else {
        panic!()
    };
    assert_eq!(r.modulus_bits(), 3072);
    assert_eq!(r.e, [1, 0, 1]);
    for crv in [
        EcCurve::P256,
        EcCurve::P384,
        EcCurve::P521,
        EcCurve::Secp256k1,
    ] {
        let KeyParams::Ec(e) = generate(KeySpec::Ec(crv)).unwrap().params else {
            panic!()
        };
        assert_eq!(e.crv, crv);
        assert_eq!(e.d.unwrap().len(), crv.coordinate_len());
    }
    for crv in [
        OkpCurve::Ed25519,
        OkpCurve::Ed448,
        OkpCurve::X25519,
        OkpCurve::X448,
    ] {
        let KeyParams::Okp(o) = generate(KeySpec::Okp(crv)).unwrap().params else {
            panic!()
        };
        assert_eq!(o.crv, crv);
        assert_eq!(o.x.len(), crv.key_len());
        assert_eq!(o.d.unwrap().len(), crv.key_len());
    }
    // Two generations never give the same key.
    assert_ne!(
        generate(KeySpec::Okp(OkpCurve::X448)).unwrap(),
        generate(KeySpec::Okp(OkpCurve::X448)).unwrap()
    );
}

#[test]
fn bad_specs_are_refused() {
    for bits in [0, 1024, 2047, 2049, 16384] {
        let r = generate(KeySpec::Rsa { bits });
        assert!(matches!(r, Err(Error::InvalidKey(_))), "{bits}: {r:?}");
    }
    for bytes in [0, 8, 15, 1025] {
        let r = generate(KeySpec::Oct { bytes });
        assert!(matches!(r, Err(Error::InvalidKey(_))), "{bytes}: {r:?}");
    }
}

#[test]
fn x25519_public_key_matches_aws_lc_agreement() {
    // The generated X25519 pair is usable for key agreement: the public key
    // Jot derived equals the one aws-lc computes from the private key.
    let jwk = generate(KeySpec::Okp(OkpCurve::X25519)).unwrap();
    let KeyParams::Okp(o) = &jwk.params else {
        panic!()
    };
    let key = aws_lc_rs::agreement::PrivateKey::from_private_key(
        &aws_lc_rs::agreement::X25519,
        o.d.as_ref().unwrap().expose(),
    )
    .unwrap();
    assert_eq!(key.compute_public_key().unwrap().as_ref(), o.x.as_slice());
}

#[test]
fn generate_for_every_algorithm_signs_and_verifies() {
    for &alg in Algorithm::ALL {
        let jwk = generate_for(alg).unwrap();
        assert_eq!(jwk.alg.as_deref(), Some(alg.name()));
        let sk = SigningKey::from_jwk(&jwk, alg).unwrap();
        let sig = sk.sign(b"signing input").unwrap();
        let verifier = if alg.is_symmetric() {
            assert!(jwk.to_public().is_err());
            jwk.clone()
        } else {
            jwk.to_public().unwrap()
        };
        let vk = VerifyingKey::from_jwk(&verifier, alg).unwrap();
        vk.verify(b"signing input", &sig).unwrap();
        let mut flipped = sig.clone();
        flipped[sig.len() / 2] ^= 0x01;
        assert_eq!(
            vk.verify(b"signing input", &flipped),
            Err(Error::InvalidSignature),
            "{alg}"
        );
        assert_eq!(
            vk.verify(b"signing inpuT", &sig),
            Err(Error::InvalidSignature),
            "{alg}"
        );
        // And through PEM for the asymmetric ones.
        if !alg.is_symmetric() {
            let sk = SigningKey::from_pem(&jwk.to_pem().unwrap(), alg).unwrap();
            let vk = VerifyingKey::from_pem(&jwk.to_public_pem().unwrap(), alg).unwrap();
            vk.verify(b"m", &sk.sign(b"m").unwrap()).unwrap();
        }
    }
}

#[test]
fn generate_for_picks_the_documented_key() {
    let len = |alg| match generate_for(alg).unwrap().params {
        KeyParams::Oct { k } => k.len(),
        _ => 0,
    };
    assert_eq!(len(Algorithm::HS256), 32);
    assert_eq!(len(Algorithm::HS384), 48);
    assert_eq!(len(Algorithm::HS512), 64);
    let crv = |alg| match generate_for(alg).unwrap().params {
        KeyParams::Ec(e) => e.crv.name(),
        KeyParams::Okp(o) => o.crv.name(),
        KeyParams::Rsa(r) if r.modulus_bits() == 2048 => "RSA-2048",
        _ => "other",
    };
    assert_eq!(crv(Algorithm::RS256), "RSA-2048");
    assert_eq!(crv(Algorithm::PS512), "RSA-2048");
    assert_eq!(crv(Algorithm::ES256), "P-256");
    assert_eq!(crv(Algorithm::ES384), "P-384");
    assert_eq!(crv(Algorithm::ES512), "P-521");
    assert_eq!(crv(Algorithm::ES256K), "secp256k1");
    assert_eq!(crv(Algorithm::EdDSA), "Ed25519");
    assert_eq!(crv(Algorithm::Ed25519), "Ed25519");
    assert_eq!(crv(Algorithm::Ed448), "Ed448");
}

#[test]
#[ignore = "RSA-4096/8192 generation takes seconds to minutes; run with --ignored"]
fn large_rsa_keys_generate_and_round_trip() {
    for bits in [4096, 8192] {
        let jwk = generate(KeySpec::Rsa { bits }).unwrap();
        assert_eq!(Jwk::from_pem(&jwk.to_pem().unwrap()).unwrap(), jwk);
    }
}
