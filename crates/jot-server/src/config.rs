//! Where the service keeps its state: the options shared by `jot serve` and
//! the subcommands that work on the store directly (`jot client …`,
//! `jot keys …`, `jot sessions …`), so that both always open the same store.
//!
//! Each setting is a flag with a `JOT_*` environment variable. The
//! key-encryption key itself is only ever read from `JOT_KEK` or a file,
//! never from a flag, so it does not show in `ps` or shell history.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use jot::Algorithm;

use crate::keys::KeyPolicy;

use crate::error::{Error, Result};

/// The store and key-encryption options (flatten into a clap command).
#[derive(Clone, Args)]
pub struct StoreOptions {
    /// Directory for the embedded store (`jot.db`, SQLite in WAL mode) and the
    /// generated key-encryption key (`kek`, mode 0600). Created on first start.
    #[arg(
        long,
        env = "JOT_DATA_DIR",
        default_value = "./jot-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,

    /// A PostgreSQL URL (`postgres://user@host/db`) to share one store between
    /// several `jot serve` replicas. Without it the embedded SQLite store in
    /// --data-dir is used.
    #[arg(long, env = "JOT_DATABASE", value_name = "URL", hide_env_values = true)]
    pub database: Option<String>,

    /// File holding the 32-byte key-encryption key (base64url) that seals the
    /// signing keys at rest. `JOT_KEK` takes precedence. Without either, a key is
    /// generated into --data-dir/kek on first start.
    #[arg(long, env = "JOT_KEK_FILE", value_name = "FILE")]
    pub kek_file: Option<PathBuf>,
}

impl StoreOptions {
    /// Options for the embedded store in `data_dir`.
    pub fn embedded(data_dir: impl Into<PathBuf>) -> Self {
        StoreOptions {
            data_dir: data_dir.into(),
            database: None,
            kek_file: None,
        }
    }

    /// Which backend these options select.
    pub fn backend(&self) -> Backend<'_> {
        match self.database.as_deref() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Backend::Postgres { url }
            }
            Some(other) => Backend::Unsupported { url: other },
            None => Backend::Sqlite {
                path: self.data_dir.join(SQLITE_FILE),
            },
        }
    }
}

/// How the service's signing keys are made and rotated (flatten into a clap
/// command: `jot serve` and `jot keys rotate` take the same settings).
#[derive(Debug, Clone, Args)]
pub struct KeyOptions {
    /// Signing algorithms, comma-separated or repeated; the first is the
    /// default. Any asymmetric JWS algorithm (RS*, PS*, ES*, EdDSA, Ed25519, Ed448).
    #[arg(
        long = "signing-alg",
        env = "JOT_SIGNING_ALGS",
        value_name = "ALG",
        value_delimiter = ',',
        default_value = "ES256",
        value_parser = parse_algorithm
    )]
    pub signing_algs: Vec<Algorithm>,

    /// How long a signing key signs before its successor takes over.
    #[arg(long, env = "JOT_KEY_ROTATION", value_name = "DURATION", default_value = "30d", value_parser = parse_duration)]
    pub key_rotation: Duration,

    /// How long a new key is published before it signs (at least --jwks-max-age).
    #[arg(long, env = "JOT_KEY_PUBLISH_AHEAD", value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub key_publish_ahead: Duration,

    /// The JWKS response's Cache-Control max-age.
    #[arg(long, env = "JOT_JWKS_MAX_AGE", value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub jwks_max_age: Duration,

    /// The longest access-token lifetime issued; a retired key stays
    /// published this long (plus --jwks-max-age) after it stops signing.
    #[arg(long, env = "JOT_MAX_TOKEN_TTL", value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub max_token_ttl: Duration,
}

impl KeyOptions {
    /// The rotation policy these options describe (checked by
    /// [`KeyPolicy::validate`] when a key manager is made).
    pub fn policy(&self) -> KeyPolicy {
        KeyPolicy {
            algorithms: self.signing_algs.clone(),
            rotation_period: self.key_rotation,
            publish_ahead: self.key_publish_ahead,
            jwks_max_age: self.jwks_max_age,
            max_token_ttl: self.max_token_ttl,
        }
    }
}

impl Default for KeyOptions {
    fn default() -> Self {
        let p = KeyPolicy::default();
        KeyOptions {
            signing_algs: p.algorithms,
            key_rotation: p.rotation_period,
            key_publish_ahead: p.publish_ahead,
            jwks_max_age: p.jwks_max_age,
            max_token_ttl: p.max_token_ttl,
        }
    }
}

/// Parses a duration flag (`90s`, `10m`, `1h`, `30d`, `2w`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|_| format!("{s:?} is not a duration (e.g. 90s, 10m, 1h, 30d)"))
}

/// Parses a JWS algorithm name (case-sensitive, as in JOSE headers).
pub fn parse_algorithm(s: &str) -> Result<Algorithm, String> {
    Algorithm::from_name(s)
        .ok_or_else(|| format!("{s:?} is not a JWS algorithm name (e.g. ES256, RS256, EdDSA)"))
}

/// The SQLite file's name inside the data dir.
pub const SQLITE_FILE: &str = "jot.db";
/// The generated key-encryption key's file name inside the data dir.
pub const KEK_FILE: &str = "kek";

/// The backend a [`StoreOptions`] selects.
#[derive(Debug, PartialEq, Eq)]
pub enum Backend<'a> {
    /// The embedded store at this path.
    Sqlite {
        /// `DATA_DIR/jot.db`.
        path: PathBuf,
    },
    /// A shared PostgreSQL database.
    Postgres {
        /// The connection URL (may hold a password: never print it).
        url: &'a str,
    },
    /// A `--database` URL of no supported scheme.
    Unsupported {
        /// The URL as given (may hold a password: never print it).
        url: &'a str,
    },
}

impl Backend<'_> {
    /// The data dir's SQLite file, when this is the embedded backend.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Backend::Sqlite { path } => Some(path),
            _ => None,
        }
    }
}

/// Creates `dir` (and parents) with mode 0700 where it does not exist yet.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io(format!("creating the data dir {}", dir.display()), e))
}

// A database URL may carry a password, so Debug shows only its scheme.
impl fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreOptions")
            .field("data_dir", &self.data_dir)
            .field(
                "database",
                &self
                    .database
                    .as_deref()
                    .map(|u| u.split_once("://").map_or("<url>", |(scheme, _)| scheme)),
            )
            .field("kek_file", &self.kek_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_database_url() {
        let mut opts = StoreOptions::embedded("/tmp/d");
        assert_eq!(
            opts.backend(),
            Backend::Sqlite {
                path: PathBuf::from("/tmp/d/jot.db")
            }
        );
        opts.database = Some("postgres://u:pw@h/db".into());
        assert_eq!(
            opts.backend(),
            Backend::Postgres {
                url: "postgres://u:pw@h/db"
            }
        );
        opts.database = Some("mysql://h/db".into());
        assert!(matches!(opts.backend(), Backend::Unsupported { .. }));
    }

    #[test]
    fn key_option_defaults_are_the_default_policy() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cmd {
            #[command(flatten)]
            keys: KeyOptions,
        }
        let parsed = Cmd::try_parse_from(["x"]).unwrap();
        assert_eq!(parsed.keys.policy(), KeyPolicy::default());
        let parsed =
            Cmd::try_parse_from(["x", "--signing-alg", "ES256,RS256", "--key-rotation", "7d"])
                .unwrap();
        assert_eq!(
            parsed.keys.signing_algs,
            [Algorithm::ES256, Algorithm::RS256]
        );
        assert_eq!(parsed.keys.key_rotation, Duration::from_secs(7 * 86_400));
        assert!(Cmd::try_parse_from(["x", "--signing-alg", "es256"]).is_err());
        assert!(Cmd::try_parse_from(["x", "--jwks-max-age", "soon"]).is_err());
    }

    #[test]
    fn debug_hides_the_database_password() {
        let mut opts = StoreOptions::embedded("d");
        opts.database = Some("postgres://u:hunter2@h/db".into());
        let shown = format!("{opts:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres"), "{shown}");
    }
}
