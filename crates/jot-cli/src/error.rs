//! The CLI's failure type: what failed, what to do, and the exit code.
//!
//! Exit codes are part of the contract: 1 means the token was rejected,
//! 2 a usage or configuration error. Messages never contain secret
//! material or whole tokens.

use std::fmt;

/// Exit code for a rejected token (malformed, bad signature, failed claim,
/// no matching key).
pub const EXIT_REJECTED: u8 = 1;
/// Exit code for a usage or configuration error.
pub const EXIT_USAGE: u8 = 2;

/// A failure of a command.
#[derive(Debug)]
pub struct Failure {
    /// 1 or 2.
    pub exit: u8,
    /// The library's stable code, when the failure comes from it.
    pub code: &'static str,
    /// What failed.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: EXIT_USAGE,
            code: "ERR_USAGE",
            message: message.into(),
            hint: None,
        }
    }

    /// A configuration error caused by the library (e.g. an invalid key),
    /// with context saying what was being done (exit 2).
    pub fn config(context: impl fmt::Display, e: &jot::Error) -> Self {
        Failure {
            exit: EXIT_USAGE,
            code: e.code(),
            message: format!("{context}: {e}"),
            hint: None,
        }
    }

    /// The token was rejected (exit 1).
    pub fn rejected(e: &jot::Error) -> Self {
        Failure {
            exit: EXIT_REJECTED,
            code: e.code(),
            message: e.to_string(),
            hint: None,
        }
    }

    /// Adds what to do.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replaces the message, keeping the code.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The CLI's result type.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// An I/O failure on a named file or stream (exit 2).
pub fn io(what: impl fmt::Display, e: &std::io::Error) -> Failure {
    Failure::usage(format!("cannot read {what}: {e}"))
}
