//! Key inputs: `--key K` (a path or `env:NAME`, holding a JWK Set, a JWK,
//! PEM or DER, detected from the content) and `--secret*` for HMAC
//! secrets; and preparing them for signing or verifying.
//!
//! Everything that needs PEM/DER import, export or key generation goes
//! through [`backend`], so that the library API for those lives in one
//! place.

use std::borrow::Cow;
use std::path::Path;

use jot::jwk::{Jwk, JwkSet};
use jot::jwks::LocalKeySet;
use jot::jws::Header;
use jot::jws::KeyResolver;
use jot::key::{algorithms_for, SigningKey, VerifyingKey};
use jot::Algorithm;
use zeroize::Zeroizing;

use crate::cli::KeyArgs;
use crate::error::{Failure, Result};
use crate::input;

pub mod jwe;

/// A key or a set of keys, as loaded.
// One value per command run: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Loaded {
    /// One key (JWK, PEM, DER or a secret).
    Key(Jwk),
    /// A JWK Set.
    Set(JwkSet),
}

impl Loaded {
    /// The single key, or a usage error for a set of several keys.
    pub fn single(self, source: &str) -> Result<Jwk> {
        match self {
            Loaded::Key(k) => Ok(k),
            Loaded::Set(mut s) if s.keys.len() == 1 => Ok(s.keys.remove(0)),
            Loaded::Set(s) => Err(Failure::usage(format!(
                "{source} is a JWK Set of {} keys; this command needs one key",
                s.keys.len()
            ))
            .hint("extract the key you mean into its own file")),
        }
    }
}

/// The library calls for PEM/DER import and export and key generation, in
/// one place, with their errors as configuration errors (exit 2).
pub mod backend {
    use super::*;
    pub use jot::key::KeySpec as Spec;

    fn config<T>(what: &str, r: jot::Result<T>) -> std::result::Result<T, Failure> {
        r.map_err(|e| Failure::config(what, &e))
    }

    /// PKCS#1, PKCS#8, SEC1, SPKI or an X.509 certificate, as PEM.
    pub fn from_pem(pem: &str) -> std::result::Result<Jwk, Failure> {
        config("invalid PEM key", jot::key::import::from_pem(pem)).map_err(|f| {
            if pem.contains("ENCRYPTED") {
                f.message("the PEM key is encrypted").hint(
                    "jot never prompts for a password: decrypt the key first (e.g. openssl pkcs8)",
                )
            } else {
                f
            }
        })
    }

    /// The same forms as DER.
    pub fn from_der(der: &[u8]) -> std::result::Result<Jwk, Failure> {
        config(
            "invalid key (not a JWK, JWK Set, PEM or DER)",
            jot::key::import::from_der(der),
        )
    }

    /// PKCS#8 for private keys, SPKI for public keys.
    pub fn to_pem(jwk: &Jwk) -> std::result::Result<Zeroizing<String>, Failure> {
        config("cannot write the key as PEM", jwk.to_pem())
    }

    /// PKCS#8 for private keys, SPKI for public keys.
    pub fn to_der(jwk: &Jwk) -> std::result::Result<Zeroizing<Vec<u8>>, Failure> {
        config("cannot write the key as DER", jwk.to_der())
    }

    pub fn generate(spec: Spec) -> std::result::Result<Jwk, Failure> {
        config("cannot generate the key", jot::key::generate(spec))
    }

    pub fn generate_for(alg: Algorithm) -> std::result::Result<Jwk, Failure> {
        config("cannot generate the key", jot::key::generate_for(alg))
    }
}

/// Whether `K` is a JWK Set URL (only `jot verify` fetches keys).
pub fn is_url(spec: &str) -> bool {
    let lower = spec.get(..8).unwrap_or(spec).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Loads `K`: a path, or `env:NAME`.
pub fn load(spec: &str) -> Result<Loaded> {
    if is_url(spec) {
        return Err(Failure::usage(format!(
            "{spec} is a URL; only `jot verify --key` fetches keys"
        ))
        .hint("download the key (or JWK Set) to a file and pass its path"));
    }
    if let Some(name) = spec.strip_prefix("env:") {
        let value = std::env::var_os(name).ok_or_else(|| {
            Failure::usage(format!("environment variable {name} is not set")).hint(format!(
                "export {name} with the key's content, or pass a file path"
            ))
        })?;
        let bytes = Zeroizing::new(value.into_encoded_bytes());
        return parse(&bytes, &format!("environment variable {name}"));
    }
    let path = Path::new(spec);
    let bytes =
        Zeroizing::new(input::read_file(path).map_err(|f| {
            f.hint("--key takes a file path (JWK, JWK Set, PEM or DER) or env:NAME")
        })?);
    parse(&bytes, &path.display().to_string())
}

/// Detects the format from the content: a JWK Set (`{"keys":...}`), a JWK
/// (`{`), PEM (`-----BEGIN`), else DER.
pub fn parse(bytes: &[u8], source: &str) -> Result<Loaded> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim_start);
    let bad = |e: &jot::Error| Failure::config(format!("invalid key in {source}"), e);
    match text {
        Some(t) if t.starts_with('{') => {
            // A shallow look for a top-level "keys" member decides the
            // kind; the library's strict parser then does the real work.
            let is_set = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t)
                .map(|m| m.contains_key("keys"))
                .unwrap_or(false);
            if is_set {
                JwkSet::from_json(t.as_bytes(), &Default::default())
                    .map(Loaded::Set)
                    .map_err(|e| bad(&e))
            } else {
                Jwk::from_json(t.as_bytes(), &Default::default())
                    .map(Loaded::Key)
                    .map_err(|e| bad(&e))
            }
        }
        Some(t) if t.starts_with("-----BEGIN") => backend::from_pem(t)
            .map(Loaded::Key)
            .map_err(|f| prefix(f, source)),
        _ => backend::from_der(bytes)
            .map(Loaded::Key)
            .map_err(|f| prefix(f, source)),
    }
}

fn prefix(f: Failure, source: &str) -> Failure {
    let msg = format!("{source}: {}", f.message);
    f.message(msg)
}

/// Loads the key or secret named by `--key`/`--secret*`.
pub fn from_args(args: &KeyArgs) -> Result<Loaded> {
    let secret: Zeroizing<Vec<u8>> = if let Some(k) = &args.key {
        return load(k);
    } else if let Some(s) = &args.secret {
        Zeroizing::new(s.as_bytes().to_vec())
    } else if let Some(b) = &args.secret_b64 {
        // Padding is tolerated: many tools add it.
        jot::encoding::b64::decode(b.trim().trim_end_matches('='), jot::error::Part::Key)
            .map(Zeroizing::new)
            .map_err(|_| {
                Failure::usage("--secret-b64 is not valid base64url")
                    .hint("use the URL-safe alphabet (- and _), or --secret-file for raw bytes")
            })?
    } else if let Some(p) = &args.secret_file {
        let bytes = Zeroizing::new(input::read_file(p)?);
        if bytes.ends_with(b"\n") {
            eprintln!(
                "jot: note: {} ends with a newline, which is part of the secret",
                p.display()
            );
        }
        bytes
    } else {
        return Err(Failure::usage(
            "a key is needed: --key, --secret, --secret-b64 or --secret-file",
        ));
    };
    Jwk::from_secret(&secret)
        .map(Loaded::Key)
        .map_err(|e| Failure::config("invalid secret", &e))
}

fn names(algs: &[Algorithm]) -> String {
    algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

/// The algorithm the key declares in its `alg` member, if any.
fn declared_alg(jwk: &Jwk) -> Result<Option<Algorithm>> {
    match &jwk.alg {
        None => Ok(None),
        Some(a) => Algorithm::from_name(a).map(Some).ok_or_else(|| {
            Failure::usage(format!(
                "the key's alg {a:?} is not a JWS algorithm jot can use"
            ))
        }),
    }
}

/// Prepares a signing key. With a set, the library picks the only private
/// key that fits `alg` (and `kid`, if given); a single key is the key the
/// user named, whatever `kid` the token is to carry.
pub fn signing_key(
    loaded: &Loaded,
    alg: Option<Algorithm>,
    kid: Option<&str>,
) -> Result<SigningKey> {
    let (set, kid) = match loaded {
        Loaded::Key(k) => {
            if !k.is_private() {
                return Err(Failure::usage(
                    "the key is a public key; signing needs the private key",
                ));
            }
            if alg.is_none() {
                declared_alg(k)?.ok_or_else(|| {
                    Failure::usage("no --alg given and the key has no \"alg\" member").hint(
                        format!(
                            "pass --alg; this key can sign with: {}",
                            names(&algorithms_for(k))
                        ),
                    )
                })?;
            }
            (Cow::Owned(JwkSet::new(vec![k.clone()])), None)
        }
        Loaded::Set(set) => {
            if !set.keys.iter().any(Jwk::is_private) {
                return Err(Failure::usage(
                    "the JWK Set holds only public keys; signing needs a private key",
                ));
            }
            (Cow::Borrowed(set), kid)
        }
    };
    jot::jwks::select::signing_key(&set, alg, kid).map_err(|e| {
        let what = alg.map(|a| format!(" as {a}")).unwrap_or_default();
        let f = Failure::config(format!("cannot sign with this key{what}"), &e);
        match (&e, loaded) {
            (jot::Error::NoMatchingKey { .. } | jot::Error::AmbiguousKey(..), Loaded::Set(set)) => {
                let n = match e {
                    jot::Error::AmbiguousKey(n, _) => n,
                    _ => 0,
                };
                f.message(format!(
                    "{n} private keys in the JWK Set fit{}{} (kids: {})",
                    alg.map(|a| format!(" alg {a}")).unwrap_or_default(),
                    kid.map(|k| format!(" kid {k:?}")).unwrap_or_default(),
                    kids_of(set)
                ))
                .hint("choose one with --kid and --alg, or pass a single JWK")
            }
            (jot::Error::WeakKey(_), _) => f.hint(format!(
                "use a stronger key, e.g. one from `jot key generate --alg {}`",
                alg.map_or("…", |a| a.name())
            )),
            (jot::Error::InvalidKey(jot::error::InvalidKey::NoAlgorithm), _) => {
                f.hint("pass --alg")
            }
            (_, Loaded::Key(jwk)) => match algorithms_for(jwk).as_slice() {
                [] => f,
                algs => f.hint(format!("this key can sign with: {}", names(algs))),
            },
            _ => f,
        }
    })
}

/// Keys prepared for verification, with how to pick one for a token.
pub enum Verifier {
    /// One key, prepared for each allowed algorithm. The token's `kid` is
    /// not consulted: the user named the key.
    One(Vec<VerifyingKey>),
    /// A JWK Set: chosen by `kid` and algorithm.
    Set {
        keys: LocalKeySet,
        /// Every `kid` of the set, for messages.
        kids: String,
    },
}

/// What the user relaxed, on the verify commands only: each is a flag that
/// names what it lets through, and each prints a warning when it mattered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Relaxed {
    /// `--allow-short-secret`: HMAC secrets shorter than the hash.
    pub short_secret: bool,
    /// `--allow-mixed-key-set`: a JWK Set with HMAC secrets and public keys.
    pub mixed_key_set: bool,
}

/// Prepares `loaded` for verifying. `algs` is the user's allowlist, a set:
/// a single key is prepared for those of them it can serve (an error only
/// when it serves none); empty means the key's own `alg`, else every
/// algorithm of its type. `relaxed` says which of the library's refusals
/// the user lifted.
pub fn verifier(loaded: &Loaded, algs: &[Algorithm], relaxed: Relaxed) -> Result<Verifier> {
    let allow_short = relaxed.short_secret;
    match loaded {
        Loaded::Set(set) => {
            let allowed: &[Algorithm] = if algs.is_empty() {
                Algorithm::ALL
            } else {
                algs
            };
            let prepared = if relaxed.mixed_key_set {
                LocalKeySet::from_jwks_mixed(set, allowed)
            } else {
                LocalKeySet::from_jwks(set, allowed)
            };
            let keys = prepared.map_err(|e| {
                let f = Failure::config("the JWK Set cannot be used for verification", &e);
                match e {
                    jot::Error::MixedKeySet => f.hint(
                        "split the HMAC secrets and the public keys into two sets, limit \
                         --alg to one kind, or (if no one else can read the set's secrets) \
                         add --allow-mixed-key-set",
                    ),
                    jot::Error::DuplicateKid(_) => {
                        f.hint("give each key its own kid, or remove the duplicate")
                    }
                    _ => f,
                }
            })?;
            if keys.is_empty() {
                return Err(Failure::usage(format!(
                    "no key in the JWK Set can verify {} (kids: {})",
                    names(allowed),
                    kids_of(set)
                )));
            }
            let families = |hmac: bool| {
                keys.keys()
                    .iter()
                    .any(|k| k.algorithm().is_symmetric() == hmac)
            };
            if families(true) && families(false) {
                eprintln!(
                    "jot: warning: the JWK Set holds both HMAC secrets and public keys; \
                     accepted only because of --allow-mixed-key-set"
                );
            }
            Ok(Verifier::Set {
                keys,
                kids: kids_of(set),
            })
        }
        Loaded::Key(jwk) => {
            let explicit = !algs.is_empty();
            let candidates: Vec<Algorithm> = if explicit {
                algs.to_vec()
            } else if let Some(a) = declared_alg(jwk)? {
                vec![a]
            } else {
                algorithms_for(jwk)
            };
            if candidates.is_empty() {
                return Err(Failure::usage(format!(
                    "this {} key cannot verify any JWS algorithm",
                    jwk.key_type()
                ))
                .hint("check the key's \"use\" and \"alg\" members"));
            }
            let mut keys = Vec::new();
            let mut first_err = None;
            for a in candidates {
                let prepared = if allow_short {
                    VerifyingKey::from_jwk_allow_short_hmac(jwk, a)
                } else {
                    VerifyingKey::from_jwk(jwk, a)
                };
                // The named (or default) algorithms are a set: the ones the
                // key cannot serve (ES256 with an RSA key, HS512 with a
                // 32-byte secret) are left out.
                match prepared {
                    Ok(k) => keys.push(k),
                    Err(e) => {
                        first_err.get_or_insert((a, e));
                    }
                }
            }
            let Some(first) = keys.first() else {
                let (a, e) = first_err.expect("at least one candidate");
                let f = Failure::config(format!("cannot verify {a} with this key"), &e);
                return Err(match (explicit, &e) {
                    (true, _) if algs.len() > 1 => f.message(format!(
                        "this key can verify none of {}: {e}",
                        names(algs)
                    )),
                    (_, jot::Error::WeakKey(jot::error::WeakKey::ShortSecret { .. })) => f.hint(
                        "to verify a legacy token made with a short secret, add --allow-short-secret",
                    ),
                    _ => f,
                });
            };
            if let (Some(min), jot::jwk::KeyParams::Oct { k }) = (
                first
                    .algorithm()
                    .is_symmetric()
                    .then(|| jot::key::min_hmac_key_len(first.algorithm())),
                &jwk.params,
            ) {
                if k.len() < min {
                    eprintln!(
                        "jot: warning: the HMAC secret is {} bytes, shorter than the {min} RFC 7518 §3.2 requires; \
                         accepted only because of --allow-short-secret",
                        k.len()
                    );
                }
            }
            Ok(Verifier::One(keys))
        }
    }
}

impl Verifier {
    /// The algorithms this verifier accepts.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let keys = match self {
            Verifier::One(k) => k.as_slice(),
            Verifier::Set { keys, .. } => keys.keys(),
        };
        let mut v: Vec<Algorithm> = keys.iter().map(VerifyingKey::algorithm).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The set's kids (for messages), if this is a set.
    pub fn kids(&self) -> Option<&str> {
        match self {
            Verifier::One(_) => None,
            Verifier::Set { kids, .. } => Some(kids),
        }
    }

    /// Explains a key-selection failure with what the user can do.
    pub fn explain(&self, f: Failure, e: &jot::Error) -> Failure {
        match (e, self.kids()) {
            (jot::Error::NoMatchingKey { kid, alg }, Some(kids)) => f
                .message(format!(
                    "no key in the JWK Set matches the token (kid {}, alg {alg}); kids in the set: {kids}",
                    kid.as_deref().map(|k| format!("{k:?}")).unwrap_or_else(|| "none".into()),
                ))
                .hint("use the JWK Set of the token's issuer, or check --alg"),
            (jot::Error::AmbiguousKey(n, kid), Some(kids)) => f
                .message(format!(
                    "{n} keys in the JWK Set match the token (kid {}); kids in the set: {kids}",
                    kid.as_deref().map(|k| format!("{k:?}")).unwrap_or_else(|| "none".into()),
                ))
                .hint("jot never tries several keys: give each key a distinct kid, or narrow with --alg"),
            (jot::Error::AlgorithmNotAllowed(alg), _) => f
                .message(format!(
                    "the token is signed with {alg}, which is not allowed here (allowed: {})",
                    names(&self.algorithms())
                ))
                .hint("if the token's algorithm is the one you expect, pass --alg with it"),
            _ => f,
        }
    }
}

impl KeyResolver for Verifier {
    fn resolve(&self, header: &Header) -> jot::Result<Cow<'_, VerifyingKey>> {
        match self {
            Verifier::Set { keys, .. } => keys.resolve(header),
            Verifier::One(keys) => keys
                .iter()
                .find(|k| k.algorithm() == header.alg)
                .map(Cow::Borrowed)
                .ok_or_else(|| jot::Error::AlgorithmNotAllowed(header.alg.name().into())),
        }
    }
}

/// The kids of a set, for messages.
pub fn kids_of(set: &JwkSet) -> String {
    let mut kids: Vec<String> = set
        .keys
        .iter()
        .filter_map(|k| k.kid.as_deref().map(|s| format!("{s:?}")))
        .collect();
    kids.dedup();
    let without = set.keys.iter().filter(|k| k.kid.is_none()).count();
    if without > 0 {
        kids.push(format!("{without} key(s) without kid"));
    }
    if kids.is_empty() {
        "none (the set is empty)".into()
    } else {
        kids.join(", ")
    }
}
