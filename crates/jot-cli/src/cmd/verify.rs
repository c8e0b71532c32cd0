//! `jot verify`: a compact JWT's signature, then its claims; for a nested
//! JWT (`--decrypt-key`), decryption first.

use std::time::Duration;

use jot::format::{detect, Format};
use jot::jwt::{self, Validation};
use jot::limits::Limits;
use serde_json::{json, Map, Value};

use crate::cli::VerifyArgs;
use crate::duration;
use crate::error::{Failure, Result, EXIT_REJECTED};
use crate::input;
use crate::keys::jwe::Decrypter;
use crate::keys::{self, Verifier};
use crate::output::{self, Paint, Style};
use crate::remote;

pub fn run(a: VerifyArgs, no_color: bool) -> Result<u8> {
    let token = input::token(a.token.as_deref())?;
    let decrypter = match &a.decrypt_key {
        Some(k) => Some(keys::jwe::decrypter(&keys::load(k)?, &a.decrypt_alg)?),
        None => None,
    };
    let validation = validation(&a)?;
    let verifier = key_source(&a)?;
    match check(&token, &verifier, decrypter.as_ref(), &validation, &a) {
        Ok(v) => {
            if a.json {
                let mut doc = json!({"valid": true, "header": v.header, "claims": v.claims});
                if let Some(outer) = &v.outer {
                    doc["outer"] = Value::Object(outer.clone());
                }
                output::println(&doc.to_string())?;
            } else {
                print_human(&v, Style::stdout(no_color))?;
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

/// The verification keys: a local key or JWK Set, a JWK Set URL, or the
/// set of an issuer found by discovery.
fn key_source(a: &VerifyArgs) -> Result<Verifier> {
    if let Some(issuer) = &a.issuer {
        return remote::issuer(issuer, &a.alg);
    }
    if let Some(url) = a.key.key.as_deref().filter(|k| keys::is_url(k)) {
        return remote::jwks(url, &a.alg);
    }
    keys::verifier(
        &keys::from_args(&a.key)?,
        &a.alg,
        keys::Relaxed {
            short_secret: a.allow_short_secret,
            mixed_key_set: a.allow_mixed_key_set,
        },
    )
}

fn validation(a: &VerifyArgs) -> Result<Validation> {
    let mut v = Validation::new();
    // The issuer whose keys are used is the issuer the token must name:
    // keys discovered for one issuer say nothing about tokens of another.
    if let Some(i) = &a.issuer {
        v = v.issuer(i.clone());
    }
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

struct Verified {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    /// The JWE header of a nested JWT.
    outer: Option<Map<String, Value>>,
}

fn check(
    token: &str,
    keys: &Verifier,
    decrypter: Option<&Decrypter>,
    v: &Validation,
    a: &VerifyArgs,
) -> Result<Verified> {
    let format = match detect(token, &Limits::default()) {
        Ok(f) => f,
        Err(e) => return Err(explain(token, keys, &e, a)),
    };
    if format.is_json() {
        // RFC 7519 §7.2: a JWT is a compact serialization.
        return Err(Failure::rejected(&jot::Error::Malformed(
            jot::error::Malformed::JwtNotCompact,
        ))
        .hint("use `jot jws verify` or `jot jwe decrypt` for JSON serializations"));
    }
    let Some(decrypter) = decrypter else {
        return verify_jws(token, keys, v, a, None);
    };
    // With --decrypt-key the token must be encrypted: accepting a signed-only
    // JWT here would let anyone strip the encryption the caller relies on.
    if format != Format::CompactJwe {
        return Err(Failure::rejected(&jot::Error::NotJwe)
            .message("--decrypt-key was given, but the token is not encrypted (not a JWE)")
            .hint("drop --decrypt-key to verify a signed-only JWT"));
    }
    // The two steps of `jwt::decrypt_and_verify`, so that failures of the
    // inner JWT are explained from the inner token.
    let opts = keys::jwe::options(&a.decrypt_alg, &[]);
    let d = jwt::decrypt_jwt(token, decrypter, &opts).map_err(|e| match &e {
        jot::Error::InvalidHeader { name, .. } if name == "cty" => Failure::rejected(&e)
            .message("the JWE decrypted, but it does not hold a JWT (its cty is not \"JWT\")")
            .hint("use `jot jwe decrypt` for encrypted content other than a JWT"),
        _ => decrypter.explain(&e, &opts, "--decrypt-alg"),
    })?;
    verify_jws(&d.jwt, keys, v, a, Some(d.outer.members))
}

fn verify_jws(
    token: &str,
    keys: &Verifier,
    v: &Validation,
    a: &VerifyArgs,
    outer: Option<Map<String, Value>>,
) -> Result<Verified> {
    match jwt::verify::<Map<String, Value>>(token, keys, v) {
        Ok(ok) => Ok(Verified {
            header: ok.header.to_map(),
            claims: ok.claims,
            outer,
        }),
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
        jot::jws::compact::decode_unverified(token, &Default::default())
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
            let expected: Vec<&String> = a.issuer.iter().chain(&a.iss).collect();
            f.message(format!(
                "unexpected issuer: the token has iss {iss}, expected one of {expected:?}",
            ))
        }
        E::TypeMismatch => f.hint("the token's typ header differs from --typ"),
        E::NotJws => f
            .message("this is a JWE (five segments), not a signed JWT")
            .hint("for a nested JWT (JWE containing a JWS), pass the decryption key with --decrypt-key K2"),
        E::Malformed(_) | E::Base64(_) | E::Json { .. } => {
            f.hint("a JWT is three base64url segments separated by dots: header.payload.signature")
        }
        _ => f,
    }
}

fn print_human(v: &Verified, s: Style) -> Result<()> {
    let member = |h: &Map<String, Value>, name: &str| {
        h.get(name)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let kid = v
        .header
        .get("kid")
        .and_then(Value::as_str)
        .map(|k| format!(", kid {k:?}"))
        .unwrap_or_default();
    let decrypted = v
        .outer
        .as_ref()
        .map(|o| format!("decrypted ({}, {}), ", member(o, "alg"), member(o, "enc")))
        .unwrap_or_default();
    let mut out = format!(
        "{} {decrypted}signature and claims verified ({}{kid})\n",
        s.paint(Paint::Green, "VALID"),
        member(&v.header, "alg")
    );
    if let Some(outer) = &v.outer {
        out.push_str(&format!(
            "{}\n",
            s.paint(Paint::Bold, "Outer (JWE) header:")
        ));
        out.push_str(&output::pretty(&Value::Object(outer.clone())));
        out.push('\n');
    }
    out.push_str(&format!("{}\n", s.paint(Paint::Bold, "Header:")));
    out.push_str(&output::pretty(&Value::Object(v.header.clone())));
    out.push_str(&format!("\n{}\n", s.paint(Paint::Bold, "Claims:")));
    let claims = Value::Object(v.claims.clone());
    out.push_str(&output::pretty(&claims));
    out.push_str(&super::decode::times_block(&claims, s));
    output::println(&out)
}
