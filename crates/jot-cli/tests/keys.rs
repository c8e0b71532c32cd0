//! `jot key generate|public|thumbprint|convert`, `jot jwks build`,
//! `jot completions`.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{jot, ok, run, Fixtures};
use serde_json::Value;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn generated_private_keys_are_0600() {
    let fx = Fixtures::new();
    for args in [
        &["--alg", "ES384"][..],
        &["--kty", "oct", "--size", "512"],
        &["--kty", "OKP", "--crv", "X25519", "--use", "enc"],
        &["--kty", "EC", "--crv", "P-521", "--format", "pem"],
    ] {
        let out = fx.file("k");
        let _ = std::fs::remove_file(&out);
        // A pre-existing world-readable file is narrowed too.
        std::fs::write(&out, "old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut a = vec!["key", "generate", "--out", out.to_str().unwrap()];
        a.extend_from_slice(args);
        ok(fx.path(), &a);
        assert_eq!(mode(&out), 0o600, "{args:?}");
        assert_ne!(std::fs::read_to_string(&out).unwrap(), "old");
    }
    assert_eq!(mode(&fx.file("ec.jwk")), 0o600);
    assert_eq!(mode(&fx.file("ec.pub.jwk")) & 0o600, 0o600);
    let public: Value = serde_json::from_str(&fx.read("ec.pub.jwk")).unwrap();
    assert!(public.get("d").is_none());
    assert_eq!(public["alg"], "ES256");
}

#[test]
fn generate_options() {
    let fx = Fixtures::new();
    let k: Value = serde_json::from_str(&ok(
        fx.path(),
        &[
            "key", "generate", "--kty", "OKP", "--crv", "Ed448", "--kid", "mine", "--use", "sig",
        ],
    ))
    .unwrap();
    assert_eq!(
        (k["kty"].as_str(), k["crv"].as_str()),
        (Some("OKP"), Some("Ed448"))
    );
    assert_eq!(k["kid"], "mine");
    assert_eq!(k["use"], "sig");
    let k: Value = serde_json::from_str(&ok(
        fx.path(),
        &["key", "generate", "--kty", "oct", "--kid-thumbprint"],
    ))
    .unwrap();
    assert_eq!(k["k"].as_str().unwrap().len(), 43, "256 bits by default");
    let pem = ok(
        fx.path(),
        &["key", "generate", "--alg", "RS256", "--format", "pem"],
    );
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    for bad in [
        &["--kty", "EC", "--crv", "P-192"][..],
        &["--kty", "RSA", "--crv", "P-256"],
        &["--kty", "EC", "--size", "256"],
        &["--kty", "oct", "--size", "100"],
        &["--kty", "oct", "--public-out", "x"],
        &["--alg", "ES256", "--kty", "EC"],
        &[],
    ] {
        let mut a = vec!["key", "generate"];
        a.extend_from_slice(bad);
        let (code, out, _) = run(fx.path(), &a, b"");
        assert_eq!(code, 2, "{bad:?}");
        assert!(out.is_empty());
    }
}

/// RFC 7638 §3.1's example key and thumbprint, and RFC 9278's URI form.
#[test]
fn thumbprints() {
    let fx = Fixtures::new();
    std::fs::write(fx.file("rfc7638.jwk"), r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#).unwrap();
    let tp = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    assert_eq!(
        ok(fx.path(), &["key", "thumbprint", "rfc7638.jwk"]),
        format!("{tp}\n")
    );
    assert_eq!(
        ok(fx.path(), &["key", "thumbprint", "rfc7638.jwk", "--uri"]),
        format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{tp}\n")
    );
    let v: Value = serde_json::from_str(&ok(
        fx.path(),
        &[
            "key",
            "thumbprint",
            "rfc7638.jwk",
            "--hash",
            "sha512",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(v["hash"], "sha-512");
    assert_eq!(v["thumbprint"].as_str().unwrap().len(), 86);
    // The generated key's kid is its thumbprint; the PEM form has the same.
    let kid = serde_json::from_str::<Value>(&fx.read("ec.jwk")).unwrap()["kid"].clone();
    assert_eq!(
        ok(fx.path(), &["key", "thumbprint", "ec.pem"]).trim(),
        kid.as_str().unwrap()
    );
    // A set of several keys is ambiguous here.
    let (code, _, _) = run(fx.path(), &["key", "thumbprint", "jwks.json"], b"");
    assert_eq!(code, 2);
}

#[test]
fn public_and_convert() {
    let fx = Fixtures::new();
    let p: Value = serde_json::from_str(&ok(fx.path(), &["key", "public", "ec.jwk"])).unwrap();
    assert!(p.get("d").is_none() && p["x"].is_string());
    let pem = ok(fx.path(), &["key", "public", "rsa.jwk", "--format", "pem"]);
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    let set: Value = serde_json::from_str(&ok(fx.path(), &["key", "public", "jwks.json"])).unwrap();
    assert_eq!(set["keys"].as_array().unwrap().len(), 2);
    std::fs::write(
        fx.file("oct.jwk"),
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr8"}"#,
    )
    .unwrap();
    let (code, out, err) = run(fx.path(), &["key", "public", "oct.jwk"], b"");
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("no public half"), "{err}");
    // JWK -> PEM -> DER -> JWK keeps the key.
    ok(
        fx.path(),
        &[
            "key", "convert", "rsa.jwk", "--to", "pem", "--out", "rsa.pem",
        ],
    );
    assert_eq!(mode(&fx.file("rsa.pem")), 0o600);
    ok(
        fx.path(),
        &[
            "key", "convert", "rsa.pem", "--to", "der", "--out", "rsa.der",
        ],
    );
    let back: Value = serde_json::from_str(&ok(
        fx.path(),
        &["key", "convert", "rsa.der", "--to", "jwk"],
    ))
    .unwrap();
    let orig: Value = serde_json::from_str(&fx.read("rsa.jwk")).unwrap();
    for m in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
        assert_eq!(back[m], orig[m], "{m}");
    }
    // DER to a pipe is fine.
    let out = jot()
        .current_dir(fx.path())
        .args(["key", "convert", "ec.jwk", "--to", "der"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout[0] == 0x30);
    // oct keys have no PEM.
    let (code, _, _) = run(
        fx.path(),
        &["key", "convert", "oct.jwk", "--to", "pem"],
        b"",
    );
    assert_eq!(code, 2);
}

#[test]
fn jwks_build() {
    let fx = Fixtures::new();
    let out = ok(
        fx.path(),
        &["jwks", "build", "ec.jwk", "rsa.jwk", "ed.pub.jwk"],
    );
    let set: Value = serde_json::from_str(&out).unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    for k in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(k.get(private).is_none(), "{private} published");
        }
        assert!(k["kid"].is_string());
    }
    assert_eq!(keys[1]["kid"], "bilbo.baggins@hobbiton.example");
    // ed.pub.jwk had no kid: it gets its thumbprint.
    let tp = ok(fx.path(), &["key", "thumbprint", "ed.pub.jwk"]);
    assert_eq!(keys[2]["kid"], tp.trim());
    // Secrets are never published.
    std::fs::write(
        fx.file("oct.jwk"),
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr8"}"#,
    )
    .unwrap();
    let (code, out, _) = run(fx.path(), &["jwks", "build", "ec.jwk", "oct.jwk"], b"");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    // A PEM certificate and a set as inputs.
    let cert = common::key_file("cert-ec-p256.pem").display().to_string();
    let out = ok(fx.path(), &["jwks", "build", "jwks.json", &cert]);
    let set: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(set["keys"].as_array().unwrap().len(), 3);
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = jot().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("jot") && text.contains("verify"), "{shell}");
    }
}
