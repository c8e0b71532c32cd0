//! Choosing the one key of a JWK Set to sign or to encrypt with.
//!
//! Producing a token needs exactly one key, and which one must never be a
//! guess: the key is chosen by the caller's `kid` and algorithm, and when
//! that leaves several keys it is an error, as it is for verification
//! ([`crate::jwks::LocalKeySet`]).

use crate::alg::Algorithm;
use crate::error::InvalidKey;
use crate::error::{Error, Result};
use crate::jwe::{ContentEncryption, EncryptionKey, KeyManagement};
use crate::jwk::{Jwk, JwkSet, KeyParams};
use crate::key::{algorithms_for, SigningKey};

/// The key of `set` to sign with: the one private key that has the `kid`
/// (when given) and can sign with `alg` (when given; `None` means the
/// chosen key's own `alg` member, which it must then have).
///
/// When the `kid` leaves exactly one key, that key is prepared and its own
/// error reported (a public key, a weak key, a key of another type), which
/// says more than "no key fits". Otherwise no fitting key is
/// [`Error::NoMatchingKey`] and several are [`Error::AmbiguousKey`].
///
/// ```
/// use jot::jwk::{Jwk, JwkSet};
/// use jot::jwks::select;
/// use jot::Algorithm;
/// let a = Jwk::from_secret(&[1; 32])?.with_kid("a");
/// let b = Jwk::from_secret(&[2; 32])?.with_kid("b");
/// let set = JwkSet::new(vec![a, b]);
/// let key = select::signing_key(&set, Some(Algorithm::HS256), Some("b"))?;
/// assert_eq!(key.kid(), Some("b"));
/// assert!(matches!(
///     select::signing_key(&set, Some(Algorithm::HS256), None),
///     Err(jot::Error::AmbiguousKey(2, None))
/// ));
/// # Ok::<(), jot::Error>(())
/// ```
pub fn signing_key(set: &JwkSet, alg: Option<Algorithm>, kid: Option<&str>) -> Result<SigningKey> {
    let candidates: Vec<&Jwk> = set.keys.iter().filter(|k| has_kid(k, kid)).collect();
    let jwk = match candidates.as_slice() {
        [one] => *one,
        _ => {
            let fits =
                |k: &&Jwk| k.is_private() && alg.is_none_or(|a| algorithms_for(k).contains(&a));
            let found: Vec<&Jwk> = candidates.into_iter().filter(fits).collect();
            only_one(found, kid, alg.map(|a| a.name()))?
        }
    };
    let alg = match alg {
        Some(a) => a,
        None => declared_signing(jwk)?,
    };
    SigningKey::from_jwk(jwk, alg)
}

/// The key of `set` to encrypt to: the one key that has the `kid` (when
/// given) and can encrypt with `alg` (when given; `None` means the chosen
/// key's own `alg` member, where a content encryption name such as
/// `A128GCM` means `dir`, as in RFC 7520 §5.6).
///
/// An asymmetric private key stands for its public half, and a set that
/// holds a key and its own public half holds one key. Errors are as for
/// [`signing_key`].
pub fn encryption_key(
    set: &JwkSet,
    alg: Option<KeyManagement>,
    kid: Option<&str>,
) -> Result<EncryptionKey> {
    let mut candidates: Vec<Jwk> = Vec::new();
    for k in set.keys.iter().filter(|k| has_kid(k, kid)) {
        let k = public_half(k);
        // Equal thumbprint input, equal key (RFC 7638 §1).
        if !candidates
            .iter()
            .any(|c| c.thumbprint_input() == k.thumbprint_input())
        {
            candidates.push(k);
        }
    }
    let fits = |k: &Jwk| {
        alg.map_or_else(|| declared_encryption(k).ok(), Some)
            .is_some_and(|a| EncryptionKey::from_jwk(k, a).is_ok())
    };
    let jwk = if candidates.len() == 1 {
        candidates.remove(0)
    } else {
        let found: Vec<Jwk> = candidates.into_iter().filter(|k| fits(k)).collect();
        only_one(found, kid, alg.map(|a| a.name()))?
    };
    let alg = match alg {
        Some(a) => a,
        None => declared_encryption(&jwk)?,
    };
    EncryptionKey::from_jwk(&jwk, alg)
}

fn has_kid(k: &Jwk, kid: Option<&str>) -> bool {
    kid.is_none_or(|want| k.kid.as_deref() == Some(want))
}

fn only_one<K>(mut found: Vec<K>, kid: Option<&str>, alg: Option<&str>) -> Result<K> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NoMatchingKey {
            kid: kid.map(str::to_owned),
            alg: alg.unwrap_or_default().to_owned(),
        }),
        n => Err(Error::AmbiguousKey(n, kid.map(str::to_owned))),
    }
}

/// The signature algorithm a key names in `alg`.
fn declared_signing(jwk: &Jwk) -> Result<Algorithm> {
    let name = jwk.alg.as_deref().ok_or_else(no_alg)?;
    Algorithm::from_name(name).ok_or_else(|| Error::UnsupportedAlgorithm(name.to_owned()))
}

/// The JWE algorithm a key names in `alg`: a key management algorithm, or
/// `dir` when it names a content encryption (a `dir` key is the content
/// key itself).
fn declared_encryption(jwk: &Jwk) -> Result<KeyManagement> {
    let name = jwk.alg.as_deref().ok_or_else(no_alg)?;
    KeyManagement::from_name(name).or_else(|e| {
        ContentEncryption::from_name(name)
            .map(|_| KeyManagement::Dir)
            .map_err(|_| e)
    })
}

fn no_alg() -> Error {
    Error::InvalidKey(InvalidKey::NoAlgorithm)
}

/// For encryption an asymmetric private key stands for its public half.
/// Its `key_ops` (such as `unwrapKey`) describe the private key's
/// operations and must not refuse the public one.
fn public_half(jwk: &Jwk) -> Jwk {
    if matches!(jwk.params, KeyParams::Oct { .. }) || !jwk.is_private() {
        return jwk.clone();
    }
    jwk.to_public().map_or_else(
        |_| jwk.clone(),
        |mut p| {
            p.key_ops = None;
            p
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwk::{EcCurve, KeyUse, OkpCurve};
    use crate::key::{generate, KeySpec};

    fn ec(kid: &str) -> Jwk {
        generate(KeySpec::Ec(EcCurve::P256)).unwrap().with_kid(kid)
    }

    fn x25519(kid: &str) -> Jwk {
        generate(KeySpec::Okp(OkpCurve::X25519))
            .unwrap()
            .with_kid(kid)
            .with_use(KeyUse::Enc)
    }

    #[test]
    fn signing_by_kid_and_alg() {
        let a = ec("a");
        let set = JwkSet::new(vec![a.clone(), a.to_public().unwrap(), ec("b")]);
        let k = signing_key(&set, Some(Algorithm::ES256), Some("a")).unwrap();
        assert_eq!((k.algorithm(), k.kid()), (Algorithm::ES256, Some("a")));
        assert_eq!(
            signing_key(&set, Some(Algorithm::ES256), None).unwrap_err(),
            Error::AmbiguousKey(2, None)
        );
        assert!(matches!(
            signing_key(&set, Some(Algorithm::ES384), Some("zzz")),
            Err(Error::NoMatchingKey { .. })
        ));
        // Only the public half has the kid: its own error, not "no key".
        let public_only = JwkSet::new(vec![a.to_public().unwrap(), ec("b")]);
        assert!(matches!(
            signing_key(&public_only, Some(Algorithm::ES256), Some("a")),
            Err(Error::KeyAlgorithmMismatch { .. })
        ));
    }

    #[test]
    fn signing_alg_from_the_key() {
        let set = JwkSet::new(vec![ec("a").with_alg("ES256")]);
        assert_eq!(
            signing_key(&set, None, None).unwrap().algorithm(),
            Algorithm::ES256
        );
        let set = JwkSet::new(vec![ec("a")]);
        assert!(matches!(
            signing_key(&set, None, None),
            Err(Error::InvalidKey(_))
        ));
    }

    #[test]
    fn encryption_by_kid_and_alg() {
        let a = x25519("a");
        let ecdh = KeyManagement::from_name("ECDH-ES").unwrap();
        // A private key and its public half are one key.
        let sig = ec("sig").with_use(KeyUse::Sig);
        let set = JwkSet::new(vec![a.clone(), a.to_public().unwrap(), sig.clone()]);
        let k = encryption_key(&set, Some(ecdh), None).unwrap();
        assert_eq!(k.kid(), Some("a"));
        let two = JwkSet::new(vec![a, x25519("b"), sig]);
        assert_eq!(
            encryption_key(&two, Some(ecdh), None).unwrap_err(),
            Error::AmbiguousKey(2, None)
        );
        assert_eq!(
            encryption_key(&two, Some(ecdh), Some("b")).unwrap().kid(),
            Some("b")
        );
        let a128kw = KeyManagement::from_name("A128KW").unwrap();
        assert!(matches!(
            encryption_key(&two, Some(a128kw), None),
            Err(Error::NoMatchingKey { .. })
        ));
    }

    #[test]
    fn encryption_alg_from_the_key() {
        let dir = Jwk::from_secret(&[3; 16]).unwrap().with_alg("A128GCM");
        let k = encryption_key(&JwkSet::new(vec![dir]), None, None).unwrap();
        assert_eq!(k.algorithm(), KeyManagement::Dir);
        let signing = Jwk::from_secret(&[3; 32]).unwrap().with_alg("HS256");
        assert!(matches!(
            encryption_key(&JwkSet::new(vec![signing]), None, None),
            Err(Error::UnsupportedAlgorithm(_))
        ));
    }
}
