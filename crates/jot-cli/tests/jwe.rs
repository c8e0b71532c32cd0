//! `jot jwe encrypt` → `jot jwe decrypt` round trips for every alg/enc pair
//! (19 × 6), the JSON serializations and `zip`, key sets, and the exit
//! codes of decryption failures.

mod common;

use std::path::Path;

use common::{jot, key_file, ok, run};
use serde_json::Value;

const ENCS: [&str; 6] = [
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
    "A128GCM",
    "A192GCM",
    "A256GCM",
];

/// Binary, with every byte value and no trailing newline convention.
const PLAINTEXT: &[u8] = b"raw \x00\xff bytes\nand more\r\n";

fn enc_key_len(enc: &str) -> usize {
    match enc {
        "A128GCM" => 128,
        "A192GCM" => 192,
        "A256GCM" | "A128CBC-HS256" => 256,
        "A192CBC-HS384" => 384,
        _ => 512,
    }
}

/// `jot key generate ARGS --out NAME.jwk --public-out NAME.pub.jwk` (the
/// public file only for asymmetric keys). Returns the file names.
fn generate(dir: &Path, name: &str, args: &[&str], public: bool) -> (String, String) {
    let private = format!("{name}.jwk");
    let public_name = format!("{name}.pub.jwk");
    let mut a = vec!["key", "generate"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--out", &private]);
    if public {
        a.extend_from_slice(&["--public-out", &public_name]);
    }
    ok(dir, &a);
    let public_name = if public { public_name } else { private.clone() };
    (private, public_name)
}

/// Encrypts PLAINTEXT (from a file) and decrypts it from stdin; asserts the
/// exact bytes come back. Returns the JWE.
fn round_trip(
    dir: &Path,
    alg: &str,
    enc: &str,
    enc_key: &[&str],
    dec_key: &[&str],
    form: &[&str],
) -> String {
    std::fs::write(dir.join("plain.bin"), PLAINTEXT).unwrap();
    let mut e = vec!["jwe", "encrypt", "plain.bin", "--alg", alg, "--enc", enc];
    e.extend_from_slice(enc_key);
    e.extend_from_slice(form);
    let jwe = ok(dir, &e);
    let mut d = vec!["jwe", "decrypt"];
    d.extend_from_slice(dec_key);
    if alg == "RSA1_5" || alg.starts_with("PBES2") {
        d.extend_from_slice(&["--alg", alg]);
    }
    let (code, out) = {
        let o = jot()
            .current_dir(dir)
            .args(&d)
            .write_stdin(jwe.clone())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{alg} {enc} {form:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), o.stdout)
    };
    assert_eq!(code, Some(0));
    assert_eq!(out, PLAINTEXT, "{alg} {enc} {form:?}: plaintext bytes");
    jwe
}

fn header_of(jwe: &str) -> Value {
    let doc: Value =
        serde_json::from_str(&ok(Path::new("."), &["decode", "--json", jwe.trim()])).unwrap();
    doc["header"].clone()
}

#[test]
fn rsa_every_enc() {
    // An OpenSSL-made RSA 2048 key: PEM in, SPKI to encrypt, PKCS#8 to
    // decrypt (a private key's public half also encrypts).
    let dir = tempfile::tempdir().unwrap();
    let spki = key_file("rsa2048.spki.pem").display().to_string();
    let pkcs8 = key_file("rsa2048.pkcs8.pem").display().to_string();
    for alg in [
        "RSA1_5",
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA-OAEP-384",
        "RSA-OAEP-512",
    ] {
        for (i, enc) in ENCS.iter().enumerate() {
            let to = if i % 2 == 0 { &spki } else { &pkcs8 };
            let jwe = round_trip(
                dir.path(),
                alg,
                enc,
                &["--key", to],
                &["--key", &pkcs8],
                &[],
            );
            assert_eq!(header_of(&jwe)["alg"], alg);
            assert_eq!(header_of(&jwe)["enc"], *enc);
        }
    }
}

#[test]
fn aes_key_wrap_every_enc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (alg, bits) in [
        ("A128KW", "128"),
        ("A192KW", "192"),
        ("A256KW", "256"),
        ("A128GCMKW", "128"),
        ("A192GCMKW", "192"),
        ("A256GCMKW", "256"),
    ] {
        let (k, _) = generate(
            d,
            &format!("kw{bits}"),
            &["--kty", "oct", "--size", bits],
            false,
        );
        for enc in ENCS {
            round_trip(d, alg, enc, &["--key", &k], &["--key", &k], &[]);
        }
    }
    // The same key as a raw secret: --secret-b64 on one side, the JWK on
    // the other.
    let jwk: Value = serde_json::from_slice(&std::fs::read(d.join("kw128.jwk")).unwrap()).unwrap();
    let b64 = jwk["k"].as_str().unwrap();
    round_trip(
        d,
        "A128KW",
        "A128GCM",
        &["--secret-b64", b64],
        &["--key", "kw128.jwk"],
        &[],
    );
}

#[test]
fn dir_every_enc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for enc in ENCS {
        let bits = enc_key_len(enc).to_string();
        let (k, _) = generate(
            d,
            &format!("cek{bits}"),
            &["--kty", "oct", "--size", &bits],
            false,
        );
        let jwe = round_trip(d, "dir", enc, &["--key", &k], &["--key", &k], &[]);
        // No encrypted key: the second segment is empty.
        assert_eq!(jwe.trim().split('.').nth(1), Some(""));
        // Without --enc, a dir key's length picks the content encryption.
        let jwe = ok(
            d,
            &[
                "jwe",
                "encrypt",
                "--plaintext",
                "x",
                "--alg",
                "dir",
                "--key",
                &k,
            ],
        );
        let expected = match enc {
            "A128CBC-HS256" | "A256GCM" => "A256GCM",
            other => other,
        };
        assert_eq!(header_of(&jwe)["enc"], expected);
    }
}

#[test]
fn ecdh_es_every_enc_and_curve() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let curves = [
        ("EC", "P-256"),
        ("EC", "P-384"),
        ("EC", "P-521"),
        ("OKP", "X25519"),
        ("OKP", "X448"),
    ];
    let keys: Vec<(String, String)> = curves
        .iter()
        .map(|(kty, crv)| {
            generate(
                d,
                &format!("ecdh-{crv}"),
                &["--kty", kty, "--crv", crv, "--use", "enc"],
                true,
            )
        })
        .collect();
    let mut n = 0;
    for alg in [
        "ECDH-ES",
        "ECDH-ES+A128KW",
        "ECDH-ES+A192KW",
        "ECDH-ES+A256KW",
    ] {
        for enc in ENCS {
            // Every curve meets every algorithm across the 24 pairs.
            let (private, public) = &keys[n % keys.len()];
            n += 1;
            let jwe = round_trip(d, alg, enc, &["--key", public], &["--key", private], &[]);
            assert!(header_of(&jwe)["epk"].is_object());
        }
    }
}

#[test]
fn pbes2_every_enc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pw.txt"), "correct horse battery staple").unwrap();
    for alg in [
        "PBES2-HS256+A128KW",
        "PBES2-HS384+A192KW",
        "PBES2-HS512+A256KW",
    ] {
        for enc in ENCS {
            let jwe = round_trip(
                d,
                alg,
                enc,
                &["--secret", "correct horse battery staple"],
                &["--secret-file", "pw.txt"],
                &[],
            );
            let h = header_of(&jwe);
            assert!(h["p2s"].is_string() && h["p2c"].is_u64(), "{h}");
        }
    }
}

#[test]
fn json_serializations_and_zip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ec, ec_pub) = generate(
        d,
        "ec",
        &["--kty", "EC", "--crv", "P-256", "--use", "enc"],
        true,
    );
    let (aes, _) = generate(d, "aes", &["--kty", "oct", "--size", "256"], false);
    let rsa = key_file("rsa2048.pkcs8.pem").display().to_string();
    let cases: [(&str, &str, &str, &str); 4] = [
        ("ECDH-ES+A256KW", "A256GCM", &ec_pub, &ec),
        ("ECDH-ES", "A128CBC-HS256", &ec_pub, &ec),
        ("A256GCMKW", "A192GCM", &aes, &aes),
        ("RSA-OAEP-256", "A256CBC-HS512", &rsa, &rsa),
    ];
    for (alg, enc, to, with) in cases {
        for form in [&[][..], &["--json"], &["--flattened"]] {
            for zip in [false, true] {
                let mut f = form.to_vec();
                if zip {
                    f.push("--zip");
                }
                let jwe = round_trip(d, alg, enc, &["--key", to], &["--key", with], &f);
                let jwe = jwe.trim();
                match form.first() {
                    None => assert_eq!(jwe.split('.').count(), 5),
                    Some(&"--json") => {
                        let v: Value = serde_json::from_str(jwe).unwrap();
                        assert_eq!(v["recipients"].as_array().unwrap().len(), 1);
                    }
                    Some(_) => {
                        let v: Value = serde_json::from_str(jwe).unwrap();
                        assert!(v.get("recipients").is_none() && v["ciphertext"].is_string());
                    }
                }
                let h = header_of(jwe);
                assert_eq!(h["zip"] == "DEF", zip, "{alg} {form:?}: {h}");
            }
        }
    }
    // Compression shows: a repetitive plaintext shrinks.
    let big = "a".repeat(10_000);
    let plain = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            &big,
            "--alg",
            "dir",
            "--key",
            &aes,
        ],
    );
    let zipped = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            &big,
            "--alg",
            "dir",
            "--key",
            &aes,
            "--zip",
        ],
    );
    assert!(zipped.len() * 10 < plain.len());
}

#[test]
fn headers_kid_and_cty() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (aes, _) = generate(
        d,
        "aes",
        &["--kty", "oct", "--size", "128", "--kid", "key-kid"],
        false,
    );
    let jwe = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "A128KW",
            "--key",
            &aes,
        ],
    );
    assert_eq!(
        header_of(&jwe)["kid"],
        "key-kid",
        "the key's kid by default"
    );
    let jwe = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "A128KW",
            "--key",
            &aes,
            "--kid",
            "k2",
            "--cty",
            "text/plain",
            "--header",
            "x-tenant=\"acme\"",
            "--header",
            "typ=\"secret\"",
        ],
    );
    let h = header_of(&jwe);
    assert_eq!(h["kid"], "k2");
    assert_eq!(h["cty"], "text/plain");
    assert_eq!(h["x-tenant"], "acme");
    assert_eq!(h["typ"], "secret");
    assert_eq!(h["enc"], "A256GCM", "default enc");
    // Members jot computes cannot be set by hand.
    for bad in [
        "alg=\"dir\"",
        "enc=\"A128GCM\"",
        "zip=\"DEF\"",
        "p2c=1",
        "epk={}",
    ] {
        let (code, out, err) = run(
            d,
            &[
                "jwe",
                "encrypt",
                "--plaintext",
                "x",
                "--alg",
                "A128KW",
                "--key",
                &aes,
                "--header",
                bad,
            ],
            b"",
        );
        assert_eq!(code, 2, "{bad}");
        assert!(out.is_empty() && err.contains("set by jot"), "{bad}: {err}");
    }
}

#[test]
fn key_sets() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(
        d,
        "a",
        &[
            "--kty", "EC", "--crv", "P-256", "--use", "enc", "--kid", "a",
        ],
        true,
    );
    generate(
        d,
        "b",
        &[
            "--kty", "EC", "--crv", "P-256", "--use", "enc", "--kid", "b",
        ],
        true,
    );
    generate(d, "s", &["--alg", "ES256", "--kid", "sig"], true);
    // A set of private keys (decryption) and one of their public halves.
    let set = |name: &str, files: &[&str]| {
        let keys: Vec<Value> = files
            .iter()
            .map(|f| serde_json::from_slice(&std::fs::read(d.join(f)).unwrap()).unwrap())
            .collect();
        std::fs::write(
            d.join(name),
            serde_json::json!({ "keys": keys }).to_string(),
        )
        .unwrap();
    };
    set("private.json", &["a.jwk", "b.jwk", "s.jwk"]);
    set("public.json", &["a.pub.jwk", "b.pub.jwk", "s.pub.jwk"]);
    set("both.json", &["a.jwk", "a.pub.jwk"]);

    // Encrypting to a set: the one key that fits alg and kid.
    let jwe = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "to b",
            "--alg",
            "ECDH-ES",
            "--key",
            "public.json",
            "--kid",
            "b",
        ],
    );
    assert_eq!(header_of(&jwe)["kid"], "b");
    // Decrypting with the set: chosen by the JWE's kid.
    let (code, out, _) = run(
        d,
        &["jwe", "decrypt", "--key", "private.json"],
        jwe.as_bytes(),
    );
    assert_eq!((code, out.as_str()), (0, "to b"));
    // Without a kid two keys fit: exit 2, naming the kids.
    let (code, _, err) = run(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ECDH-ES",
            "--key",
            "public.json",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("\"a\"") && err.contains("\"b\"") && err.contains("\"sig\""),
        "{err}"
    );
    // A key and its own public half are one key.
    ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ECDH-ES",
            "--key",
            "both.json",
        ],
    );
    // A JWE for a kid the set does not have: rejected (1), naming the kids.
    let other = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ECDH-ES",
            "--key",
            "a.pub.jwk",
            "--kid",
            "zzz",
        ],
    );
    let (code, out, err) = run(
        d,
        &["jwe", "decrypt", "--key", "private.json"],
        other.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("\"zzz\"") && err.contains("\"a\", \"b\""),
        "{err}"
    );
    // A single key ignores the JWE's kid: the user named the key.
    let (code, out, _) = run(d, &["jwe", "decrypt", "--key", "a.jwk"], other.as_bytes());
    assert_eq!((code, out.as_str()), (0, "x"));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, a_pub) = generate(
        d,
        "a",
        &["--kty", "OKP", "--crv", "X25519", "--use", "enc"],
        true,
    );
    let (b, _) = generate(
        d,
        "b",
        &["--kty", "OKP", "--crv", "X25519", "--use", "enc"],
        true,
    );
    let jwe = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "secret",
            "--alg",
            "ECDH-ES+A128KW",
            "--key",
            &a_pub,
        ],
    );

    // Wrong key: rejected, nothing on stdout.
    let (code, out, err) = run(d, &["jwe", "decrypt", "--key", &b], jwe.as_bytes());
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("decryption failed"), "{err}");
    // Tampered ciphertext: the same.
    let mut parts: Vec<String> = jwe.trim().split('.').map(str::to_owned).collect();
    let c = parts[3].remove(0);
    parts[3].insert(0, if c == 'A' { 'B' } else { 'A' });
    let (code, out, _) = run(
        d,
        &["jwe", "decrypt", "--key", &a],
        parts.join(".").as_bytes(),
    );
    assert_eq!((code, out.as_str()), (1, ""));
    // A public key cannot decrypt: configuration error.
    let (code, _, err) = run(d, &["jwe", "decrypt", "--key", &a_pub], jwe.as_bytes());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("private key"), "{err}");
    // Allowlists: the JWE's alg or enc not accepted → rejected.
    let (code, _, err) = run(
        d,
        &["jwe", "decrypt", "--key", &a, "--alg", "ECDH-ES"],
        jwe.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("not accepted") && err.contains("--alg ECDH-ES+A128KW"),
        "{err}"
    );
    let (code, _, err) = run(
        d,
        &["jwe", "decrypt", "--key", &a, "--enc", "A128GCM"],
        jwe.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("enc A256GCM") && err.contains("--enc"),
        "{err}"
    );
    // Unknown algorithm names: usage errors.
    for args in [
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "RSA-OAEP-1024",
            "--key",
            &a_pub,
        ][..],
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ECDH-ES",
            "--enc",
            "A512GCM",
            "--key",
            &a_pub,
        ],
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ecdh-es",
            "--key",
            &a_pub,
        ],
        &["jwe", "decrypt", &jwe, "--key", &a, "--alg", "HS256"],
    ] {
        let (code, out, err) = run(d, args, b"");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("unknown JWE"), "{err}");
    }
    // A key that does not fit the algorithm: configuration error.
    let (code, _, err) = run(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "A128KW",
            "--key",
            &a_pub,
        ],
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("can encrypt with: ECDH-ES"), "{err}");
    // A JWS is not a JWE.
    let (code, _, err) = run(
        d,
        &["jwe", "decrypt", "--key", &a],
        b"eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not a JWE"), "{err}");
}

#[test]
fn legacy_algorithms_need_naming() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rsa = key_file("rsa2048.pkcs8.pem").display().to_string();
    let jwe = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "legacy",
            "--alg",
            "RSA1_5",
            "--key",
            &rsa,
        ],
    );
    let (code, out, err) = run(d, &["jwe", "decrypt", "--key", &rsa], jwe.as_bytes());
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("RSA1_5") && err.contains("off by default"),
        "{err}"
    );
    assert!(
        err.contains("--alg RSA1_5"),
        "the message says how to enable it: {err}"
    );
    let (code, out, _) = run(
        d,
        &["jwe", "decrypt", "--key", &rsa, "--alg", "RSA1_5"],
        jwe.as_bytes(),
    );
    assert_eq!((code, out.as_str()), (0, "legacy"));
    // Naming RSA1_5 alone does not accept RSA-OAEP: --alg is an allowlist.
    let oaep = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "RSA-OAEP",
            "--key",
            &rsa,
        ],
    );
    let (code, _, err) = run(
        d,
        &["jwe", "decrypt", "--key", &rsa, "--alg", "RSA1_5"],
        oaep.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");

    let pw = ok(
        d,
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "pw",
            "--alg",
            "PBES2-HS512+A256KW",
            "--secret",
            "hunter2",
        ],
    );
    let (code, _, err) = run(d, &["jwe", "decrypt", "--secret", "hunter2"], pw.as_bytes());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--alg PBES2-HS512+A256KW"), "{err}");
    let (code, out, _) = run(
        d,
        &[
            "jwe",
            "decrypt",
            "--secret",
            "hunter2",
            "--alg",
            "PBES2-HS512+A256KW",
        ],
        pw.as_bytes(),
    );
    assert_eq!((code, out.as_str()), (0, "pw"));
    let (code, out, _) = run(
        d,
        &[
            "jwe",
            "decrypt",
            "--secret",
            "hunter3",
            "--alg",
            "PBES2-HS512+A256KW",
        ],
        pw.as_bytes(),
    );
    assert_eq!((code, out.as_str()), (1, ""));
}

#[test]
fn decode_shows_jwe_headers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, public) = generate(
        d,
        "a",
        &[
            "--kty", "EC", "--crv", "P-384", "--use", "enc", "--kid", "a",
        ],
        true,
    );
    for form in [&[][..], &["--json"], &["--flattened"]] {
        let mut e = vec![
            "jwe",
            "encrypt",
            "--plaintext",
            "x",
            "--alg",
            "ECDH-ES+A192KW",
            "--enc",
            "A192GCM",
            "--key",
            &public,
            "--cty",
            "text/plain",
        ];
        e.extend_from_slice(form);
        let jwe = ok(d, &e);
        let doc: Value = serde_json::from_str(&ok(d, &["decode", "--json", jwe.trim()])).unwrap();
        assert_eq!(doc["type"], "JWE", "{form:?}");
        assert_eq!(doc["unverified"], true);
        assert_eq!(doc["header"]["alg"], "ECDH-ES+A192KW", "{form:?}: {doc}");
        assert_eq!(doc["header"]["enc"], "A192GCM");
        assert_eq!(doc["header"]["cty"], "text/plain");
        assert!(doc.get("payload").is_none());
        let human = ok(d, &["decode", jwe.trim()]);
        assert!(
            human.contains("UNVERIFIED JWE") && human.contains("ECDH-ES+A192KW"),
            "{human}"
        );
    }
}

/// base64url's alphabet includes `-`, so a random key starts with it one
/// time in 64: `--secret-b64 -…` must be read as the value, not a flag
/// (this made `aes_key_wrap_every_enc` fail at random before).
#[test]
fn secret_b64_may_start_with_a_hyphen() {
    let dir = tempfile::tempdir().unwrap();
    let key = "-AcHBwcHBwcHBwcHBwcHBw"; // 16 bytes, first byte 0xf8
    let jwe = ok(
        dir.path(),
        &[
            "jwe",
            "encrypt",
            "--plaintext",
            "hi",
            "--alg",
            "A128KW",
            "--enc",
            "A128GCM",
            "--secret-b64",
            key,
        ],
    );
    let (code, out, _) = run(
        dir.path(),
        &["jwe", "decrypt", "--secret-b64", key],
        jwe.trim().as_bytes(),
    );
    assert_eq!((code, out.as_str()), (0, "hi"));
}
