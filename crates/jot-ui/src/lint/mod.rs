//! The security lint panel: what is risky about a token (and, when one is
//! given, the HMAC secret it is verified with), each finding with a one-line
//! reason and the RFC section behind it.
//!
//! The lint looks at the token as decoded, before and apart from
//! verification: a finding is advice about how the token was made, not a
//! verdict on whether it is valid.

mod claims;
mod header;
mod secret;
mod signature;

use serde::Serialize;

use crate::inspect::Inspected;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Anyone can forge or read what should be protected.
    High,
    /// A weakness an attacker can use with some help.
    Medium,
    /// Hygiene.
    Low,
}

/// A lint rule: its stable id and what the page says about it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable id (`alg_none`, …).
    pub id: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// The one-line reason.
    pub why: &'static str,
    /// The RFC section behind it.
    pub link: &'static str,
}

/// A rule that fired, with what exactly it found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// What was found (names claims and parameters; never quotes a secret).
    pub message: String,
}

/// What the lint looks at.
pub struct Input<'a> {
    /// The decoded token.
    pub token: &'a Inspected,
    /// The HMAC secret the user is verifying with, if any.
    pub secret: Option<&'a [u8]>,
    /// Now, in seconds since the epoch.
    pub now: i64,
    /// Lifetimes (`exp` − `iat`) above this many seconds are flagged.
    pub max_lifetime: i64,
}

/// The default lifetime threshold: one day.
pub const DEFAULT_MAX_LIFETIME: i64 = 24 * 3600;

macro_rules! rule {
    ($name:ident, $id:literal, $sev:ident, $why:literal, $link:literal) => {
        #[doc = $why]
        pub const $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            why: $why,
            link: $link,
        };
    };
}

/// Every rule, in the order the panel lists them.
pub mod rules {
    use super::{Rule, Severity};
    rule!(ALG_NONE, "alg_none", High, "An unsecured token has no signature: anyone can write one, and libraries that accept it have been forged with it.", "https://www.rfc-editor.org/rfc/rfc8725#section-3.1");
    rule!(
        HMAC_SHORT,
        "hmac_short_secret",
        High,
        "An HMAC secret shorter than the hash output can be brute-forced offline from one token.",
        "https://www.rfc-editor.org/rfc/rfc7518#section-3.2"
    );
    rule!(HMAC_COMMON, "hmac_common_secret", High, "The token is signed with (or verified against) a well-known secret: anyone can forge tokens.", "https://www.rfc-editor.org/rfc/rfc8725#section-3.5");
    rule!(
        EXP_MISSING,
        "exp_missing",
        Medium,
        "Without exp a stolen token stays valid forever.",
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4"
    );
    rule!(
        EXP_PAST,
        "exp_past",
        Low,
        "The token has expired; a verifier must reject it.",
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4"
    );
    rule!(LIFETIME_LONG, "lifetime_long", Medium, "A long-lived bearer token gives a thief a long window; prefer short lifetimes and refresh.", "https://www.rfc-editor.org/rfc/rfc6819#section-5.1.5.3");
    rule!(
        NBF_FUTURE,
        "nbf_future",
        Low,
        "nbf is in the future: the token is not valid yet (or the issuer's clock is wrong).",
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5"
    );
    rule!(
        IAT_FUTURE,
        "iat_future",
        Medium,
        "iat is in the future: the issuer's clock is wrong or the token was forged.",
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6"
    );
    rule!(TIME_MILLIS, "time_millis", Medium, "A NumericDate is in seconds; this looks like milliseconds, so the token lives for millennia.", "https://www.rfc-editor.org/rfc/rfc7519#section-2");
    rule!(TIME_STRING, "time_string", Medium, "A NumericDate is a JSON number; strict verifiers reject strings, lax ones may ignore them.", "https://www.rfc-editor.org/rfc/rfc7519#section-2");
    rule!(
        ISS_MISSING,
        "iss_missing",
        Low,
        "Without iss a verifier cannot tell which issuer's keys and rules apply.",
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.8"
    );
    rule!(
        AUD_MISSING,
        "aud_missing",
        Medium,
        "Without aud a token for one service is accepted by every service that trusts the issuer.",
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.9"
    );
    rule!(
        TYP_MISSING,
        "typ_missing",
        Low,
        "An explicit typ keeps one kind of JWT from being accepted as another.",
        "https://www.rfc-editor.org/rfc/rfc8725#section-3.11"
    );
    rule!(EMBEDDED_KEY, "embedded_key", High, "The header names its own key; a verifier that uses it accepts tokens signed by anyone (and jku/x5u invite SSRF).", "https://www.rfc-editor.org/rfc/rfc8725#section-3.10");
    rule!(KID_INJECTION, "kid_injection", High, "kid looks like a path, SQL or shell; verifiers that look keys up with it unescaped have been exploited.", "https://www.rfc-editor.org/rfc/rfc8725#section-3.10");
    rule!(
        SIGNATURE_EMPTY,
        "signature_empty",
        High,
        "The signature is empty: only an unsecured token has none.",
        "https://www.rfc-editor.org/rfc/rfc7515#section-5.2"
    );
    rule!(
        SIGNATURE_ZERO,
        "signature_zero",
        High,
        "The signature is all zero bytes (ECDSA r = s = 0 fooled Java's verifier, CVE-2022-21449).",
        "https://www.rfc-editor.org/rfc/rfc7518#section-3.4"
    );
    rule!(CRIT_UNKNOWN, "crit_unknown", High, "crit names an extension the verifier must understand; Jot understands only b64, so it rejects this token.", "https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11");
    rule!(PERSONAL_DATA, "personal_data", Medium, "A signed token is only base64url-encoded: anyone who sees it reads this data. Encrypt it (JWE) or leave it out.", "https://www.rfc-editor.org/rfc/rfc7519#section-12");

    /// All of them.
    pub const ALL: [Rule; 19] = [
        ALG_NONE,
        HMAC_SHORT,
        HMAC_COMMON,
        EXP_MISSING,
        EXP_PAST,
        LIFETIME_LONG,
        NBF_FUTURE,
        IAT_FUTURE,
        TIME_MILLIS,
        TIME_STRING,
        ISS_MISSING,
        AUD_MISSING,
        TYP_MISSING,
        EMBEDDED_KEY,
        KID_INJECTION,
        SIGNATURE_EMPTY,
        SIGNATURE_ZERO,
        CRIT_UNKNOWN,
        PERSONAL_DATA,
    ];
}

/// Collects findings.
struct Report(Vec<Finding>);

impl Report {
    fn add(&mut self, rule: Rule, message: impl Into<String>) {
        self.0.push(Finding {
            rule,
            message: message.into(),
        });
    }
}

/// Runs every rule.
pub fn lint(input: &Input<'_>) -> Vec<Finding> {
    let mut r = Report(Vec::new());
    header::check(input, &mut r);
    signature::check(input, &mut r);
    claims::check(input, &mut r);
    secret::check(input, &mut r);
    r.0
}

#[cfg(test)]
mod test_support {
    use jot::encoding::b64;
    use serde_json::Value;

    use super::*;
    use crate::inspect;

    pub const NOW: i64 = 1_700_000_000;

    /// A token whose header and claims are `header` and `claims`, signed
    /// with a 32-byte secret unless `sig` is given.
    pub fn token(header: Value, claims: Value, sig: Option<&[u8]>) -> String {
        let input = format!(
            "{}.{}",
            b64::encode(header.to_string()),
            b64::encode(claims.to_string())
        );
        let sig = match sig {
            Some(s) => s.to_vec(),
            None => {
                let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[7; 32]);
                aws_lc_rs::hmac::sign(&k, input.as_bytes())
                    .as_ref()
                    .to_vec()
            }
        };
        format!("{input}.{}", b64::encode(sig))
    }

    /// A token that no rule fires on.
    pub fn clean_parts() -> (Value, Value) {
        (
            serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "key-2024.1"}),
            serde_json::json!({"iss": "https://id.example", "aud": "api", "sub": "u1",
                "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 600}),
        )
    }

    pub fn ids(token: &str, secret: Option<&[u8]>) -> Vec<&'static str> {
        let i = inspect::inspect(token);
        lint(&Input {
            token: &i,
            secret,
            now: NOW,
            max_lifetime: DEFAULT_MAX_LIFETIME,
        })
        .into_iter()
        .map(|f| f.rule.id)
        .collect()
    }

    /// `id` fires on `bad` and nothing fires on the clean token.
    pub fn fires(id: &str, bad: &str, secret: Option<&[u8]>) {
        let (h, c) = clean_parts();
        assert_eq!(ids(&token(h, c, None), None), Vec::<&str>::new());
        let got = ids(bad, secret);
        assert!(got.contains(&id), "{id} did not fire; got {got:?}");
    }
}
