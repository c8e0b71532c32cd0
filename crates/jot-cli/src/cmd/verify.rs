//! `jot verify`: a compact JWT's signature, then its claims.

use std::time::Duration;

use jot::jwt::{self, Validation};
use serde_json::{json, Map, Value};

use crate::cli::VerifyArgs;
use crate::duration;
use crate::error::{Failure, Result, EXIT_REJECTED};
use crate::input;
use crate::keys::{self, Verifier};
use crate::output::{self, Paint, Style};

pub fn run(a: VerifyArgs, no_color: bool) -> Result<u8> {
    let token = input::token(a.token.as_deref())?;
    let loaded = keys::from_args(&a.key)?;
    let verifier = keys::verifier(&loaded, &a.alg)?;
    let validation = validation(&a)?;
    match check(&token, &verifier, &validation, &a) {
        Ok((header, claims)) => {
            if a.json {
                let doc = json!({"valid": true, "header": header, "claims": claims});
                output::println(&doc.to_string())?;
            } else {
                print_human(&header, &claims, Style::stdout(no_color))?;
            }
            Ok(0)
        }
        Err(f) if a.json && f.exit == EXIT_REJECTED => {
            let doc = json!({
                "valid": false,
                "error": {"code": f.code, "message": f.message},
            });
            output::println(&doc.to_string())?;
            Ok(EXIT_REJECTED)
        }
        Err(f) => Err(f),
    }
}

fn validation(a: &VerifyArgs) -> Result<Validation> {
    let mut v = Validation::new();
    for i in &a.iss {
        v = v.issuer(i.clone());
    }
    for aud in &a.aud {
        v = v.audience(aud.clone());
    }
    if let Some(s) = &a.sub {
        v = v.subject(s.clone());
    }
    if let Some(t) = &a.typ {
        v = v.typ(t.clone());
    }
    if let Some(m) = &a.max_age {
        v = v.max_age(Duration::from_secs(duration::seconds("--max-age", m)?));
    }
    for c in &a.require {
        v = v.require(c.clone());
    }
    if let Some(l) = &a.leeway {
        v = v.leeway(Duration::from_secs(duration::seconds("--leeway", l)?));
    }
    if a.allow_no_exp {
        v = v.allow_missing_exp();
    }
    if let Some(at) = a.at {
        v = v.at(at);
    }
    if !a.alg.is_empty() {
        v = v.algorithms(&a.alg);
    }
    Ok(v)
}

type Verified = (Map<String, Value>, Map<String, Value>);

fn check(token: &str, keys: &Verifier, v: &Validation, a: &VerifyArgs) -> Result<Verified> {
    if token.starts_with('{') {
        // RFC 7519 §7.2: a JWT is a compact serialization.
        return Err(Failure::rejected(&jot::Error::Malformed(
            "a JWT uses the compact serialization; this is JSON".into(),
        ))
        .hint("use `jot jws verify` for JSON-serialized JWS"));
    }
    match jwt::verify::<Map<String, Value>>(token, keys, v) {
        Ok(ok) => Ok((ok.header.to_map(), ok.claims)),
        Err(e) => Err(explain(token, keys, &e, a)),
    }
}

/// Turns a library error into a message that says what to do. Claim
/// values quoted here (aud, iss, exp) come from a token whose signature has
/// already been verified (claims are checked after the signature).
fn explain(token: &str, keys: &Verifier, e: &jot::Error, a: &VerifyArgs) -> Failure {
    use jot::Error as E;
    let f = keys.explain(Failure::rejected(e), e);
    let claims = || {
        jot::jws::compact::decode_unverified(token)
            .ok()
            .and_then(|u| serde_json::from_slice::<Value>(&u.payload).ok())
            .unwrap_or(Value::Null)
    };
    let now = a.at.unwrap_or_else(output::now_unix);
    let when = |name: &str| -> Option<String> {
        let t = claims().get(name)?.as_i64()?;
        Some(format!(
            "{} ({})",
            output::utc(t),
            output::relative(name, t, now)
        ))
    };
    match e {
        E::InvalidSignature => f.hint("the token was not signed with this key, or was modified"),
        E::Expired => {
            let msg = match when("exp") {
                Some(w) => format!("token expired: exp {w}"),
                None => f.message.clone(),
            };
            f.message(msg)
                .hint("--leeway allows clock skew; --at evaluates at another time")
        }
        E::NotYetValid => {
            let msg = match when("nbf") {
                Some(w) => format!("token not yet valid: nbf {w}"),
                None => f.message.clone(),
            };
            f.message(msg).hint("--leeway allows clock skew")
        }
        E::MissingClaim(c) if c == "exp" => {
            f.hint("tokens without exp never expire; pass --allow-no-exp to accept them")
        }
        E::MissingClaim(c) if c == "iat" && a.max_age.is_some() => {
            f.hint("--max-age needs the token's iat claim")
        }
        E::AudienceMismatch if a.aud.is_empty() => {
            let aud = claims().get("aud").cloned().unwrap_or(Value::Null);
            f.message(format!(
                "the token has an audience (aud {aud}) and no --aud was given; \
                 RFC 7519 §4.1.3 requires rejecting it"
            ))
            .hint("pass --aud with the audience you expect (you are the audience)")
        }
        E::AudienceMismatch => {
            let aud = claims().get("aud").cloned().unwrap_or(Value::Null);
            f.message(format!(
                "unexpected audience: the token has aud {aud}, expected one of {:?}",
                a.aud
            ))
        }
        E::IssuerMismatch => {
            let iss = claims().get("iss").cloned().unwrap_or(Value::Null);
            f.message(format!(
                "unexpected issuer: the token has iss {iss}, expected one of {:?}",
                a.iss
            ))
        }
        E::TypeMismatch => f.hint("the token's typ header differs from --typ"),
        E::NotJws => f
            .message("this is a JWE (five segments), not a signed JWT")
            .hint("nested JWTs (JWE containing a JWS) need --decrypt-key, which this build does not have yet"),
        E::Malformed(_) | E::Base64(_) | E::Json { .. } => {
            f.hint("a JWT is three base64url segments separated by dots: header.payload.signature")
        }
        _ => f,
    }
}

fn print_human(header: &Map<String, Value>, claims: &Map<String, Value>, s: Style) -> Result<()> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("?");
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .map(|k| format!(", kid {k:?}"))
        .unwrap_or_default();
    let mut out = format!(
        "{} signature and claims verified ({alg}{kid})\n",
        s.paint(Paint::Green, "VALID")
    );
    out.push_str(&format!("{}\n", s.paint(Paint::Bold, "Header:")));
    out.push_str(&output::pretty(&Value::Object(header.clone())));
    out.push_str(&format!("\n{}\n", s.paint(Paint::Bold, "Claims:")));
    let claims = Value::Object(claims.clone());
    out.push_str(&output::pretty(&claims));
    out.push_str(&super::decode::times_block(&claims, s));
    output::println(&out)
}
