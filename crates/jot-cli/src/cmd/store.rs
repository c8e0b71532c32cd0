//! What the store-side commands share: a runtime, the opened store, the
//! mapping of the service crate's errors to exit codes, and times.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use jot_server::config::StoreOptions;
use jot_server::{Clock, SharedClock, Store, SystemClock};

use crate::error::{Failure, Result};

/// Runs `f` on a current-thread runtime (these commands make a handful of
/// queries; a thread pool would only cost start-up time). The changes they
/// make are audit events (`jot::audit`), printed on stderr like `jot
/// serve`'s: text, or JSON with `JOT_LOG_FORMAT=json`.
pub fn block_on<T>(f: impl Future<Output = Result<T>>) -> Result<T> {
    audit_log();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("starting the async runtime: {e}")))?
        .block_on(f)
}

fn audit_log() {
    let log = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("jot::audit=info"))
        .with_writer(std::io::stderr);
    // A second call (tests run several commands in one process) keeps the
    // first subscriber.
    let _ = match std::env::var("JOT_LOG_FORMAT").as_deref() {
        Ok("json") => log.json().flatten_event(true).try_init(),
        _ => log.try_init(),
    };
}

/// Opens (creating on first use) the store the options select.
pub async fn open(options: &StoreOptions) -> Result<Arc<dyn Store>> {
    jot_server::store::open(options).await.map_err(failure)
}

pub fn clock() -> SharedClock {
    Arc::new(SystemClock)
}

pub fn now() -> i64 {
    SystemClock.now()
}

/// The service crate's errors are configuration or environment problems
/// from the CLI's point of view: exit 2, with the stable code.
pub fn failure(e: jot_server::Error) -> Failure {
    let hint = match &e {
        jot_server::Error::WrongKek => {
            Some("use the JOT_KEK or --kek-file the store was created with")
        }
        jot_server::Error::Store(_) => Some("check --data-dir or --database"),
        _ => None,
    };
    let f = Failure {
        exit: crate::error::EXIT_USAGE,
        code: e.code(),
        message: e.to_string(),
        hint: None,
    };
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

/// A stored Unix time as RFC 3339 (UTC, seconds).
pub fn time(t: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0));
    humantime::format_rfc3339_seconds(at).to_string()
}

/// A lifetime in seconds, the way the flags take it (`10m`, `1h`).
pub fn lifetime(secs: i64) -> String {
    humantime::format_duration(Duration::from_secs(u64::try_from(secs).unwrap_or(0))).to_string()
}
