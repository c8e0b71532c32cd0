//! `jot decode`: show a token without verifying anything.
//!
//! JWS (compact and JSON): header, payload, signature length. JWE: the
//! protected header only (and, for JSON, the unprotected and per-recipient
//! headers): the rest is ciphertext.

use jot::decode::Unverified;
use jot::encoding::b64;
use jot::format::Serialization;
use jot::jwe::UnverifiedJwe;
use jot::jws::UnverifiedJws;
use jot::limits::Limits;
use serde_json::{json, Map, Value};

use crate::cli::DecodeArgs;
use crate::error::{Failure, Result};
use crate::input;
use crate::output::{self, Paint, Style};

pub fn run(a: DecodeArgs, no_color: bool) -> Result<u8> {
    let token = input::token(a.token.as_deref())?;
    let doc = decode(&token)?;
    if a.json {
        output::println(&doc.to_string())?;
    } else {
        output::println(&human(&doc, Style::stdout(no_color)))?;
    }
    Ok(0)
}

/// The payload as JSON when it is JSON, else text, else base64url.
fn payload_members(payload: &[u8], doc: &mut Map<String, Value>) {
    if let Ok(v) = serde_json::from_slice::<Value>(payload) {
        doc.insert("payload".into(), v);
        doc.insert("payload_encoding".into(), "json".into());
    } else if let Ok(t) = std::str::from_utf8(payload) {
        doc.insert("payload".into(), t.into());
        doc.insert("payload_encoding".into(), "text".into());
    } else {
        doc.insert("payload".into(), b64::encode(payload).into());
        doc.insert("payload_encoding".into(), "base64url".into());
    }
}

fn serialization_name(s: Serialization) -> &'static str {
    match s {
        Serialization::Compact => "compact",
        Serialization::General => "json",
        Serialization::Flattened => "flattened",
    }
}

/// The whole decoded document (what `--json` prints). The library decodes,
/// with the limits and strictness of verification; this only lays it out.
pub fn decode(token: &str) -> Result<Value> {
    let decoded = jot::decode::decode_unverified(token, &Limits::default())
        .map_err(|e| Failure::rejected(&e))?;
    let mut doc = Map::new();
    doc.insert("unverified".into(), true.into());
    match decoded {
        Unverified::Jws(jws) => jws_members(jws, &mut doc),
        Unverified::Jwe(jwe) => jwe_members(*jwe, &mut doc),
    }
    if let Some(p) = doc.get("payload").filter(|p| p.is_object()) {
        let times = output::time_claims_json(p, output::now_unix());
        if times.as_object().is_some_and(|m| !m.is_empty()) {
            doc.insert("times".into(), times);
        }
    }
    Ok(Value::Object(doc))
}

fn jws_members(jws: UnverifiedJws, doc: &mut Map<String, Value>) {
    doc.insert("type".into(), "JWS".into());
    doc.insert(
        "serialization".into(),
        serialization_name(jws.serialization).into(),
    );
    match &jws.payload {
        Some(p) => payload_members(p, doc),
        None => {
            doc.insert("detached".into(), true.into());
        }
    }
    if jws.serialization == Serialization::Compact {
        if let Some(s) = jws.signatures.into_iter().next() {
            doc.insert("header".into(), Value::Object(s.protected));
            doc.insert("signature_length".into(), s.signature.len().into());
        }
        return;
    }
    let sigs = jws
        .signatures
        .into_iter()
        .map(|s| {
            let mut m = Map::new();
            if !s.protected.is_empty() {
                m.insert("protected".into(), Value::Object(s.protected));
            }
            if let Some(h) = s.unprotected {
                m.insert("header".into(), Value::Object(h));
            }
            m.insert("signature_length".into(), s.signature.len().into());
            Value::Object(m)
        })
        .collect();
    doc.insert("signatures".into(), Value::Array(sigs));
}

fn jwe_members(jwe: UnverifiedJwe, doc: &mut Map<String, Value>) {
    doc.insert("type".into(), "JWE".into());
    doc.insert(
        "serialization".into(),
        serialization_name(jwe.serialization).into(),
    );
    if jwe.serialization == Serialization::Compact || !jwe.protected.is_empty() {
        doc.insert("header".into(), Value::Object(jwe.protected));
    }
    if jwe.serialization == Serialization::Compact {
        return;
    }
    if let Some(u) = jwe.unprotected {
        doc.insert("unprotected".into(), Value::Object(u));
    }
    let recipients = jwe
        .recipients
        .into_iter()
        .map(|r| json!({"header": r.header.map_or(Value::Null, Value::Object)}))
        .collect();
    doc.insert("recipients".into(), Value::Array(recipients));
}

/// The "Times:" block for claims with exp/nbf/iat (empty if none).
pub fn times_block(claims: &Value, s: Style) -> String {
    let times = output::time_claims(claims, output::now_unix());
    if times.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}", s.paint(Paint::Bold, "Times:"));
    for (name, _, utc, rel) in times {
        out.push_str(&format!("\n  {name}  {utc}  ({rel})"));
    }
    out
}

fn human(doc: &Value, s: Style) -> String {
    let kind = doc["type"].as_str().unwrap_or("?");
    let ser = doc["serialization"].as_str().unwrap_or("?");
    let mut out = format!(
        "{} {kind} ({ser} serialization) — nothing below has been verified; use `jot verify` to trust it\n",
        s.paint(Paint::Yellow, "UNVERIFIED"),
    );
    let section = |out: &mut String, title: &str, v: &Value| {
        out.push_str(&format!(
            "{}\n{}\n",
            s.paint(Paint::Bold, title),
            output::pretty(v)
        ));
    };
    if let Some(h) = doc.get("header") {
        let title = if kind == "JWE" {
            "Protected header:"
        } else {
            "Header:"
        };
        section(&mut out, title, h);
    }
    if let Some(u) = doc.get("unprotected") {
        section(&mut out, "Shared unprotected header:", u);
    }
    if let Some(r) = doc.get("recipients") {
        section(&mut out, "Recipients:", r);
    }
    if doc.get("detached") == Some(&Value::Bool(true)) {
        out.push_str(&format!(
            "{}\n(detached)\n",
            s.paint(Paint::Bold, "Payload:")
        ));
    } else if let Some(p) = doc.get("payload") {
        match doc["payload_encoding"].as_str() {
            Some("json") => section(&mut out, "Payload:", p),
            Some("text") if p.as_str() == Some("") => {
                // RFC 7515 §7.1 allows the empty payload; a detached one
                // (Appendix F) looks the same and is verified with
                // `jot jws verify --payload-file`.
                out.push_str(&format!(
                    "{}\n(empty, or detached)\n",
                    s.paint(Paint::Bold, "Payload:")
                ));
            }
            Some("text") => {
                out.push_str(&format!("{}\n", s.paint(Paint::Bold, "Payload (text):")));
                out.push_str(p.as_str().unwrap_or_default());
                out.push('\n');
            }
            _ => {
                out.push_str(&format!(
                    "{}\n{}\n",
                    s.paint(Paint::Bold, "Payload (binary, base64url):"),
                    p.as_str().unwrap_or_default()
                ));
            }
        }
    }
    if let Some(n) = doc.get("signature_length") {
        out.push_str(&format!(
            "{} {n} bytes\n",
            s.paint(Paint::Bold, "Signature:")
        ));
    }
    if let Some(sigs) = doc.get("signatures") {
        section(&mut out, "Signatures:", sigs);
    }
    if kind == "JWE" {
        out.push_str("(the content is encrypted; only headers are shown)\n");
    }
    if let Some(p) = doc.get("payload").filter(|p| p.is_object()) {
        out.push_str(times_block(p, s).trim_start_matches('\n'));
    }
    out.trim_end().to_owned()
}
