//! The parsers `jot serve` runs on request bytes before anything is
//! authenticated: the token endpoint's form body, the `Authorization: Basic`
//! client credentials, the `DPoP` header and its proof (up to the replay
//! check), and a gateway's forwarded client certificate. Every input goes
//! through all four, and each asserts its properties, not just "no panic":
//!
//! - a form with a repeated parameter is refused (RFC 6749 §3.2), one
//!   without is accepted, and an accepted form re-encodes to the same one;
//! - Basic credentials that parse re-encode (RFC 6749 §2.3.1) to the same
//!   id and secret, and any non-empty id and secret survive that encoding;
//! - the `DPoP` header is taken only when it is present once and is text,
//!   and a proof is refused with a 400 (never accepted: nothing here holds
//!   a key the fuzzer could sign with);
//! - a forwarded certificate that parses is the same DER after PEM and
//!   percent-encoding again.
#![no_main]

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{HeaderMap, HeaderValue};
use jot_server::client_auth::parse_basic;
use jot_server::dpop::{proof_header, Dpop, PROOF_HEADER};
use jot_server::form::Form;
use jot_server::mtls::cert_from_header;
use libfuzzer_sys::fuzz_target;

const TOKEN_ENDPOINT: &str = "https://jot.example/token";
const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    form(data);
    basic(data);
    dpop(data);
    forwarded_cert(data);
});

fn form(body: &[u8]) {
    let mut names = HashSet::new();
    let repeated = form_urlencoded::parse(body).any(|(name, _)| !names.insert(name.into_owned()));
    match Form::parse(body) {
        Ok(form) => {
            assert!(!repeated, "a repeated parameter was accepted");
            let params: BTreeMap<&str, &str> = form.params().collect();
            for (name, value) in &params {
                assert!(!value.is_empty(), "an empty value counts as omitted");
                assert_eq!(form.get(name), Some(*value));
            }
            let encoded = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&params)
                .finish();
            let again = Form::parse(encoded.as_bytes()).expect("a re-encoded form parses");
            assert_eq!(again.params().collect::<BTreeMap<_, _>>(), params);
        }
        Err(e) => {
            assert!(repeated, "a form without a repeated parameter was refused");
            assert_eq!((e.code(), e.status().as_u16()), ("invalid_request", 400));
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`.
fn basic_header(id: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
    )
}

fn basic(value: &[u8]) {
    if let Some((id, secret)) = parse_basic(value) {
        assert!(!id.is_empty() && !secret.is_empty());
        let again = parse_basic(basic_header(&id, &secret).as_bytes()).expect("re-encoded");
        assert_eq!(
            (again.0.as_str(), again.1.as_str()),
            (id.as_str(), secret.as_str())
        );
    }
    // The input as an id and a secret (split at the first NUL): whatever
    // they hold, the encoding a client applies brings them back unchanged.
    if let Some((id, secret)) = std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.split_once('\0'))
    {
        if !id.is_empty() && !secret.is_empty() {
            let parsed = parse_basic(basic_header(id, secret).as_bytes()).expect("encoded");
            assert_eq!((parsed.0.as_str(), parsed.1.as_str()), (id, secret));
        }
    }
}

fn dpop_state() -> &'static Dpop {
    static DPOP: OnceLock<Dpop> = OnceLock::new();
    DPOP.get_or_init(|| {
        Dpop::new(
            &jot_server::state::asymmetric_algorithms(),
            Duration::from_secs(60),
            Some(b"fuzz nonce secret, 32 bytes long"),
        )
        .expect("DPoP state")
    })
}

/// The input's lines as `DPoP` header values (those a client could send).
fn dpop(data: &[u8]) {
    let mut headers = HeaderMap::new();
    let values: Vec<HeaderValue> = data
        .split(|&b| b == b'\n')
        .take(4)
        .filter_map(|line| HeaderValue::from_bytes(line).ok())
        .collect();
    for v in &values {
        headers.append(PROOF_HEADER, v.clone());
    }
    match proof_header(&headers) {
        Ok(None) => assert!(values.is_empty()),
        Ok(Some(proof)) => {
            assert_eq!(values.len(), 1);
            assert_eq!(proof.as_bytes(), values[0].as_bytes());
        }
        Err(_) => assert!(values.len() > 1 || values[0].to_str().is_err()),
    }
    match dpop_state().check_token_request(&headers, TOKEN_ENDPOINT, NOW) {
        Ok(None) => assert!(values.is_empty()),
        Ok(Some(_)) => panic!("a proof without a key's signature was accepted"),
        Err(e) => {
            assert_eq!(e.status().as_u16(), 400);
            assert!(matches!(e.code(), "invalid_dpop_proof" | "use_dpop_nonce"));
        }
    }
}

/// Standard PEM: base64 in 64-character lines.
fn pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

fn forwarded_cert(value: &[u8]) {
    if let Some(der) = cert_from_header(value) {
        let escaped: String =
            percent_encoding::utf8_percent_encode(&pem(&der), percent_encoding::NON_ALPHANUMERIC)
                .collect();
        assert_eq!(cert_from_header(escaped.as_bytes()), Some(der));
    }
}
