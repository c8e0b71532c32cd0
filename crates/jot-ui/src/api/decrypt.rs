//! JWE decryption with a key or password. `RSA1_5` and PBES2 are refused
//! unless the request names them (`allow`), as `jot jwe decrypt --alg` does.

use axum::Json;
use jot::decode::{decode_unverified, Unverified};
use jot::format::Serialization;
use jot::jwe::{self, DecryptOptions, DecryptionKey, KeyManagement, UnverifiedJwe};
use jot::limits::Limits;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{blocking, ApiError};
use crate::inspect;
use crate::keys::{Form, KeyInput};

#[derive(Deserialize)]
pub struct DecryptRequest {
    key: KeyInput,
    /// Algorithms that are off by default and the user accepts.
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Deserialize)]
pub struct DecryptTokenRequest {
    token: String,
    #[serde(flatten)]
    with: DecryptRequest,
}

/// A decrypted JWE.
pub struct Opened {
    pub header: Map<String, Value>,
    /// The plaintext: text, or base64url when it is not UTF-8.
    pub text: String,
    pub utf8: bool,
    /// `cty: JWT` and a compact token inside: a nested JWT.
    pub nested: bool,
    /// Which recipient the key opened, of how many (JSON serializations
    /// may have several).
    pub recipient: usize,
    pub recipients: usize,
}

pub async fn decrypt(Json(r): Json<DecryptTokenRequest>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let token = inspect::inspect(&r.token).token;
        let o = open(&token, &r.with)?;
        let plaintext = match serde_json::from_str::<Value>(&o.text) {
            Ok(v @ Value::Object(_)) if o.utf8 => v,
            _ => Value::String(o.text.clone()),
        };
        Ok(Json(json!({
            "header": o.header,
            "plaintext": plaintext,
            "encoding": if o.utf8 { "text" } else { "base64url" },
            "nested": o.nested,
            "recipient": o.recipient,
            "recipients": o.recipients,
        })))
    })
    .await
}

/// Decrypts a compact, flattened or general JWE with the request's key.
///
/// The key is prepared for every algorithm the JWE's recipients name that
/// the options accept and the key fits; the library then opens the first
/// recipient it can (a general JWE's other recipients are someone else's).
pub fn open(token: &str, d: &DecryptRequest) -> Result<Opened, ApiError> {
    let limits = Limits::default();
    let jwe = match decode_unverified(token, &limits)? {
        Unverified::Jwe(j) => j,
        Unverified::Jws(_) => return Err(jot::Error::NotJwe.into()),
    };
    let mut opts = DecryptOptions::new();
    for a in &d.allow {
        opts = opts.allow(KeyManagement::from_name(a)?);
    }
    let names = recipient_algorithms(&jwe);
    let mut keys = Vec::new();
    let mut refused = None;
    let mut first_err = None;
    for name in &names {
        let alg = match KeyManagement::from_name(name) {
            Ok(a) => a,
            Err(e) => {
                first_err.get_or_insert(ApiError::from(e));
                continue;
            }
        };
        if !opts.accepted_algorithms().contains(&alg) {
            refused.get_or_insert(name.as_str());
            continue;
        }
        match key_for(&d.key, alg) {
            Ok(k) => keys.push(k),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if keys.is_empty() {
        return Err(match (refused, first_err) {
            (Some(name), _) => ApiError::from(jot::Error::AlgorithmNotAllowed(name.into()))
                .with_message(format!(
                    "{name} is off by default; tick \"allow {name}\" to decrypt it"
                )),
            (None, Some(e)) => e,
            (None, None) => ApiError::input("the JWE names no \"alg\""),
        });
    }
    let out = if jwe.serialization == Serialization::Compact {
        jwe::compact::decrypt(token, &keys.as_slice(), &opts)?
    } else {
        jwe::json::decrypt(token, &keys.as_slice(), &opts)?
    };
    let nested = out
        .header
        .cty()
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    let (text, utf8) = match String::from_utf8(out.plaintext) {
        Ok(t) => (t, true),
        Err(e) => (jot::encoding::b64::encode(e.as_bytes()), false),
    };
    Ok(Opened {
        header: out.header.members,
        nested: nested && utf8 && text.trim().split('.').count() == 3,
        text: if nested { text.trim().to_owned() } else { text },
        utf8,
        recipient: out.recipient_index,
        recipients: jwe.recipients.len(),
    })
}

/// The distinct `alg` values of the JWE's recipients, in order: each
/// recipient's own header, else the shared unprotected one, else the
/// protected one (RFC 7516 §7.2.1: the three are disjoint).
fn recipient_algorithms(jwe: &UnverifiedJwe) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for r in &jwe.recipients {
        let alg = [
            r.header.as_ref(),
            jwe.unprotected.as_ref(),
            Some(&jwe.protected),
        ]
        .into_iter()
        .flatten()
        .find_map(|h| h.get("alg").and_then(Value::as_str));
        if let Some(a) = alg {
            if !names.iter().any(|n| n == a) {
                names.push(a.to_owned());
            }
        }
    }
    names
}

/// The request's key prepared for `alg`: a JWK or PEM, a secret, or a
/// PBES2 password.
fn key_for(k: &KeyInput, alg: KeyManagement) -> Result<DecryptionKey, ApiError> {
    Ok(match k.form {
        Form::Key => DecryptionKey::from_jwk(&k.load_one()?, alg)?,
        Form::Secret | Form::SecretB64 => {
            let secret = k.secret()?.unwrap_or_default();
            if matches!(alg, KeyManagement::Pbes2(_)) {
                DecryptionKey::password(&secret, alg)?
            } else {
                DecryptionKey::secret(&secret, alg)?
            }
        }
    })
}
