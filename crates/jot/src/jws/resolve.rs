//! Choosing the verification key for a token, and the header memo the
//! keys carry for the JWS code.

use std::borrow::Cow;

use super::Header;
use crate::error::{Error, Result};
use crate::key::VerifyingKey;

/// Finds the key that may verify a token with the given (not yet verified)
/// header. The header's `alg` must equal the chosen key's algorithm: the
/// key decides the algorithm, the token only selects among the keys.
pub trait KeyResolver {
    /// The key for this header, or why there is none.
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>>;

    /// The parsed form of an encoded compact header that verified before
    /// through one of this resolver's keys, if a key remembers it: the
    /// verifier then skips decoding and parsing it. Issuers put the same
    /// header on every token, so this almost always hits. `None` by default
    /// (a resolver of your own may delegate to the [`VerifyingKey`]s it
    /// holds).
    fn known_header(&self, encoded: &str) -> Option<Header> {
        let _ = encoded;
        None
    }
}

/// The first plain compact header (only `alg`, `kid`, `typ`, `cty`) that
/// verified through a key, with its encoded form.
///
/// An issuer puts the same header on every token, so verifying the next
/// token from it can compare the encoded header byte for byte instead of
/// decoding and parsing it again (a tenth of an HS256 verification). It is
/// a cache of a pure function, filled only after a signature checked out:
/// a token cannot put anything into it, and a miss just parses as usual.
///
/// The key holds it as an opaque `MemoSlot` (the key layer knows nothing
/// of headers); this type is what the JWS code puts in it.
pub(crate) struct HeaderMemo {
    encoded: Box<str>,
    header: Header,
}

impl HeaderMemo {
    /// The parsed header if `encoded` is the one `key` remembers.
    pub(crate) fn get(key: &VerifyingKey, encoded: &str) -> Option<Header> {
        let memo = key.memo_slot().get()?.downcast_ref::<HeaderMemo>()?;
        (*memo.encoded == *encoded).then(|| memo.header.clone())
    }

    /// Remembers a header that just verified, when the memo is empty and the
    /// header is plain: nothing nested, so every depth limit passes it, no
    /// `crit` or `b64`, whose rules are per call, and short, since every
    /// token's header is compared with it.
    pub(crate) fn remember(key: &VerifyingKey, encoded: &str, header: &Header) {
        let slot = key.memo_slot();
        if slot.get().is_none()
            && header.b64
            && header.crit.is_empty()
            && header.other.is_empty()
            && encoded.len() <= 512
        {
            let _ = slot.set(Box::new(HeaderMemo {
                encoded: encoded.into(),
                header: header.clone(),
            }));
        }
    }
}

impl KeyResolver for VerifyingKey {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        if header.alg != self.algorithm() {
            return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
        }
        Ok(Cow::Borrowed(self))
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        HeaderMemo::get(self, encoded)
    }
}

impl<K: KeyResolver + ?Sized> KeyResolver for &K {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        (**self).resolve(header)
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        (**self).known_header(encoded)
    }
}

impl KeyResolver for [VerifyingKey] {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        select(self.iter(), header).map(Cow::Borrowed)
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        known_to_any(self, encoded)
    }
}

impl KeyResolver for Vec<VerifyingKey> {
    fn resolve(&self, header: &Header) -> Result<Cow<'_, VerifyingKey>> {
        self.as_slice().resolve(header)
    }

    fn known_header(&self, encoded: &str) -> Option<Header> {
        known_to_any(self, encoded)
    }
}

/// `keys.resolve(header)`, with the chosen key's algorithm checked against
/// the header's ([`crate::alg::check_resolved`]): every JWS verification
/// path gets its key through here, whatever resolver the caller wrote.
pub(crate) fn resolve_checked<'k, K: KeyResolver + ?Sized>(
    keys: &'k K,
    header: &Header,
) -> Result<Cow<'k, VerifyingKey>> {
    let key = keys.resolve(header)?;
    crate::alg::check_resolved(header.alg, key.algorithm())?;
    Ok(key)
}

/// A header remembered by any of `keys` (each remembers the first that
/// verified through it; a set with rotating `kid`s has one per key).
pub(crate) fn known_to_any(keys: &[VerifyingKey], encoded: &str) -> Option<Header> {
    keys.iter().find_map(|k| HeaderMemo::get(k, encoded))
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
