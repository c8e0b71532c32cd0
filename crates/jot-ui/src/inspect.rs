//! Showing a token before anything is verified: lenient where the library is
//! strict, so that a malformed token is still displayed, with every
//! deviation from the strict rules named as a finding.
//!
//! What is accepted here says nothing about what verification accepts: the
//! library's own verdict on the same input is reported in `strict`.

use base64::alphabet;
use base64::engine::general_purpose::GeneralPurposeConfig;
use base64::engine::{DecodePaddingMode, GeneralPurpose};
use base64::Engine as _;
use jot::encoding::b64;
use jot::error::Part;
use jot::limits::Limits;
use serde::Serialize;
use serde_json::{Map, Value};

/// What the decoder shows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inspected {
    /// `JWS`, `JWE` or `unknown`.
    pub kind: &'static str,
    /// `compact`, `flattened`, `json` or `unknown`.
    pub serialization: &'static str,
    /// The token after stripping `Bearer `, quotes and whitespace.
    pub token: String,
    /// The compact segments, in order, for colouring.
    pub segments: Vec<Segment>,
    /// The (first) protected header, when it is a JSON object.
    pub header: Option<Map<String, Value>>,
    /// The unprotected header of a JSON serialization.
    pub unprotected: Option<Value>,
    /// JWE JSON: each recipient's header.
    pub recipients: Vec<Value>,
    /// The payload: JSON, text, or base64url of binary.
    pub payload: Option<Value>,
    /// `json`, `text`, `base64url`, `detached`, `encrypted` or `none`.
    pub payload_encoding: &'static str,
    /// The (first) signature's bytes.
    #[serde(skip)]
    pub signature: Option<Vec<u8>>,
    /// Its length, shown on the page.
    pub signature_len: Option<usize>,
    /// Deviations from the strict rules, in the order found.
    pub findings: Vec<Finding>,
    /// What the library says about the same input: `None` when it accepts
    /// it as well formed.
    pub strict: Option<Refusal>,
}

/// One compact segment.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// `header`, `payload`, `signature`, `encrypted_key`, `iv`,
    /// `ciphertext` or `tag`.
    pub name: &'static str,
    /// The segment as it appears in the token.
    pub text: String,
}

/// A deviation from the strict rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable name: `bearer`, `quotes`, `whitespace`, `padding`,
    /// `std_alphabet`, `trailing_bits`, `not_base64`, `bad_json`,
    /// `not_object`, `duplicate_member`, `segments`.
    pub code: &'static str,
    /// Human text; names the part, never quotes its content.
    pub message: String,
}

/// A library error as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The library's stable code (`ERR_…`).
    pub code: &'static str,
    /// Its message (the library never puts key material in one).
    pub message: String,
}

impl From<&jot::Error> for Refusal {
    fn from(e: &jot::Error) -> Self {
        Refusal {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

const JWS_PARTS: [&str; 3] = ["header", "payload", "signature"];
const JWE_PARTS: [&str; 5] = ["header", "encrypted_key", "iv", "ciphertext", "tag"];

/// Inspects whatever was pasted.
pub fn inspect(input: &str) -> Inspected {
    let mut out = Inspected {
        kind: "unknown",
        serialization: "unknown",
        payload_encoding: "none",
        ..Inspected::default()
    };
    out.token = normalize(input, &mut out.findings);
    if out.token.starts_with('{') {
        json_serialization(&mut out);
    } else {
        compact(&mut out);
    }
    out
}

fn finding(findings: &mut Vec<Finding>, code: &'static str, message: impl Into<String>) {
    findings.push(Finding {
        code,
        message: message.into(),
    });
}

/// Strips what people paste around tokens: an `Authorization` scheme,
/// quotes from a JSON string or a shell, and line breaks from wrapping.
fn normalize(input: &str, findings: &mut Vec<Finding>) -> String {
    let mut t = input.trim();
    if t.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        t = t.get(7..).unwrap_or_default().trim_start();
        finding(findings, "bearer", "removed a leading \"Bearer \"");
    }
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            t = t.get(1..t.len() - 1).unwrap_or_default();
            finding(findings, "quotes", "removed surrounding quotes");
        }
    }
    if t.starts_with('{') {
        return t.to_owned();
    }
    if t.contains(char::is_whitespace) {
        finding(
            findings,
            "whitespace",
            "removed whitespace inside the token (RFC 7515 §7.1: none is allowed)",
        );
        return t.chars().filter(|c| !c.is_whitespace()).collect();
    }
    t.to_owned()
}

/// Decodes base64url like the strict decoder would, but accepts padding,
/// the standard alphabet and non-canonical trailing bits, naming each.
fn lenient_b64(seg: &str, part: &str, findings: &mut Vec<Finding>) -> Option<Vec<u8>> {
    if seg.contains('=') {
        finding(
            findings,
            "padding",
            format!("{part}: base64 padding '=' (RFC 7515 §2: base64url without padding)"),
        );
    }
    if seg.contains(['+', '/']) {
        finding(
            findings,
            "std_alphabet",
            format!("{part}: '+' or '/' from standard base64 (base64url uses '-' and '_')"),
        );
    }
    let cleaned: String = seg
        .chars()
        .filter(|&c| c != '=')
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let lenient = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    match lenient.decode(&cleaned) {
        Ok(bytes) => {
            if b64::decode(&cleaned, Part::Payload).is_err() {
                finding(
                    findings,
                    "trailing_bits",
                    format!("{part}: the last character has non-zero unused bits (not canonical)"),
                );
            }
            Some(bytes)
        }
        Err(_) => {
            finding(
                findings,
                "not_base64",
                format!("{part}: not base64url at all"),
            );
            None
        }
    }
}

/// Parses a header or payload: a JSON object, with duplicate members named.
fn json_object(
    bytes: &[u8],
    part: &str,
    findings: &mut Vec<Finding>,
) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => {
            let depth = Limits::default().max_json_depth();
            if let Err(jot::Error::DuplicateMember(name, _)) =
                jot::encoding::parse_json_object(bytes, depth, Part::Payload)
            {
                finding(
                    findings,
                    "duplicate_member",
                    format!(
                        "{part}: member {name:?} appears more than once; parsers disagree on which one counts (RFC 7515 §4)"
                    ),
                );
            }
            Some(m)
        }
        Ok(_) => {
            finding(
                findings,
                "not_object",
                format!("{part}: JSON, but not an object"),
            );
            None
        }
        Err(e) => {
            finding(
                findings,
                "bad_json",
                format!(
                    "{part}: not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            );
            None
        }
    }
}

fn set_payload(out: &mut Inspected, bytes: &[u8], is_claims: bool) {
    if is_claims || bytes.first() == Some(&b'{') {
        if let Some(m) = json_object(bytes, "payload", &mut out.findings) {
            out.payload = Some(Value::Object(m));
            out.payload_encoding = "json";
            return;
        }
    } else if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        out.payload = Some(v);
        out.payload_encoding = "json";
        return;
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => {
            out.payload = Some(Value::String(t.to_owned()));
            out.payload_encoding = "text";
        }
        Err(_) => {
            out.payload = Some(Value::String(b64::encode(bytes)));
            out.payload_encoding = "base64url";
        }
    }
}

fn compact(out: &mut Inspected) {
    let token = out.token.clone();
    let parts: Vec<&str> = token.split('.').collect();
    let names: &[&'static str] = match parts.len() {
        3 => &JWS_PARTS,
        5 => &JWE_PARTS,
        n => {
            finding(
                &mut out.findings,
                "segments",
                format!("{n} segments: a compact JWS has 3, a compact JWE 5"),
            );
            out.strict = Some(Refusal::from(&jot::Error::Malformed(
                jot::error::Malformed::UnknownFormat,
            )));
            return;
        }
    };
    out.serialization = "compact";
    out.kind = if parts.len() == 3 { "JWS" } else { "JWE" };
    out.segments = names
        .iter()
        .zip(&parts)
        .map(|(name, text)| Segment {
            name,
            text: (*text).to_owned(),
        })
        .collect();
    let header = parts.first().copied().unwrap_or_default();
    if let Some(bytes) = lenient_b64(header, "header", &mut out.findings) {
        out.header = json_object(&bytes, "header", &mut out.findings);
    }
    let limits = Limits::default();
    if out.kind == "JWE" {
        out.payload_encoding = "encrypted";
        out.strict = jot::jwe::compact::decode_header(&token, &limits)
            .err()
            .map(|e| Refusal::from(&e));
        return;
    }
    let unencoded = out
        .header
        .as_ref()
        .and_then(|h| h.get("b64"))
        .is_some_and(|b| b == &Value::Bool(false));
    match parts.get(1).copied().unwrap_or_default() {
        "" => out.payload_encoding = "detached",
        p if unencoded => set_payload(out, p.as_bytes(), false),
        p => {
            if let Some(bytes) = lenient_b64(p, "payload", &mut out.findings) {
                let claims = out.header.as_ref().and_then(|h| h.get("cty")).is_none();
                set_payload(out, &bytes, claims);
            }
        }
    }
    let sig = parts.get(2).copied().unwrap_or_default();
    out.signature = lenient_b64(sig, "signature", &mut out.findings);
    out.signature_len = out.signature.as_ref().map(Vec::len);
    out.strict = jot::jws::compact::decode_unverified(&token, &limits)
        .and_then(|u| match out.payload_encoding {
            "json" if u.payload.first() == Some(&b'{') => {
                jot::encoding::parse_json_object(&u.payload, limits.max_json_depth(), Part::Payload)
                    .map(|_| ())
            }
            _ => Ok(()),
        })
        .err()
        .map(|e| Refusal::from(&e));
}

fn json_serialization(out: &mut Inspected) {
    let doc = match serde_json::from_str::<Value>(&out.token) {
        Ok(Value::Object(m)) => m,
        _ => {
            json_object(out.token.clone().as_bytes(), "token", &mut out.findings);
            out.strict = Some(Refusal::from(&jot::Error::Malformed(
                jot::error::Malformed::NotJoseJson,
            )));
            return;
        }
    };
    let protected = |v: Option<&Value>, findings: &mut Vec<Finding>| {
        let s = v?.as_str()?;
        let bytes = lenient_b64(s, "protected header", findings)?;
        json_object(&bytes, "protected header", findings)
    };
    if doc.contains_key("ciphertext") {
        out.kind = "JWE";
        out.payload_encoding = "encrypted";
        out.serialization = if doc.contains_key("recipients") {
            "json"
        } else {
            "flattened"
        };
        out.header = protected(doc.get("protected"), &mut out.findings);
        out.unprotected = doc.get("unprotected").cloned();
        out.recipients = match doc.get("recipients").and_then(Value::as_array) {
            Some(r) => r
                .iter()
                .map(|e| e.get("header").cloned().unwrap_or(Value::Null))
                .collect(),
            None => vec![doc.get("header").cloned().unwrap_or(Value::Null)],
        };
        return;
    }
    out.kind = "JWS";
    let first = match doc.get("signatures").and_then(Value::as_array) {
        Some(sigs) => {
            out.serialization = "json";
            sigs.first()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        }
        None => {
            out.serialization = "flattened";
            doc.clone()
        }
    };
    out.header = protected(first.get("protected"), &mut out.findings);
    out.unprotected = first.get("header").cloned();
    if let Some(s) = first.get("signature").and_then(Value::as_str) {
        out.signature = lenient_b64(s, "signature", &mut out.findings);
        out.signature_len = out.signature.as_ref().map(Vec::len);
    }
    match doc.get("payload").and_then(Value::as_str) {
        None => out.payload_encoding = "detached",
        Some(p) => {
            if let Some(bytes) = lenient_b64(p, "payload", &mut out.findings) {
                set_payload(out, &bytes, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(i: &Inspected) -> Vec<&'static str> {
        i.findings.iter().map(|f| f.code).collect()
    }

    const CLEAN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    #[test]
    fn clean_compact_jws_has_no_findings() {
        let i = inspect(CLEAN);
        assert_eq!((i.kind, i.serialization), ("JWS", "compact"));
        assert!(i.findings.is_empty(), "{:?}", i.findings);
        assert_eq!(i.strict, None);
        assert_eq!(i.payload, Some(serde_json::json!({"sub": "a"})));
        assert_eq!(i.signature_len, Some(3));
        assert_eq!(i.segments.len(), 3);
    }

    #[test]
    fn bearer_quotes_and_whitespace_are_stripped_and_named() {
        let i = inspect(&format!("Bearer \"{}\n{}\"", &CLEAN[..10], &CLEAN[10..]));
        assert_eq!(i.token, CLEAN);
        assert_eq!(codes(&i), ["bearer", "quotes", "whitespace"]);
    }

    #[test]
    fn padding_and_standard_alphabet_are_shown_and_refused_strictly() {
        // {"a":"??>"} encodes with '/' and '+' in standard base64.
        let payload =
            base64::engine::general_purpose::STANDARD.encode(br#"{"a":"??>","b":"~~~~"}"#);
        assert!(
            payload.contains(['+', '/']) && payload.ends_with('='),
            "{payload}"
        );
        let i = inspect(&format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"));
        assert_eq!(codes(&i), ["padding", "std_alphabet"]);
        assert_eq!(i.payload.unwrap()["a"], "??>");
        assert_eq!(i.strict.unwrap().code, "ERR_BASE64");
    }

    #[test]
    fn bad_json_and_duplicates_are_named() {
        let header = b64::encode(br#"{"alg":"HS256","alg":"none"}"#);
        let payload = b64::encode(b"{not json");
        let i = inspect(&format!("{header}.{payload}.c2ln"));
        assert_eq!(codes(&i), ["duplicate_member", "bad_json"]);
        assert!(i.header.is_some());
        assert_eq!(i.payload_encoding, "text");
        assert!(i.strict.is_some());
    }

    #[test]
    fn compact_jwe_shows_header_only() {
        let header = b64::encode(br#"{"alg":"dir","enc":"A128GCM"}"#);
        let i = inspect(&format!("{header}..aXY.Y3Q.dGFn"));
        assert_eq!((i.kind, i.payload_encoding), ("JWE", "encrypted"));
        assert_eq!(i.header.unwrap()["enc"], "A128GCM");
        assert_eq!(i.segments.len(), 5);
    }

    #[test]
    fn wrong_segment_count_is_a_finding() {
        let i = inspect("a.b");
        assert_eq!(codes(&i), ["segments"]);
        assert_eq!(i.strict.unwrap().code, "ERR_MALFORMED");
    }

    #[test]
    fn json_serializations() {
        let p = b64::encode(br#"{"alg":"ES256"}"#);
        let flat = format!(r#"{{"payload":"eyJhIjoxfQ","protected":"{p}","signature":"AAAA"}}"#);
        let i = inspect(&flat);
        assert_eq!((i.kind, i.serialization), ("JWS", "flattened"));
        assert_eq!(i.payload, Some(serde_json::json!({"a": 1})));
        let general = format!(
            r#"{{"payload":"eyJhIjoxfQ","signatures":[{{"protected":"{p}","signature":"AAAA"}}]}}"#
        );
        assert_eq!(inspect(&general).serialization, "json");
        let jwe = r#"{"ciphertext":"YQ","iv":"YQ","tag":"YQ","recipients":[{"header":{"alg":"A128KW"}}]}"#;
        let i = inspect(jwe);
        assert_eq!((i.kind, i.serialization), ("JWE", "json"));
        assert_eq!(i.recipients[0]["alg"], "A128KW");
    }
}
