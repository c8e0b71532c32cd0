//! ML-DSA-44/65/87 (FIPS 204, `kty` `AKP`) through the `jot` binary: key
//! generation, signing and verifying in every form the CLI takes keys in
//! (JWK, PEM, JWK Set), the draft's published signature, and the refusals
//! (tampered signature, wrong parameter set, a set that mixes ML-DSA with
//! an HMAC secret).

mod common;

use common::{ok, run, vector, Fixtures};
use serde_json::Value;

const ML_DSA: [&str; 3] = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"];

/// Generates `NAME.jwk` and `NAME.pub.jwk` for `alg` with kid `NAME`.
fn generate(fx: &Fixtures, alg: &str, name: &str) {
    ok(
        fx.path(),
        &[
            "key",
            "generate",
            "--alg",
            alg,
            "--kid",
            name,
            "--out",
            &format!("{name}.jwk"),
            "--public-out",
            &format!("{name}.pub.jwk"),
        ],
    );
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The token with one byte of its signature changed.
fn tampered(token: &str) -> String {
    let (head, sig) = token.rsplit_once('.').unwrap();
    let mut sig = sig.as_bytes().to_vec();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    format!("{head}.{}", String::from_utf8(sig).unwrap())
}

#[test]
fn generated_keys_have_the_akp_members_and_no_private_half_in_public() {
    let fx = Fixtures::new();
    for alg in ML_DSA {
        generate(&fx, alg, "k");
        let private = json(&fx.read("k.jwk"));
        let public = json(&fx.read("k.pub.jwk"));
        assert_eq!(private["kty"], "AKP", "{alg}");
        assert_eq!(private["alg"], alg);
        // The private member is the 32-byte seed (43 base64url characters).
        assert_eq!(private["priv"].as_str().map(str::len), Some(43), "{alg}");
        assert_eq!(public["pub"], private["pub"]);
        assert!(public.get("priv").is_none(), "{alg}: {public}");
        // The thumbprint covers alg, kty and pub only: both halves agree.
        let t_private = ok(fx.path(), &["key", "thumbprint", "k.jwk"]);
        let t_public = ok(fx.path(), &["key", "thumbprint", "k.pub.jwk"]);
        assert_eq!(t_private, t_public, "{alg}");
        assert_eq!(t_private.trim().len(), 43, "{alg}");
    }
}

#[test]
fn sign_and_verify_with_jwk_keys_and_refuse_a_tampered_signature() {
    let fx = Fixtures::new();
    for alg in ML_DSA {
        generate(&fx, alg, "pq");
        let token = ok(
            fx.path(),
            &["sign", "--key", "pq.jwk", "--aud", "api", "--exp", "5m"],
        );
        let token = token.trim();
        let header = json(&ok(fx.path(), &["decode", token, "--json"]));
        assert_eq!(header["header"]["alg"], alg, "{header}");
        assert_eq!(header["header"]["kid"], "pq");
        ok(
            fx.path(),
            &["verify", token, "--key", "pq.pub.jwk", "--aud", "api"],
        );
        let (code, _, err) = run(
            fx.path(),
            &[
                "verify",
                &tampered(token),
                "--key",
                "pq.pub.jwk",
                "--aud",
                "api",
            ],
            b"",
        );
        assert_eq!(code, 1, "{alg}: {err}");
        assert!(err.contains("signature"), "{alg}: {err}");
    }
}

#[test]
fn a_key_verifies_only_its_own_parameter_set() {
    let fx = Fixtures::new();
    generate(&fx, "ML-DSA-65", "k65");
    let token = ok(
        fx.path(),
        &["sign", "--key", "k65.jwk", "--aud", "api", "--exp", "5m"],
    );
    // Asking for ML-DSA-44 with an ML-DSA-65 key: the key serves none of
    // the named algorithms.
    let (code, _, err) = run(
        fx.path(),
        &[
            "verify",
            token.trim(),
            "--key",
            "k65.pub.jwk",
            "--aud",
            "api",
            "--alg",
            "ML-DSA-44",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ML-DSA-44"), "{err}");
    // A token whose header claims ML-DSA-44, signed by an ML-DSA-44 key, is
    // not checked with the ML-DSA-65 key.
    generate(&fx, "ML-DSA-44", "k44");
    let other = ok(
        fx.path(),
        &["sign", "--key", "k44.jwk", "--aud", "api", "--exp", "5m"],
    );
    let (code, _, err) = run(
        fx.path(),
        &[
            "verify",
            other.trim(),
            "--key",
            "k65.pub.jwk",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_ne!(code, 0, "{err}");
}

#[test]
fn pem_forms_round_trip_and_sign_and_verify() {
    let fx = Fixtures::new();
    for alg in ML_DSA {
        generate(&fx, alg, "k");
        let pem = ok(fx.path(), &["key", "convert", "k.jwk", "--to", "pem"]);
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{alg}");
        std::fs::write(fx.file("k.pem"), &pem).unwrap();
        let public_pem = ok(fx.path(), &["key", "convert", "k.pub.jwk", "--to", "pem"]);
        assert!(
            public_pem.starts_with("-----BEGIN PUBLIC KEY-----"),
            "{alg}"
        );
        std::fs::write(fx.file("k.pub.pem"), &public_pem).unwrap();
        // PEM back to JWK gives the same key (same thumbprint).
        let back = json(&ok(fx.path(), &["key", "convert", "k.pem", "--to", "jwk"]));
        let original = json(&fx.read("k.jwk"));
        assert_eq!(back["pub"], original["pub"], "{alg}");
        assert_eq!(back["priv"], original["priv"], "{alg}");
        // A PEM carries no alg; the CLI is told it, and the key must fit it.
        let token = ok(
            fx.path(),
            &[
                "sign", "--key", "k.pem", "--alg", alg, "--aud", "api", "--exp", "5m",
            ],
        );
        ok(
            fx.path(),
            &[
                "verify",
                token.trim(),
                "--key",
                "k.pub.pem",
                "--alg",
                alg,
                "--aud",
                "api",
            ],
        );
    }
}

#[test]
fn a_jwk_set_selects_ml_dsa_and_eddsa_keys_by_kid() {
    let fx = Fixtures::new();
    generate(&fx, "ML-DSA-65", "pq");
    let set = ok(
        fx.path(),
        &["jwks", "build", "pq.pub.jwk", "ed.pub.jwk", "ec.pub.jwk"],
    );
    assert!(!set.contains("\"priv\""), "{set}");
    std::fs::write(fx.file("set.json"), &set).unwrap();
    let pq = ok(
        fx.path(),
        &["sign", "--key", "pq.jwk", "--aud", "api", "--exp", "5m"],
    );
    ok(
        fx.path(),
        &["verify", pq.trim(), "--key", "set.json", "--aud", "api"],
    );
    ok(
        fx.path(),
        &["verify", &fx.token(), "--key", "set.json", "--aud", "api"],
    );
    // The same set with an HMAC secret in it is refused: ML-DSA keys are
    // public keys like any other.
    ok(
        fx.path(),
        &[
            "key", "generate", "--alg", "HS256", "--kid", "hs", "--out", "hs.jwk",
        ],
    );
    let mixed = format!(
        "{{\"keys\":[{},{}]}}",
        fx.read("pq.pub.jwk"),
        fx.read("hs.jwk")
    );
    std::fs::write(fx.file("mixed.json"), mixed).unwrap();
    let (code, _, err) = run(
        fx.path(),
        &["verify", pq.trim(), "--key", "mixed.json", "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("algorithm confusion"), "{err}");
}

#[test]
fn jws_sign_and_verify_any_payload() {
    let fx = Fixtures::new();
    generate(&fx, "ML-DSA-44", "k");
    std::fs::write(fx.file("p.bin"), b"post-quantum \x00\xff bytes").unwrap();
    let jws = ok(fx.path(), &["jws", "sign", "--key", "k.jwk", "p.bin"]);
    std::fs::write(fx.file("p.jws"), jws.trim()).unwrap();
    let out = common::jot()
        .current_dir(fx.path())
        .args(["jws", "verify", "p.jws", "--key", "k.pub.jwk"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"post-quantum \x00\xff bytes");
}

/// The draft's ML-DSA-44 example: its public key and the compact JWS its
/// authors made verify through the CLI, and the payload comes back.
#[test]
fn the_drafts_published_signature_verifies() {
    let fx = Fixtures::new();
    let examples = common::load_json(&vector("ml-dsa/cose-dilithium-examples.json"));
    let v = &examples["vectors"][0];
    assert_eq!(v["alg"], "ML-DSA-44");
    let jwk = serde_json::json!({"kty": "AKP", "alg": "ML-DSA-44", "pub": v["pub"]});
    std::fs::write(fx.file("draft.pub.jwk"), jwk.to_string()).unwrap();
    let jws = v["jws"].as_str().unwrap();
    let payload = ok(fx.path(), &["jws", "verify", jws, "--key", "draft.pub.jwk"]);
    assert!(payload.contains("a dangerous business"), "{payload}");
    let (code, _, err) = run(
        fx.path(),
        &["jws", "verify", &tampered(jws), "--key", "draft.pub.jwk"],
        b"",
    );
    assert_eq!(code, 1, "{err}");
}
