//! Producing a JWE: one CEK, per-recipient key management, one content
//! encryption.

use crate::error::KeyMismatch;
use crate::error::Malformed;
use crate::error::{HeaderProblem, JsonType};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::alg::KeyManagement;
use super::content::ContentEncryption;
use super::key::{EncKey, EncryptionKey};
use super::keymgmt::aes_gcm_kw::AesGcmKeyWrap;
use super::keymgmt::ecdh_es::{EcdhEs, EcdhPrivateKey, EcdhPublicKey};
use crate::encoding::b64;
use crate::error::{Error, Part, Result};

/// What the caller controls when encrypting.
#[derive(Debug, Clone)]
pub struct EncryptOptions {
    /// The content encryption algorithm.
    pub enc: ContentEncryption,
    /// Extra protected header members (`typ`, `cty`, ...), in order. `alg`,
    /// `enc`, `kid`, `zip` and key-management members are filled in.
    pub protected: Map<String, Value>,
    /// The shared unprotected header (JSON serializations only).
    pub unprotected: Option<Map<String, Value>>,
    /// Additional authenticated data (JSON serializations only).
    pub aad: Option<Vec<u8>>,
    /// Compress the plaintext with DEFLATE (`zip: DEF`) first.
    pub zip: bool,
    /// Fixed CEK and IV. **Test vectors only** (feature `test-vectors`):
    /// reusing them destroys confidentiality and integrity.
    #[cfg(feature = "test-vectors")]
    pub fixed: Option<FixedContent>,
}

impl EncryptOptions {
    /// Options with `enc` and nothing else.
    pub fn new(enc: ContentEncryption) -> Self {
        EncryptOptions {
            enc,
            protected: Map::new(),
            unprotected: None,
            aad: None,
            zip: false,
            #[cfg(feature = "test-vectors")]
            fixed: None,
        }
    }

    /// Adds a protected header member.
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Self {
        self.protected.insert(name.into(), value);
        self
    }

    /// Enables `zip: DEF`.
    pub fn zip(mut self) -> Self {
        self.zip = true;
        self
    }

    /// The fixed CEK, if a test-vector build set one.
    fn fixed_cek(&self) -> Option<&[u8]> {
        #[cfg(feature = "test-vectors")]
        return self.fixed.as_ref().map(|f| &f.cek[..]);
        #[cfg(not(feature = "test-vectors"))]
        None
    }

    /// The fixed content IV, if a test-vector build set one.
    fn fixed_iv(&self) -> Option<&[u8]> {
        #[cfg(feature = "test-vectors")]
        return self.fixed.as_ref().map(|f| &f.iv[..]);
        #[cfg(not(feature = "test-vectors"))]
        None
    }
}

/// Fixed content-encryption inputs, for reproducing published vectors
/// (feature `test-vectors`; never for real messages).
#[cfg(feature = "test-vectors")]
#[derive(Debug, Clone)]
pub struct FixedContent {
    /// The content encryption key.
    pub cek: Vec<u8>,
    /// The content IV.
    pub iv: Vec<u8>,
}

/// Fixed key-management inputs, for reproducing published vectors
/// (feature `test-vectors`; never for real messages).
#[cfg(feature = "test-vectors")]
#[derive(Debug, Clone, Default)]
pub struct FixedKeyManagement {
    /// The ephemeral ECDH private key (`d`).
    pub ephemeral_d: Option<Vec<u8>>,
    /// The AES-GCM key wrap IV.
    pub kw_iv: Option<Vec<u8>>,
    /// The PBES2 salt input.
    pub p2s: Option<Vec<u8>>,
}

/// One recipient of a JSON JWE.
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    /// The recipient's key.
    pub key: &'a EncryptionKey,
    /// Per-recipient unprotected header members. When it names `alg`, the
    /// key-management members go here too (as RFC 7516 §A.4 does).
    pub header: Option<Map<String, Value>>,
    /// Fixed key-management inputs (feature `test-vectors`).
    #[cfg(feature = "test-vectors")]
    pub fixed: FixedKeyManagement,
}

impl<'a> Recipient<'a> {
    /// A recipient with no header of its own.
    pub fn new(key: &'a EncryptionKey) -> Self {
        Recipient {
            key,
            header: None,
            #[cfg(feature = "test-vectors")]
            fixed: FixedKeyManagement::default(),
        }
    }

    /// The fixed ephemeral ECDH private key, if a test-vector build set one.
    fn fixed_ephemeral_d(&self) -> Option<&[u8]> {
        #[cfg(feature = "test-vectors")]
        return self.fixed.ephemeral_d.as_deref();
        #[cfg(not(feature = "test-vectors"))]
        None
    }

    /// The fixed AES-GCM key wrap IV, if a test-vector build set one.
    fn fixed_kw_iv(&self) -> Option<&[u8]> {
        #[cfg(feature = "test-vectors")]
        return self.fixed.kw_iv.as_deref();
        #[cfg(not(feature = "test-vectors"))]
        None
    }

    /// The fixed PBES2 salt input, if a test-vector build set one.
    fn fixed_p2s(&self) -> Option<&[u8]> {
        #[cfg(feature = "test-vectors")]
        return self.fixed.p2s.as_deref();
        #[cfg(not(feature = "test-vectors"))]
        None
    }
}

/// A JOSE header object.
pub(crate) type HeaderMap = Map<String, Value>;

/// Output of key management for one recipient.
pub(crate) struct Wrapped {
    pub encrypted_key: Vec<u8>,
    /// Members the recipient needs (`epk`, `iv`, `tag`, `p2s`, `p2c`).
    pub params: Map<String, Value>,
}

fn random(len: usize) -> Result<Vec<u8>> {
    let mut v = vec![0u8; len];
    crate::backend::fill_random(&mut v)?;
    Ok(v)
}

fn b64v(bytes: &[u8]) -> Value {
    Value::String(b64::encode(bytes))
}

fn epk_value(pk: &EcdhPublicKey) -> Value {
    let mut m = Map::new();
    let curve = pk.curve();
    m.insert(
        "kty".into(),
        Value::String(if curve.is_okp() { "OKP" } else { "EC" }.into()),
    );
    m.insert("crv".into(), Value::String(curve.name().into()));
    m.insert("x".into(), b64v(pk.x()));
    if let Some(y) = pk.y() {
        m.insert("y".into(), b64v(y));
    }
    Value::Object(m)
}

/// For direct algorithms (`dir`, `ECDH-ES`), the CEK the recipient's key
/// determines; `None` otherwise.
pub(crate) fn direct_cek(
    r: &Recipient<'_>,
    enc: ContentEncryption,
    header: &Map<String, Value>,
) -> Result<Option<(Zeroizing<Vec<u8>>, HeaderMap)>> {
    match (&r.key.inner, r.key.alg) {
        (EncKey::Secret(k), KeyManagement::Dir) => {
            if k.len() != enc.key_len() {
                return Err(Error::key_alg(
                    enc.name(),
                    KeyMismatch::KeyLength {
                        expected: enc.key_len(),
                        actual: k.len(),
                    },
                ));
            }
            Ok(Some((Zeroizing::new(k.expose().to_vec()), Map::new())))
        }
        (EncKey::Ecdh(pk), KeyManagement::EcdhEs(EcdhEs::Direct)) => {
            let (epk, derived) = ecdh_sender(r, pk, EcdhEs::Direct, enc, header)?;
            let mut params = Map::new();
            params.insert("epk".into(), epk_value(&epk));
            Ok(Some((derived, params)))
        }
        _ => Ok(None),
    }
}

fn ecdh_sender(
    r: &Recipient<'_>,
    pk: &EcdhPublicKey,
    mode: EcdhEs,
    enc: ContentEncryption,
    header: &Map<String, Value>,
) -> Result<(EcdhPublicKey, Zeroizing<Vec<u8>>)> {
    let party = |name: &str| -> Result<Vec<u8>> {
        match header.get(name) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => b64::decode(s, Part::HeaderParameter),
            Some(_) => Err(Error::header(
                name,
                HeaderProblem::WrongType(JsonType::String),
            )),
        }
    };
    let (apu, apv) = (party("apu")?, party("apv")?);
    let ephemeral = match r.fixed_ephemeral_d() {
        Some(d) => EcdhPrivateKey::from_bytes(pk.curve(), d)?,
        None => EcdhPrivateKey::generate(pk.curve())?,
    };
    let z = ephemeral.agree(pk)?;
    Ok((ephemeral.public_key()?, mode.derive(&z, enc, &apu, &apv)?))
}

/// Wraps `cek` for a non-direct recipient.
pub(crate) fn wrap(
    r: &Recipient<'_>,
    enc: ContentEncryption,
    cek: &[u8],
    header: &Map<String, Value>,
) -> Result<Wrapped> {
    let mut params = Map::new();
    let encrypted_key = match (&r.key.inner, r.key.alg) {
        (EncKey::Rsa(pk), KeyManagement::Rsa(a)) => a.encrypt(pk, cek)?,
        (EncKey::Secret(k), KeyManagement::AesKw(kw)) => kw.wrap(k.expose(), cek)?,
        (EncKey::Secret(k), KeyManagement::AesGcmKw(kw)) => {
            let iv = match r.fixed_kw_iv() {
                Some(iv) => iv.to_vec(),
                None => random(AesGcmKeyWrap::IV_LEN)?,
            };
            let (ek, tag) = kw.encrypt(k.expose(), &iv, cek)?;
            params.insert("iv".into(), b64v(&iv));
            params.insert("tag".into(), b64v(&tag));
            ek
        }
        (EncKey::Password(pw, count), KeyManagement::Pbes2(p)) => {
            let p2s = match r.fixed_p2s() {
                Some(s) => s.to_vec(),
                None => random(16)?,
            };
            let ek = p.wrap(pw.expose(), &p2s, u64::from(*count), *count, cek)?;
            params.insert("p2s".into(), b64v(&p2s));
            params.insert("p2c".into(), Value::from(*count));
            ek
        }
        (EncKey::Ecdh(pk), KeyManagement::EcdhEs(mode)) if mode != EcdhEs::Direct => {
            let (epk, kek) = ecdh_sender(r, pk, mode, enc, header)?;
            params.insert("epk".into(), epk_value(&epk));
            mode.key_wrap()
                .ok_or(Error::Crypto("ECDH-ES key wrap missing"))?
                .wrap(&kek, cek)?
        }
        _ => return Err(Error::key_alg(r.key.alg, KeyMismatch::Shape)),
    };
    Ok(Wrapped {
        encrypted_key,
        params,
    })
}

/// The protected, shared and per-recipient headers, CEK and encrypted keys
/// for a set of recipients; then the content encryption.
pub(crate) struct Produced {
    pub protected_b64: String,
    /// Per recipient: its unprotected header and encrypted key.
    pub recipients: Vec<(Option<HeaderMap>, Vec<u8>)>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
    pub aad_b64: Option<String>,
}

pub(crate) fn produce(
    plaintext: &[u8],
    recipients: &[Recipient<'_>],
    opts: &EncryptOptions,
    compact: bool,
) -> Result<Produced> {
    let Some(first) = recipients.first() else {
        return Err(Error::Malformed(Malformed::NoRecipients));
    };
    let enc = opts.enc;
    let single = recipients.len() == 1;
    if !single && recipients.iter().any(|r| r.key.alg.is_direct()) {
        return Err(Error::Malformed(Malformed::DirectWithSeveralRecipients));
    }
    let mut protected = opts.protected.clone();
    let shared = |k: &str| opts.unprotected.as_ref().is_some_and(|u| u.contains_key(k));
    for k in ["zip", "crit"] {
        if shared(k) {
            return Err(Error::header(k, HeaderProblem::NotProtected));
        }
    }
    // `alg` and `enc` may be left unprotected (RFC 7520 §5.11, §5.12) when
    // the caller puts them in the shared header; they must be the key's.
    match opts.unprotected.as_ref().and_then(|u| u.get("enc")) {
        Some(e) if e.as_str() != Some(enc.name()) => {
            return Err(Error::header("enc", HeaderProblem::Inconsistent));
        }
        _ => {}
    }
    if let Some(a) = opts.unprotected.as_ref().and_then(|u| u.get("alg")) {
        if !single || a.as_str() != Some(first.key.alg.name()) {
            return Err(Error::header("alg", HeaderProblem::Inconsistent));
        }
    }
    // Where the per-recipient members go: the protected header for a single
    // recipient when neither its own header nor the shared one names `alg`,
    // else that recipient's header.
    let in_protected = |r: &Recipient<'_>| {
        single && !shared("alg") && r.header.as_ref().is_none_or(|h| !h.contains_key("alg"))
    };
    if let Some(r) = recipients.first().filter(|r| in_protected(r)) {
        protected.insert("alg".into(), Value::String(r.key.alg.name().into()));
    }
    if !shared("enc") {
        protected.insert("enc".into(), Value::String(enc.name().into()));
    }
    if opts.zip {
        protected.insert("zip".into(), Value::String("DEF".into()));
    }
    if let Some(r) = recipients.first().filter(|r| in_protected(r)) {
        if let Some(kid) = &r.key.kid {
            protected
                .entry("kid")
                .or_insert_with(|| Value::String(kid.clone()));
        }
    }
    // Headers each recipient sees, for apu/apv lookups.
    let view = |r: &Recipient<'_>| {
        let mut m = protected.clone();
        if let Some(h) = &r.header {
            m.extend(h.clone());
        }
        m
    };
    let views: Vec<Map<String, Value>> = recipients.iter().map(view).collect();
    let Some(first_view) = views.first() else {
        return Err(Error::Malformed(Malformed::NoRecipients));
    };
    let (cek, direct_params) = match direct_cek(first, enc, first_view)? {
        Some(x) => x,
        None => {
            let cek = match opts.fixed_cek() {
                Some(cek) => Zeroizing::new(cek.to_vec()),
                None => enc.generate_cek()?,
            };
            (cek, Map::new())
        }
    };
    let mut out_recipients = Vec::with_capacity(recipients.len());
    for (r, view) in recipients.iter().zip(&views) {
        let (ek, params) = if r.key.alg.is_direct() {
            (Vec::new(), direct_params.clone())
        } else {
            let w = wrap(r, enc, &cek, view)?;
            (w.encrypted_key, w.params)
        };
        let mut header = r.header.clone();
        if in_protected(r) {
            protected.extend(params);
        } else {
            // Header sources must stay disjoint (RFC 7516 §7.2.1): nothing
            // the protected or shared header already names is repeated.
            let named = |k: &str| protected.contains_key(k) || shared(k);
            let mut h = header.take().unwrap_or_default();
            if !named("alg") {
                h.insert("alg".into(), Value::String(r.key.alg.name().into()));
            }
            if let Some(kid) = r.key.kid.as_ref().filter(|_| !named("kid")) {
                h.entry("kid").or_insert_with(|| Value::String(kid.clone()));
            }
            h.extend(params);
            header = (!h.is_empty() || r.header.is_some()).then_some(h);
        }
        out_recipients.push((header, ek));
    }
    if compact
        && (opts.unprotected.is_some()
            || opts.aad.is_some()
            || out_recipients.first().is_some_and(|r| r.0.is_some()))
    {
        return Err(Error::Malformed(Malformed::CompactHeaderOnly));
    }
    // Nothing protected (RFC 7520 §5.12): the protected header is absent
    // and the AAD starts from the empty string (RFC 7516 §5.1 step 14).
    let protected_b64 = if protected.is_empty() {
        String::new()
    } else {
        b64::encode(serde_json::to_vec(&protected).map_err(|e| Error::json(Part::Header, &e))?)
    };
    let aad_b64 = opts.aad.as_ref().map(b64::encode);
    let mut aad = protected_b64.clone().into_bytes();
    if let Some(a) = &aad_b64 {
        aad.push(b'.');
        aad.extend_from_slice(a.as_bytes());
    }
    let iv = match opts.fixed_iv() {
        Some(iv) => iv.to_vec(),
        None => enc.generate_iv()?,
    };
    let deflated;
    let body = if opts.zip {
        deflated = super::zip::deflate(plaintext)?;
        &deflated[..]
    } else {
        plaintext
    };
    let (ciphertext, tag) = enc.encrypt(&cek, &iv, &aad, body)?;
    Ok(Produced {
        protected_b64,
        recipients: out_recipients,
        iv,
        ciphertext,
        tag,
        aad_b64,
    })
}
