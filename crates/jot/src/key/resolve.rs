//! Choosing the verification key for a token.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::VerifyingKey;
use crate::error::{Error, Result};
use crate::jws::Header;

/// Finds the key that may verify a token with the given (not yet verified)
/// header. The header's `alg` must equal the chosen key's algorithm: the
/// key decides the algorithm, the token only selects among the keys.
pub trait KeyResolver {
    /// The key for this header, or why there is none.
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>>;

    /// Where this resolver keeps the last compact header it verified, if it
    /// keeps one (see [`HeaderMemo`]). `None` by default.
    fn header_memo(&self) -> Option<&HeaderMemo> {
        None
    }
}

/// The first plain compact header (only `alg`, `kid`, `typ`, `cty`) that
/// verified through a resolver, with its encoded form.
///
/// An issuer puts the same header on every token, so verifying the next
/// token from it can compare the encoded header byte for byte instead of
/// decoding and parsing it again (a tenth of an HS256 verification). It is
/// a cache of a pure function, filled only after a signature checked out:
/// a token cannot put anything into it, and a miss just parses as usual.
#[derive(Default)]
pub struct HeaderMemo(OnceLock<(Box<str>, Header)>);

impl HeaderMemo {
    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The parsed header if `encoded` is the remembered one.
    pub(crate) fn get(&self, encoded: &str) -> Option<Header> {
        match self.0.get() {
            Some((e, h)) if **e == *encoded => Some(h.clone()),
            _ => None,
        }
    }

    /// Remembers a header that just verified, when the memo is empty and the
    /// header is plain: nothing nested, so every depth limit passes it, and
    /// no `crit` or `b64`, whose rules are per call.
    pub(crate) fn remember(&self, encoded: &str, header: &Header) {
        if self.0.get().is_none()
            && header.b64
            && header.crit.is_empty()
            && header.other.is_empty()
            && encoded.len() <= 512
        {
            let _ = self.0.set((encoded.into(), header.clone()));
        }
    }
}

impl fmt::Debug for HeaderMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderMemo")
            .field("filled", &self.0.get().is_some())
            .finish()
    }
}

impl KeyResolver for VerifyingKey {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        if header.alg != self.algorithm() {
            return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
        }
        Ok(Cow::Borrowed(self))
    }

    fn header_memo(&self) -> Option<&HeaderMemo> {
        Some(self.memo())
    }
}

impl<K: KeyResolver + ?Sized> KeyResolver for &K {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        (**self).resolve(header)
    }

    fn header_memo(&self) -> Option<&HeaderMemo> {
        (**self).header_memo()
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
