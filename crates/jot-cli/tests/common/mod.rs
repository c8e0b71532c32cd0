//! Shared helpers for the end-to-end tests: the built binary, vector and
//! key-file paths, and a temp directory of fixtures made with `jot` itself.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The built `jot` binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_jot");

/// `testdata/` at the repository root (RFC 7520 and Wycheproof vectors).
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

/// The library's OpenSSL-made key fixtures (PKCS#1, PKCS#8, SEC1, SPKI,
/// certificates, DER).
pub const KEY_FILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../jot/tests/data/keys");

/// A fixed 32-byte HMAC secret (no trailing newline).
pub const HS256_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// `jot` with a clean environment for colour.
pub fn jot() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("NO_COLOR");
    c
}

pub fn vector(rel: &str) -> PathBuf {
    Path::new(VECTORS).join(rel)
}

pub fn key_file(name: &str) -> PathBuf {
    Path::new(KEY_FILES).join(name)
}

pub fn rfc7520_jwk(name: &str) -> PathBuf {
    vector(&format!("rfc7520/jwk/{name}"))
}

pub fn load_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Runs `jot args` in `dir`, asserts success, returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = jot().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "jot {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `jot args` in `dir` with stdin, returns (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let out = jot()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A temp directory holding the files the `--help` examples refer to:
/// `hs256.key`, `ec.jwk`/`ec.pub.jwk` (ES256, kid = thumbprint), `ec.pem`,
/// `ed.jwk`/`ed.pub.jwk`, `rsa.jwk` (RFC 7520), `jwks.json`, `claims.json`,
/// `payload.txt`, `token.jwt` (ES256, iss/sub/aud, 1 h), `payload.jws`,
/// `detached.jws`; for JWE `enc.jwk`/`enc.pub.jwk` (X25519, use enc),
/// `aes.jwk` (256-bit oct), `rsa.pub.pem` (RSA 2048 SPKI), `message.jwe`
/// (payload.txt, ECDH-ES+A256KW) and `nested.jwt` (token.jwt encrypted
/// to enc.pub.jwk, cty JWT).
pub struct Fixtures {
    pub dir: TempDir,
}

impl Fixtures {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("hs256.key"), HS256_SECRET).unwrap();
        std::fs::copy(rfc7520_jwk("3_4.rsa_private_key.json"), d.join("rsa.jwk")).unwrap();
        std::fs::write(d.join("claims.json"), r#"{"sub":"alice","aud":"api"}"#).unwrap();
        std::fs::write(d.join("payload.txt"), "hello, world\n").unwrap();
        let gen = |args: &[&str]| ok(d, args);
        gen(&[
            "key",
            "generate",
            "--alg",
            "ES256",
            "--kid-thumbprint",
            "--out",
            "ec.jwk",
            "--public-out",
            "ec.pub.jwk",
        ]);
        gen(&[
            "key",
            "generate",
            "--alg",
            "Ed25519",
            "--out",
            "ed.jwk",
            "--public-out",
            "ed.pub.jwk",
        ]);
        gen(&["key", "convert", "ec.jwk", "--to", "pem", "--out", "ec.pem"]);
        gen(&["jwks", "build", "ec.jwk", "rsa.jwk", "--out", "jwks.json"]);
        let token = gen(&[
            "sign",
            "--key",
            "ec.jwk",
            "--iss",
            "https://issuer.example",
            "--sub",
            "alice",
            "--aud",
            "api",
            "--exp",
            "1h",
        ]);
        std::fs::write(d.join("token.jwt"), token).unwrap();
        let jws = gen(&["jws", "sign", "payload.txt", "--key", "ec.jwk"]);
        std::fs::write(d.join("payload.jws"), jws).unwrap();
        let det = gen(&[
            "jws",
            "sign",
            "payload.txt",
            "--alg",
            "HS256",
            "--secret-file",
            "hs256.key",
            "--detached",
            "--unencoded",
        ]);
        std::fs::write(d.join("detached.jws"), det).unwrap();
        std::fs::copy(key_file("rsa2048.spki.pem"), d.join("rsa.pub.pem")).unwrap();
        gen(&[
            "key",
            "generate",
            "--kty",
            "OKP",
            "--crv",
            "X25519",
            "--use",
            "enc",
            "--kid",
            "enc-1",
            "--out",
            "enc.jwk",
            "--public-out",
            "enc.pub.jwk",
        ]);
        gen(&[
            "key", "generate", "--kty", "oct", "--size", "256", "--out", "aes.jwk",
        ]);
        let jwe = gen(&[
            "jwe",
            "encrypt",
            "payload.txt",
            "--alg",
            "ECDH-ES+A256KW",
            "--enc",
            "A256GCM",
            "--key",
            "enc.pub.jwk",
        ]);
        std::fs::write(d.join("message.jwe"), jwe).unwrap();
        let nested = gen(&[
            "jwe",
            "encrypt",
            "token.jwt",
            "--alg",
            "ECDH-ES",
            "--enc",
            "A256GCM",
            "--key",
            "enc.pub.jwk",
            "--cty",
            "JWT",
        ]);
        std::fs::write(d.join("nested.jwt"), nested).unwrap();
        Fixtures { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap()
    }

    pub fn token(&self) -> String {
        self.read("token.jwt").trim().to_owned()
    }
}
