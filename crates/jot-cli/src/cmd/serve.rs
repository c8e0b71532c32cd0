//! `jot serve`: the token service of `jot-server`, with its logs on stderr.

use std::io::IsTerminal;

use jot_server::settings::LogFormat;
use tracing_subscriber::EnvFilter;

use super::store::failure;
use crate::error::{Failure, Result};

pub fn run(args: jot_server::settings::ServeArgs) -> Result<u8> {
    // JOT_LOG filters like RUST_LOG; the service logs no secret, token or
    // key at any level.
    let filter = EnvFilter::try_from_env("JOT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: a log file or a collector gets plain text,
    // not escape codes around every field name.
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => log.init(),
        // The fields of the request span (method, path, client) on every
        // line inside it, so the closing line of a request has them all.
        LogFormat::Json => log
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("starting the async runtime: {e}")))?
        .block_on(jot_server::app::run(args))
        .map_err(failure)?;
    Ok(0)
}
