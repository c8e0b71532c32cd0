//! Flags of the commands that work on the token service's store directly
//! (`jot client`, `jot keys`, `jot sessions`), the way `psql` would: no
//! admin HTTP API, the same --data-dir / --database as `jot serve`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jot::Algorithm;
use jot_server::config::{parse_algorithm, parse_duration, KeyOptions, StoreOptions};
use jot_server::store::Grant;

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client; prints its generated secret once.
    #[command(after_help = super::examples(CLIENT_ADD_EXAMPLES))]
    Add(ClientAddArgs),
    /// List the registered clients.
    #[command(after_help = super::examples(CLIENT_LIST_EXAMPLES))]
    List(ClientListArgs),
    /// Show one client's settings (never its secret, which is not stored).
    #[command(after_help = super::examples(CLIENT_SHOW_EXAMPLES))]
    Show(ClientNameArgs),
    /// Delete a client; its refresh tokens stop working at once.
    #[command(after_help = super::examples(CLIENT_REMOVE_EXAMPLES))]
    Remove(ClientNameArgs),
    /// Replace a client's secret; prints the new one once, the old one stops working.
    #[command(after_help = super::examples(CLIENT_ROTATE_EXAMPLES))]
    RotateSecret(ClientNameArgs),
}

#[derive(Debug, Args)]
pub struct ClientAddArgs {
    /// The client's name, used as its client_id (letters, digits, -._~).
    pub name: String,
    /// Scopes it may request: space-separated, the flag repeatable.
    #[arg(long = "scope", value_name = "SCOPES")]
    pub scopes: Vec<String>,
    /// Audience (aud) it may request tokens for; repeatable, at least one.
    #[arg(long = "audience", value_name = "AUD", required = true)]
    pub audiences: Vec<String>,
    /// Grant it may use: client_credentials (default), jwt-bearer, refresh_token, token-exchange; repeatable.
    #[arg(long = "grant", value_name = "GRANT", value_parser = parse_grant)]
    pub grants: Vec<Grant>,
    /// Lifetime of its access tokens.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub token_ttl: std::time::Duration,
    /// A JWK Set file with its public keys, for private_key_jwt authentication.
    #[arg(long, value_name = "FILE", conflicts_with = "jwks_uri")]
    pub jwks: Option<PathBuf>,
    /// A JWK Set URL with its public keys, for private_key_jwt authentication.
    #[arg(long, value_name = "URL")]
    pub jwks_uri: Option<String>,
    /// How it authenticates at the token endpoint: client_secret (a generated
    /// secret, shown once; the default), or with its TLS client certificate
    /// (RFC 8705, needs `jot serve --tls-cert`): tls_client_auth (a certificate
    /// from --tls-client-ca with --tls-subject) or self_signed_tls_client_auth
    /// (the certificate in --cert). Its access tokens are then bound to the
    /// certificate.
    #[arg(
        long = "auth",
        value_name = "METHOD",
        value_enum,
        default_value = "client_secret"
    )]
    pub auth: AuthMethod,
    /// For --auth tls_client_auth: the subject DN its certificate carries
    /// (RFC 4514, the last RDN first, as `openssl x509 -noout -subject
    /// -nameopt RFC2253` prints it; e.g. "CN=billing,O=Example").
    #[arg(long, value_name = "DN")]
    pub tls_subject: Option<String>,
    /// For --auth self_signed_tls_client_auth: a PEM file with its certificate.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// May log any subject out everywhere over HTTP (POST /admin/sessions/revoke,
    /// what `jot sessions revoke` does on the store): for the login system that
    /// hands its users to jot.
    #[arg(long)]
    pub admin: bool,
    /// Print {"client_id":…,"client_secret":…} instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreOptions,
}

/// `jot client add --auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMethod {
    /// client_secret_basic or client_secret_post (or private_key_jwt with --jwks).
    #[value(name = "client_secret")]
    ClientSecret,
    /// A certificate from jot serve's --tls-client-ca with the --tls-subject DN.
    #[value(name = "tls_client_auth")]
    TlsClientAuth,
    /// The self-signed certificate in --cert.
    #[value(name = "self_signed_tls_client_auth")]
    SelfSignedTlsClientAuth,
}

#[derive(Debug, Args)]
pub struct ClientListArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreOptions,
}

#[derive(Debug, Args)]
pub struct ClientNameArgs {
    /// The client_id.
    pub name: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreOptions,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List the signing keys: kid, algorithm, state and when it changed.
    #[command(after_help = super::examples(KEYS_LIST_EXAMPLES))]
    List(KeysListArgs),
    /// Rotate now: each current key retires and its successor signs.
    #[command(after_help = super::examples(KEYS_ROTATE_EXAMPLES))]
    Rotate(KeysRotateArgs),
    /// Retire one key now (a current key is replaced at once).
    #[command(after_help = super::examples(KEYS_RETIRE_EXAMPLES))]
    Retire(KeysRetireArgs),
}

#[derive(Debug, Args)]
pub struct KeysListArgs {
    /// Print a JSON array instead of a table.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Print only the kids, one per line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Only keys in this state.
    #[arg(long, value_parser = ["next", "current", "retired"])]
    pub state: Option<String>,
    #[command(flatten)]
    pub store: StoreOptions,
}

#[derive(Debug, Args)]
pub struct KeysRotateArgs {
    /// Rotate only this algorithm's key (default: every --signing-alg).
    #[arg(long, value_name = "ALG", value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,
    #[command(flatten)]
    pub keys: KeyOptions,
    #[command(flatten)]
    pub store: StoreOptions,
}

#[derive(Debug, Args)]
pub struct KeysRetireArgs {
    /// The key's kid (see `jot keys list`). Thumbprints are base64url and may
    /// start with '-', which is taken as the kid, not a flag.
    #[arg(allow_hyphen_values = true)]
    pub kid: String,
    #[command(flatten)]
    pub keys: KeyOptions,
    #[command(flatten)]
    pub store: StoreOptions,
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Log a subject out everywhere: every token of it issued until now is rejected.
    #[command(after_help = super::examples(SESSIONS_REVOKE_EXAMPLES))]
    Revoke(SessionsRevokeArgs),
}

#[derive(Debug, Args)]
pub struct SessionsRevokeArgs {
    /// The subject (sub) whose tokens to revoke.
    #[arg(long = "sub", value_name = "SUB")]
    pub subject: String,
    #[command(flatten)]
    pub store: StoreOptions,
}

fn parse_grant(s: &str) -> Result<Grant, String> {
    Grant::parse(s).ok_or_else(|| {
        format!(
            "{s:?} is not a grant: client_credentials, jwt-bearer, refresh_token or token-exchange"
        )
    })
}

// Examples: each runs in an empty directory, so the store is ./jot-data,
// created by the first command that needs it.
const fn ex(what: &'static str, cmd: &'static str) -> super::Example {
    super::Example { what, cmd }
}

pub const SERVE_EXAMPLES: &[super::Example] = &[
    ex(
        "Check the settings and the embedded store, create its keys, and exit (without --check it serves)",
        "jot serve --check",
    ),
    ex(
        "All interfaces, ES256 and RS256 keys, 30 s refresh-reuse grace (checked only)",
        "jot serve --listen 0.0.0.0:8080 --signing-alg ES256,RS256 --refresh-reuse-grace 30s --check",
    ),
];

pub const CLIENT_EXAMPLES: &[super::Example] = &[
    ex(
        "Register a client (the secret is printed once)",
        "jot client add billing --scope \"read write\" --audience api://billing",
    ),
    ex(
        "Its settings, then a new secret",
        "jot client add billing --audience api://billing > /dev/null && jot client show billing && jot client rotate-secret billing",
    ),
];
pub const CLIENT_ADD_EXAMPLES: &[super::Example] = &[
    ex(
        "A backend client: client_credentials, 10-minute tokens",
        "jot client add billing --scope \"read write\" --audience api://billing",
    ),
    ex(
        "A login system's client: jwt-bearer plus refresh tokens, 5-minute tokens",
        "jot client add web --scope profile --audience api://app --grant jwt-bearer --grant refresh_token --token-ttl 5m",
    ),
    ex(
        "A backend client that authenticates with its TLS certificate (RFC 8705); its tokens are bound to it",
        "jot client add ledger --audience api://ledger --auth tls_client_auth --tls-subject \"CN=ledger,O=Example\"",
    ),
    ex(
        "The login system, also allowed to log a user out everywhere over HTTP",
        "jot client add login --audience api://app --grant jwt-bearer --admin",
    ),
    ex(
        "For a script: the id and secret as JSON",
        "jot client add ci --audience api://deploy --json",
    ),
];
pub const CLIENT_LIST_EXAMPLES: &[super::Example] = &[ex(
    "All clients, as a table",
    "jot client add billing --audience api://billing > /dev/null && jot client list",
)];
pub const CLIENT_SHOW_EXAMPLES: &[super::Example] = &[ex(
    "One client, as JSON",
    "jot client add billing --audience api://billing > /dev/null && jot client show billing --json",
)];
pub const CLIENT_REMOVE_EXAMPLES: &[super::Example] = &[ex(
    "Delete a client",
    "jot client add old --audience api://x > /dev/null && jot client remove old",
)];
pub const CLIENT_ROTATE_EXAMPLES: &[super::Example] = &[ex(
    "A new secret (the old one stops working now)",
    "jot client add billing --audience api://billing > /dev/null && jot client rotate-secret billing",
)];
pub const KEYS_EXAMPLES: &[super::Example] = &[ex(
    "Make (or rotate) the signing keys, then list them",
    "jot keys rotate && jot keys list",
)];
pub const KEYS_LIST_EXAMPLES: &[super::Example] = &[
    ex(
        "The keys, as JSON",
        "jot keys rotate > /dev/null && jot keys list --json",
    ),
    ex(
        "Only the kid of the key that signs",
        "jot keys rotate > /dev/null && jot keys list --state current --quiet",
    ),
];
pub const KEYS_ROTATE_EXAMPLES: &[super::Example] = &[
    ex("Rotate every signing key now", "jot keys rotate"),
    ex(
        "Sign with ES256 and RS256 (for clients without EC)",
        "jot keys rotate --signing-alg ES256,RS256",
    ),
];
pub const KEYS_RETIRE_EXAMPLES: &[super::Example] = &[ex(
    "Retire the signing key (a successor signs from now on)",
    "jot keys rotate > /dev/null && jot keys retire \"$(jot keys list --state current --quiet)\"",
)];
pub const SESSIONS_EXAMPLES: &[super::Example] = &[ex(
    "Log alice out everywhere",
    "jot sessions revoke --sub alice",
)];
pub const SESSIONS_REVOKE_EXAMPLES: &[super::Example] = SESSIONS_EXAMPLES;
