//! `jot verify --decrypt-key`: nested JWTs (a JWE whose content is a signed
//! JWT, `cty: JWT`), their output and their failures.

mod common;

use common::{key_file, ok, run, Fixtures};
use serde_json::Value;

#[test]
fn nested_jwt_verifies_with_outer_header() {
    let fx = Fixtures::new();
    let d = fx.path();
    let args = [
        "verify",
        "nested.jwt",
        "--decrypt-key",
        "enc.jwk",
        "--key",
        "ec.pub.jwk",
        "--aud",
        "api",
    ];
    let human = ok(d, &args);
    assert!(
        human.starts_with(
            "VALID decrypted (ECDH-ES, A256GCM), signature and claims verified (ES256"
        ),
        "{human}"
    );
    assert!(
        human.contains("Outer (JWE) header:") && human.contains("\"alice\""),
        "{human}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v: Value = serde_json::from_str(&ok(d, &json_args)).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["header"]["alg"], "ES256");
    assert_eq!(v["claims"]["sub"], "alice");
    assert_eq!(v["outer"]["alg"], "ECDH-ES");
    assert_eq!(v["outer"]["enc"], "A256GCM");
    assert_eq!(v["outer"]["cty"], "JWT");
    assert_eq!(v["outer"]["kid"], "enc-1");
    // The inner JWT is exactly the signed token, without the newline of
    // the file it came from, so that other libraries read it too.
    let (code, inner, _) = run(
        d,
        &["jwe", "decrypt", "nested.jwt", "--key", "enc.jwk"],
        b"",
    );
    assert_eq!(code, 0);
    assert_eq!(inner, fx.token());
    // Stdin works as for any token; the inner JWT's kid picks from a set.
    let nested = fx.read("nested.jwt");
    let (code, out, err) = run(
        d,
        &[
            "verify",
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "jwks.json",
            "--aud",
            "api",
        ],
        nested.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("VALID"));
}

#[test]
fn nested_jwt_failures() {
    let fx = Fixtures::new();
    let d = fx.path();
    // Without --decrypt-key: today's rejection, now with the way out.
    let (code, _, err) = run(d, &["verify", "nested.jwt", "--key", "ec.pub.jwk"], b"");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("JWE") && err.contains("--decrypt-key"),
        "{err}"
    );
    // With --decrypt-key, a signed-only JWT is not accepted.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "token.jwt",
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not encrypted"), "{err}");
    // Another decryption key: rejected, and --json says so on stdout.
    ok(
        d,
        &[
            "key",
            "generate",
            "--kty",
            "OKP",
            "--crv",
            "X25519",
            "--use",
            "enc",
            "--out",
            "other.jwk",
        ],
    );
    let (code, out, _) = run(
        d,
        &[
            "verify",
            "nested.jwt",
            "--decrypt-key",
            "other.jwk",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "api",
            "--json",
        ],
        b"",
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["code"], "ERR_DECRYPTION_FAILED");
    // Decrypted, but the inner JWT fails its checks: explained from the
    // inner token (its aud).
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "nested.jwt",
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "web",
        ],
        b"",
    );
    assert_eq!(code, 1);
    assert!(err.contains("\"api\""), "{err}");
    // Decrypted, wrong signature key.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "nested.jwt",
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ed.pub.jwk",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    // A JWE whose content is not declared a JWT.
    let plain = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "token.jwt",
            "--alg",
            "ECDH-ES",
            "--key",
            "enc.pub.jwk",
        ],
    );
    let (code, _, err) = run(
        d,
        &[
            "verify",
            plain.trim(),
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cty"), "{err}");
    // A public key cannot decrypt: configuration error.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "nested.jwt",
            "--decrypt-key",
            "enc.pub.jwk",
            "--key",
            "ec.pub.jwk",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    // --decrypt-alg only with --decrypt-key; unknown names are usage errors.
    for args in [
        &[
            "verify",
            "nested.jwt",
            "--key",
            "ec.pub.jwk",
            "--decrypt-alg",
            "ECDH-ES",
        ][..],
        &[
            "verify",
            "nested.jwt",
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ec.pub.jwk",
            "--decrypt-alg",
            "ECDH",
        ],
    ] {
        let (code, _, err) = run(d, args, b"");
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}

#[test]
fn nested_jwt_with_rsa1_5_needs_decrypt_alg() {
    let fx = Fixtures::new();
    let d = fx.path();
    let rsa = key_file("rsa2048.pkcs8.pem").display().to_string();
    let nested = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "token.jwt",
            "--alg",
            "RSA1_5",
            "--enc",
            "A128CBC-HS256",
            "--key",
            &rsa,
            "--cty",
            "JWT",
        ],
    );
    let base = [
        "verify",
        nested.trim(),
        "--decrypt-key",
        &rsa,
        "--key",
        "ec.pub.jwk",
        "--aud",
        "api",
    ];
    let (code, _, err) = run(d, &base, b"");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--decrypt-alg RSA1_5"), "{err}");
    let mut enabled = base.to_vec();
    enabled.extend(["--decrypt-alg", "RSA1_5"]);
    let (code, _, err) = run(d, &enabled, b"");
    assert_eq!(code, 0, "{err}");
}

/// Behaviour change (issue 11, item 8): the inner JWT is verified exactly
/// as the library reads it. A nested JWT whose inner token carries a
/// trailing newline (made by another tool) used to be trimmed by the CLI
/// and accepted; it is now rejected at the decryption step, as by
/// `jot::jwt::decrypt_and_verify`.
#[test]
fn inner_jwt_with_whitespace_is_rejected_not_trimmed() {
    use jot::jwe::{ContentEncryption, EncryptOptions, EncryptionKey, KeyManagement};
    use jot::jwk::Jwk;
    let fx = Fixtures::new();
    let d = fx.path();
    let public = Jwk::from_json(fx.read("enc.pub.jwk").as_bytes(), &Default::default()).unwrap();
    let key =
        EncryptionKey::from_jwk(&public, KeyManagement::from_name("ECDH-ES").unwrap()).unwrap();
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm);
    let with_newline = format!("{}\n", fx.token());
    let nested = jot::jwt::encrypt_signed(&with_newline, &key, &opts).unwrap();
    let args = |t: &str| {
        [
            "verify",
            t,
            "--decrypt-key",
            "enc.jwk",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "api",
        ]
        .map(str::to_owned)
    };
    let a = args(&nested);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, out, err) = run(d, &a, b"");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("whitespace"), "{err}");
    // The same inner token without the newline verifies.
    let nested = jot::jwt::encrypt_signed(fx.token().trim_end(), &key, &opts).unwrap();
    let a = args(&nested);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, _, err) = run(d, &a, b"");
    assert_eq!(code, 0, "{err}");
}
