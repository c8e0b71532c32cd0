//! Key inputs (PEM in each form, DER, JWK, JWK Set, env:) and token inputs
//! (argument, file, stdin, `Bearer `, quotes).

mod common;

use common::{jot, key_file, ok, run, vector, Fixtures};

fn sign_with(fx: &Fixtures, alg: &str, key: &str) -> String {
    ok(
        fx.path(),
        &["sign", "--alg", alg, "--key", key, "--exp", "5m"],
    )
    .trim()
    .to_owned()
}

fn verifies(fx: &Fixtures, token: &str, key: &str) {
    let (code, _, err) = run(fx.path(), &["verify", token, "--key", key], b"");
    assert_eq!(code, 0, "verify with {key}: {err}");
}

#[test]
fn pem_and_der_in_each_form() {
    let fx = Fixtures::new();
    let k = |n: &str| key_file(n).display().to_string();
    // EC P-256: private as PKCS#8 and SEC1 (PEM and DER); public as SPKI
    // (PEM and DER) and X.509 certificate (PEM and DER).
    for private in [
        "ec-p256.pkcs8.pem",
        "ec-p256.sec1.pem",
        "ec-p256.pkcs8.der",
        "ec-p256.sec1.der",
    ] {
        let token = sign_with(&fx, "ES256", &k(private));
        for public in [
            "ec-p256.spki.pem",
            "ec-p256.spki.der",
            "cert-ec-p256.pem",
            "cert-ec-p256.der",
            "ec-p256.pkcs8.pem",
        ] {
            verifies(&fx, &token, &k(public));
        }
    }
    // RSA: PKCS#1 and PKCS#8 private, PKCS#1 and SPKI public, certificate.
    for private in ["rsa2048.pkcs1.pem", "rsa2048.pkcs8.der"] {
        let token = sign_with(&fx, "PS256", &k(private));
        for public in [
            "rsa2048.pkcs1pub.pem",
            "rsa2048.pkcs1pub.der",
            "rsa2048.spki.der",
            "cert-rsa2048.pem",
        ] {
            verifies(&fx, &token, &k(public));
        }
    }
    // Ed25519 and Ed448.
    let token = sign_with(&fx, "Ed25519", &k("ed25519.pkcs8.pem"));
    verifies(&fx, &token, &k("cert-ed25519.pem"));
    verifies(&fx, &token, &k("ed25519.spki.der"));
    let token = sign_with(&fx, "Ed448", &k("ed448.pkcs8.der"));
    verifies(&fx, &token, &k("ed448.spki.pem"));
}

#[test]
fn encrypted_pem_is_a_usage_error_without_a_prompt() {
    let fx = Fixtures::new();
    let (code, _, err) = run(
        fx.path(),
        &[
            "key",
            "public",
            &key_file("ed25519.enc-scrypt.pem").display().to_string(),
        ],
        b"",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("encrypted") && err.contains("never prompts"),
        "{err}"
    );
}

#[test]
fn env_key_input() {
    let fx = Fixtures::new();
    let token = fx.token();
    let out = jot()
        .current_dir(fx.path())
        .env("JOT_TEST_KEY", fx.read("ec.pub.jwk"))
        .args([
            "verify",
            &token,
            "--key",
            "env:JOT_TEST_KEY",
            "--aud",
            "api",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    // PEM through the environment too.
    let out = jot()
        .current_dir(fx.path())
        .env("JOT_TEST_KEY", fx.read("ec.pem"))
        .args([
            "sign",
            "--key",
            "env:JOT_TEST_KEY",
            "--alg",
            "ES256",
            "--exp",
            "1m",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    // Unset: exit 2 naming the variable.
    let (code, _, err) = run(
        fx.path(),
        &["verify", &token, "--key", "env:JOT_NOT_SET_ANYWHERE"],
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("JOT_NOT_SET_ANYWHERE"), "{err}");
}

#[test]
fn jwks_selects_by_kid_and_names_the_kids_seen() {
    let fx = Fixtures::new();
    let token = fx.token();
    ok(
        fx.path(),
        &["verify", &token, "--key", "jwks.json", "--aud", "api"],
    );
    // A set without the token's key: exit 1, kids listed.
    ok(
        fx.path(),
        &[
            "key",
            "generate",
            "--alg",
            "ES256",
            "--kid",
            "other-key",
            "--out",
            "o.jwk",
        ],
    );
    ok(
        fx.path(),
        &["jwks", "build", "o.jwk", "rsa.jwk", "--out", "other.json"],
    );
    let (code, _, err) = run(
        fx.path(),
        &["verify", &token, "--key", "other.json", "--aud", "api"],
        b"",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("\"other-key\"") && err.contains("bilbo.baggins@hobbiton.example"),
        "{err}"
    );
    // Two keys with the token's kid that verify the same algorithm: the set
    // itself is refused (exit 2) before any token is read, naming the kid;
    // selection by kid is never left to the order of the keys.
    let kid = serde_json::from_str::<serde_json::Value>(&fx.read("ec.jwk")).unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "ES256", "--kid", &kid, "--out", "dup.jwk",
        ],
    );
    ok(
        fx.path(),
        &["jwks", "build", "ec.jwk", "dup.jwk", "--out", "dup.json"],
    );
    let (code, _, err) = run(
        fx.path(),
        &["verify", &token, "--key", "dup.json", "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("two keys in the set have kid \"{kid}\""))
            && err.contains("could verify the same algorithm")
            && err.contains("give each key its own kid"),
        "{err}"
    );
}

#[test]
fn a_set_mixing_hmac_secrets_and_public_keys_is_refused() {
    let fx = Fixtures::new();
    let token = fx.token();
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "HS256", "--kid", "hs", "--out", "hs.jwk",
        ],
    );
    let set = format!(
        "{{\"keys\":[{},{}]}}",
        fx.read("ec.pub.jwk"),
        fx.read("hs.jwk")
    );
    std::fs::write(fx.file("mixed.json"), set).unwrap();
    let (code, _, err) = run(
        fx.path(),
        &["verify", &token, "--key", "mixed.json", "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("mixes HMAC secrets (oct) with public keys")
            && err.contains("algorithm confusion")
            && err.contains("split the HMAC secrets"),
        "{err}"
    );
    // One kind of algorithm allowed: only those keys are prepared, and the
    // token verifies with the public key.
    ok(
        fx.path(),
        &[
            "verify",
            &token,
            "--key",
            "mixed.json",
            "--aud",
            "api",
            "--alg",
            "ES256",
        ],
    );
}

#[test]
fn allow_mixed_key_set_lifts_only_the_mixing_rule_with_a_warning() {
    let fx = Fixtures::new();
    let es_token = fx.token();
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "HS256", "--kid", "hs", "--out", "hs.jwk",
        ],
    );
    let hs_token = ok(
        fx.path(),
        &["sign", "--key", "hs.jwk", "--aud", "api", "--exp", "1m"],
    );
    let set = format!(
        "{{\"keys\":[{},{}]}}",
        fx.read("ec.pub.jwk"),
        fx.read("hs.jwk")
    );
    std::fs::write(fx.file("mixed.json"), set).unwrap();
    // Both kinds of token verify through the opted-in set, each saying why
    // it was allowed.
    for token in [es_token.as_str(), hs_token.trim()] {
        let (code, _, err) = run(
            fx.path(),
            &[
                "verify",
                token,
                "--key",
                "mixed.json",
                "--aud",
                "api",
                "--allow-mixed-key-set",
            ],
            b"",
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("both HMAC secrets and public keys")
                && err.contains("--allow-mixed-key-set"),
            "{err}"
        );
    }
    // `jws verify` takes the flag too (the compact JWT is a JWS).
    let (code, _, err) = run(
        fx.path(),
        &[
            "jws",
            "verify",
            hs_token.trim(),
            "--key",
            "mixed.json",
            "--allow-mixed-key-set",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    // The kid rule still holds: a second HMAC secret with kid "hs" makes the
    // set ambiguous, flag or not.
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "HS256", "--kid", "hs", "--out", "hs2.jwk",
        ],
    );
    let set = format!(
        "{{\"keys\":[{},{},{}]}}",
        fx.read("ec.pub.jwk"),
        fx.read("hs.jwk"),
        fx.read("hs2.jwk")
    );
    std::fs::write(fx.file("ambiguous.json"), set).unwrap();
    let (code, _, err) = run(
        fx.path(),
        &[
            "verify",
            hs_token.trim(),
            "--key",
            "ambiguous.json",
            "--aud",
            "api",
            "--allow-mixed-key-set",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("two keys in the set have kid \"hs\""), "{err}");
}

#[test]
fn jwks_for_signing_picks_the_one_private_key() {
    let fx = Fixtures::new();
    // A set of one private key signs; kid comes from it.
    let set = format!("{{\"keys\":[{}]}}", fx.read("ec.jwk"));
    std::fs::write(fx.file("private-set.json"), set).unwrap();
    let token = ok(
        fx.path(),
        &["sign", "--key", "private-set.json", "--exp", "1m"],
    );
    ok(fx.path(), &["verify", token.trim(), "--key", "jwks.json"]);
    // A public set cannot sign: exit 2.
    let (code, _, _) = run(
        fx.path(),
        &["sign", "--key", "jwks.json", "--alg", "ES256"],
        b"",
    );
    assert_eq!(code, 2);
}

#[test]
fn token_from_stdin_file_bearer_and_quotes() {
    let fx = Fixtures::new();
    let token = fx.token();
    let args = ["verify", "--key", "ec.pub.jwk", "--aud", "api"];
    for input in [
        token.clone(),
        format!("{token}\n"),
        format!("Bearer {token}\n"),
        format!("  \"Bearer {token}\"\n"),
        format!("'{token}'"),
        format!("bearer {token}"),
    ] {
        let (code, _, err) = run(fx.path(), &args, input.as_bytes());
        assert_eq!(code, 0, "{input:?}: {err}");
        let mut dash = args.to_vec();
        dash.insert(1, "-");
        let (code, _, _) = run(fx.path(), &dash, input.as_bytes());
        assert_eq!(code, 0);
    }
    // As an argument with Bearer, and as a file name.
    let bearer = format!("Bearer {token}");
    ok(
        fx.path(),
        &["verify", &bearer, "--key", "ec.pub.jwk", "--aud", "api"],
    );
    ok(
        fx.path(),
        &["verify", "token.jwt", "--key", "ec.pub.jwk", "--aud", "api"],
    );
    ok(fx.path(), &["decode", &bearer]);
}

#[test]
fn claims_and_payload_from_stdin() {
    let fx = Fixtures::new();
    let (code, token, _) = run(
        fx.path(),
        &[
            "sign",
            "-",
            "--secret-file",
            "hs256.key",
            "--alg",
            "HS256",
            "--no-iat",
        ],
        br#"{"sub":"from-stdin","n":1}"#,
    );
    assert_eq!(code, 0);
    let out = ok(fx.path(), &["decode", "--json", token.trim()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["payload"], serde_json::json!({"sub":"from-stdin","n":1}));
    let (code, jws, _) = run(
        fx.path(),
        &["jws", "sign", "--key", "ec.jwk"],
        b"piped payload",
    );
    assert_eq!(code, 0);
    let (code, payload, _) = run(
        fx.path(),
        &["jws", "verify", "--key", "ec.pub.jwk"],
        jws.as_bytes(),
    );
    assert_eq!(code, 0);
    assert_eq!(payload, "piped payload");
}

/// A `kid` is any string; a base64url thumbprint starts with `-` once in 64
/// keys, and `--kid` must take it rather than read it as an option.
#[test]
fn kid_values_may_start_with_a_hyphen() {
    let fx = Fixtures::new();
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "ES256", "--kid", "-Oa1", "--out", "h.jwk",
        ],
    );
    let jwk: serde_json::Value = serde_json::from_str(&fx.read("h.jwk")).unwrap();
    assert_eq!(jwk["kid"], "-Oa1");
    let token = ok(
        fx.path(),
        &["sign", "--key", "h.jwk", "--kid", "-x", "--exp", "5m"],
    );
    let header = ok(fx.path(), &["decode", token.trim()]);
    assert!(header.contains("\"-x\""), "{header}");
}

/// An RSA key with the ROCA fingerprint (CVE-2017-15361) is refused as weak
/// for verifying and encrypting, alone or named by a token in a set.
#[test]
fn roca_keys_are_refused() {
    let fx = Fixtures::new();
    std::fs::copy(vector("roca/fingerprint-2048.pub.jwk"), fx.file("roca.jwk")).unwrap();
    let token = fx.token();
    let (code, _, err) = run(
        fx.path(),
        &["verify", &token, "--key", "roca.jwk", "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("weak key") && err.contains("ROCA") && err.contains("CVE-2017-15361"),
        "{err}"
    );
    // The same modulus without "use": "sig" and "alg", for encryption.
    let mut any_use: serde_json::Value = serde_json::from_str(&fx.read("roca.jwk")).unwrap();
    any_use.as_object_mut().unwrap().remove("use");
    any_use.as_object_mut().unwrap().remove("alg");
    std::fs::write(fx.file("roca-any.jwk"), any_use.to_string()).unwrap();
    std::fs::write(fx.file("m.txt"), b"hi").unwrap();
    let (code, _, err) = run(
        fx.path(),
        &[
            "jwe",
            "encrypt",
            "m.txt",
            "--key",
            "roca-any.jwk",
            "--alg",
            "RSA-OAEP-256",
            "--enc",
            "A256GCM",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("CVE-2017-15361"), "{err}");
    // In a set: the other keys still work; a token naming the ROCA key is
    // rejected as weak, not as "no matching key".
    let set = format!(
        "{{\"keys\":[{},{}]}}",
        fx.read("ec.pub.jwk"),
        fx.read("roca.jwk")
    );
    std::fs::write(fx.file("set.json"), set).unwrap();
    ok(
        fx.path(),
        &["verify", &token, "--key", "set.json", "--aud", "api"],
    );
}
