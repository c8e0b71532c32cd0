//! DPoP (RFC 9449) against an independent implementation: Python's joserfc,
//! driven by `tests/interop/dpop_proof.py`. Proofs joserfc makes (ES256,
//! EdDSA, Ed25519) verify with `jot::dpop::verify`, `ath` and the RFC 7638
//! thumbprint included; proofs `jot dpop proof` makes verify in joserfc,
//! whose thumbprint of the `jwk` header is `jot key thumbprint`'s. Each side
//! also refuses the other's proof with one byte changed, so a checker that
//! accepted anything would fail here.
//!
//! python3 with joserfc is required: without it these tests fail, saying
//! how to install it (`.ci/run` does).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::ok;
use jot::dpop::{self, MemoryReplayCache, ProofOptions, Request};
use jot::error::{DpopError, Part};
use jot::Error;
use serde_json::Value;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/dpop_proof.py");
/// The version `.ci/run` installs.
const JOSERFC: &str = "joserfc==1.6.5";
/// RFC 9449 §7.1's example access token and resource.
const TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
const HTU: &str = "https://resource.example.org/protectedresource";
/// The algorithms both sides make proofs with.
const ALGS: [&str; 3] = ["ES256", "EdDSA", "Ed25519"];

fn missing(what: &str) -> ! {
    panic!(
        "the DPoP interop tests need python3 with joserfc ({what}): run .ci/run, \
         or `pip install {JOSERFC}`"
    )
}

/// Fails (never skips) when python3 or joserfc is missing: an interop test
/// that silently passes without the other side proves nothing. Checked by
/// every test (a `Once` would leave the others a poisoned-lock message).
fn require_joserfc() {
    let out = Command::new("python3")
        .args(["-c", "import joserfc"])
        .output()
        .unwrap_or_else(|e| missing(&format!("python3 could not be run: {e}")));
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = stderr.lines().last().unwrap_or("no output");
        missing(&format!("import joserfc failed: {reason}"));
    }
}

/// Runs `dpop_proof.py args` with `stdin`: (exit code, stdout, stderr).
fn python(args: &[&str], stdin: &str) -> (i32, String, String) {
    require_joserfc();
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| missing(&format!("python3 could not be run: {e}")));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn payload(proof: &str) -> Value {
    let part = proof.split('.').nth(1).unwrap();
    serde_json::from_slice(&jot::encoding::b64::decode(part, Part::Payload).unwrap()).unwrap()
}

/// `proof` with one character of its signature replaced by another
/// base64url character.
fn tamper_signature(proof: &str) -> String {
    let at = proof.rfind('.').unwrap() + 10;
    let mut bytes = proof.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

/// `proof` with one character of its payload changed: `"GET"` becomes
/// `"PUT"` in the encoded claims would need re-encoding, so a byte in the
/// middle of the payload is flipped instead.
fn tamper_payload(proof: &str) -> String {
    let at = proof.find('.').unwrap() + 12;
    let mut bytes = proof.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn proofs_made_by_joserfc_verify_with_jot() {
    for alg in ALGS {
        let (code, out, err) = python(
            &[
                "make", "--alg", alg, "--htm", "GET", "--htu", HTU, "--ath-of", TOKEN,
            ],
            "",
        );
        assert_eq!(code, 0, "{alg}: {err}");
        let made = json(&out);
        let proof = made["proof"].as_str().unwrap();
        let py_jkt = made["jkt"].as_str().unwrap();
        // joserfc's ath is Jot's hash of the same token.
        assert_eq!(made["ath"], dpop::access_token_hash(TOKEN), "{alg}");

        // Bound to joserfc's thumbprint: passes only if Jot computes the
        // same RFC 7638 thumbprint of the jwk header.
        let request = Request::new("GET", HTU)
            .access_token(TOKEN)
            .bound_to(py_jkt);
        let verified = dpop::verify(proof, &request, &ProofOptions::new())
            .unwrap_or_else(|e| panic!("{alg}: {e}"))
            .record(&MemoryReplayCache::new(4))
            .unwrap();
        assert_eq!(verified.jkt(), py_jkt, "{alg}");
        assert_eq!(verified.jti(), made["jti"].as_str().unwrap(), "{alg}");
        assert_eq!(verified.issued_at(), made["iat"].as_i64().unwrap());
        assert_eq!(verified.algorithm().name(), alg);
        assert!(!verified.jwk().is_private());

        // One byte changed, another request, another token: refused.
        let plain = Request::new("GET", HTU).access_token(TOKEN);
        let options = ProofOptions::new();
        assert_eq!(
            dpop::verify(&tamper_signature(proof), &plain, &options).unwrap_err(),
            Error::InvalidSignature,
            "{alg}"
        );
        assert!(dpop::verify(&tamper_payload(proof), &plain, &options).is_err());
        let post = Request::new("POST", HTU).access_token(TOKEN);
        assert_eq!(
            dpop::verify(proof, &post, &options).unwrap_err(),
            Error::Dpop(DpopError::Method)
        );
        let other_token = Request::new("GET", HTU).access_token("another.access.token");
        assert_eq!(
            dpop::verify(proof, &other_token, &options).unwrap_err(),
            Error::Dpop(DpopError::AccessTokenHash)
        );
    }
}

/// A fresh `alg` key made by `jot key generate` in `dir/name`; its
/// thumbprint as `jot key thumbprint` prints it.
fn jot_key(dir: &Path, alg: &str, name: &str) -> String {
    ok(dir, &["key", "generate", "--alg", alg, "--out", name]);
    ok(dir, &["key", "thumbprint", name]).trim().to_owned()
}

#[test]
fn proofs_made_by_jot_verify_with_joserfc() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ALGS {
        let name = format!("client-{alg}.jwk");
        let jkt = jot_key(dir.path(), alg, &name);
        let proof = ok(
            dir.path(),
            &[
                "dpop", "proof", "--key", &name, "--htm", "GET", "--htu", HTU, "--ath-of", TOKEN,
            ],
        );
        let proof = proof.trim();
        let verify = ["verify", "--htm", "GET", "--htu", HTU, "--ath-of", TOKEN];

        let (code, out, err) = python(&verify, proof);
        assert_eq!(code, 0, "{alg}: joserfc refused Jot's proof: {err}");
        let checked = json(&out);
        // joserfc's RFC 7638 thumbprint of the jwk header is Jot's.
        assert_eq!(checked["jkt"], jkt.as_str(), "{alg}");
        assert_eq!(checked["alg"], alg);
        assert_eq!(checked["jti"], payload(proof)["jti"]);

        // The script refuses the proof with one byte changed, and for
        // another method or token: it does check.
        let (code, _, err) = python(&verify, &tamper_signature(proof));
        assert_eq!(code, 1, "{alg}: tampered signature accepted");
        assert!(err.contains("signature"), "{err}");
        let (code, _, _) = python(&verify, &tamper_payload(proof));
        assert_eq!(code, 1, "{alg}: tampered payload accepted");
        let (code, _, err) = python(
            &["verify", "--htm", "POST", "--htu", HTU, "--ath-of", TOKEN],
            proof,
        );
        assert_eq!(code, 1);
        assert!(err.contains("htm"), "{err}");
        let (code, _, err) = python(
            &["verify", "--htm", "GET", "--htu", HTU, "--ath-of", "other"],
            proof,
        );
        assert_eq!(code, 1);
        assert!(err.contains("ath"), "{err}");
    }
}
