//! The one error type of the service crate.
//!
//! Messages never hold a secret: no client secret, token, key or KEK, and no
//! database password (URLs are not echoed back).

/// A result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong in the store, the key ring or the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database failed or could not be reached.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// A migration failed to apply at start-up.
    #[error("store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A setting is missing or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The key-encryption key does not decrypt the stored signing keys.
    #[error(
        "the key-encryption key does not decrypt the stored signing keys: \
         JOT_KEK or the KEK file is not the one they were stored under"
    )]
    WrongKek,
    /// Generating, exporting or preparing a key failed in the jot library.
    #[error("key: {0}")]
    Key(#[from] jot::Error),
    /// A record with this identifier already exists.
    #[error("{kind} {id:?} already exists")]
    Exists {
        /// What kind of record ("client", "key").
        kind: &'static str,
        /// Its identifier (never a secret).
        id: String,
    },
    /// No record with this identifier exists.
    #[error("no {kind} {id:?}")]
    NotFound {
        /// What kind of record ("client", "key").
        kind: &'static str,
        /// Its identifier (never a secret).
        id: String,
    },
    /// The system's random number generator failed.
    #[error("the system's random number generator failed")]
    Random,
    /// Reading or writing a file (data dir, KEK file) failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// A stable, machine-readable code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(_) => "ERR_STORE",
            Error::Migrate(_) => "ERR_STORE_MIGRATION",
            Error::Config(_) => "ERR_CONFIG",
            Error::WrongKek => "ERR_WRONG_KEK",
            Error::Key(_) => "ERR_KEY",
            Error::Exists { .. } => "ERR_EXISTS",
            Error::NotFound { .. } => "ERR_NOT_FOUND",
            Error::Random => "ERR_RANDOM",
            Error::Io { .. } => "ERR_IO",
        }
    }

    /// Whether the store is out of reach or out of service for now rather
    /// than wrong: the connection was lost or refused, the pool had none to
    /// give, the server is shutting down or refusing connections, or SQLite
    /// is busy, full or read-only. Retrying later may succeed, so the HTTP
    /// surface answers these with 503 `temporarily_unavailable` (RFC 6749
    /// §5.2) and `Retry-After`, never 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Store(e) => store_unavailable(e),
            _ => false,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

fn store_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let Some(code) = db.code() else {
                return false;
            };
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                // SQLSTATE classes 08 (connection exception) and 53
                // (insufficient resources: too many connections, disk
                // full); 57P01-57P03 (the server is shutting down, crashed,
                // or cannot take connections yet); 55000 is what a database
                // with ALLOW_CONNECTIONS false answers a new connection.
                code.starts_with("08")
                    || code.starts_with("53")
                    || matches!(&*code, "57P01" | "57P02" | "57P03" | "55000")
            } else {
                // SQLite's primary result codes (the low byte of the
                // extended code): BUSY, LOCKED, READONLY, IOERR, FULL,
                // CANTOPEN.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
            }
        }
        _ => false,
    }
}
