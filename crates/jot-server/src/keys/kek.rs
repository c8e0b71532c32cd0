//! The key-encryption key (KEK) that seals signing keys at rest.
//!
//! Taken, in order, from `JOT_KEK` (base64url, 32 bytes), from `--kek-file`,
//! or from `DATA_DIR/kek`, which the embedded default generates on first
//! start with mode 0600. The store keeps a value sealed under the KEK it was
//! first opened with, so a different KEK is refused at start-up with a clear
//! error, even before any signing key exists, instead of failing later or
//! producing garbage.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::config::{StoreOptions, KEK_FILE};
use crate::error::{Error, Result};
use crate::seal::SealKey;
use crate::store::Store;

/// The environment variable holding the KEK itself.
pub const KEK_ENV: &str = "JOT_KEK";

/// What [`Kek::check`] seals and the store keeps.
const CHECK_TEXT: &[u8] = b"jot key-encryption key check v1";
const CHECK_AAD: &[u8] = b"jot:kek-check";

/// Where the KEK came from (for the start-up log; never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KekSource {
    /// The `JOT_KEK` environment variable.
    Env,
    /// A file named by `--kek-file` / `JOT_KEK_FILE`, or found in the data dir.
    File(PathBuf),
    /// Generated just now into this file (mode 0600).
    Generated(PathBuf),
}

/// The key-encryption key. Debug prints nothing of it.
pub struct Kek(SealKey, Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(…)")
    }
}

impl Kek {
    /// A KEK from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let seal = SealKey::new(bytes)
            .ok_or_else(|| Error::Config("the key-encryption key must be 32 bytes".into()))?;
        let mut raw = Zeroizing::new([0u8; 32]);
        raw.copy_from_slice(bytes);
        Ok(Kek(seal, raw))
    }

    /// A 256-bit secret for `purpose`, derived from the KEK
    /// (HMAC-SHA256(KEK, purpose)): every replica that shares the KEK
    /// derives the same one, and it tells nothing about the KEK itself.
    pub fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &self.1[..]);
        let tag = aws_lc_rs::hmac::sign(&key, purpose.as_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// A KEK from its base64url text (padding and surrounding whitespace
    /// allowed, since files often end with a newline).
    pub fn from_base64url(text: &str) -> Result<Self> {
        let text = text.trim().trim_end_matches('=');
        let bytes =
            Zeroizing::new(URL_SAFE_NO_PAD.decode(text).map_err(|_| {
                Error::Config("the key-encryption key is not valid base64url".into())
            })?);
        Self::from_bytes(&bytes)
    }

    /// Loads the KEK the options and the environment select, generating
    /// `DATA_DIR/kek` when nothing is configured and it does not exist yet.
    pub fn load(options: &StoreOptions) -> Result<(Self, KekSource)> {
        Self::load_with_env(options, std::env::var(KEK_ENV).ok().as_deref())
    }

    /// [`Kek::load`] with the `JOT_KEK` value given (tests set no process
    /// environment).
    pub fn load_with_env(options: &StoreOptions, env: Option<&str>) -> Result<(Self, KekSource)> {
        if let Some(text) = env.filter(|t| !t.trim().is_empty()) {
            return Ok((Self::from_base64url(text).map_err(in_env)?, KekSource::Env));
        }
        if let Some(path) = &options.kek_file {
            return Ok((read_file(path)?, KekSource::File(path.clone())));
        }
        let path = options.data_dir.join(KEK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((
                Self::from_base64url(&text).map_err(|e| in_file(&path, e))?,
                KekSource::File(path),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let kek = generate_into(&options.data_dir, &path)?;
                tracing::warn!(
                    path = %path.display(),
                    "generated a key-encryption key; keep this file with the data dir \
                     (or set JOT_KEK / --kek-file): the signing keys cannot be read without it"
                );
                Ok((kek, KekSource::Generated(path)))
            }
            Err(e) => Err(Error::io(
                format!("reading the KEK file {}", path.display()),
                e,
            )),
        }
    }

    /// Checks this KEK against the one the store was first opened with
    /// (recording it if this is the first time): [`Error::WrongKek`] if they
    /// differ.
    pub async fn check(&self, store: &dyn Store) -> Result<()> {
        let candidate = self.0.seal(CHECK_AAD, CHECK_TEXT)?;
        let stored = store.kek_check(&candidate).await?;
        match self.0.open(CHECK_AAD, &stored) {
            Some(text) if text.as_slice() == CHECK_TEXT => Ok(()),
            _ => Err(Error::WrongKek),
        }
    }

    /// Seals a private key bound to its `kid`.
    pub(crate) fn seal_key(&self, kid: &str, private_jwk: &[u8]) -> Result<Vec<u8>> {
        self.0.seal(&key_aad(kid), private_jwk)
    }

    /// Opens a private key sealed by [`Kek::seal_key`]; [`Error::WrongKek`]
    /// when it does not open.
    pub(crate) fn open_key(&self, kid: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.0.open(&key_aad(kid), sealed).ok_or(Error::WrongKek)
    }
}

fn key_aad(kid: &str) -> Vec<u8> {
    [b"jot:signing-key:".as_slice(), kid.as_bytes()].concat()
}

fn in_env(e: Error) -> Error {
    Error::Config(format!("{KEK_ENV}: {}", strip_prefix(&e)))
}

fn in_file(path: &Path, e: Error) -> Error {
    Error::Config(format!("KEK file {}: {}", path.display(), strip_prefix(&e)))
}

fn strip_prefix(e: &Error) -> String {
    match e {
        Error::Config(m) => m.clone(),
        other => other.to_string(),
    }
}

fn read_file(path: &Path) -> Result<Kek> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading the KEK file {}", path.display()), e))?,
    );
    Kek::from_base64url(&text).map_err(|e| in_file(path, e))
}

/// Writes a new random KEK to `path` (mode 0600, never overwriting).
fn generate_into(dir: &Path, path: &Path) -> Result<Kek> {
    crate::config::create_private_dir(dir)?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(&mut *bytes).map_err(|_| Error::Random)?;
    let text = Zeroizing::new(URL_SAFE_NO_PAD.encode(*bytes));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = |options: &std::fs::OpenOptions| -> std::io::Result<()> {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()
    };
    write(&options)
        .map_err(|e| Error::io(format!("writing the KEK file {}", path.display()), e))?;
    Kek::from_bytes(&*bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_with_mode_0600_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let opts = StoreOptions::embedded(dir.path().join("data"));
        let (first, source) = Kek::load_with_env(&opts, None).unwrap();
        let path = dir.path().join("data").join(KEK_FILE);
        assert_eq!(source, KekSource::Generated(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, source) = Kek::load_with_env(&opts, None).unwrap();
        assert_eq!(source, KekSource::File(path));
        let sealed = first.seal_key("k", b"secret").unwrap();
        assert_eq!(again.open_key("k", &sealed).unwrap().as_slice(), b"secret");
    }

    #[test]
    fn env_wins_and_bad_values_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = StoreOptions::embedded(dir.path());
        let env = URL_SAFE_NO_PAD.encode([3u8; 32]);
        let (kek, source) = Kek::load_with_env(&opts, Some(&env)).unwrap();
        assert_eq!(source, KekSource::Env);
        assert!(!dir.path().join(KEK_FILE).exists(), "nothing generated");
        let sealed = kek.seal_key("k", b"x").unwrap();
        assert!(Kek::from_bytes(&[3; 32])
            .unwrap()
            .open_key("k", &sealed)
            .is_ok());

        let err = Kek::load_with_env(&opts, Some("c2hvcnQ")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration: JOT_KEK: the key-encryption key must be 32 bytes"
        );
        let err = Kek::load_with_env(&opts, Some("not base64!")).unwrap_err();
        assert!(err.to_string().contains("not valid base64url"), "{err}");

        let file = dir.path().join("kek.txt");
        std::fs::write(&file, format!("{}\n", URL_SAFE_NO_PAD.encode([4u8; 32]))).unwrap();
        opts.kek_file = Some(file.clone());
        let (_, source) = Kek::load_with_env(&opts, None).unwrap();
        assert_eq!(source, KekSource::File(file));
        opts.kek_file = Some(dir.path().join("missing"));
        let err = Kek::load_with_env(&opts, None).unwrap_err();
        assert!(err.to_string().contains("reading the KEK file"), "{err}");
    }

    #[test]
    fn debug_shows_no_key() {
        assert_eq!(
            format!("{:?}", Kek::from_bytes(&[1; 32]).unwrap()),
            "Kek(…)"
        );
    }

    #[test]
    fn derived_secrets_are_per_kek_and_per_purpose() {
        let a = Kek::from_bytes(&[1; 32]).unwrap();
        let same = Kek::from_bytes(&[1; 32]).unwrap();
        let b = Kek::from_bytes(&[2; 32]).unwrap();
        assert_eq!(*a.derive("x"), *same.derive("x"), "replicas agree");
        assert_ne!(*a.derive("x"), *b.derive("x"));
        assert_ne!(*a.derive("x"), *a.derive("y"));
        assert_ne!(&a.derive("x")[..], &[1u8; 32][..], "not the KEK itself");
    }
}
