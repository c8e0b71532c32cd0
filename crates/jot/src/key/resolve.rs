//! Choosing the verification key for a token.

use std::borrow::Cow;

use super::VerifyingKey;
use crate::error::{Error, Result};
use crate::jws::Header;

/// Finds the key that may verify a token with the given (not yet verified)
/// header. The header's `alg` must equal the chosen key's algorithm: the
/// key decides the algorithm, the token only selects among the keys.
pub trait KeyResolver {
    /// The key for this header, or why there is none.
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>>;
}

impl KeyResolver for VerifyingKey {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        if header.alg != self.algorithm() {
            return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
        }
        Ok(Cow::Borrowed(self))
    }
}

impl<K: KeyResolver + ?Sized> KeyResolver for &K {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        (**self).resolve(header)
    }
}

impl KeyResolver for [VerifyingKey] {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        select(self.iter(), header).map(Cow::Borrowed)
    }
}

impl KeyResolver for Vec<VerifyingKey> {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        self.as_slice().resolve(header)
    }
}

/// Picks exactly one key by `kid` and algorithm. More than one candidate
/// (duplicate `kid`s, or no `kid` and several keys for the algorithm) is
/// [`Error::AmbiguousKey`]: trying them all would let a token choose.
pub(crate) fn select<'a>(
    keys: impl Iterator<Item = &'a VerifyingKey>,
    header: &Header,
) -> Result<&'a VerifyingKey> {
    let mut found: Option<&VerifyingKey> = None;
    let mut count = 0usize;
    for k in keys {
        if k.algorithm() != header.alg {
            continue;
        }
        if let Some(kid) = &header.kid {
            if k.kid() != Some(kid.as_str()) {
                continue;
            }
        }
        count += 1;
        found.get_or_insert(k);
    }
    match (count, found) {
        (1, Some(k)) => Ok(k),
        (0, _) | (_, None) => Err(Error::NoMatchingKey {
            kid: header.kid.clone(),
            alg: header.alg.name().into(),
        }),
        (n, _) => Err(Error::AmbiguousKey(n, header.kid.clone())),
    }
}
