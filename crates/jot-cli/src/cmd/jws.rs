//! `jot jws sign` / `jot jws verify`: raw JWS over arbitrary bytes.

use jot::jws::{self, Header};
use serde_json::Value;

use super::json_pairs;
use crate::cli::{JwsSignArgs, JwsVerifyArgs};
use crate::error::{Failure, Result};
use crate::input;
use crate::keys;
use crate::output;

pub fn sign(a: JwsSignArgs) -> Result<u8> {
    let loaded = keys::from_args(&a.key)?;
    let key = keys::signing_key(&loaded, a.alg, a.kid.as_deref())?;
    let payload = match &a.payload {
        Some(p) => p.as_bytes().to_vec(),
        None => input::file_or_stdin(a.payload_file.as_deref(), "payload")?,
    };
    let mut header = Header::new(key.algorithm());
    header.kid = a.kid.clone();
    header.b64 = !a.unencoded;
    for (name, v) in json_pairs("--header", &a.headers)? {
        let text = || {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| Failure::usage(format!("--header {name}: must be a JSON string")))
        };
        match name.as_str() {
            "alg" | "b64" | "crit" => {
                return Err(Failure::usage(format!(
                    "--header {name}: set by jot (use --alg, --unencoded)"
                )))
            }
            "kid" => header.kid = Some(text()?),
            "typ" => header.typ = Some(text()?),
            "cty" => header.cty = Some(text()?),
            _ => {
                header.other.insert(name, v);
            }
        }
    }
    let failed = |e: jot::Error| {
        let f = Failure::config("cannot sign", &e);
        if a.unencoded && matches!(e, jot::Error::Malformed(_)) {
            f.hint(
                "an unencoded compact payload must be UTF-8 without '.': use --detached or --json",
            )
        } else {
            f
        }
    };
    let signer = jws::json::Signer {
        key: &key,
        protected: Some(header.clone()),
        unprotected: None,
    };
    let out = if a.json {
        jws::json::sign_general(&payload, &[signer], a.detached)
    } else if a.flattened {
        jws::json::sign_flattened(&payload, &signer, a.detached)
    } else if a.detached {
        jws::compact::sign_detached(&payload, &key, Some(&header))
    } else {
        jws::compact::sign_with_header(&payload, &key, Some(&header))
    }
    .map_err(failed)?;
    output::println(&out)?;
    Ok(0)
}

pub fn verify(a: JwsVerifyArgs) -> Result<u8> {
    let token = input::token(a.jws.as_deref())?;
    let loaded = keys::from_args(&a.key)?;
    let verifier = keys::verifier(&loaded, &a.alg)?;
    let detached = match &a.payload_file {
        Some(p) => Some(input::read_file(p)?),
        None => None,
    };
    let is_json = token.starts_with('{');
    if detached.is_none() && looks_detached(&token, is_json) {
        return Err(Failure::usage("this JWS has a detached payload")
            .hint("pass the payload with --payload-file F"));
    }
    let reject = |e: jot::Error| {
        let f = verifier.explain(Failure::rejected(&e), &e);
        match e {
            jot::Error::InvalidSignature => {
                f.hint("the JWS was not signed with this key, or was modified")
            }
            _ => f,
        }
    };
    let payload = match (is_json, detached) {
        (true, None) => {
            jws::json::verify(&token, &verifier)
                .map_err(reject)?
                .payload
        }
        (true, Some(p)) => {
            jws::json::verify_detached(&token, &p, &verifier).map_err(reject)?;
            p
        }
        (false, None) => {
            jws::compact::verify(&token, &verifier)
                .map_err(reject)?
                .payload
        }
        (false, Some(p)) => {
            jws::compact::verify_detached(&token, &p, &verifier).map_err(reject)?;
            p
        }
    };
    output::write_stdout(&payload)?;
    Ok(0)
}

fn looks_detached(token: &str, is_json: bool) -> bool {
    if is_json {
        serde_json::from_str::<serde_json::Map<String, Value>>(token)
            .is_ok_and(|m| !m.contains_key("payload"))
    } else {
        token.split('.').nth(1) == Some("") && token.split('.').count() == 3
    }
}
