//! The command line, as clap derive definitions. Every flag is documented
//! where it is defined; every command's examples live in one const array in
//! [`examples`] (shown by `--help`, and run one by one by the integration tests).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jot::jwe::{ContentEncryption, KeyManagement};
use jot::Algorithm;

mod examples;
mod service;

pub use examples::*;
pub use service::*;

const EXIT_CODES: &str =
    "Exit codes: 0 success / token valid, 1 token rejected, 2 usage or configuration error.";

/// JSON Web Tokens done right: sign, verify, encrypt and inspect JWT/JWS/JWE,
/// manage JWKs.
///
/// Keys (--key K) are files holding a JWK, a JWK Set, PEM or DER (detected
/// from the content), or env:NAME for the same content in an environment
/// variable. Secrets (HMAC keys, AES keys, PBES2 passwords): --secret,
/// --secret-b64 or --secret-file. `jot verify` also takes a JWK Set URL
/// (--key https://...) or an issuer to discover (--issuer https://...). Nothing
/// ever prompts. A TOKEN argument that is omitted or `-` is read from stdin.
#[derive(Debug, Parser)]
#[command(
    name = "jot",
    version,
    propagate_version = true,
    after_help = format!("{}\n\n{EXIT_CODES}", examples(TOP_EXAMPLES)),
)]
pub struct Cli {
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign a JWT: claims from a JSON object and flags, compact serialization.
    #[command(after_help = examples(SIGN_EXAMPLES))]
    Sign(SignArgs),
    /// Verify a JWT's signature and claims; print its header and claims.
    #[command(after_help = format!("{VERIFY_REMOTE}\n\n{}", examples(VERIFY_EXAMPLES)))]
    Verify(VerifyArgs),
    /// Show a JWS or JWE without verifying anything (output is UNVERIFIED).
    #[command(after_help = examples(DECODE_EXAMPLES))]
    Decode(DecodeArgs),
    /// Raw JWS over arbitrary bytes: compact or JSON serialization.
    #[command(subcommand, after_help = examples(JWS_EXAMPLES))]
    Jws(JwsCommand),
    /// Raw JWE over arbitrary bytes: encrypt and decrypt, compact or JSON.
    #[command(subcommand, after_help = examples(JWE_EXAMPLES))]
    Jwe(JweCommand),
    /// Generate, inspect and convert keys.
    #[command(subcommand, after_help = examples(KEY_EXAMPLES))]
    Key(KeyCommand),
    /// DPoP (RFC 9449): proofs that bind a request to the client's key.
    #[command(subcommand, after_help = examples(DPOP_EXAMPLES))]
    Dpop(DpopCommand),
    /// Build JWK Sets.
    #[command(subcommand, after_help = examples(JWKS_EXAMPLES))]
    Jwks(JwksCommand),
    /// Print a shell completion script.
    #[command(after_help = examples(COMPLETIONS_EXAMPLES))]
    Completions(CompletionsArgs),
    /// Run the token service: issue, refresh and publish keys over HTTP.
    ///
    /// On the embedded default (SQLite in --data-dir, a generated
    /// key-encryption key beside it) on 127.0.0.1:8080. Register a client
    /// with `jot client add`, then ask POST /oauth2/token. Logs go to stderr
    /// (filter with JOT_LOG, e.g. JOT_LOG=debug); SIGTERM or Ctrl-C finishes
    /// the requests in flight, then exits.
    #[command(after_help = examples(SERVE_EXAMPLES))]
    Serve(Box<jot_server::settings::ServeArgs>),
    /// Register, list and remove the token service's clients (works on the store).
    #[command(subcommand, after_help = examples(CLIENT_EXAMPLES))]
    Client(ClientCommand),
    /// List and rotate the token service's signing keys (works on the store).
    #[command(subcommand, after_help = examples(KEYS_EXAMPLES))]
    Keys(KeysCommand),
    /// Revoke a subject's tokens everywhere (works on the store).
    #[command(subcommand, after_help = examples(SESSIONS_EXAMPLES))]
    Sessions(SessionsCommand),
    /// A local, offline JWT debugger in the browser, served on 127.0.0.1.
    #[command(after_help = format!("{UI_NOTES}\n\n{}", examples(UI_EXAMPLES)))]
    Ui(UiArgs),
}

/// Where a key or secret comes from. Exactly one is required.
#[derive(Debug, Args, Clone)]
#[group(required = true, multiple = false)]
pub struct KeyArgs {
    /// Key file (JWK, JWK Set, PEM or DER, detected from the content), or
    /// env:NAME to read the same from an environment variable.
    #[arg(long, value_name = "K")]
    pub key: Option<String>,
    /// HMAC secret as text (its UTF-8 bytes). Visible to other local users
    /// in the process list: prefer --secret-file.
    #[arg(long, value_name = "TEXT")]
    pub secret: Option<String>,
    /// HMAC secret as base64url.
    // base64url's alphabet has `-`: a secret may start with it, and must
    // not be read as a flag.
    #[arg(long, value_name = "B64", allow_hyphen_values = true)]
    pub secret_b64: Option<String>,
    /// HMAC secret: the raw bytes of this file (a trailing newline is part
    /// of the secret).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
}

fn parse_alg(s: &str) -> Result<Algorithm, String> {
    if s.eq_ignore_ascii_case("none") {
        return Err("unsecured tokens (alg \"none\") are never produced or accepted".into());
    }
    Algorithm::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
        format!(
            "unknown algorithm (names are case-sensitive); one of: {}",
            names.join(", ")
        )
    })
}

/// JWE key management algorithms, by registered name.
fn parse_jwe_alg(s: &str) -> Result<KeyManagement, String> {
    KeyManagement::from_name(s).map_err(|_| {
        let names: Vec<&str> = KeyManagement::ALL.iter().map(|a| a.name()).collect();
        format!(
            "unknown JWE key management algorithm (names are case-sensitive); one of: {}",
            names.join(", ")
        )
    })
}

/// JWE content encryption algorithms, by registered name.
fn parse_enc(s: &str) -> Result<ContentEncryption, String> {
    ContentEncryption::from_name(s).map_err(|_| {
        let names: Vec<&str> = ContentEncryption::ALL.iter().map(|a| a.name()).collect();
        format!(
            "unknown JWE content encryption (names are case-sensitive); one of: {}",
            names.join(", ")
        )
    })
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// JSON object of claims: a file, `-` for stdin, or omitted for `{}`.
    /// The output of `jot decode --json` is accepted (its payload is used).
    #[arg(value_name = "CLAIMS")]
    pub claims: Option<String>,
    /// Signature algorithm (default: the key's JWK `alg`).
    #[arg(long, value_parser = parse_alg)]
    pub alg: Option<Algorithm>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// `iss` claim.
    #[arg(long)]
    pub iss: Option<String>,
    /// `sub` claim.
    #[arg(long)]
    pub sub: Option<String>,
    /// `aud` claim; repeat for several (then an array).
    #[arg(long)]
    pub aud: Vec<String>,
    /// `jti` claim.
    #[arg(long, conflicts_with = "random_jti")]
    pub jti: Option<String>,
    /// A random 128-bit `jti`.
    #[arg(long)]
    pub random_jti: bool,
    /// `exp`: a duration from now (`90s`, `30m`, `+1h`, `7d`, `-1h`) or a
    /// UNIX time.
    #[arg(long, value_name = "DURATION|UNIX", allow_hyphen_values = true)]
    pub exp: Option<String>,
    /// `nbf`: a duration from now or a UNIX time.
    #[arg(long, value_name = "DURATION|UNIX", allow_hyphen_values = true)]
    pub nbf: Option<String>,
    /// Leave out `iat` (set to now by default).
    #[arg(long)]
    pub no_iat: bool,
    /// `kid` header (default: the key's `kid`).
    #[arg(long, allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// `typ` header (default: JWT).
    #[arg(long)]
    pub typ: Option<String>,
    /// Extra header member, VALUE as JSON (e.g. --header 'x5t="..."').
    #[arg(long = "header", value_name = "NAME=JSON")]
    pub headers: Vec<String>,
    /// Extra claim; VALUE is parsed as JSON, else taken as a string.
    #[arg(short = 'c', long = "claim", value_name = "NAME=VALUE")]
    pub claims_kv: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token (compact JWT), or a file holding it; omitted or `-` reads
    /// stdin.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    // Here K may also be a JWK Set URL: see VERIFY_REMOTE.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Find the keys by OpenID Connect / RFC 8414 discovery: fetch
    /// ISSUER/.well-known/openid-configuration (or
    /// oauth-authorization-server), check that its issuer equals ISSUER
    /// exactly, then fetch its jwks_uri. Implies --iss ISSUER.
    #[arg(long, value_name = "URL", group = "KeyArgs", conflicts_with = "iss")]
    pub issuer: Option<String>,
    /// The token is a nested JWT (a JWE containing the signed JWT, RFC 7519
    /// §5.2): decrypt it with this key (path or env:NAME, as --key), then
    /// verify the inner JWT with --key. A token that is not encrypted is
    /// then rejected.
    #[arg(long, value_name = "K2")]
    pub decrypt_key: Option<String>,
    /// Accepted JWE algorithm for --decrypt-key; repeat for several
    /// (default: the key's; RSA1_5 and PBES2 only when named here).
    #[arg(long, value_name = "ALG", value_parser = parse_jwe_alg, requires = "decrypt_key")]
    pub decrypt_alg: Vec<KeyManagement>,
    /// Accepted algorithm; repeat for several (default: the key's JWK `alg`,
    /// else every algorithm of its key type; for a JWK Set URL or --issuer,
    /// every asymmetric algorithm).
    #[arg(long, value_parser = parse_alg)]
    pub alg: Vec<Algorithm>,
    /// Expected issuer; repeat to accept several.
    #[arg(long)]
    pub iss: Vec<String>,
    /// Expected audience; repeat to accept several. Required when the token
    /// has an `aud` claim (RFC 7519 §4.1.3).
    #[arg(long)]
    pub aud: Vec<String>,
    /// Expected subject.
    #[arg(long)]
    pub sub: Option<String>,
    /// Expected `typ` header (e.g. at+jwt).
    #[arg(long)]
    pub typ: Option<String>,
    /// Reject tokens whose `iat` is older than this (e.g. 1h; bare integer:
    /// seconds).
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Require this claim to be present; repeatable.
    #[arg(long, value_name = "CLAIM")]
    pub require: Vec<String>,
    /// Clock skew allowed on exp/nbf/iat (default 60s; bare integer:
    /// seconds).
    #[arg(long, value_name = "DURATION")]
    pub leeway: Option<String>,
    /// Accept tokens without `exp`.
    #[arg(long)]
    pub allow_no_exp: bool,
    /// Accept an HMAC secret shorter than the hash (RFC 7518 §3.2 forbids
    /// them), to verify legacy tokens; a warning goes to stderr. Never
    /// available for signing.
    #[arg(long)]
    pub allow_short_secret: bool,
    /// Accept a JWK Set that holds both HMAC secrets and public keys (refused
    /// by default: a token naming the secret's kid would be checked with
    /// HMAC, the way "algorithm confusion" works); a warning goes to stderr.
    #[arg(long)]
    pub allow_mixed_key_set: bool,
    /// Evaluate time claims at this UNIX time instead of now.
    #[arg(long, value_name = "UNIX", allow_hyphen_values = true)]
    pub at: Option<i64>,
    /// Print one JSON document: {"valid":true,"header":..,"claims":..} (and
    /// "outer": the JWE header of a nested JWT) or
    /// {"valid":false,"error":{"code":..,"message":..}}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// A JWS or JWE (compact or JSON), or a file holding it; omitted or `-`
    /// reads stdin.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print one JSON document (its `payload` member can be fed to `jot sign`).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum JwsCommand {
    /// Sign raw bytes; prints the JWS.
    #[command(after_help = examples(JWS_SIGN_EXAMPLES))]
    Sign(JwsSignArgs),
    /// Verify a JWS; writes exactly the payload bytes to stdout.
    #[command(after_help = examples(JWS_VERIFY_EXAMPLES))]
    Verify(JwsVerifyArgs),
}

#[derive(Debug, Args)]
pub struct JwsSignArgs {
    /// Payload file, `-` or omitted for stdin.
    #[arg(value_name = "PAYLOAD", conflicts_with = "payload")]
    pub payload_file: Option<String>,
    /// The payload as text instead of a file.
    #[arg(long, value_name = "TEXT")]
    pub payload: Option<String>,
    /// Signature algorithm (default: the key's JWK `alg`).
    #[arg(long, value_parser = parse_alg)]
    pub alg: Option<Algorithm>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// General JSON serialization.
    #[arg(long, conflicts_with = "flattened")]
    pub json: bool,
    /// Flattened JSON serialization.
    #[arg(long)]
    pub flattened: bool,
    /// Leave the payload out of the JWS (RFC 7515 Appendix F).
    #[arg(long)]
    pub detached: bool,
    /// Do not base64url the payload (RFC 7797, b64=false).
    #[arg(long)]
    pub unencoded: bool,
    /// `kid` header (default: the key's `kid`).
    #[arg(long, allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// Extra protected header member, VALUE as JSON.
    #[arg(long = "header", value_name = "NAME=JSON")]
    pub headers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct JwsVerifyArgs {
    /// A JWS (compact or JSON serialization), or a file holding it; omitted
    /// or `-` reads stdin.
    #[arg(value_name = "JWS")]
    pub jws: Option<String>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Accepted algorithm; repeat for several (default as for `jot verify`).
    #[arg(long, value_parser = parse_alg)]
    pub alg: Vec<Algorithm>,
    /// The payload of a detached JWS.
    #[arg(long, value_name = "F")]
    pub payload_file: Option<PathBuf>,
    /// Accept an HMAC secret shorter than the hash (RFC 7518 §3.2 forbids
    /// them), to verify legacy tokens; a warning goes to stderr. Never
    /// available for signing.
    #[arg(long)]
    pub allow_short_secret: bool,
    /// Accept a JWK Set that holds both HMAC secrets and public keys (refused
    /// by default: a token naming the secret's kid would be checked with
    /// HMAC, the way "algorithm confusion" works); a warning goes to stderr.
    #[arg(long)]
    pub allow_mixed_key_set: bool,
}

#[derive(Debug, Subcommand)]
pub enum JweCommand {
    /// Encrypt raw bytes; prints the JWE.
    #[command(after_help = examples(JWE_ENCRYPT_EXAMPLES))]
    Encrypt(JweEncryptArgs),
    /// Decrypt a JWE; writes exactly the plaintext bytes to stdout.
    #[command(after_help = examples(JWE_DECRYPT_EXAMPLES))]
    Decrypt(JweDecryptArgs),
}

/// Where a JWE key comes from. Exactly one is required.
#[derive(Debug, Args, Clone)]
#[group(required = true, multiple = false)]
pub struct JweKeyArgs {
    /// Key file (JWK, JWK Set, PEM or DER, detected from the content), or
    /// env:NAME. RSA and ECDH-ES: the recipient's public key to encrypt (a
    /// private key's public half is used), its private key to decrypt.
    /// dir, A*KW, A*GCMKW: an `oct` JWK; PBES2: an `oct` JWK whose bytes
    /// are the password.
    #[arg(long, value_name = "K")]
    pub key: Option<String>,
    /// Symmetric key (dir, A*KW, A*GCMKW) or PBES2 password, as text (its
    /// UTF-8 bytes). Visible to other local users in the process list:
    /// prefer --secret-file.
    #[arg(long, value_name = "TEXT")]
    pub secret: Option<String>,
    /// Symmetric key or PBES2 password as base64url.
    // base64url's alphabet has `-`: a key may start with it.
    #[arg(long, value_name = "B64", allow_hyphen_values = true)]
    pub secret_b64: Option<String>,
    /// Symmetric key or PBES2 password: the raw bytes of this file (a
    /// trailing newline is part of it).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
}

impl JweKeyArgs {
    /// The same sources in the shape the key loader takes.
    pub fn as_key_args(&self) -> KeyArgs {
        KeyArgs {
            key: self.key.clone(),
            secret: self.secret.clone(),
            secret_b64: self.secret_b64.clone(),
            secret_file: self.secret_file.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct JweEncryptArgs {
    /// Plaintext file, `-` or omitted for stdin.
    #[arg(value_name = "PLAINTEXT", conflicts_with = "plaintext")]
    pub plaintext_file: Option<String>,
    /// The plaintext as text instead of a file.
    #[arg(long, value_name = "TEXT")]
    pub plaintext: Option<String>,
    /// Key management algorithm (default: the key's JWK `alg`).
    #[arg(long, value_parser = parse_jwe_alg)]
    pub alg: Option<KeyManagement>,
    /// Content encryption algorithm (default: A256GCM; for `dir`, the key's
    /// JWK `alg` when it names one).
    #[arg(long, value_parser = parse_enc)]
    pub enc: Option<ContentEncryption>,
    #[command(flatten)]
    pub key: JweKeyArgs,
    /// Compress the plaintext with DEFLATE first (`zip: DEF`). Compressing
    /// attacker-influenced data next to secrets can leak them by length.
    #[arg(long)]
    pub zip: bool,
    /// General JSON serialization.
    #[arg(long, conflicts_with = "flattened")]
    pub json: bool,
    /// Flattened JSON serialization.
    #[arg(long)]
    pub flattened: bool,
    /// `kid` header (default: the key's `kid`).
    #[arg(long, allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// `cty` header. `JWT` makes a nested JWT: the plaintext is then a
    /// signed JWT, taken without surrounding whitespace (the newline
    /// `jot sign` prints), quotes or `Bearer `.
    #[arg(long)]
    pub cty: Option<String>,
    /// Extra protected header member, VALUE as JSON.
    #[arg(long = "header", value_name = "NAME=JSON")]
    pub headers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct JweDecryptArgs {
    /// A JWE (compact or JSON serialization), or a file holding it; omitted
    /// or `-` reads stdin.
    #[arg(value_name = "JWE")]
    pub jwe: Option<String>,
    #[command(flatten)]
    pub key: JweKeyArgs,
    /// Accepted key management algorithm; repeat for several (default: the
    /// key's JWK `alg`, else every algorithm the key fits). RSA1_5 and PBES2
    /// are accepted only when named here.
    #[arg(long, value_parser = parse_jwe_alg)]
    pub alg: Vec<KeyManagement>,
    /// Accepted content encryption; repeat for several (default: all).
    #[arg(long, value_parser = parse_enc)]
    pub enc: Vec<ContentEncryption>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a key; private/secret files are created with mode 0600.
    #[command(after_help = examples(KEY_GENERATE_EXAMPLES))]
    Generate(KeyGenerateArgs),
    /// Print the public half of a key (or of every key in a set).
    #[command(after_help = examples(KEY_PUBLIC_EXAMPLES))]
    Public(KeyPublicArgs),
    /// Print the RFC 7638 thumbprint of a key.
    #[command(after_help = examples(KEY_THUMBPRINT_EXAMPLES))]
    Thumbprint(KeyThumbprintArgs),
    /// Convert a key between JWK, PEM and DER.
    #[command(after_help = examples(KEY_CONVERT_EXAMPLES))]
    Convert(KeyConvertArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    Jwk,
    Pem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    Jwk,
    Pem,
    Der,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kty {
    #[value(name = "oct")]
    Oct,
    #[value(name = "RSA", alias = "rsa")]
    Rsa,
    #[value(name = "EC", alias = "ec")]
    Ec,
    #[value(name = "OKP", alias = "okp")]
    Okp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyUse {
    Sig,
    Enc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum HashName {
    #[default]
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Generate a key for this JWS algorithm (and set its `alg`).
    #[arg(long, value_parser = parse_alg, required_unless_present = "kty", conflicts_with = "kty")]
    pub alg: Option<Algorithm>,
    /// Key type instead of an algorithm.
    #[arg(long, value_enum)]
    pub kty: Option<Kty>,
    /// Curve for EC (P-256, P-384, P-521, secp256k1) or OKP (Ed25519, Ed448,
    /// X25519, X448) keys.
    #[arg(long, requires = "kty")]
    pub crv: Option<String>,
    /// Size in bits for RSA (default 2048) and oct (default 256) keys.
    #[arg(long, value_name = "BITS", requires = "kty")]
    pub size: Option<usize>,
    /// `kid` of the new key.
    #[arg(long, conflicts_with = "kid_thumbprint", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// Set `kid` to the key's RFC 7638 thumbprint.
    #[arg(long)]
    pub kid_thumbprint: bool,
    /// `use` of the new key.
    #[arg(long = "use", value_enum)]
    pub key_use: Option<KeyUse>,
    /// Output format of the private key.
    #[arg(long, value_enum, default_value_t = KeyFormat::Jwk)]
    pub format: KeyFormat,
    /// Write the private key here (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the public half here (asymmetric keys only).
    #[arg(long, value_name = "FILE")]
    pub public_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeyPublicArgs {
    /// Key (path or env:NAME).
    #[arg(value_name = "K")]
    pub key: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = KeyFormat::Jwk)]
    pub format: KeyFormat,
}

#[derive(Debug, Args)]
pub struct KeyThumbprintArgs {
    /// Key (path or env:NAME).
    #[arg(value_name = "K")]
    pub key: String,
    /// Hash function.
    #[arg(long, value_enum, default_value_t = HashName::Sha256)]
    pub hash: HashName,
    /// Print the RFC 9278 URI (urn:ietf:params:oauth:jwk-thumbprint:...).
    #[arg(long)]
    pub uri: bool,
    /// Print a JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeyConvertArgs {
    /// Key (path or env:NAME).
    #[arg(value_name = "K")]
    pub key: String,
    /// Target format.
    #[arg(long, value_enum)]
    pub to: ConvertFormat,
    /// Write here instead of stdout (mode 0600 for private keys).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DpopCommand {
    /// Make a DPoP proof for one HTTP request: its `DPoP` header's value.
    ///
    /// The proof has typ dpop+jwt, the key's public half in `jwk`, a random
    /// `jti` and `iat` now; it is printed on stdout.
    #[command(after_help = examples(DPOP_PROOF_EXAMPLES))]
    Proof(DpopProofArgs),
}

#[derive(Debug, Args)]
pub struct DpopProofArgs {
    /// The client's private key (JWK, JWK Set of one key, PEM or DER; or
    /// env:NAME). Asymmetric only: RFC 9449 refuses HMAC proofs.
    #[arg(long, value_name = "K")]
    pub key: String,
    /// `htm`: the request's HTTP method, exactly as sent (e.g. POST).
    #[arg(long, value_name = "METHOD")]
    pub htm: String,
    /// `htu`: the request's URL (its query and fragment are left out).
    #[arg(long, value_name = "URL")]
    pub htu: String,
    /// `ath`: the proof goes with this access token (the token, a file
    /// holding it, or `-` for stdin).
    #[arg(long, value_name = "TOKEN")]
    pub ath_of: Option<String>,
    /// `nonce`: the value of the server's `DPoP-Nonce` header.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub nonce: Option<String>,
    /// Signature algorithm (default: the key's JWK `alg`).
    #[arg(long, value_parser = parse_alg)]
    pub alg: Option<Algorithm>,
}

#[derive(Debug, Subcommand)]
pub enum JwksCommand {
    /// A JWK Set of the public halves of the given keys.
    #[command(after_help = examples(JWKS_BUILD_EXAMPLES))]
    Build(JwksBuildArgs),
}

#[derive(Debug, Args)]
pub struct JwksBuildArgs {
    /// Keys or key sets (paths or env:NAME).
    #[arg(value_name = "K", required = true)]
    pub keys: Vec<String>,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// What `jot ui --help` says about how the page is served.
const UI_NOTES: &str = "\
The page and its JSON API are served from this binary on 127.0.0.1 only; \
nothing is fetched from or sent to anywhere else, and nothing is written \
to disk. The printed URL carries a random token that works once: the \
first visit swaps it for a session cookie, so open it in the browser you \
mean to use. Requests must name 127.0.0.1 or localhost as their Host and \
the API answers only the page's own origin.";

#[derive(Debug, Args)]
pub struct UiArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0, value_name = "P")]
    pub port: u16,
    /// Open the URL in the default browser (the opener sees the one-time
    /// URL on its command line).
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn long_examples_wrap_outside_quotes() {
        let w = wrap_command("jot sign --header 'a b c d e f' --exp 1h", 20);
        assert_eq!(
            w,
            "jot sign --header \\\n      'a b c d e f' \\\n      --exp 1h"
        );
        assert_eq!(wrap_command("jot decode t", 80), "jot decode t");
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_examples() {
        let listed: Vec<&str> = all_examples().iter().map(|(p, _)| *p).collect();
        fn walk(cmd: &clap::Command, prefix: String, out: &mut Vec<String>) {
            for sub in cmd.get_subcommands() {
                if sub.get_name() == "help" {
                    continue;
                }
                let path = if prefix.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{prefix} {}", sub.get_name())
                };
                walk(sub, path.clone(), out);
                out.push(path);
            }
        }
        let mut paths = Vec::new();
        walk(&Cli::command(), String::new(), &mut paths);
        for p in paths {
            assert!(listed.contains(&p.as_str()), "no examples for `jot {p}`");
        }
    }
}
