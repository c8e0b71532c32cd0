//! Issue 12's defects, through the CLI contract: the empty compact payload
//! is a payload (defect 1), several `--alg` values with one key form a set
//! (defect 2), detached unencoded payloads are any bytes (defect 3); and
//! `--allow-short-secret` for legacy HMAC tokens, on verification only.

mod common;

use common::{jot, load_json, ok, run, vector, Fixtures};

/// `jot args` with stdin, returning (exit code, stdout bytes, stderr).
fn run_bytes(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = jot().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn empty_compact_payload_verifies_as_empty() {
    let fx = Fixtures::new();
    let d = fx.path();
    for extra in [&[][..], &["--unencoded"]] {
        let mut args = vec!["jws", "sign", "--payload", "", "--key", "ec.jwk"];
        args.extend_from_slice(extra);
        let jws = ok(d, &args);
        assert_eq!(jws.trim().split('.').nth(1), Some(""), "{jws}");
        let (code, out, err) = run_bytes(d, &["jws", "verify", jws.trim(), "--key", "ec.pub.jwk"]);
        assert_eq!(code, 0, "{extra:?}: {err}");
        assert!(out.is_empty());
    }
    // A signature over another payload, with the payload removed: verified
    // as the empty payload it now claims, so rejected (1), with the way to
    // verify a detached payload in the hint.
    let jws = ok(d, &["jws", "sign", "--payload", "x", "--key", "ec.jwk"]);
    let parts: Vec<&str> = jws.trim().split('.').collect();
    let emptied = format!("{}..{}", parts[0], parts[2]);
    let (code, out, err) = run(d, &["jws", "verify", &emptied, "--key", "ec.pub.jwk"], b"");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("--payload-file"), "{err}");
}

#[test]
fn detached_payloads_of_any_bytes_round_trip() {
    let fx = Fixtures::new();
    let d = fx.path();
    let payloads: [(&str, &[u8]); 3] = [
        ("binary", &[0xff, 0x00, 0xfe, b'.', 0x80]),
        ("empty", b""),
        ("dots", b"a.b..c."),
    ];
    for (name, bytes) in payloads {
        std::fs::write(fx.file(name), bytes).unwrap();
        for form in [&[][..], &["--json"], &["--flattened"]] {
            for unencoded in [false, true] {
                let mut args = vec!["jws", "sign", name, "--key", "ec.jwk", "--detached"];
                args.extend_from_slice(form);
                if unencoded {
                    args.push("--unencoded");
                }
                let (code, jws, err) = run_bytes(d, &args);
                assert_eq!(code, 0, "{name} {form:?} unencoded={unencoded}: {err}");
                let jws = String::from_utf8(jws).unwrap();
                let (code, out, err) = run_bytes(
                    d,
                    &[
                        "jws",
                        "verify",
                        jws.trim(),
                        "--key",
                        "ec.pub.jwk",
                        "--payload-file",
                        name,
                    ],
                );
                assert_eq!(code, 0, "{name} {form:?} unencoded={unencoded}: {err}");
                assert_eq!(out, bytes, "{name} {form:?} unencoded={unencoded}");
                // Another payload: rejected.
                let (code, out, _) = run_bytes(
                    d,
                    &[
                        "jws",
                        "verify",
                        jws.trim(),
                        "--key",
                        "ec.pub.jwk",
                        "--payload-file",
                        "payload.txt",
                    ],
                );
                assert_eq!(code, 1, "{name} {form:?}");
                assert!(out.is_empty());
            }
        }
    }
}

#[test]
fn several_algs_with_one_key_form_a_set() {
    let fx = Fixtures::new();
    let d = fx.path();
    // JWS and JWT verification: ES256 is the one this key serves.
    let jws = ok(d, &["jws", "sign", "payload.txt", "--key", "ec.jwk"]);
    let out = ok(
        d,
        &[
            "jws",
            "verify",
            jws.trim(),
            "--key",
            "ec.pub.jwk",
            "--alg",
            "RS256",
            "--alg",
            "ES256",
            "--alg",
            "HS256",
        ],
    );
    assert_eq!(out, "hello, world\n");
    ok(
        d,
        &[
            "verify",
            "token.jwt",
            "--key",
            "ec.pub.jwk",
            "--aud",
            "api",
            "--alg",
            "PS256",
            "--alg",
            "ES256",
        ],
    );
    ok(
        d,
        &[
            "verify",
            "token.jwt",
            "--key",
            "jwks.json",
            "--aud",
            "api",
            "--alg",
            "PS256",
            "--alg",
            "ES256",
        ],
    );
    // None of them: a configuration error that names them.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "token.jwt",
            "--key",
            "ec.pub.jwk",
            "--alg",
            "PS256",
            "--alg",
            "RS256",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("none of PS256, RS256"), "{err}");

    // JWE: the algorithms of RFC 7520 §5.13's three recipients, with each
    // recipient's key: every key opens its own recipient.
    let ex = load_json(&vector(
        "rfc7520/jwe/5_13.encrypting_to_multiple_recipients.json",
    ));
    let jwe = ex["output"]["json"].to_string();
    let plaintext = ex["input"]["plaintext"].as_str().unwrap();
    let algs = [
        "--alg",
        "RSA1_5",
        "--alg",
        "ECDH-ES+A256KW",
        "--alg",
        "A256GCMKW",
    ];
    for (i, key) in ex["input"]["key"].as_array().unwrap().iter().enumerate() {
        let file = format!("recipient{i}.jwk");
        std::fs::write(fx.file(&file), key.to_string()).unwrap();
        let mut args = vec!["jwe", "decrypt", jwe.as_str(), "--key", file.as_str()];
        args.extend_from_slice(&algs);
        let (code, out, err) = run(d, &args, b"");
        assert_eq!(code, 0, "recipient {i}: {err}");
        assert_eq!(out, plaintext, "recipient {i}");
    }
    // A key that serves none of the named algorithms: exit 2, saying so.
    let (code, _, err) = run(
        d,
        &[
            "jwe",
            "decrypt",
            jwe.as_str(),
            "--key",
            "recipient0.jwk",
            "--alg",
            "ECDH-ES+A256KW",
            "--alg",
            "A256GCMKW",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("none of ECDH-ES+A256KW, A256GCMKW"), "{err}");
}

/// A widely published HS256 token signed with the 19-byte secret
/// `your-256-bit-secret` (no `exp`).
const LEGACY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const SHORT: &str = "your-256-bit-secret";

#[test]
fn short_secrets_only_when_allowed_and_only_for_verifying() {
    let fx = Fixtures::new();
    let d = fx.path();
    let verify = ["verify", LEGACY, "--secret", SHORT, "--allow-no-exp"];
    let (code, _, err) = run(d, &verify, b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--allow-short-secret"), "{err}");
    let mut allowed = verify.to_vec();
    allowed.push("--allow-short-secret");
    let (code, out, err) = run(d, &allowed, b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("VALID"), "{out}");
    assert!(err.contains("warning") && err.contains("19 bytes"), "{err}");
    assert!(!err.contains(SHORT), "{err}");
    // The wrong short secret is still a bad signature.
    let (code, _, _) = run(
        d,
        &[
            "verify",
            LEGACY,
            "--secret",
            "another-short-one",
            "--allow-no-exp",
            "--allow-short-secret",
        ],
        b"",
    );
    assert_eq!(code, 1);
    // jws verify: the payload bytes.
    let (code, out, err) = run(
        d,
        &[
            "jws",
            "verify",
            LEGACY,
            "--secret",
            SHORT,
            "--allow-short-secret",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("John Doe"), "{out}");
    // Signing never takes it.
    let (code, _, err) = run(
        d,
        &[
            "sign",
            "--secret",
            SHORT,
            "--alg",
            "HS256",
            "--allow-short-secret",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(
        d,
        &[
            "jws",
            "sign",
            "--payload",
            "x",
            "--secret",
            SHORT,
            "--alg",
            "HS256",
            "--allow-short-secret",
        ],
        b"",
    );
    assert_eq!(code, 2);
}
