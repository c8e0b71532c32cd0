//! RFC 7520 JWS cookbook examples (and the RFC 7797 b64=false example)
//! verified through `jot jws verify`: stdout is exactly the payload bytes.

mod common;

use std::path::Path;

use common::{jot, load_json, vector};
use serde_json::Value;

/// Writes the example's key (private JWK) to `dir/key.jwk`.
fn key_file(dir: &Path, example: &Value) -> String {
    let p = dir.join("key.jwk");
    std::fs::write(&p, example["input"]["key"].to_string()).unwrap();
    p.display().to_string()
}

fn verify(dir: &Path, jws: &str, key: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["jws", "verify", "--key", key];
    args.extend_from_slice(extra);
    jot()
        .current_dir(dir)
        .args(&args)
        .write_stdin(jws.as_bytes().to_vec())
        .output()
        .unwrap()
}

fn outputs(example: &Value) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let out = &example["output"];
    if let Some(c) = out["compact"].as_str() {
        v.push(("compact".into(), c.to_owned()));
    }
    for form in ["json", "json_flat"] {
        if out[form].is_object() {
            v.push((form.into(), out[form].to_string()));
        }
    }
    v
}

fn check_example(file: &str, detached: bool) {
    let dir = tempfile::tempdir().unwrap();
    let ex = load_json(&vector(file));
    let key = key_file(dir.path(), &ex);
    let payload = ex["input"]["payload"].as_str().unwrap().as_bytes().to_vec();
    let forms = outputs(&ex);
    assert!(!forms.is_empty(), "{file}");
    for (form, jws) in forms {
        let out = if detached {
            let p = dir.path().join("payload");
            std::fs::write(&p, &payload).unwrap();
            verify(
                dir.path(),
                &jws,
                &key,
                &["--payload-file", p.to_str().unwrap()],
            )
        } else {
            verify(dir.path(), &jws, &key, &[])
        };
        assert!(
            out.status.success(),
            "{file} {form}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, payload, "{file} {form}: payload bytes");
        // One flipped signature character: rejected, nothing on stdout.
        let tampered = tamper_signature(&jws);
        let out = verify(dir.path(), &tampered, &key, &[]);
        // A detached JSON JWS without its payload is a usage error (2); a
        // compact one is verified as the empty payload and rejected (1).
        assert_eq!(
            out.status.code(),
            Some(if detached && form != "compact" { 2 } else { 1 }),
            "{file} {form}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// Flips the last character of the (first) signature.
fn tamper_signature(jws: &str) -> String {
    if jws.starts_with('{') {
        let mut v: Value = serde_json::from_str(jws).unwrap();
        let sig = if v["signatures"].is_array() {
            &mut v["signatures"][0]["signature"]
        } else {
            &mut v["signature"]
        };
        let s = sig.as_str().unwrap();
        let flipped = flip_last(s);
        *sig = Value::String(flipped);
        v.to_string()
    } else {
        flip_last(jws)
    }
}

fn flip_last(s: &str) -> String {
    let mut t = s.to_owned();
    let c = t.pop().unwrap();
    // Stay canonical base64url: change a bit that is part of the value.
    let replacement = match c {
        'A' => 'Q',
        'Q' => 'g',
        _ => 'A',
    };
    t.push(replacement);
    t
}

#[test]
fn rfc7520_4_1_rsa_v15() {
    check_example("rfc7520/jws/4_1.rsa_v15_signature.json", false);
}

#[test]
fn rfc7520_4_2_rsa_pss() {
    check_example("rfc7520/jws/4_2.rsa-pss_signature.json", false);
}

#[test]
fn rfc7520_4_3_ecdsa_p521() {
    check_example("rfc7520/jws/4_3.ecdsa_signature.json", false);
}

#[test]
fn rfc7520_4_4_hmac() {
    check_example("rfc7520/jws/4_4.hmac-sha2_integrity_protection.json", false);
}

#[test]
fn rfc7520_4_5_detached() {
    check_example("rfc7520/jws/4_5.signature_with_detached_content.json", true);
}

#[test]
fn rfc7520_4_6_protecting_specific_header_fields() {
    check_example(
        "rfc7520/jws/4_6.protecting_specific_header_fields.json",
        false,
    );
}

/// §4.7 puts `alg` only in the unprotected header; Jot requires it to be
/// integrity protected, so the CLI rejects it (exit 1, nothing on stdout).
#[test]
fn rfc7520_4_7_unprotected_alg_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let ex = load_json(&vector("rfc7520/jws/4_7.protecting_content_only.json"));
    let key = key_file(dir.path(), &ex);
    for (form, jws) in outputs(&ex) {
        let out = verify(dir.path(), &jws, &key, &[]);
        assert_eq!(out.status.code(), Some(1), "{form}");
        assert!(out.stdout.is_empty());
    }
}

/// §4.8: three signatures (RS256, ES512, HS256). The RSA and HMAC keys
/// verify alone; the ES512 signature has `alg` only in its unprotected
/// header, which Jot refuses (as §4.7), so the EC key alone is rejected.
#[test]
fn rfc7520_4_8_multiple_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let ex = load_json(&vector("rfc7520/jws/4_8.multiple_signatures.json"));
    let jws = ex["output"]["json"].to_string();
    let payload = ex["input"]["payload"].as_str().unwrap();
    let keys = ex["input"]["key"].as_array().cloned().unwrap_or_else(|| {
        ex["signing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].clone())
            .collect()
    });
    assert_eq!(keys.len(), 3);
    for (i, k) in keys.iter().enumerate() {
        let p = dir.path().join(format!("k{i}.jwk"));
        std::fs::write(&p, k.to_string()).unwrap();
        let out = verify(dir.path(), &jws, p.to_str().unwrap(), &[]);
        if i == 1 {
            assert_eq!(out.status.code(), Some(1));
            assert!(out.stdout.is_empty());
            continue;
        }
        assert!(
            out.status.success(),
            "key {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, payload.as_bytes());
    }
}

/// RFC 7797 b64=false (with `crit`): compact and JSON forms.
#[test]
fn rfc7797_unencoded_payload() {
    check_example("rfc7520/rfc7797/hmac-sha2_b64_false.json", false);
}

/// A cookbook key inside a JWK Set selects by the token's kid.
#[test]
fn cookbook_keys_work_as_jwk_sets() {
    let dir = tempfile::tempdir().unwrap();
    let ex = load_json(&vector("rfc7520/jws/4_1.rsa_v15_signature.json"));
    let set = format!("{{\"keys\":[{}]}}", ex["input"]["key"]);
    let p = dir.path().join("set.json");
    std::fs::write(&p, set).unwrap();
    let out = verify(
        dir.path(),
        ex["output"]["compact"].as_str().unwrap(),
        p.to_str().unwrap(),
        &[],
    );
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        ex["input"]["payload"].as_str().unwrap().as_bytes()
    );
}
