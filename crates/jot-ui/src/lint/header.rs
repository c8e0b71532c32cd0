//! Header rules: `alg: none`, keys carried by the token, a `kid` built to
//! inject, unknown `crit`, no `typ`.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{rules, Input, Report};

/// Header parameters that carry or point at a key (RFC 7515 §4.1.2–4.1.6).
const KEY_PARAMS: [&str; 4] = ["jwk", "jku", "x5u", "x5c"];

/// Extensions Jot's verifier understands (RFC 7797's `b64`).
const UNDERSTOOD_CRIT: [&str; 1] = ["b64"];

static KID_PATH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(\.\./|\.\.\\|^/|^[A-Za-z]:\\|\x00|/dev/|/etc/|/proc/)").ok());
static KID_SQL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)('|"|--|/\*|\bunion\b.*\bselect\b|\bor\b\s+\S+\s*=)"#).ok());
static KID_SHELL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(\$\(|`|\||;|&&|>|<|\$\{)").ok());

pub fn check(input: &Input<'_>, r: &mut Report) {
    let Some(h) = &input.token.header else { return };
    if let Some(alg) = h.get("alg").and_then(Value::as_str) {
        if alg.eq_ignore_ascii_case("none") {
            r.add(rules::ALG_NONE, format!("alg is {alg:?}"));
        }
    }
    for p in KEY_PARAMS {
        if h.contains_key(p) {
            r.add(
                rules::EMBEDDED_KEY,
                format!("the header has {p}; Jot shows it and never verifies with it"),
            );
        }
    }
    if let Some(kid) = h.get("kid").and_then(Value::as_str) {
        let looks = [
            ("a path", &KID_PATH),
            ("SQL", &KID_SQL),
            ("shell", &KID_SHELL),
        ];
        for (what, re) in looks {
            if re.as_ref().is_some_and(|re| re.is_match(kid)) {
                r.add(rules::KID_INJECTION, format!("kid looks like {what}"));
            }
        }
    }
    match h.get("crit") {
        None => {}
        Some(Value::Array(names)) => {
            for n in names {
                if !n.as_str().is_some_and(|n| UNDERSTOOD_CRIT.contains(&n)) {
                    r.add(rules::CRIT_UNKNOWN, format!("crit lists {n}"));
                }
            }
        }
        Some(_) => r.add(rules::CRIT_UNKNOWN, "crit is not an array of names"),
    }
    if input.token.kind == "JWS" && !h.contains_key("typ") {
        r.add(rules::TYP_MISSING, "the header has no typ");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    fn with_header(extra: serde_json::Value) -> String {
        let (mut h, c) = clean_parts();
        for (k, v) in extra.as_object().unwrap() {
            h[k] = v.clone();
        }
        token(h, c, None)
    }

    #[test]
    fn alg_none_any_casing() {
        for alg in ["none", "None", "NONE", "nOnE"] {
            fires("alg_none", &with_header(json!({"alg": alg})), None);
        }
    }

    #[test]
    fn embedded_keys() {
        for p in ["jwk", "jku", "x5u", "x5c"] {
            fires("embedded_key", &with_header(json!({p: "x"})), None);
        }
    }

    #[test]
    fn kid_injection() {
        for kid in [
            "../../../../dev/null",
            "/etc/passwd",
            "x' UNION SELECT 'secret",
            "1' or '1'='1",
            "key$(whoami)",
            "a; rm -rf /",
            "k`id`",
        ] {
            fires("kid_injection", &with_header(json!({"kid": kid})), None);
        }
    }

    #[test]
    fn crit_unknown() {
        fires("crit_unknown", &with_header(json!({"crit": ["exp"]})), None);
        fires("crit_unknown", &with_header(json!({"crit": "b64"})), None);
        let (mut h, c) = clean_parts();
        h["crit"] = json!(["b64"]);
        h["b64"] = json!(true);
        assert!(!ids(&token(h, c, None), None).contains(&"crit_unknown"));
    }

    #[test]
    fn typ_missing() {
        let (mut h, c) = clean_parts();
        h.as_object_mut().unwrap().remove("typ");
        fires("typ_missing", &token(h, c, None), None);
    }
}
