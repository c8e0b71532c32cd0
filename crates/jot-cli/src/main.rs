//! `jot`: the command-line face of the Jot library. A thin layer: parse
//! arguments, read inputs, call the library, print, map errors to exit
//! codes (0 ok, 1 token rejected, 2 usage or configuration error).
#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod duration;
mod error;
mod input;
mod keys;
mod output;
mod remote;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::output::{Paint, Style};

fn main() -> ExitCode {
    let no_color = std::env::args_os().any(|a| a == "--no-color");
    let mut command = cli::Cli::command();
    if no_color {
        command = command.color(clap::ColorChoice::Never);
    }
    // Usage errors from clap exit with 2, like ours.
    let cli = match cli::Cli::from_arg_matches(&command.get_matches()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            report(&f, Style::stderr(no_color));
            ExitCode::from(f.exit)
        }
    }
}

fn report(f: &error::Failure, style: Style) {
    let label = if f.exit == error::EXIT_REJECTED {
        "rejected"
    } else {
        "error"
    };
    eprintln!("jot: {}: {}", style.paint(Paint::Red, label), f.message);
    if let Some(h) = &f.hint {
        eprintln!("  {}: {h}", style.paint(Paint::Bold, "hint"));
    }
}
