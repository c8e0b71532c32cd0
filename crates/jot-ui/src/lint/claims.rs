//! Claim rules: time claims (missing, past, future, too long, wrong unit
//! or type), missing `iss`/`aud`, and personal data in a payload that
//! anyone can read.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::{rules, Input, Report};

/// Clock skew tolerated before a time in the future is flagged (the
/// library's default leeway).
const SKEW: i64 = 60;

/// NumericDates above this are milliseconds: 10^11 seconds is the year
/// 5138, 10^11 milliseconds is 1973.
const MILLIS_THRESHOLD: f64 = 1e11;

const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").ok()
});
/// International (`+` and 8–15 digits) or North American style numbers.
static PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(^|\s)(\+[1-9][0-9 ().-]{7,18}[0-9]|\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4})($|\s)",
    )
    .ok()
});
static CARD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(^|[^0-9])([0-9](?:[ -]?[0-9]){12,18})($|[^0-9])").ok());

pub fn check(input: &Input<'_>, r: &mut Report) {
    let Some(Value::Object(c)) = &input.token.payload else {
        return;
    };
    if input.token.payload_encoding != "json" {
        return;
    }
    let now = input.now;
    for name in TIME_CLAIMS {
        match c.get(name) {
            Some(Value::String(_)) => {
                r.add(
                    rules::TIME_STRING,
                    format!("{name} is a string, not a number"),
                );
            }
            Some(Value::Number(n)) if n.as_f64().is_some_and(|v| v > MILLIS_THRESHOLD) => {
                r.add(
                    rules::TIME_MILLIS,
                    format!("{name} looks like milliseconds"),
                );
            }
            _ => {}
        }
    }
    let secs = |name: &str| -> Option<i64> {
        c.get(name)
            .and_then(Value::as_f64)
            .filter(|v| *v <= MILLIS_THRESHOLD)
            .map(|v| v as i64)
    };
    match (c.contains_key("exp"), secs("exp")) {
        (false, _) => r.add(rules::EXP_MISSING, "the token has no exp"),
        (true, Some(exp)) => {
            if exp < now {
                r.add(rules::EXP_PAST, format!("exp was {} ago", span(now - exp)));
            }
            let start = secs("iat").unwrap_or(now);
            if exp - start > input.max_lifetime {
                r.add(
                    rules::LIFETIME_LONG,
                    format!(
                        "the token lives {} (threshold {})",
                        span(exp - start),
                        span(input.max_lifetime)
                    ),
                );
            }
        }
        (true, None) => {}
    }
    if let Some(nbf) = secs("nbf").filter(|t| *t > now + SKEW) {
        r.add(
            rules::NBF_FUTURE,
            format!("nbf is {} from now", span(nbf - now)),
        );
    }
    if let Some(iat) = secs("iat").filter(|t| *t > now + SKEW) {
        r.add(
            rules::IAT_FUTURE,
            format!("iat is {} from now", span(iat - now)),
        );
    }
    if !c.contains_key("iss") {
        r.add(rules::ISS_MISSING, "the token has no iss");
    }
    if !c.contains_key("aud") {
        r.add(rules::AUD_MISSING, "the token has no aud");
    }
    if input.token.kind == "JWS" {
        personal_data(c, r);
    }
}

/// Flags values that look like e-mail addresses, phone numbers or card
/// numbers (Luhn-valid), naming the claim, never the value.
fn personal_data(c: &Map<String, Value>, r: &mut Report) {
    let mut seen = Vec::new();
    walk(c, "", &mut |path, v| {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) if n.is_u64() => n.to_string(),
            _ => return,
        };
        let matches =
            |re: &LazyLock<Option<Regex>>| re.as_ref().is_some_and(|re| re.is_match(&text));
        let kind = if matches(&EMAIL) {
            "an e-mail address"
        } else if card_number(&text) {
            "a payment card number"
        } else if matches(&PHONE) {
            "a phone number"
        } else {
            return;
        };
        seen.push(format!("{path} looks like {kind}"));
    });
    for s in seen {
        r.add(rules::PERSONAL_DATA, s);
    }
}

fn walk(m: &Map<String, Value>, prefix: &str, f: &mut impl FnMut(&str, &Value)) {
    for (k, v) in m {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => walk(inner, &path, f),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Object(inner) => walk(inner, &path, f),
                        other => f(&path, other),
                    }
                }
            }
            other => f(&path, other),
        }
    }
}

/// 13–19 digits (spaces or dashes between) passing the Luhn check.
fn card_number(text: &str) -> bool {
    let Some(re) = CARD.as_ref() else {
        return false;
    };
    re.captures_iter(text).any(|cap| {
        let digits: Vec<u32> = cap
            .get(2)
            .map(|m| m.as_str().chars().filter_map(|c| c.to_digit(10)).collect())
            .unwrap_or_default();
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| match (i % 2, d * 2) {
                (0, _) => d,
                (_, dd) if dd > 9 => dd - 9,
                (_, dd) => dd,
            })
            .sum();
        (13..=19).contains(&digits.len()) && sum % 10 == 0
    })
}

/// "3 h", "5 min", "2 d": for messages.
fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    fn with_claims(change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
        let (h, mut c) = clean_parts();
        change(c.as_object_mut().unwrap());
        token(h, c, None)
    }

    #[test]
    fn exp_rules() {
        fires("exp_missing", &with_claims(|c| drop(c.remove("exp"))), None);
        fires(
            "exp_past",
            &with_claims(|c| drop(c.insert("exp".into(), json!(NOW - 10)))),
            None,
        );
        fires(
            "lifetime_long",
            &with_claims(|c| drop(c.insert("exp".into(), json!(NOW + 30 * 86_400)))),
            None,
        );
    }

    #[test]
    fn future_times() {
        fires(
            "nbf_future",
            &with_claims(|c| drop(c.insert("nbf".into(), json!(NOW + 3600)))),
            None,
        );
        fires(
            "iat_future",
            &with_claims(|c| drop(c.insert("iat".into(), json!(NOW + 3600)))),
            None,
        );
        // Within the clock skew allowance: not flagged.
        let skew = with_claims(|c| drop(c.insert("iat".into(), json!(NOW + 30))));
        assert!(!ids(&skew, None).contains(&"iat_future"));
    }

    #[test]
    fn time_units_and_types() {
        fires(
            "time_millis",
            &with_claims(|c| drop(c.insert("exp".into(), json!((NOW + 600) * 1000)))),
            None,
        );
        fires(
            "time_string",
            &with_claims(|c| drop(c.insert("iat".into(), json!("1700000000")))),
            None,
        );
    }

    #[test]
    fn missing_iss_and_aud() {
        fires("iss_missing", &with_claims(|c| drop(c.remove("iss"))), None);
        fires("aud_missing", &with_claims(|c| drop(c.remove("aud"))), None);
    }

    #[test]
    fn personal_data_patterns() {
        for v in [
            json!("alice@example.com"),
            json!("+44 20 7946 0958"),
            json!("(555) 123-4567"),
            json!("4111 1111 1111 1111"),
            json!(4_111_111_111_111_111u64),
            json!({"contact": {"mail": "bob@mail.example.org"}}),
        ] {
            fires(
                "personal_data",
                &with_claims(|c| drop(c.insert("x".into(), v.clone()))),
                None,
            );
        }
        // Not a card (Luhn fails), not a phone, not a mail.
        for v in [
            json!("4111 1111 1111 1112"),
            json!("order 12345"),
            json!("a@b"),
        ] {
            let t = with_claims(|c| drop(c.insert("x".into(), v.clone())));
            assert!(!ids(&t, None).contains(&"personal_data"), "{v}");
        }
    }
}
