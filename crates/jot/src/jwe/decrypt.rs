//! Recovering the plaintext for one recipient.
//!
//! Everything that depends on secret data (unwrapping, authentication,
//! decryption, inflation) fails as one [`Error::DecryptionFailed`]; details
//! go to nowhere (RFC 7516 §11.5). Header problems that need no key
//! (unsupported `alg`, bad `p2c`, malformed `epk`) are reported as such,
//! before any key is used.

use crate::error::HeaderProblem;
use crate::error::KeyMismatch;
use std::borrow::Cow;

use zeroize::Zeroizing;

use super::alg::KeyManagement;
use super::content::ContentEncryption;
use super::header::JweHeader;
use super::key::{DecKey, DecryptionKey};
use super::keymgmt::ecdh_es::EcdhEs;
use crate::error::{Error, Result};
use crate::limits::Limits;

/// Rules for decryption: which `alg` and `enc` values are accepted, and the
/// hard [`Limits`] in force. One options value for every serialization
/// (compact, JSON, nested JWT), as [`crate::jws::VerifyOptions`] and
/// [`crate::jwt::Validation`] are. Built with the methods; the fields are
/// crate-private so that a new rule is not a breaking change.
///
/// ```
/// use jot::jwe::{DecryptOptions, KeyManagement};
/// use jot::limits::Limits;
///
/// let rsa1_5 = KeyManagement::from_name("RSA1_5")?;
/// let opts = DecryptOptions::new()
///     .allow(rsa1_5)
///     .limits(Limits::default().with_max_pbes2_count(1_000)?);
/// assert!(opts.accepted_algorithms().contains(&rsa1_5));
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptOptions {
    pub(crate) algorithms: Vec<KeyManagement>,
    pub(crate) encryptions: Vec<ContentEncryption>,
    pub(crate) limits: Limits,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            algorithms: KeyManagement::default_allowed(),
            encryptions: ContentEncryption::ALL.to_vec(),
            limits: Limits::default(),
        }
    }
}

impl DecryptOptions {
    /// The defaults: every `alg` but `RSA1_5` and PBES2 (which must be
    /// named with [`DecryptOptions::allow`]), all six `enc` values,
    /// [`Limits::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Also accepts `alg` (how `RSA1_5` and PBES2 are enabled).
    pub fn allow(mut self, alg: KeyManagement) -> Self {
        if !self.algorithms.contains(&alg) {
            self.algorithms.push(alg);
        }
        self
    }

    /// Accepts exactly these `alg` values.
    pub fn algorithms(mut self, algs: &[KeyManagement]) -> Self {
        self.algorithms = algs.to_vec();
        self
    }

    /// Accepts exactly these `enc` values.
    pub fn encryptions(mut self, encs: &[ContentEncryption]) -> Self {
        self.encryptions = encs.to_vec();
        self
    }

    /// Decrypts under `limits` instead of [`Limits::default`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The accepted `alg` values (to say which, when one is refused).
    pub fn accepted_algorithms(&self) -> &[KeyManagement] {
        &self.algorithms
    }

    /// The accepted `enc` values.
    pub fn accepted_encryptions(&self) -> &[ContentEncryption] {
        &self.encryptions
    }

    /// The limits decryption runs under (to apply the same ones to a step
    /// before it, such as detecting the serialization).
    pub fn limits_in_force(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn check(&self, h: &JweHeader) -> Result<()> {
        if !self.algorithms.contains(&h.alg) {
            return Err(Error::AlgorithmNotAllowed(h.alg.name().into()));
        }
        if !self.encryptions.contains(&h.enc) {
            return Err(Error::AlgorithmNotAllowed(h.enc.name().into()));
        }
        Ok(())
    }
}

/// Finds the decryption key for a recipient's header.
pub trait DecryptionKeyResolver {
    /// The key for this header, or why there is none.
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>>;
}

impl DecryptionKeyResolver for DecryptionKey {
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>> {
        if header.alg != self.alg {
            return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
        }
        Ok(Cow::Borrowed(self))
    }
}

impl<K: DecryptionKeyResolver + ?Sized> DecryptionKeyResolver for &K {
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>> {
        (**self).resolve(header)
    }
}

impl DecryptionKeyResolver for [DecryptionKey] {
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>> {
        let mut it = self
            .iter()
            .filter(|k| k.alg == header.alg)
            .filter(|k| header.kid.is_none() || k.kid.as_deref() == header.kid.as_deref());
        match (it.next(), it.count()) {
            (Some(k), 0) => Ok(Cow::Borrowed(k)),
            (None, _) => Err(Error::NoMatchingKey {
                kid: header.kid.clone(),
                alg: header.alg.name().into(),
            }),
            (Some(_), n) => Err(Error::AmbiguousKey(n + 1, header.kid.clone())),
        }
    }
}

impl DecryptionKeyResolver for Vec<DecryptionKey> {
    fn resolve(&self, header: &JweHeader) -> Result<Cow<'_, DecryptionKey>> {
        self.as_slice().resolve(header)
    }
}

/// `keys.resolve(header)`, with the chosen key's `alg` checked against the
/// header's in the same place as JWS ([`crate::alg::check_resolved`]).
pub(crate) fn resolve_checked<'k, K: DecryptionKeyResolver + ?Sized>(
    keys: &'k K,
    header: &JweHeader,
) -> Result<Cow<'k, DecryptionKey>> {
    let key = keys.resolve(header)?;
    crate::alg::check_resolved(header.alg, key.alg)?;
    Ok(key)
}

/// Recovers the CEK with a key [`resolve_checked`] chose for this header.
/// Header-only checks first; then the key is used.
pub(crate) fn unwrap_cek(
    key: &DecryptionKey,
    h: &JweHeader,
    encrypted_key: &[u8],
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>> {
    let enc = h.enc;
    if h.alg.is_direct() != encrypted_key.is_empty() {
        // RFC 7516 §5.2 step 10: dir and ECDH-ES carry no encrypted key;
        // everything else must (an empty one is an attack, not a value).
        return Err(Error::header("encrypted_key", HeaderProblem::Inconsistent));
    }
    let cek = match (&key.inner, h.alg) {
        (DecKey::Secret(k), KeyManagement::Dir) => Zeroizing::new(k.expose().to_vec()),
        (DecKey::Secret(k), KeyManagement::AesKw(kw)) => kw.unwrap(k.expose(), encrypted_key)?,
        (DecKey::Secret(k), KeyManagement::AesGcmKw(kw)) => {
            let iv = h
                .b64_member("iv")?
                .ok_or_else(|| Error::header("iv", HeaderProblem::Missing))?;
            let tag = h
                .b64_member("tag")?
                .ok_or_else(|| Error::header("tag", HeaderProblem::Missing))?;
            kw.decrypt(k.expose(), &iv, encrypted_key, &tag)?
        }
        (DecKey::Password(pw), KeyManagement::Pbes2(p)) => {
            let p2c = h.p2c(limits.max_pbes2_count)?;
            let p2s = h
                .b64_member("p2s")?
                .ok_or_else(|| Error::header("p2s", HeaderProblem::Missing))?;
            p.unwrap(
                pw.expose(),
                &p2s,
                p2c,
                limits.max_pbes2_count,
                encrypted_key,
            )?
        }
        (DecKey::Rsa(k), KeyManagement::Rsa(a)) => a.decrypt(k, encrypted_key, enc.key_len())?,
        (DecKey::Ecdh(k), KeyManagement::EcdhEs(mode)) => {
            let epk = h.epk(k.curve())?;
            let apu = h.b64_member("apu")?.unwrap_or_default();
            let apv = h.b64_member("apv")?.unwrap_or_default();
            let derived = mode.recipient(k, &epk, enc, &apu, &apv)?;
            match mode {
                EcdhEs::Direct => derived,
                _ => mode
                    .key_wrap()
                    .ok_or(Error::DecryptionFailed)?
                    .unwrap(&derived, encrypted_key)?,
            }
        }
        _ => return Err(Error::key_alg(h.alg, KeyMismatch::Shape)),
    };
    if cek.len() != enc.key_len() {
        return Err(Error::DecryptionFailed);
    }
    Ok(cek)
}

/// Decrypts the content and inflates it if `zip` says so.
pub(crate) fn open_content(
    h: &JweHeader,
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>> {
    let plain = h.enc.decrypt(cek, iv, aad, ciphertext, tag)?;
    if h.zip {
        super::zip::inflate(&plain, limits.max_inflated_len)
    } else {
        Ok(plain)
    }
}
