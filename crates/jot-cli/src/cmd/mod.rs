//! One module per command. Each returns the exit code, or a
//! [`Failure`](crate::error::Failure) that `main` prints.
//! Keys come from `keys` (`keys::jwe` for JWE); the only network access,
//! `jot verify` with a JWK Set URL or `--issuer`, is in `crate::remote`.

mod client;
mod completions;
mod decode;
mod dpop;
mod jwe;
mod jwks;
mod jws;
mod key;
mod serve;
mod sessions;
mod sign;
mod signing_keys;
mod store;
mod ui;
mod verify;

use serde_json::{Map, Value};

use crate::cli::{
    Cli, ClientCommand, Command, DpopCommand, JweCommand, JwksCommand, JwsCommand, KeyCommand,
    KeysCommand, SessionsCommand,
};
use crate::error::{Failure, Result};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<u8> {
    let no_color = cli.no_color;
    match cli.command {
        Command::Sign(a) => sign::run(a),
        Command::Verify(a) => verify::run(a, no_color),
        Command::Decode(a) => decode::run(a, no_color),
        Command::Jws(JwsCommand::Sign(a)) => jws::sign(a),
        Command::Jws(JwsCommand::Verify(a)) => jws::verify(a),
        Command::Jwe(JweCommand::Encrypt(a)) => jwe::encrypt(a),
        Command::Jwe(JweCommand::Decrypt(a)) => jwe::decrypt(a),
        Command::Key(KeyCommand::Generate(a)) => key::generate(a),
        Command::Key(KeyCommand::Public(a)) => key::public(a),
        Command::Key(KeyCommand::Thumbprint(a)) => key::thumbprint(a),
        Command::Key(KeyCommand::Convert(a)) => key::convert(a),
        Command::Jwks(JwksCommand::Build(a)) => jwks::build(a),
        Command::Dpop(DpopCommand::Proof(a)) => dpop::proof(a),
        Command::Completions(a) => completions::run(a),
        Command::Serve(a) => serve::run(*a),
        Command::Client(ClientCommand::Add(a)) => client::add(a),
        Command::Client(ClientCommand::List(a)) => client::list(a),
        Command::Client(ClientCommand::Show(a)) => client::show(a),
        Command::Client(ClientCommand::Remove(a)) => client::remove(a),
        Command::Client(ClientCommand::RotateSecret(a)) => client::rotate_secret(a),
        Command::Keys(KeysCommand::List(a)) => signing_keys::list(a),
        Command::Keys(KeysCommand::Rotate(a)) => signing_keys::rotate(a),
        Command::Keys(KeysCommand::Retire(a)) => signing_keys::retire(a),
        Command::Sessions(SessionsCommand::Revoke(a)) => sessions::revoke(a),
        Command::Ui(a) => ui::run(a),
    }
}

/// Parses `NAME=JSON` pairs (`--header`). The value must be JSON.
fn json_pairs(flag: &str, pairs: &[String]) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    for p in pairs {
        let (name, value) = split_pair(flag, p, "NAME=JSON")?;
        let v: Value = serde_json::from_str(value).map_err(|_| {
            Failure::usage(format!("{flag} {name}: the value is not JSON")).hint(format!(
                "quote strings as JSON, e.g. {flag} '{name}=\"text\"'"
            ))
        })?;
        m.insert(name.to_owned(), v);
    }
    Ok(m)
}

fn split_pair<'a>(flag: &str, p: &'a str, form: &str) -> Result<(&'a str, &'a str)> {
    match p.split_once('=') {
        Some((n, v)) if !n.is_empty() => Ok((n, v)),
        _ => Err(Failure::usage(format!("{flag} takes {form}, got {p:?}"))),
    }
}
