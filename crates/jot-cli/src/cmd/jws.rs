//! `jot jws sign` / `jot jws verify`: raw JWS over arbitrary bytes.

use jot::format::{detect, Format, Serialization};
use jot::jws::{self, Header};
use jot::limits::Limits;

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
        if matches!(
            e,
            jot::Error::Malformed(
                jot::error::Malformed::UnencodedNotUtf8 | jot::error::Malformed::UnencodedDot
            )
        ) {
            f.hint(
                "an unencoded payload inside the token must be UTF-8 (compact: without '.'); \
                 with --detached it may be any bytes",
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
    let verifier = keys::verifier(
        &loaded,
        &a.alg,
        keys::Relaxed {
            short_secret: a.allow_short_secret,
            mixed_key_set: a.allow_mixed_key_set,
        },
    )?;
    let detached = match &a.payload_file {
        Some(p) => Some(input::read_file(p)?),
        None => None,
    };
    let limits = Limits::default();
    let without_payload_file = detached.is_none();
    let reject = |e: jot::Error| {
        let f = verifier.explain(Failure::rejected(&e), &e);
        match e {
            jot::Error::InvalidSignature
                if without_payload_file && empty_compact_payload(&token, &limits) =>
            {
                f.hint("verified as the empty payload; if the payload is detached, pass it with --payload-file F")
            }
            jot::Error::InvalidSignature => {
                f.hint("the JWS was not signed with this key, or was modified")
            }
            _ => f,
        }
    };
    let is_json = match detect(&token, &limits).map_err(reject)? {
        Format::CompactJws => false,
        Format::JsonJws => true,
        Format::CompactJwe | Format::JsonJwe => return Err(reject(jot::Error::NotJws)),
    };
    if detached.is_none() && is_detached(&token, &limits) {
        return Err(Failure::usage("this JWS has a detached payload")
            .hint("pass the payload with --payload-file F"));
    }
    let payload = match (is_json, detached) {
        (true, None) => {
            jws::json::verify(&token, &verifier, &Default::default())
                .map_err(reject)?
                .payload
        }
        (true, Some(p)) => {
            jws::json::verify_detached(&token, &p, &verifier, &Default::default())
                .map_err(reject)?;
            p
        }
        (false, None) => {
            jws::compact::verify(&token, &verifier, &Default::default())
                .map_err(reject)?
                .payload
        }
        (false, Some(p)) => {
            jws::compact::verify_detached(&token, &p, &verifier, &Default::default())
                .map_err(reject)?;
            p
        }
    };
    output::write_stdout(&payload)?;
    Ok(0)
}

/// Whether the JWS carries no payload, as the library reads it: a JSON
/// serialization without `payload` (a token the library cannot read is
/// left to verification to reject). A compact JWS always carries one.
fn is_detached(token: &str, limits: &Limits) -> bool {
    jws::decode_unverified(token, limits).is_ok_and(|u| u.payload.is_none())
}

/// Whether a compact JWS has an empty payload segment: the empty payload
/// (RFC 7515 §7.1), which is how it is verified without --payload-file, or
/// a detached one, which only the user can tell.
fn empty_compact_payload(token: &str, limits: &Limits) -> bool {
    jws::decode_unverified(token, limits).is_ok_and(|u| {
        u.serialization == Serialization::Compact && u.payload.is_some_and(|p| p.is_empty())
    })
}
