//! `jot decode`: show a token without verifying anything.
//!
//! JWS (compact and JSON): header, payload, signature length. JWE: the
//! protected header only (and, for JSON, the unprotected and per-recipient
//! headers): the rest is ciphertext.

use jot::encoding::b64;
use jot::error::Part;
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

fn rejected(e: &jot::Error) -> Failure {
    Failure::rejected(e)
}

fn malformed(msg: &str) -> Failure {
    rejected(&jot::Error::Malformed(msg.into()))
}

/// Decodes base64url JSON (a header).
fn b64_json(s: &str, part: Part) -> Result<Value> {
    let bytes = b64::decode(s, part).map_err(|e| rejected(&e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        rejected(&jot::Error::Json {
            part,
            reason: e.to_string(),
        })
    })
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

/// The whole decoded document (what `--json` prints).
pub fn decode(token: &str) -> Result<Value> {
    let mut doc = Map::new();
    doc.insert("unverified".into(), true.into());
    if token.starts_with('{') {
        decode_json(token, &mut doc)?;
    } else {
        match token.bytes().filter(|&b| b == b'.').count() {
            2 => {
                let u = jot::jws::compact::decode_unverified(token).map_err(|e| rejected(&e))?;
                doc.insert("type".into(), "JWS".into());
                doc.insert("serialization".into(), "compact".into());
                doc.insert("header".into(), Value::Object(u.header));
                if token.split('.').nth(1) == Some("") {
                    doc.insert("detached".into(), true.into());
                } else {
                    payload_members(&u.payload, &mut doc);
                }
                doc.insert("signature_length".into(), u.signature.len().into());
            }
            4 => {
                let header = token.split('.').next().unwrap_or_default();
                doc.insert("type".into(), "JWE".into());
                doc.insert("serialization".into(), "compact".into());
                doc.insert("header".into(), b64_json(header, Part::Header)?);
            }
            _ => {
                return Err(malformed(
                    "expected a compact JWS (3 segments), a compact JWE (5) or JSON",
                ))
            }
        }
    }
    if let Some(p) = doc.get("payload").filter(|p| p.is_object()) {
        let times = output::time_claims_json(p, output::now_unix());
        if times.as_object().is_some_and(|m| !m.is_empty()) {
            doc.insert("times".into(), times);
        }
    }
    Ok(Value::Object(doc))
}

fn decode_json(token: &str, doc: &mut Map<String, Value>) -> Result<()> {
    let v: Map<String, Value> = serde_json::from_str(token).map_err(|e| {
        rejected(&jot::Error::Json {
            part: Part::Header,
            reason: e.to_string(),
        })
    })?;
    let header_of = |entry: &Map<String, Value>| -> Result<Value> {
        let mut h = Map::new();
        if let Some(p) = entry.get("protected") {
            let s = p
                .as_str()
                .ok_or_else(|| malformed("protected must be a string"))?;
            h.insert("protected".into(), b64_json(s, Part::Header)?);
        }
        if let Some(u) = entry.get("header") {
            h.insert("header".into(), u.clone());
        }
        Ok(Value::Object(h))
    };
    if v.contains_key("ciphertext") {
        doc.insert("type".into(), "JWE".into());
        doc.insert("serialization".into(), "json".into());
        if let Some(p) = v.get("protected").and_then(Value::as_str) {
            doc.insert("header".into(), b64_json(p, Part::Header)?);
        }
        if let Some(u) = v.get("unprotected") {
            doc.insert("unprotected".into(), u.clone());
        }
        let recipients: Vec<Value> = match v.get("recipients").and_then(Value::as_array) {
            Some(r) => r
                .iter()
                .map(|e| json!({"header": e.get("header").cloned().unwrap_or(Value::Null)}))
                .collect(),
            None => vec![json!({"header": v.get("header").cloned().unwrap_or(Value::Null)})],
        };
        doc.insert("recipients".into(), Value::Array(recipients));
        return Ok(());
    }
    doc.insert("type".into(), "JWS".into());
    let entries: Vec<Map<String, Value>> = match v.get("signatures") {
        Some(Value::Array(a)) => {
            doc.insert("serialization".into(), "json".into());
            a.iter().filter_map(|e| e.as_object().cloned()).collect()
        }
        Some(_) => return Err(malformed("signatures must be an array")),
        None => {
            doc.insert("serialization".into(), "flattened".into());
            vec![v.clone()]
        }
    };
    let mut sigs = Vec::new();
    let mut unencoded = false;
    for e in &entries {
        let mut s = match header_of(e)? {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if s.get("protected").and_then(|p| p.get("b64")) == Some(&Value::Bool(false)) {
            unencoded = true;
        }
        let sig = e.get("signature").and_then(Value::as_str).unwrap_or("");
        let len = b64::decode(sig, Part::Signature)
            .map_err(|e| rejected(&e))?
            .len();
        s.insert("signature_length".into(), len.into());
        sigs.push(Value::Object(s));
    }
    match v.get("payload").and_then(Value::as_str) {
        None => {
            doc.insert("detached".into(), true.into());
        }
        Some(p) if unencoded => payload_members(p.as_bytes(), doc),
        Some(p) => payload_members(
            &b64::decode(p, Part::Payload).map_err(|e| rejected(&e))?,
            doc,
        ),
    }
    doc.insert("signatures".into(), Value::Array(sigs));
    Ok(())
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
