//! HMAC secret rules: shorter than the hash, or one of the secrets that
//! appear in tutorials, defaults and leaks. The token itself is tried
//! against that list too, so a token signed with `secret` is flagged before
//! anyone types a key.

use jot::jwk::Jwk;
use jot::key::{min_hmac_key_len, VerifyingKey};
use jot::Algorithm;
use serde_json::Value;

use super::{rules, Input, Report};

/// One secret per line; shipped in the binary.
const COMMON: &str = include_str!("common-secrets.txt");

fn common() -> impl Iterator<Item = &'static str> {
    COMMON
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

pub fn check(input: &Input<'_>, r: &mut Report) {
    let alg = input
        .token
        .header
        .as_ref()
        .and_then(|h| h.get("alg"))
        .and_then(Value::as_str)
        .and_then(Algorithm::from_name)
        .filter(|a| a.is_symmetric());
    let Some(alg) = alg else { return };
    if let Some(secret) = input.secret {
        let min = min_hmac_key_len(alg);
        if secret.len() < min {
            r.add(
                rules::HMAC_SHORT,
                format!(
                    "the secret has {} bytes; {alg} needs at least {min}",
                    secret.len()
                ),
            );
        }
        if common().any(|c| c.as_bytes() == secret) {
            r.add(
                rules::HMAC_COMMON,
                "the secret is in the list of well-known secrets",
            );
            return;
        }
    }
    if input.token.serialization == "compact" && signed_with_common(&input.token.token, alg) {
        r.add(
            rules::HMAC_COMMON,
            "the token verifies with a secret from the list of well-known secrets",
        );
    }
}

fn signed_with_common(token: &str, alg: Algorithm) -> bool {
    common().any(|c| {
        Jwk::from_secret(c.as_bytes())
            .and_then(|jwk| VerifyingKey::from_jwk_allow_short_hmac(&jwk, alg))
            .and_then(|key| jot::jws::compact::verify(token, &key, &Default::default()))
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    fn signed_with(secret: &[u8]) -> String {
        let (h, c) = clean_parts();
        let unsigned = token(h, c, Some(&[]));
        let input = unsigned.trim_end_matches('.');
        let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        let sig = aws_lc_rs::hmac::sign(&k, input.as_bytes());
        format!("{input}.{}", jot::encoding::b64::encode(sig.as_ref()))
    }

    #[test]
    fn short_secret() {
        let (h, c) = clean_parts();
        fires("hmac_short_secret", &token(h, c, None), Some(b"0123456789"));
    }

    #[test]
    fn common_secret_given_or_found_in_the_token() {
        let (h, c) = clean_parts();
        fires(
            "hmac_common_secret",
            &token(h, c, None),
            Some(b"your-256-bit-secret"),
        );
        fires("hmac_common_secret", &signed_with(b"secret"), None);
        // A 32-byte random-looking secret is neither short nor common.
        let (h, c) = clean_parts();
        assert!(ids(&token(h, c, None), Some(&[7; 32])).is_empty());
    }
}
