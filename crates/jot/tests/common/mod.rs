//! Shared helpers for the vector-driven integration tests: locating and
//! loading files under `testdata/` (copies of the RFC 7520 and Wycheproof vectors, with their licences), hex and base64url.
#![allow(dead_code)] // each test binary uses a different subset

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// The vectors directory at the repository root.
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

/// Absolute path of a vector file given relative to `testdata/`.
pub fn path(rel: &str) -> String {
    format!("{VECTORS}/{rel}")
}

/// Reads a vector file as bytes; panics (failing the test) if it is missing,
/// so a moved vector directory can never turn into an empty, passing run.
pub fn read(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read vector file {p}: {e}"))
}

/// Reads and parses a JSON vector file.
pub fn load_json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// The names of the files in a vector directory (sorted), filtered by suffix.
pub fn list(rel_dir: &str, suffix: &str) -> Vec<String> {
    let p = path(rel_dir);
    let mut v: Vec<String> = std::fs::read_dir(&p)
        .unwrap_or_else(|e| panic!("cannot list {p}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// Decodes hex (panics on bad input: vectors are trusted test data).
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

/// base64url without padding.
pub fn b64u(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding (test data only; lenient about nothing).
pub fn unb64u(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(s)
        .unwrap_or_else(|e| panic!("bad base64url {s:?}: {e}"))
}

/// A string member of a JSON object, panicking with the path if absent.
pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string at {pointer}"))
}

/// Serializes a JSON value compactly (member order preserved).
pub fn to_json(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}
