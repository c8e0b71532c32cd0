//! `jot dpop proof`: the proofs it prints pass the library's own DPoP
//! checks for exactly the request they were made for, and HMAC keys are
//! refused (exit 2, a usage error).

mod common;

use std::path::Path;

use common::{ok, run};
use jot::dpop::{self, MemoryReplayCache, ProofOptions, Request};
use jot::jwk::{Jwk, ThumbprintHash};
use serde_json::Value;

/// RFC 9449 §7.1's example access token.
const TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
const HTU: &str = "https://api.example/me";

/// A fresh ES256 client key in `dir/client.jwk`; its thumbprint.
fn client_key(dir: &Path) -> String {
    ok(
        dir,
        &["key", "generate", "--alg", "ES256", "--out", "client.jwk"],
    );
    let jwk: Jwk = serde_json::from_slice(&std::fs::read(dir.join("client.jwk")).unwrap()).unwrap();
    jwk.to_public().unwrap().thumbprint(ThumbprintHash::Sha256)
}

fn payload(proof: &str) -> Value {
    let part = proof.split('.').nth(1).unwrap();
    let bytes = jot::encoding::b64::decode(part, jot::error::Part::Payload).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn a_proof_from_the_cli_verifies_for_its_request_and_token() {
    let dir = tempfile::tempdir().unwrap();
    let jkt = client_key(dir.path());
    let proof = ok(
        dir.path(),
        &[
            "dpop",
            "proof",
            "--key",
            "client.jwk",
            "--htm",
            "POST",
            "--htu",
            &format!("{HTU}?page=2"),
            "--ath-of",
            TOKEN,
        ],
    );
    assert!(proof.ends_with('\n'));
    let proof = proof.trim();
    let request = Request::new("POST", HTU).access_token(TOKEN).bound_to(&jkt);
    let verified = dpop::verify(proof, &request, &ProofOptions::new())
        .unwrap()
        .record(&MemoryReplayCache::new(4))
        .unwrap();
    assert_eq!(verified.jkt(), jkt);
    assert_eq!(verified.algorithm(), jot::Algorithm::ES256);
    assert!(!verified.jwk().is_private());
    assert_eq!(payload(proof)["htu"], HTU);

    // The same proof fails for another method, URL or token.
    for (method, uri, token) in [
        ("GET", HTU, TOKEN),
        ("POST", "https://api.example/other", TOKEN),
        ("POST", HTU, "another.access.token"),
    ] {
        let r = Request::new(method, uri).access_token(token);
        assert!(
            dpop::verify(proof, &r, &ProofOptions::new()).is_err(),
            "{method} {uri}"
        );
    }
}

#[test]
fn the_access_token_may_come_from_a_file_or_stdin() {
    let dir = tempfile::tempdir().unwrap();
    client_key(dir.path());
    std::fs::write(dir.path().join("at.txt"), format!("Bearer {TOKEN}\n")).unwrap();
    let base = [
        "dpop",
        "proof",
        "--key",
        "client.jwk",
        "--htm",
        "GET",
        "--htu",
        HTU,
    ];
    let from_file = ok(dir.path(), &[&base[..], &["--ath-of", "at.txt"]].concat());
    let (code, from_stdin, err) = run(
        dir.path(),
        &[&base[..], &["--ath-of", "-"]].concat(),
        TOKEN.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let ath = dpop::access_token_hash(TOKEN);
    for proof in [from_file, from_stdin] {
        assert_eq!(payload(proof.trim())["ath"], ath.as_str());
    }
}

#[test]
fn the_nonce_goes_into_the_proof() {
    let dir = tempfile::tempdir().unwrap();
    client_key(dir.path());
    let proof = ok(
        dir.path(),
        &[
            "dpop",
            "proof",
            "--key",
            "client.jwk",
            "--htm",
            "GET",
            "--htu",
            HTU,
            "--nonce",
            "eyJ7S_zG.eyJH0-Z.HX4w-7v",
        ],
    );
    let proof = proof.trim();
    assert_eq!(payload(proof)["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v");
    assert!(payload(proof).get("ath").is_none());
    let r = Request::new("GET", HTU).exact_nonce("eyJ7S_zG.eyJH0-Z.HX4w-7v");
    assert!(dpop::verify(proof, &r, &ProofOptions::new()).is_ok());
    let r = Request::new("GET", HTU).exact_nonce("another");
    assert!(dpop::verify(proof, &r, &ProofOptions::new()).is_err());
}

#[test]
fn hmac_keys_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["key", "generate", "--alg", "HS256", "--out", "hs.jwk"],
    );
    ok(
        dir.path(),
        &["key", "generate", "--kty", "oct", "--out", "oct.jwk"],
    );
    for extra in [&[][..], &["--alg", "HS256"][..]] {
        for key in ["hs.jwk", "oct.jwk"] {
            let mut args = vec!["dpop", "proof", "--key", key, "--htm", "GET", "--htu", HTU];
            args.extend_from_slice(extra);
            let (code, out, err) = run(dir.path(), &args, b"");
            assert_eq!(code, 2, "{key} {extra:?}: {err}");
            assert_eq!(out, "");
            assert!(err.contains("DPoP proofs need an asymmetric key"), "{err}");
            // The secret is not printed.
            let k: Value =
                serde_json::from_slice(&std::fs::read(dir.path().join(key)).unwrap()).unwrap();
            assert!(!err.contains(k["k"].as_str().unwrap()));
        }
    }
}

#[test]
fn a_bad_htu_or_a_public_key_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "key",
            "generate",
            "--alg",
            "ES256",
            "--out",
            "c.jwk",
            "--public-out",
            "c.pub.jwk",
        ],
    );
    for (key, htu, says) in [
        ("c.jwk", "/me", "--htu must be"),
        ("c.jwk", "https://user@api.example/me", "--htu must be"),
        ("c.pub.jwk", HTU, "public key"),
    ] {
        let args = ["dpop", "proof", "--key", key, "--htm", "GET", "--htu", htu];
        let (code, out, err) = run(dir.path(), &args, b"");
        assert_eq!((code, out.as_str()), (2, ""), "{htu}: {err}");
        assert!(err.contains(says), "{err}");
    }
}
