//! Nested JWTs (RFC 7519 §5.2, §7.2, §11.2): sign, then encrypt with
//! `cty: JWT`; decrypt, then verify the inner JWS with the normal JWT
//! claims rules — decrypting must never stand in for verifying.

use std::time::{SystemTime, UNIX_EPOCH};

use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement,
};
use jot::jwk::EcCurve;
use jot::jwt::{self, NestedVerified, Validation};
use jot::key::{generate, KeySpec, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};
use serde_json::{json, Value};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Parties {
    signer: SigningKey,
    verifier: VerifyingKey,
    recipient: EncryptionKey,
    decrypter: DecryptionKey,
}

fn parties() -> Parties {
    let sig = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let enc = generate(KeySpec::Ec(EcCurve::P384)).unwrap();
    let alg = KeyManagement::from_name("ECDH-ES+A256KW").unwrap();
    Parties {
        signer: SigningKey::from_jwk(&sig, Algorithm::ES256).unwrap(),
        verifier: VerifyingKey::from_jwk(&sig.to_public().unwrap(), Algorithm::ES256).unwrap(),
        recipient: EncryptionKey::from_jwk(&enc.to_public().unwrap(), alg).unwrap(),
        decrypter: DecryptionKey::from_jwk(&enc, alg).unwrap(),
    }
}

fn enc_opts() -> EncryptOptions {
    EncryptOptions::new(ContentEncryption::A256Gcm)
}

/// The one-call nested path with the parties' keys and default options.
fn open(p: &Parties, token: &str, validation: &Validation) -> jot::Result<NestedVerified<Value>> {
    jwt::decrypt_and_verify(
        token,
        &p.decrypter,
        &DecryptOptions::new(),
        &p.verifier,
        validation,
    )
    .map_err(jot::Error::from)
}

#[test]
fn sign_and_encrypt_round_trip_with_claims_validation() {
    let p = parties();
    let claims = json!({"iss": "issuer", "sub": "alice", "exp": now() + 600});
    let token = jwt::sign_and_encrypt(&claims, &p.signer, &p.recipient, &enc_opts()).unwrap();
    assert_eq!(token.split('.').count(), 5);
    assert_eq!(
        jwe::compact::decode_header(&token, &Default::default()).unwrap()["cty"],
        "JWT"
    );

    let v: NestedVerified<Value> = open(
        &p,
        &token,
        &Validation::new().issuer("issuer").subject("alice"),
    )
    .unwrap();
    assert_eq!(v.claims, claims);
    assert_eq!(v.outer.cty(), Some("JWT"));
    assert_eq!(v.header.alg, Algorithm::ES256);

    // The claims rules apply to the inner token.
    assert_eq!(
        open(&p, &token, &Validation::new().issuer("someone else")).unwrap_err(),
        Error::IssuerMismatch
    );
}

/// An expired inner JWT is `Expired` although the outer JWE decrypts fine:
/// decryption proves nothing about the claims.
#[test]
fn expired_inner_token_rejected() {
    let p = parties();
    let claims = json!({"iss": "issuer", "exp": now() - 3600});
    let token = jwt::sign_and_encrypt(&claims, &p.signer, &p.recipient, &enc_opts()).unwrap();
    let d = jwe::compact::decrypt(&token, &p.decrypter, &DecryptOptions::new()).unwrap();
    assert_eq!(d.plaintext.iter().filter(|&&b| b == b'.').count(), 2);
    assert_eq!(
        open(&p, &token, &Validation::new()).unwrap_err(),
        Error::Expired
    );
}

/// RFC 7519 §5.2: a nested JWT says `cty: JWT`. A JWE of a signed JWT
/// without it is refused by the nested-JWT path (the content could be any
/// bytes the sender meant as data, not as a token to trust).
#[test]
fn missing_cty_rejected() {
    let p = parties();
    let inner = jwt::sign(&json!({"exp": now() + 600}), &p.signer).unwrap();
    let validation = Validation::new();
    let plain = jwe::compact::encrypt(inner.as_bytes(), &p.recipient, &enc_opts()).unwrap();
    let r = open(&p, &plain, &validation);
    assert!(
        matches!(&r, Err(Error::InvalidHeader { name, .. }) if name == "cty"),
        "{r:?}"
    );
    let other_cty = jwe::compact::encrypt(
        inner.as_bytes(),
        &p.recipient,
        &enc_opts().header("cty", json!("text/plain")),
    )
    .unwrap();
    assert!(open(&p, &other_cty, &validation).is_err());
    // The same inner token with cty JWT passes: cty is what made the
    // difference.
    let nested = jwt::encrypt_signed(&inner, &p.recipient, &enc_opts()).unwrap();
    assert!(open(&p, &nested, &validation).is_ok());
}

/// The inner signature is verified: a JWT signed by another key, or an
/// unsigned inner token, fails even inside a valid JWE.
#[test]
fn inner_signature_is_verified() {
    let p = parties();
    let claims = json!({"exp": now() + 600});
    let other = SigningKey::from_jwk(
        &generate(KeySpec::Ec(EcCurve::P256)).unwrap(),
        Algorithm::ES256,
    )
    .unwrap();
    let forged = jwt::sign_and_encrypt(&claims, &other, &p.recipient, &enc_opts()).unwrap();
    assert_eq!(
        open(&p, &forged, &Validation::new()).unwrap_err(),
        Error::InvalidSignature
    );
    let unsecured = format!(
        "eyJhbGciOiJub25lIn0.{}.",
        jot::encoding::b64::encode(claims.to_string())
    );
    let wrapped = jwt::encrypt_signed(&unsecured, &p.recipient, &enc_opts()).unwrap();
    assert!(open(&p, &wrapped, &Validation::new()).is_err());

    // The outer layer is checked too: another recipient's key cannot open it.
    let stranger = generate(KeySpec::Ec(EcCurve::P384)).unwrap();
    let stranger_dk = DecryptionKey::from_jwk(
        &stranger,
        KeyManagement::from_name("ECDH-ES+A256KW").unwrap(),
    )
    .unwrap();
    let token = jwt::sign_and_encrypt(&claims, &p.signer, &p.recipient, &enc_opts()).unwrap();
    assert_eq!(
        jwt::decrypt_and_verify::<Value>(
            &token,
            &stranger_dk,
            &DecryptOptions::new(),
            &p.verifier,
            &Validation::new(),
        )
        .unwrap_err()
        .error,
        Error::DecryptionFailed
    );
}

/// The error names the step that failed: the outer JWE (wrong key, no
/// `cty`, a signed-only token) or the inner JWT (signature, claims).
#[test]
fn failures_name_their_stage() {
    use jot::jwt::NestedStage;
    let p = parties();
    let claims = json!({"sub": "alice", "exp": now() + 600});
    let token = jwt::sign_and_encrypt(&claims, &p.signer, &p.recipient, &enc_opts()).unwrap();
    let stage = |token: &str, validation: &Validation| {
        let e = jwt::decrypt_and_verify::<Value>(
            token,
            &p.decrypter,
            &DecryptOptions::new(),
            &p.verifier,
            validation,
        )
        .unwrap_err();
        (e.stage, e.error)
    };
    let expired = Validation::new().at(now() + 3_600);
    assert_eq!(
        stage(&token, &expired),
        (NestedStage::Verify, Error::Expired)
    );
    let signed_only = jwt::sign(&claims, &p.signer).unwrap();
    assert_eq!(
        stage(&signed_only, &Validation::new()),
        (NestedStage::Decrypt, Error::NotJwe)
    );
    let no_cty = jwe::compact::encrypt(signed_only.as_bytes(), &p.recipient, &enc_opts()).unwrap();
    let (s, e) = stage(&no_cty, &Validation::new());
    assert_eq!(s, NestedStage::Decrypt);
    assert!(
        matches!(e, Error::InvalidHeader { ref name, .. } if name == "cty"),
        "{e:?}"
    );
    let other = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let wrong = VerifyingKey::from_jwk(&other.to_public().unwrap(), Algorithm::ES256).unwrap();
    let e = jwt::decrypt_and_verify::<Value>(
        &token,
        &p.decrypter,
        &DecryptOptions::new(),
        &wrong,
        &Validation::new(),
    )
    .unwrap_err();
    assert_eq!(
        (e.stage, e.error),
        (NestedStage::Verify, Error::InvalidSignature)
    );
}

/// The inner JWT is taken exactly as encrypted: a compact JWT has no
/// whitespace, so one wrapped in a newline is refused at the decrypt step
/// (by name), not repaired.
#[test]
fn inner_whitespace_is_refused_not_trimmed() {
    use jot::jwt::NestedStage;
    let p = parties();
    let claims = json!({"sub": "alice", "exp": now() + 600});
    let inner = format!("{}\n", jwt::sign(&claims, &p.signer).unwrap());
    let token = jwt::encrypt_signed(&inner, &p.recipient, &enc_opts()).unwrap();
    let e = jwt::decrypt_and_verify::<Value>(
        &token,
        &p.decrypter,
        &DecryptOptions::new(),
        &p.verifier,
        &Validation::new(),
    )
    .unwrap_err();
    assert_eq!(e.stage, NestedStage::Decrypt);
    assert!(
        matches!(
            e.error,
            Error::Malformed(jot::error::Malformed::NestedJwtWhitespace)
        ),
        "{e}"
    );
    // Without the newline the same content verifies, and the first step
    // hands over the inner token unchanged.
    let token = jwt::encrypt_signed(inner.trim_end(), &p.recipient, &enc_opts()).unwrap();
    let d = jwt::decrypt_jwt(&token, &p.decrypter, &DecryptOptions::new()).unwrap();
    assert_eq!(d.jwt, inner.trim_end());
    assert!(
        !format!("{d:?}").contains(&d.jwt),
        "Debug hides the inner JWT"
    );
    assert!(open(&p, &token, &Validation::new()).is_ok());
}
