//! `jot jwe encrypt` / `jot jwe decrypt`: raw JWE over arbitrary bytes.

use jot::format::{detect, Format};
use jot::jwe::{self, ContentEncryption, EncryptOptions, KeyManagement, Recipient};
use serde_json::Value;

use super::json_pairs;
use crate::cli::{JweDecryptArgs, JweEncryptArgs};
use crate::error::{Failure, Result};
use crate::input;
use crate::keys::{self, jwe as jwe_keys};
use crate::output;

/// Header members jot computes; setting them by hand would produce a JWE
/// the recipient cannot decrypt, or one that lies about itself.
const COMPUTED: [&str; 9] = [
    "alg", "enc", "zip", "crit", "epk", "iv", "tag", "p2s", "p2c",
];

pub fn encrypt(a: JweEncryptArgs) -> Result<u8> {
    let loaded = keys::from_args(&a.key.as_key_args())?;
    let mut key = jwe_keys::encryption_key(&loaded, a.alg, a.kid.as_deref())?;
    if let Some(kid) = &a.kid {
        key = key.with_kid(kid.clone());
    }
    let enc = match (a.enc, key.algorithm()) {
        (Some(e), _) => e,
        (None, KeyManagement::Dir) => jwe_keys::dir_enc(&loaded).ok_or_else(|| {
            Failure::usage("no --enc given, and no content encryption has this key's length")
                .hint("dir keys are 16, 24, 32, 48 or 64 bytes; pass --enc")
        })?,
        (None, _) => ContentEncryption::A256Gcm,
    };
    let plaintext = match &a.plaintext {
        Some(p) => p.as_bytes().to_vec(),
        None => input::file_or_stdin(a.plaintext_file.as_deref(), "plaintext")?,
    };
    let mut opts = EncryptOptions::new(enc);
    opts.zip = a.zip;
    for (name, v) in json_pairs("--header", &a.headers)? {
        if COMPUTED.contains(&name.as_str()) {
            return Err(Failure::usage(format!(
                "--header {name}: set by jot (use --alg, --enc, --zip)"
            )));
        }
        if matches!(name.as_str(), "kid" | "typ" | "cty") && !v.is_string() {
            return Err(Failure::usage(format!(
                "--header {name}: must be a JSON string"
            )));
        }
        opts.protected.insert(name, v);
    }
    if let Some(cty) = &a.cty {
        opts.protected
            .insert("cty".into(), Value::String(cty.clone()));
    }
    let is_jwt = opts
        .protected
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    let plaintext = if is_jwt {
        // A nested JWT holds a compact JWT, which has no whitespace; the
        // newline `jot sign` prints would make it unreadable elsewhere.
        let text = String::from_utf8(plaintext).map_err(|_| {
            Failure::usage("--cty JWT: the plaintext is not a JWT (not UTF-8 text)")
        })?;
        input::clean_token(&text).as_bytes().to_vec()
    } else {
        plaintext
    };
    let recipient = Recipient::new(&key);
    let out = if a.json {
        jwe::json::encrypt_general(&plaintext, &[recipient], &opts)
    } else if a.flattened {
        jwe::json::encrypt_flattened(&plaintext, &recipient, &opts)
    } else {
        jwe::compact::encrypt(&plaintext, &key, &opts)
    }
    .map_err(|e| {
        let f = Failure::config("cannot encrypt", &e);
        if key.algorithm() == KeyManagement::Dir && a.enc.is_some() {
            f.hint("a dir key is the content key itself: its length must fit --enc (A128GCM 16 bytes, A192GCM 24, A256GCM and A128CBC-HS256 32, A192CBC-HS384 48, A256CBC-HS512 64)")
        } else {
            f
        }
    })?;
    output::println(&out)?;
    Ok(0)
}

pub fn decrypt(a: JweDecryptArgs) -> Result<u8> {
    let token = input::token(a.jwe.as_deref())?;
    let loaded = keys::from_args(&a.key.as_key_args())?;
    let decrypter = jwe_keys::decrypter(&loaded, &a.alg)?;
    let opts = jwe_keys::options(&a.alg, &a.enc);
    let decrypted = match detect(&token, opts.limits_in_force()) {
        Ok(Format::JsonJwe) => jwe::json::decrypt(&token, &decrypter, &opts),
        Ok(Format::CompactJwe) => jwe::compact::decrypt(&token, &decrypter, &opts),
        Ok(Format::CompactJws | Format::JsonJws) => Err(jot::Error::NotJwe),
        Err(e) => Err(e),
    }
    .map_err(|e| decrypter.explain(&e, &opts, "--alg"))?;
    output::write_stdout(&decrypted.plaintext)?;
    Ok(0)
}
