//! `jot jwks build`: a JWK Set of public keys.

use jot::jwk::{Jwk, JwkSet, KeyType, ThumbprintHash};

use crate::cli::JwksBuildArgs;
use crate::error::{Failure, Result};
use crate::keys::{self, Loaded};
use crate::output;

pub fn build(a: JwksBuildArgs) -> Result<u8> {
    let mut out: Vec<Jwk> = Vec::new();
    for spec in &a.keys {
        let found = match keys::load(spec)? {
            Loaded::Key(k) => vec![k],
            Loaded::Set(s) => s.keys,
        };
        for k in found {
            if k.key_type() == KeyType::Oct {
                return Err(Failure::usage(format!(
                    "{spec} holds a symmetric (oct) key; secrets are never published in a JWK Set"
                )));
            }
            let mut public = k
                .to_public()
                .map_err(|e| Failure::config(format!("{spec}: no public half"), &e))?;
            if public.kid.is_none() {
                // RFC 7638 §1: the thumbprint is a natural kid.
                public.kid = Some(public.thumbprint(ThumbprintHash::Sha256));
            }
            if out.iter().any(|o| o.kid == public.kid) {
                if out.iter().any(|o| o == &public) {
                    continue;
                }
                eprintln!(
                    "jot: warning: kid {:?} appears more than once; verifiers will find the choice ambiguous",
                    public.kid.as_deref().unwrap_or_default()
                );
            }
            out.push(public);
        }
    }
    let set = JwkSet::new(out);
    let json: serde_json::Value = serde_json::from_str(&set.to_json()).unwrap_or_default();
    let text = output::pretty(&json) + "\n";
    match &a.out {
        Some(p) => output::write_file(p, text.as_bytes(), false)?,
        None => output::write_stdout(text.as_bytes())?,
    }
    Ok(0)
}
