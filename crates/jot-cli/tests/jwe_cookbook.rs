//! RFC 7520 §5 JWE cookbook examples decrypted through `jot jwe decrypt`
//! (stdout is exactly the plaintext bytes), and the §6 nested JWT through
//! `jot verify --decrypt-key`.

mod common;

use std::path::Path;

use common::{jot, load_json, vector};
use serde_json::Value;

fn examples() -> Vec<(String, Value)> {
    let dir = vector("rfc7520/jwe");
    let mut v: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                load_json(&p),
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn decrypt(dir: &Path, jwe: &str, args: &[&str]) -> std::process::Output {
    let mut a = vec!["jwe", "decrypt"];
    a.extend_from_slice(args);
    jot()
        .current_dir(dir)
        .args(&a)
        .write_stdin(jwe.as_bytes().to_vec())
        .output()
        .unwrap()
}

/// The key arguments for one key of an example: a JWK file (with `--alg`
/// where the algorithm is off by default) or the PBES2 password.
fn key_args(dir: &Path, name: &str, key: Option<&Value>, example: &Value) -> Vec<String> {
    let input = &example["input"];
    let alg = input["alg"].as_str().unwrap_or_default();
    match key {
        None => vec![
            "--alg".into(),
            alg.into(),
            "--secret".into(),
            input["pwd"].as_str().unwrap().into(),
        ],
        Some(k) => {
            let p = dir.join(name);
            std::fs::write(&p, k.to_string()).unwrap();
            let mut a = vec!["--key".to_owned(), p.display().to_string()];
            // RSA1_5 (§5.1, and the RSA recipient of §5.13) must be named.
            if k["kty"] == "RSA" && (alg == "RSA1_5" || alg.is_empty() || input["alg"].is_array()) {
                a.extend(["--alg".into(), "RSA1_5".into()]);
            }
            a
        }
    }
}

fn outputs(example: &Value) -> Vec<(&'static str, String)> {
    let out = &example["output"];
    let mut v = Vec::new();
    if let Some(c) = out["compact"].as_str() {
        v.push(("compact", c.to_owned()));
    }
    for form in ["json", "json_flat"] {
        if out[form].is_object() {
            v.push((form, out[form].to_string()));
        }
    }
    v
}

#[test]
fn cookbook_jwes_decrypt_to_the_exact_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = examples();
    assert_eq!(all.len(), 13, "RFC 7520 §5.1–§5.13");
    let mut checked = 0;
    for (file, ex) in &all {
        let plaintext = ex["input"]["plaintext"].as_str().unwrap().as_bytes();
        let keys: Vec<Option<&Value>> = match &ex["input"]["key"] {
            Value::Array(list) => list.iter().map(Some).collect(),
            Value::Object(_) => vec![Some(&ex["input"]["key"])],
            _ => vec![None],
        };
        for (i, key) in keys.iter().enumerate() {
            let args = key_args(d, &format!("key{i}.jwk"), *key, ex);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            for (form, jwe) in outputs(ex) {
                let out = decrypt(d, &jwe, &args);
                assert!(
                    out.status.success(),
                    "{file} {form} key {i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(out.stdout, plaintext, "{file} {form}: plaintext bytes");
                checked += 1;
            }
            // A flipped ciphertext character: rejected, nothing on stdout.
            let (form, jwe) = outputs(ex).remove(0);
            let out = decrypt(d, &tamper(&jwe), &args);
            assert_eq!(out.status.code(), Some(1), "{file} {form} tampered");
            assert!(out.stdout.is_empty());
        }
    }
    assert!(checked >= 33, "{checked}");
}

/// Changes one character of the ciphertext.
fn tamper(jwe: &str) -> String {
    let flip = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c[0] = if c[0] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect::<String>()
    };
    if jwe.starts_with('{') {
        let mut v: Value = serde_json::from_str(jwe).unwrap();
        let ct = flip(v["ciphertext"].as_str().unwrap());
        v["ciphertext"] = Value::String(ct);
        v.to_string()
    } else {
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        parts[3] = flip(&parts[3]);
        parts.join(".")
    }
}

#[test]
fn legacy_cookbook_tokens_need_their_algorithm_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (file, ex) in examples() {
        let alg = ex["input"]["alg"].as_str().unwrap_or_default().to_owned();
        let Some(jwe) = ex["output"]["compact"].as_str() else {
            continue;
        };
        let args: Vec<String> = match alg.as_str() {
            "RSA1_5" => {
                std::fs::write(d.join("k.jwk"), ex["input"]["key"].to_string()).unwrap();
                vec!["--key".into(), "k.jwk".into()]
            }
            a if a.starts_with("PBES2") => {
                vec![
                    "--secret".into(),
                    ex["input"]["pwd"].as_str().unwrap().into(),
                ]
            }
            _ => continue,
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = decrypt(d, jwe, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(out.stdout.is_empty());
        assert!(err.contains(&format!("--alg {alg}")), "{file}: {err}");
    }
}

#[test]
fn dir_key_naming_its_content_encryption() {
    // RFC 7520 §5.6: the key says "alg": "A128GCM"; the library accepts it
    // for dir, and jot encrypts with it back (enc taken from the key).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ex = load_json(&vector(
        "rfc7520/jwe/5_6.direct_encryption_using_aes-gcm.json",
    ));
    std::fs::write(d.join("k.jwk"), ex["input"]["key"].to_string()).unwrap();
    let jwe = common::ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "again",
            "--alg",
            "dir",
            "--key",
            "k.jwk",
        ],
    );
    let header = common::ok(d, &["decode", "--json", jwe.trim()]);
    assert!(header.contains("\"enc\":\"A128GCM\""), "{header}");
    let out = decrypt(d, &jwe, &["--key", "k.jwk"]);
    assert_eq!(out.stdout, b"again");
}

#[test]
fn nested_jwt_of_section_6() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ex = load_json(&vector("rfc7520/6.nesting_signatures_and_encryption.json"));
    let sig_key = &ex["sign"]["input"]["key"];
    let public = serde_json::json!({
        "kty": "RSA", "kid": sig_key["kid"], "use": "sig", "n": sig_key["n"], "e": sig_key["e"]
    });
    std::fs::write(d.join("sig.pub.jwk"), public.to_string()).unwrap();
    std::fs::write(d.join("enc.jwk"), ex["encrypt"]["input"]["key"].to_string()).unwrap();
    let token = ex["encrypt"]["output"]["compact"].as_str().unwrap();
    // exp is 2011-03-22: evaluated just before it.
    let args = [
        "verify",
        token,
        "--decrypt-key",
        "enc.jwk",
        "--key",
        "sig.pub.jwk",
        "--at",
        "1300819000",
        "--json",
    ];
    let out: Value = serde_json::from_str(&common::ok(d, &args)).unwrap();
    assert_eq!(out["valid"], true);
    assert_eq!(out["header"]["alg"], "PS256");
    assert_eq!(out["claims"]["iss"], "hobbiton.example");
    assert_eq!(out["outer"]["alg"], "RSA-OAEP");
    assert_eq!(out["outer"]["cty"], "JWT");
    // At the current time the inner JWT has expired: rejected.
    let (code, _, err) = common::run(d, &args[..6], b"");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expired"), "{err}");
}
