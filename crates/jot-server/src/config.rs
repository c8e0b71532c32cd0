//! Where the service keeps its state: the options shared by `jot serve` and
//! the subcommands that work on the store directly (`jot client …`,
//! `jot keys …`, `jot sessions …`), so that both always open the same store.
//!
//! Each setting is a flag with a `JOT_*` environment variable. The
//! key-encryption key itself is only ever read from `JOT_KEK` or a file,
//! never from a flag, so it does not show in `ps` or shell history.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::Args;

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
    fn debug_hides_the_database_password() {
        let mut opts = StoreOptions::embedded("d");
        opts.database = Some("postgres://u:hunter2@h/db".into());
        let shown = format!("{opts:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres"), "{shown}");
    }
}
