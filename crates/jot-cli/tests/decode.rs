//! `jot decode`: JWS (compact and JSON) and JWE (protected header only),
//! always labelled UNVERIFIED; times as UTC dates and relative phrases.

mod common;

use common::{load_json, ok, run, vector, Fixtures};
use serde_json::Value;

fn decode_json(fx: &Fixtures, token: &str) -> Value {
    serde_json::from_str(&ok(fx.path(), &["decode", "--json", token])).unwrap()
}

#[test]
fn jws_compact_human_and_json() {
    let fx = Fixtures::new();
    let token = ok(
        fx.path(),
        &[
            "sign", "--key", "ec.jwk", "--sub", "alice", "--exp", "14m", "--nbf", "-3h",
        ],
    );
    let human = ok(fx.path(), &["decode", token.trim()]);
    assert!(human.starts_with("UNVERIFIED JWS"), "{human}");
    assert!(human.contains("\"alg\": \"ES256\""));
    assert!(human.contains("\"sub\": \"alice\""));
    assert!(human.contains("Signature: 64 bytes"));
    assert!(
        human.contains("(expires in 13m)") || human.contains("(expires in 14m)"),
        "{human}"
    );
    assert!(human.contains("(valid since 3h ago)"), "{human}");
    assert!(human.contains(" UTC "));
    let v = decode_json(&fx, token.trim());
    assert_eq!(v["unverified"], true);
    assert_eq!(v["type"], "JWS");
    assert_eq!(v["serialization"], "compact");
    assert_eq!(v["header"]["typ"], "JWT");
    assert_eq!(v["payload"]["sub"], "alice");
    assert_eq!(v["payload_encoding"], "json");
    assert_eq!(v["signature_length"], 64);
    assert!(v["times"]["exp"]["utc"].as_str().unwrap().ends_with(" UTC"));
    assert!(v["times"]["nbf"]["relative"]
        .as_str()
        .unwrap()
        .contains("ago"));
}

#[test]
fn text_binary_and_unsecured_payloads() {
    let fx = Fixtures::new();
    let jws = ok(
        fx.path(),
        &["jws", "sign", "--payload", "plain text", "--key", "ec.jwk"],
    );
    let v = decode_json(&fx, jws.trim());
    assert_eq!(v["payload"], "plain text");
    assert_eq!(v["payload_encoding"], "text");
    std::fs::write(fx.file("bin"), [0xff, 0x00, 0xfe]).unwrap();
    let jws = ok(fx.path(), &["jws", "sign", "bin", "--key", "ec.jwk"]);
    let v = decode_json(&fx, jws.trim());
    assert_eq!(v["payload"], "_wD-");
    assert_eq!(v["payload_encoding"], "base64url");
    // alg "none" decodes (it is never verified).
    let v = decode_json(&fx, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
    assert_eq!(v["header"]["alg"], "none");
    assert_eq!(v["signature_length"], 0);
    let human = ok(
        fx.path(),
        &["decode", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
    );
    assert!(human.starts_with("UNVERIFIED"));
}

#[test]
fn jws_json_serializations() {
    let fx = Fixtures::new();
    for (flag, ser) in [("--json", "json"), ("--flattened", "flattened")] {
        let jws = ok(
            fx.path(),
            &[
                "jws",
                "sign",
                "--payload",
                "{\"a\":1}",
                "--key",
                "ec.jwk",
                flag,
                "--kid",
                "k",
            ],
        );
        let v = decode_json(&fx, jws.trim());
        assert_eq!(v["serialization"], ser);
        assert_eq!(v["payload"]["a"], 1);
        assert_eq!(v["signatures"][0]["protected"]["kid"], "k");
        assert_eq!(v["signatures"][0]["signature_length"], 64);
    }
    let ex = load_json(&vector("rfc7520/jws/4_8.multiple_signatures.json"));
    let v = decode_json(&fx, &ex["output"]["json"].to_string());
    assert_eq!(v["signatures"].as_array().unwrap().len(), 3);
    assert_eq!(v["signatures"][1]["header"]["alg"], "ES512");
}

#[test]
fn jwe_compact_and_json_show_headers_only() {
    let fx = Fixtures::new();
    let ex = load_json(&vector(
        "rfc7520/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
    ));
    let compact = ex["output"]["compact"].as_str().unwrap();
    let v = decode_json(&fx, compact);
    assert_eq!(v["type"], "JWE");
    assert_eq!(v["serialization"], "compact");
    assert_eq!(v["header"]["alg"], "RSA-OAEP");
    assert_eq!(v["header"]["enc"], "A256GCM");
    assert!(v.get("payload").is_none());
    let human = ok(fx.path(), &["decode", compact]);
    assert!(human.starts_with("UNVERIFIED JWE"));
    assert!(human.contains("Protected header:") && human.contains("encrypted"));
    let ex = load_json(&vector(
        "rfc7520/jwe/5_13.encrypting_to_multiple_recipients.json",
    ));
    let v = decode_json(&fx, &ex["output"]["json"].to_string());
    assert_eq!(v["type"], "JWE");
    assert_eq!(v["header"]["enc"], "A128CBC-HS256");
    assert_eq!(v["recipients"].as_array().unwrap().len(), 3);
}

#[test]
fn malformed_input_is_rejected() {
    let fx = Fixtures::new();
    for bad in ["abc", "a.b", "a.b.c.d", "!!!.e30.e30"] {
        let (code, out, _) = run(fx.path(), &["decode", bad], b"");
        assert_eq!(code, 1, "{bad}");
        assert!(out.is_empty());
    }
}
