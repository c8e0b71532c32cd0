//! JWE decryption with a key or password. `RSA1_5` and PBES2 are refused
//! unless the request names them (`allow`), as `jot jwe decrypt --alg` does.

use axum::Json;
use jot::jwe::{self, DecryptOptions, DecryptionKey, KeyManagement};
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
        })))
    })
    .await
}

/// Decrypts a compact JWE with the request's key.
pub fn open(token: &str, d: &DecryptRequest) -> Result<Opened, ApiError> {
    let header = jwe::compact::decode_header(token, &Default::default())?;
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let alg = KeyManagement::from_name(alg_name)?;
    let mut opts = DecryptOptions::new();
    for a in &d.allow {
        opts = opts.allow(KeyManagement::from_name(a)?);
    }
    if !opts.algorithms.contains(&alg) {
        return Err(
            ApiError::from(jot::Error::AlgorithmNotAllowed(alg_name.into())).with_message(format!(
                "{alg_name} is off by default; tick \"allow {alg_name}\" to decrypt it"
            )),
        );
    }
    let key = match d.key.form {
        Form::Key => DecryptionKey::from_jwk(&d.key.load_one()?, alg)?,
        Form::Secret | Form::SecretB64 => {
            let secret = d.key.secret()?.unwrap_or_default();
            if matches!(alg, KeyManagement::Pbes2(_)) {
                DecryptionKey::password(&secret, alg)?
            } else {
                DecryptionKey::secret(&secret, alg)?
            }
        }
    };
    let out = jwe::compact::decrypt(token, &key, &opts)?;
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
    })
}
