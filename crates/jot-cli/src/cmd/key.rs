//! `jot key generate|public|thumbprint|convert`.

use std::io::IsTerminal;

use jot::jwk::{EcCurve, Jwk, JwkSet, KeyType, OkpCurve, ThumbprintHash};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{
    ConvertFormat, HashName, KeyConvertArgs, KeyFormat, KeyGenerateArgs, KeyPublicArgs,
    KeyThumbprintArgs, KeyUse, Kty,
};
use crate::error::{Failure, Result};
use crate::keys::{self, backend, Loaded};
use crate::output;

/// Wiped when dropped: the text may be a private key.
fn pretty_jwk(jwk: &Jwk) -> Zeroizing<String> {
    Zeroizing::new(output::pretty(&jwk.to_value()) + "\n")
}

/// Wiped when dropped: a set may hold private keys.
fn pretty_set(set: &JwkSet) -> Zeroizing<String> {
    Zeroizing::new(output::pretty(&set.to_value()) + "\n")
}

/// The text's bytes, still wiped when dropped.
fn bytes_of(text: Zeroizing<String>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(text.as_bytes().to_vec())
}

fn spec(a: &KeyGenerateArgs, kty: Kty) -> Result<backend::Spec> {
    let no_crv = |what: &str| -> Result<()> {
        match &a.crv {
            Some(_) => Err(Failure::usage(format!(
                "--crv does not apply to {what} keys"
            ))),
            None => Ok(()),
        }
    };
    let no_size = |what: &str| -> Result<()> {
        match a.size {
            Some(_) => Err(Failure::usage(format!(
                "--size does not apply to {what} keys (the curve decides)"
            ))),
            None => Ok(()),
        }
    };
    Ok(match kty {
        Kty::Oct => {
            no_crv("oct")?;
            let bits = a.size.unwrap_or(256);
            if bits % 8 != 0 {
                return Err(Failure::usage(
                    "--size for oct keys is in bits, a multiple of 8",
                ));
            }
            backend::Spec::Oct { bytes: bits / 8 }
        }
        Kty::Rsa => {
            no_crv("RSA")?;
            backend::Spec::Rsa {
                bits: a.size.unwrap_or(2048),
            }
        }
        Kty::Ec => {
            no_size("EC")?;
            let name = a.crv.as_deref().unwrap_or("P-256");
            backend::Spec::Ec(EcCurve::from_name(name).ok_or_else(|| {
                Failure::usage(format!("unknown EC curve {name:?}"))
                    .hint("one of P-256, P-384, P-521, secp256k1")
            })?)
        }
        Kty::Okp => {
            no_size("OKP")?;
            let name = a.crv.as_deref().unwrap_or("Ed25519");
            backend::Spec::Okp(OkpCurve::from_name(name).ok_or_else(|| {
                Failure::usage(format!("unknown OKP curve {name:?}"))
                    .hint("one of Ed25519, Ed448, X25519, X448")
            })?)
        }
    })
}

pub fn generate(a: KeyGenerateArgs) -> Result<u8> {
    let mut jwk = match (a.alg, a.kty) {
        (Some(alg), _) => {
            let k = backend::generate_for(alg)?;
            k.with_alg(alg.name())
        }
        (None, Some(kty)) => backend::generate(spec(&a, kty)?)?,
        (None, None) => return Err(Failure::usage("pass --alg or --kty")),
    };
    if a.public_out.is_some() && jwk.key_type() == KeyType::Oct {
        return Err(Failure::usage(
            "--public-out: a symmetric (oct) key has no public half",
        ));
    }
    if let Some(u) = a.key_use {
        jwk = jwk.with_use(match u {
            KeyUse::Sig => jot::jwk::KeyUse::Sig,
            KeyUse::Enc => jot::jwk::KeyUse::Enc,
        });
    }
    if let Some(k) = &a.kid {
        jwk = jwk.with_kid(k.clone());
    } else if a.kid_thumbprint {
        let t = jwk.thumbprint(ThumbprintHash::Sha256);
        jwk = jwk.with_kid(t);
    }
    let private = match a.format {
        KeyFormat::Jwk => pretty_jwk(&jwk),
        KeyFormat::Pem => backend::to_pem(&jwk)?,
    };
    match &a.out {
        Some(p) => output::write_file(p, private.as_bytes(), true)?,
        None => output::write_stdout(private.as_bytes())?,
    }
    if let Some(p) = &a.public_out {
        let public = jwk
            .to_public()
            .map_err(|e| Failure::config("no public half", &e))?;
        let text = match a.format {
            KeyFormat::Jwk => pretty_jwk(&public),
            KeyFormat::Pem => backend::to_pem(&public)?,
        };
        output::write_file(p, text.as_bytes(), false)?;
    }
    Ok(0)
}

pub fn public(a: KeyPublicArgs) -> Result<u8> {
    let text = match keys::load(&a.key)? {
        Loaded::Key(k) => {
            let p = k.to_public().map_err(|e| {
                Failure::config("no public half", &e)
                    .hint("symmetric (oct) keys are secret and have no public half")
            })?;
            match a.format {
                KeyFormat::Jwk => pretty_jwk(&p),
                KeyFormat::Pem => backend::to_pem(&p)?,
            }
        }
        Loaded::Set(s) => match a.format {
            KeyFormat::Jwk => pretty_set(&s.to_public()),
            KeyFormat::Pem => {
                return Err(Failure::usage("a JWK Set cannot be written as one PEM")
                    .hint("use --format jwk, or extract one key"))
            }
        },
    };
    output::write_stdout(text.as_bytes())?;
    Ok(0)
}

pub fn thumbprint(a: KeyThumbprintArgs) -> Result<u8> {
    let jwk = keys::load(&a.key)?.single(&a.key)?;
    let hash = match a.hash {
        HashName::Sha256 => ThumbprintHash::Sha256,
        HashName::Sha384 => ThumbprintHash::Sha384,
        HashName::Sha512 => ThumbprintHash::Sha512,
    };
    let tp = jwk.thumbprint(hash);
    let uri = jwk.thumbprint_uri(hash);
    if a.json {
        let doc = json!({"thumbprint": tp, "hash": hash.uri_name(), "uri": uri});
        output::println(&doc.to_string())?;
    } else {
        output::println(if a.uri { &uri } else { &tp })?;
    }
    Ok(0)
}

pub fn convert(a: KeyConvertArgs) -> Result<u8> {
    let loaded = keys::load(&a.key)?;
    let (bytes, private) = match (a.to, loaded) {
        (ConvertFormat::Jwk, Loaded::Set(s)) => {
            let private = s.keys.iter().any(Jwk::is_private);
            (bytes_of(pretty_set(&s)), private)
        }
        (to, loaded) => {
            let jwk = loaded.single(&a.key)?;
            let private = jwk.is_private();
            let bytes = match to {
                ConvertFormat::Jwk => bytes_of(pretty_jwk(&jwk)),
                ConvertFormat::Pem => bytes_of(backend::to_pem(&jwk)?),
                ConvertFormat::Der => backend::to_der(&jwk)?,
            };
            (bytes, private)
        }
    };
    match &a.out {
        Some(p) => output::write_file(p, &bytes, private)?,
        None => {
            if a.to == ConvertFormat::Der && std::io::stdout().is_terminal() {
                return Err(
                    Failure::usage("DER is binary; not writing it to a terminal")
                        .hint("use --out FILE or redirect stdout"),
                );
            }
            output::write_stdout(&bytes)?
        }
    }
    Ok(0)
}
