//! JWE keys: a loaded key (or JWK Set) prepared to encrypt to or to decrypt
//! with, and decryption failures explained in terms of what to do.
//!
//! `RSA1_5` and PBES2 are off by default on decryption (the library's
//! [`DecryptOptions`] default); naming them with `--alg` is how a user
//! accepts them, so that a legacy or password-protected token is always a
//! deliberate choice.

use std::borrow::Cow;

use jot::Error as E;

use jot::jwe::{
    ContentEncryption, DecryptOptions, DecryptionKey, DecryptionKeyResolver, EncryptionKey,
    JweHeader, KeyManagement,
};
use jot::jwk::{Jwk, JwkSet, KeyParams};
use jot::jwks::{select, DecryptionKeySet};

use super::{kids_of, Loaded};
use crate::error::{Failure, Result};

fn names(algs: &[KeyManagement]) -> String {
    algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

/// The JWE algorithm a key declares in `alg`: a key management algorithm,
/// or `dir` when it names a content encryption (a `dir` key is the CEK
/// itself; RFC 7520 §5.6 gives `"alg": "A128GCM"`).
fn declared(jwk: &Jwk) -> Result<Option<KeyManagement>> {
    let Some(a) = &jwk.alg else { return Ok(None) };
    if let Ok(km) = KeyManagement::from_name(a) {
        Ok(Some(km))
    } else if ContentEncryption::from_name(a).is_ok() {
        Ok(Some(KeyManagement::Dir))
    } else {
        Err(
            Failure::usage(format!("the key's alg {a:?} is not a JWE algorithm"))
                .hint("a signing key cannot encrypt: use a key generated with --use enc"),
        )
    }
}

/// The content encryption a `dir` key is for: its `alg` when that names
/// one, else the one whose key length is the key's (GCM preferred).
pub fn dir_enc(loaded: &Loaded) -> Option<ContentEncryption> {
    let Loaded::Key(jwk) = loaded else {
        return None;
    };
    if let Some(enc) = jwk
        .alg
        .as_deref()
        .and_then(|a| ContentEncryption::from_name(a).ok())
    {
        return Some(enc);
    }
    let KeyParams::Oct { k } = &jwk.params else {
        return None;
    };
    let fits = |e: &ContentEncryption| e.key_len() == k.len();
    let gcm = [
        ContentEncryption::A128Gcm,
        ContentEncryption::A192Gcm,
        ContentEncryption::A256Gcm,
    ];
    gcm.into_iter()
        .find(fits)
        .or_else(|| ContentEncryption::ALL.iter().copied().find(fits))
}

/// Every JWE algorithm this key can encrypt to.
fn encrypts_with(jwk: &Jwk) -> Vec<KeyManagement> {
    let one = JwkSet::new(vec![jwk.clone()]);
    KeyManagement::ALL
        .iter()
        .copied()
        .filter(|&a| select::encryption_key(&one, Some(a), None).is_ok())
        .collect()
}

fn encrypt_hint(jwk: &Jwk) -> String {
    match encrypts_with(jwk).as_slice() {
        [] => {
            "this key cannot encrypt with any JWE algorithm: check its \"use\" and \"alg\"".into()
        }
        algs => format!("this key can encrypt with: {}", names(algs)),
    }
}

/// Prepares the key to encrypt to. With a JWK Set, the library picks the
/// one key that fits `alg` (its `use`, `alg`, type and size) and `kid`, if
/// given; a single key is the key the user named.
pub fn encryption_key(
    loaded: &Loaded,
    alg: Option<KeyManagement>,
    kid: Option<&str>,
) -> Result<EncryptionKey> {
    let (set, kid) = match loaded {
        Loaded::Key(k) => {
            if alg.is_none() {
                declared(k)?.ok_or_else(|| {
                    Failure::usage("no --alg given and the key has no \"alg\" member")
                        .hint(format!("pass --alg; {}", encrypt_hint(k)))
                })?;
            }
            (Cow::Owned(JwkSet::new(vec![k.clone()])), None)
        }
        Loaded::Set(set) => (Cow::Borrowed(set), kid),
    };
    select::encryption_key(&set, alg, kid).map_err(|e| match (&e, loaded) {
        (E::NoMatchingKey { .. } | E::AmbiguousKey(..), Loaded::Set(set)) => {
            let what = if matches!(e, E::NoMatchingKey { .. }) {
                "no"
            } else {
                "more than one"
            };
            Failure::usage(format!(
                "{what} key in the JWK Set fits{}{} (kids: {})",
                alg.map(|a| format!(" alg {a}"))
                    .unwrap_or_else(|| " (no --alg given)".into()),
                kid.map(|k| format!(" kid {k:?}")).unwrap_or_default(),
                kids_of(set)
            ))
            .hint("choose one with --kid and --alg, or pass a single JWK")
        }
        (E::UnsupportedAlgorithm(a), _) if alg.is_none() => {
            Failure::usage(format!("the key's alg {a:?} is not a JWE algorithm"))
                .hint("a signing key cannot encrypt: use a key generated with --use enc")
        }
        _ => {
            let what = alg.map(|a| format!(" as {a}")).unwrap_or_default();
            let f = Failure::config(format!("cannot encrypt with this key{what}"), &e);
            match (&e, loaded) {
                (E::WeakKey(jot::error::WeakKey::SmallRsa { minimum, .. }), _) => f.hint(format!(
                    "use a stronger key: RSA of at least {minimum} bits"
                )),
                (E::WeakKey(jot::error::WeakKey::Roca), _) => {
                    f.hint("generate a new key: this one can be factored")
                }
                (_, Loaded::Key(k)) => f.hint(encrypt_hint(k)),
                _ => f,
            }
        }
    })
}

/// Keys prepared for decryption, with how to pick one for a JWE.
pub enum Decrypter {
    /// One key, prepared for each accepted algorithm. The JWE's `kid` is
    /// not consulted: the user named the key.
    One(Vec<DecryptionKey>),
    /// A JWK Set: chosen by `kid` and `alg`.
    Set {
        keys: DecryptionKeySet,
        /// Every `kid` of the set, for messages.
        kids: String,
    },
}

/// The accepted algorithms: `--alg`/`--enc` when given (exactly those),
/// else the library's defaults.
pub fn options(algs: &[KeyManagement], encs: &[ContentEncryption]) -> DecryptOptions {
    let mut o = DecryptOptions::new();
    if !algs.is_empty() {
        o = o.algorithms(algs);
    }
    if !encs.is_empty() {
        o = o.encryptions(encs);
    }
    o
}

/// Prepares `loaded` for decrypting. `algs` is the user's allowlist; empty
/// means the key's own `alg`, else every default algorithm it fits.
pub fn decrypter(loaded: &Loaded, algs: &[KeyManagement]) -> Result<Decrypter> {
    match loaded {
        Loaded::Set(set) => {
            let allowed = if algs.is_empty() {
                KeyManagement::ALL.to_vec()
            } else {
                algs.to_vec()
            };
            let keys = DecryptionKeySet::from_jwks(set, &allowed);
            if keys.is_empty() {
                return Err(Failure::usage(format!(
                    "no key in the JWK Set can decrypt {} (kids: {})",
                    names(&allowed),
                    kids_of(set)
                ))
                .hint("decryption needs private keys (or oct keys) whose \"use\" is \"enc\""));
            }
            Ok(Decrypter::Set {
                keys,
                kids: kids_of(set),
            })
        }
        Loaded::Key(jwk) => {
            let explicit = !algs.is_empty();
            let candidates = if explicit {
                algs.to_vec()
            } else if let Some(a) = declared(jwk)? {
                vec![a]
            } else {
                KeyManagement::default_allowed()
            };
            let mut keys = Vec::new();
            let mut first_err = None;
            for a in candidates {
                // The named (or default) algorithms are a set: the ones the
                // key does not fit (ECDH-ES with an RSA key, A128KW with a
                // 32-byte key) are left out; the JWE's recipients for them
                // are someone else's.
                match DecryptionKey::from_jwk(jwk, a) {
                    Ok(k) => keys.push(k),
                    Err(e) => {
                        first_err.get_or_insert((a, e));
                    }
                }
            }
            if let (true, Some((a, e))) = (explicit && keys.is_empty(), &first_err) {
                let f = Failure::config(format!("cannot decrypt {a} with this key"), e);
                return Err(if algs.len() > 1 {
                    f.message(format!("this key can decrypt none of {}: {e}", names(algs)))
                } else {
                    f
                });
            }
            if keys.is_empty() {
                let kty = jwk.key_type().name();
                return Err(match first_err {
                    _ if kty != "oct" && !jwk.is_private() => {
                        Failure::usage("this is a public key; decryption needs the private key")
                    }
                    _ if kty == "oct" => {
                        Failure::usage("this secret fits no JWE algorithm accepted by default")
                            .hint("a PBES2 password is accepted only with --alg naming the PBES2 algorithm")
                    }
                    Some(_) => Failure::usage(format!(
                        "this {kty} key cannot decrypt any JWE algorithm accepted by default"
                    ))
                    .hint("check the key's \"use\" (\"enc\" or none) and \"alg\"; RSA1_5 must be named with --alg"),
                    None => Failure::usage("this key cannot decrypt any JWE algorithm"),
                });
            }
            Ok(Decrypter::One(keys))
        }
    }
}

impl Decrypter {
    /// The algorithms this decrypter holds keys for.
    pub fn algorithms(&self) -> Vec<KeyManagement> {
        let keys = match self {
            Decrypter::One(k) => k.as_slice(),
            Decrypter::Set { keys, .. } => keys.keys(),
        };
        let mut v: Vec<KeyManagement> = Vec::new();
        for k in keys {
            if !v.contains(&k.algorithm()) {
                v.push(k.algorithm());
            }
        }
        v
    }

    /// A decryption failure as a rejection (exit 1) that says what to do.
    /// `flag` is the option that names accepted algorithms (`--alg` on
    /// `jot jwe decrypt`, `--decrypt-alg` on `jot verify`).
    pub fn explain(&self, e: &jot::Error, opts: &DecryptOptions, flag: &str) -> Failure {
        use jot::Error as E;
        let f = Failure::rejected(e);
        let kid_note = |kid: &Option<String>| {
            kid.as_deref()
                .map(|k| format!("{k:?}"))
                .unwrap_or_else(|| "none".into())
        };
        match (e, self) {
            (E::DecryptionFailed, _) => f
                .message("decryption failed: wrong key or password, or the JWE was modified")
                .hint(
                    "check the key; the cause is not told apart on purpose (RFC 7516 §11.5)",
                ),
            (E::NoMatchingKey { kid, alg }, Decrypter::Set { kids, .. }) => f
                .message(format!(
                    "no key in the JWK Set matches the JWE (kid {}, alg {alg}); kids in the set: {kids}",
                    kid_note(kid)
                ))
                .hint(format!("use the recipient's JWK Set, or check {flag}")),
            (E::AmbiguousKey(n, kid), Decrypter::Set { kids, .. }) => f
                .message(format!(
                    "{n} keys in the JWK Set match the JWE (kid {}); kids in the set: {kids}",
                    kid_note(kid)
                ))
                .hint(format!(
                    "jot never tries several keys: give each key a distinct kid, or narrow with {flag}"
                )),
            (E::AlgorithmNotAllowed(name), _) => self.not_allowed(f, name, opts, flag),
            (E::NotJwe, _) => f
                .message("this is a JWS (three segments), not a JWE")
                .hint("use `jot jws verify` or `jot verify` for signed tokens"),
            _ => f,
        }
    }

    fn not_allowed(&self, f: Failure, name: &str, opts: &DecryptOptions, flag: &str) -> Failure {
        if let Ok(km) = KeyManagement::from_name(name) {
            if !opts.accepted_algorithms().contains(&km) {
                if km.off_by_default() {
                    let why = match km {
                        KeyManagement::Rsa(_) => "a padding oracle by design (RFC 8725 §3.2)",
                        _ => "password-based: guessable and costly to check",
                    };
                    return f
                        .message(format!(
                            "the JWE uses {name}, which is off by default ({why})"
                        ))
                        .hint(format!("to accept it for this token, pass {flag} {name}"));
                }
                return f
                    .message(format!(
                        "the JWE uses alg {name}, which is not accepted (accepted: {})",
                        names(opts.accepted_algorithms())
                    ))
                    .hint(format!("if {name} is what you expect, add {flag} {name}"));
            }
            return f
                .message(format!(
                    "the JWE uses alg {name}, and this key decrypts only {}",
                    names(&self.algorithms())
                ))
                .hint("use the key the JWE was encrypted to");
        }
        if ContentEncryption::from_name(name).is_ok() {
            let accepted: Vec<&str> = opts
                .accepted_encryptions()
                .iter()
                .map(|e| e.name())
                .collect();
            return f
                .message(format!(
                    "the JWE uses enc {name}, which is not accepted (accepted: {})",
                    accepted.join(", ")
                ))
                .hint(format!("if {name} is what you expect, add --enc {name}"));
        }
        f
    }
}

impl DecryptionKeyResolver for Decrypter {
    fn resolve(&self, header: &JweHeader) -> jot::Result<Cow<'_, DecryptionKey>> {
        match self {
            Decrypter::Set { keys, .. } => keys.resolve(header),
            Decrypter::One(keys) => keys
                .iter()
                .find(|k| k.algorithm() == header.alg)
                .map(Cow::Borrowed)
                .ok_or_else(|| jot::Error::AlgorithmNotAllowed(header.alg.name().into())),
        }
    }
}
