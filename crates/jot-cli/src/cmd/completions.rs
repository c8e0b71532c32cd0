//! `jot completions SHELL`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn run(a: CompletionsArgs) -> Result<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "jot", &mut buf);
    crate::output::write_stdout(&buf)?;
    Ok(0)
}
