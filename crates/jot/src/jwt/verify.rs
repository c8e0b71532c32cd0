//! JWT verification: signature, then header rules, then claims.

use crate::error::ClaimsType;
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;

use super::registered::{ClaimFailure, RegisteredVisitor};
use super::single_pass;
use super::validation::Validation;
use crate::error::{Error, Part, Result};
use crate::jws::KeyResolver;
use crate::jws::{compact, Header};

/// A verified JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<T> {
    /// The protected header.
    pub header: Header,
    /// The claims, deserialized once into your type.
    pub claims: T,
}

/// Verifies a compact JWT: the signature with a key from `keys` (whose
/// algorithm must be the token's), then `validation`'s header and claim
/// rules, then deserializes the claims into `T`.
///
/// The payload is read once: the registered claims are validated while `T`
/// is deserialized. A JWE, a JSON-serialized JWS or an unsecured token is
/// rejected.
pub fn verify<T: DeserializeOwned>(
    token: &str,
    keys: &impl KeyResolver,
    validation: &Validation,
) -> Result<Verified<T>> {
    compact::verify_with(token, keys, &validation.limits, |header, payload| {
        let claims = header_then_claims(&header, payload, validation)?;
        Ok(Verified { header, claims })
    })
}

/// [`verify`] for claims types that borrow from the decoded payload
/// (`#[serde(borrow)] sub: &'b str`), which lives in the caller's `buffer`.
/// Reusing one buffer across calls, a verification of such claims makes no
/// heap allocation for the payload or the claims.
///
/// ```
/// # use jot::{jwt, key::SigningKey, Algorithm};
/// #[derive(serde::Deserialize)]
/// struct Claims<'a> {
///     sub: &'a str,
/// }
/// let key = SigningKey::hmac(&[7u8; 32], Algorithm::HS256)?;
/// let token = jwt::Builder::new().subject("u1").expires_in(std::time::Duration::from_secs(60)).sign(&key)?;
/// let mut buffer = Vec::new();
/// let v = jwt::verify_borrowed::<Claims>(&token, &key.verifying_key()?, &jwt::Validation::new(), &mut buffer)?;
/// assert_eq!(v.claims.sub, "u1");
/// # Ok::<(), jot::Error>(())
/// ```
pub fn verify_borrowed<'b, T: Deserialize<'b>>(
    token: &str,
    keys: &impl KeyResolver,
    validation: &Validation,
    buffer: &'b mut Vec<u8>,
) -> Result<Verified<T>> {
    let header = compact::verify_into_limited(token, keys, &validation.limits, buffer)?;
    let claims = header_then_claims(&header, buffer, validation)?;
    Ok(Verified { header, claims })
}

/// Everything after the signature: the header rules, then the claims.
fn header_then_claims<'b, T: Deserialize<'b>>(
    header: &Header,
    payload: &'b [u8],
    validation: &Validation,
) -> Result<T> {
    validation.check_header(header)?;
    crate::encoding::json::check_depth(payload, validation.limits.max_json_depth, Part::Payload)?;
    read_claims(payload, validation)
}

/// The claims, validated and deserialized into `T`: in one pass when that
/// succeeds, otherwise in two passes that report exactly what is wrong
/// (registered claims' types first, then their validation, then `T`).
fn read_claims<'b, T: Deserialize<'b>>(payload: &'b [u8], validation: &Validation) -> Result<T> {
    let one_pass = std::str::from_utf8(payload)
        .ok()
        .and_then(|text| single_pass::read::<T>(text, &validation.required));
    match one_pass {
        Some((claims, registered)) => {
            validation.check_claims(&registered)?;
            Ok(claims)
        }
        None => read_claims_twice(payload, validation),
    }
}

/// The reference: the registered claims in a pass of their own, validated,
/// then `T` from the payload again.
fn read_claims_twice<'b, T: Deserialize<'b>>(
    payload: &'b [u8],
    validation: &Validation,
) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(payload);
    let failure = ClaimFailure::default();
    let registered = de
        .deserialize_map(RegisteredVisitor {
            required: &validation.required,
            failure: &failure,
        })
        .map_err(|e| failure.error(&e))?;
    de.end().map_err(|e| failure.error(&e))?;
    validation.check_claims(&registered)?;
    drop(registered);
    serde_json::from_slice(payload)
        .map_err(|e| Error::ClaimsType(ClaimsType::Deserialize(crate::error::serde_message(&e))))
}

#[cfg(test)]
mod tests {
    //! The one-pass reader must agree with the two-pass reference on every
    //! input: the same claims when both succeed, and it may give up only
    //! where the reference fails too. (`read_claims` then reports the
    //! reference's error, since it falls back to it.)

    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Borrowing<'a> {
        #[serde(borrow, default)]
        iss: Option<&'a str>,
        #[serde(borrow, default)]
        sub: Option<std::borrow::Cow<'a, str>>,
        #[serde(default)]
        exp: Option<i64>,
        #[serde(default)]
        nbf: Option<f64>,
        #[serde(default)]
        aud: Option<Value>,
        #[serde(borrow, default)]
        name: Option<&'a str>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Owned {
        #[serde(default)]
        iss: Option<String>,
        #[serde(default)]
        aud: Option<crate::jwt::Audience>,
        #[serde(default)]
        exp: Option<crate::jwt::NumericDate>,
        #[serde(default)]
        iat: Option<u64>,
        #[serde(default)]
        jti: Option<String>,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        exp: i64,
        #[serde(default)]
        sub: Option<String>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Newtype(BTreeMap<String, Value>);

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Role {
        #[serde(rename = "admin")]
        Admin,
        #[serde(rename = "user")]
        User,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct WithEnum {
        #[serde(default)]
        sub: Option<Role>,
        #[serde(default)]
        aud: Option<Vec<Role>>,
    }

    fn rules() -> Validation {
        Validation::new()
            .at(1_000)
            .allow_missing_exp()
            .insecure_skip_audience()
            .require("name")
    }

    /// Both readers on one payload, asserting they agree.
    fn agree<'b, T: Deserialize<'b> + PartialEq + std::fmt::Debug>(payload: &'b [u8]) {
        let v = rules();
        let one = std::str::from_utf8(payload)
            .ok()
            .and_then(|text| single_pass::read::<T>(text, &v.required))
            .map(|(claims, registered)| v.check_claims(&registered).map(|()| claims));
        let two = read_claims_twice::<T>(payload, &v);
        match (one, two) {
            (Some(one), two) => assert_eq!(one, two, "{}", String::from_utf8_lossy(payload)),
            (None, Err(_)) => {}
            (None, Ok(claims)) => panic!(
                "one pass gave up on a valid payload {}: {claims:?}",
                String::from_utf8_lossy(payload)
            ),
        }
    }

    fn all_types(payload: &[u8]) {
        agree::<Borrowing<'_>>(payload);
        agree::<Owned>(payload);
        agree::<Strict>(payload);
        agree::<Newtype>(payload);
        agree::<WithEnum>(payload);
        agree::<Value>(payload);
        agree::<BTreeMap<String, Value>>(payload);
    }

    fn member() -> impl Strategy<Value = (String, Value)> {
        let name = prop::sample::select(vec![
            "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "name", "roles", "x",
        ]);
        let value = prop_oneof![
            any::<i64>().prop_map(|n| json!(n)),
            (0u64..3_000).prop_map(|n| json!(n)),
            (-5.0f64..3_000.0).prop_map(|n| json!(n)),
            prop::sample::select(vec![
                "a",
                "user",
                "admin",
                "caf\u{e9}",
                "q\"uote",
                "\u{1F600}"
            ])
            .prop_map(|s| json!(s)),
            prop::collection::vec(prop::sample::select(vec!["user", "admin", "b"]), 0..3)
                .prop_map(|v| json!(v)),
            Just(json!(null)),
            Just(json!({"nested": [1, {"k": "v"}]})),
            Just(json!(true)),
        ];
        (name, value).prop_map(|(n, v)| (n.to_owned(), v))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn one_pass_agrees_with_two(
            members in prop::collection::vec(member(), 0..8),
            escape_names in any::<bool>(),
        ) {
            // Written by hand so that duplicate names survive; optionally
            // with every name's first letter escaped (then not borrowable).
            let body: Vec<String> = members
                .iter()
                .map(|(n, v)| {
                    let n = if escape_names {
                        let mut c = n.chars();
                        let first = c.next().map_or(0, u32::from);
                        format!("\\u{first:04x}{}", c.as_str())
                    } else {
                        n.clone()
                    };
                    format!("\"{n}\":{v}")
                })
                .collect();
            let payload = format!("{{{}}}", body.join(","));
            all_types(payload.as_bytes());
        }
    }

    #[test]
    fn edge_payloads_agree() {
        for payload in [
            r#"{}"#,
            r#"[]"#,
            r#"["exp", 1]"#,
            r#""exp""#,
            r#"{"exp":1}x"#,
            r#"{"exp":1} "#,
            r#"{"exp":1e3,"name":"n"}"#,
            r#"{"exp":-0.5,"nbf":1.5e2,"name":"n"}"#,
            r#"{"exp":18446744073709551615,"name":"n"}"#,
            r#"{"aud":["a","b"],"name":"n"}"#,
            r#"{"aud":[],"name":"n"}"#,
            r#"{"aud":["a",1],"name":"n"}"#,
            r#"{"exp":1,"exp":2,"name":"n"}"#,
            r#"{"\u0065xp":5000,"name":"n"}"#,
            r#"{"iss":"\ud83d\ude00","name":"n"}"#,
            r#"{"name":"n","sub":"admin","aud":["user","admin"]}"#,
        ] {
            all_types(payload.as_bytes());
        }
        all_types(b"{\"iss\":\"\xff\",\"name\":\"n\"}");
    }

    /// Guards the speed this module exists for: ordinary claims types take
    /// the one pass, not the fallback.
    #[test]
    fn ordinary_claims_take_the_one_pass() {
        let payload = r#"{"iss":"https://i","sub":"s","aud":"a","exp":5000,"nbf":1,"iat":1,"jti":"j","name":"n","roles":["r"]}"#;
        let required = rules().required;
        assert!(single_pass::read::<Borrowing<'_>>(payload, &required).is_some());
        assert!(single_pass::read::<Owned>(payload, &required).is_some());
        assert!(single_pass::read::<Value>(payload, &required).is_some());
        assert!(single_pass::read::<Newtype>(payload, &required).is_some());
        assert!(single_pass::read::<crate::jwt::Claims>(payload, &required).is_some());
        let (_, registered) =
            single_pass::read::<serde::de::IgnoredAny>(payload, &required).unwrap();
        assert_eq!(registered.exp.map(|d| d.0), Some(5000));
        assert_eq!(registered.iss.as_deref(), Some("https://i"));
        assert_eq!(
            registered.present, 1,
            "the required non-registered claim was seen"
        );
    }
}
