//! The command line, as clap derive definitions. Every flag is documented
//! where it is defined; every command's examples live in one const array
//! (shown by `--help`, and run one by one by the integration tests).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jot::jwe::{ContentEncryption, KeyManagement};
use jot::Algorithm;

/// One `--help` example: a shell command line and what it does.
pub struct Example {
    pub what: &'static str,
    pub cmd: &'static str,
}

const fn ex(what: &'static str, cmd: &'static str) -> Example {
    Example { what, cmd }
}

/// Formats examples for `after_help`. The tests find them by the `$ `
/// prefix (continuation lines end in ` \\`), so keep one command each.
fn examples(list: &[Example]) -> String {
    let mut s = String::from("Examples:\n");
    for e in list {
        s.push_str(&format!(
            "  # {}\n  $ {}\n",
            e.what,
            wrap_command(e.cmd, 84)
        ));
    }
    s.pop();
    s
}

/// Breaks a long command line with shell continuations (` \\` + newline)
/// at spaces outside quotes, so clap never re-wraps it into something a
/// shell cannot run when pasted.
fn wrap_command(cmd: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let mut words = Vec::new();
    for c in cmd.chars() {
        match (quote, c) {
            (None, ' ') => {
                words.push(std::mem::take(&mut word));
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            _ => {}
        }
        word.push(c);
    }
    words.push(word);
    for w in words {
        if line_len > 0 && line_len + 1 + w.len() > width {
            out.push_str(" \\\n      ");
            line_len = 4;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(&w);
        line_len += w.len();
    }
    out
}

pub const TOP_EXAMPLES: &[Example] = &[
    ex(
        "Sign a JWT valid for one hour with an HMAC secret",
        "jot sign --alg HS256 --secret-file hs256.key --sub alice --aud api --exp 1h",
    ),
    ex(
        "Sign with a private JWK and verify with its public half (exit code 0: valid)",
        "jot sign --key ec.jwk --aud api --exp 1h | jot verify --key ec.pub.jwk --aud api",
    ),
    ex(
        "Look inside a token without verifying anything",
        "jot decode token.jwt",
    ),
];

pub const SIGN_EXAMPLES: &[Example] = &[
    ex(
        "Claims from flags, expiring in 30 minutes, signed with a JWK",
        "jot sign --alg ES256 --key ec.jwk --iss https://issuer.example --sub alice --aud api --exp 30m",
    ),
    ex(
        "Claims from a file plus extra claims (VALUE is JSON if it parses, else a string)",
        "jot sign claims.json --alg HS256 --secret-file hs256.key -c role=admin -c 'scopes=[\"read\",\"write\"]' --exp 1h",
    ),
    ex(
        "Claims from stdin, key from an environment variable, random jti",
        "echo '{\"sub\":\"bob\"}' | JOT_KEY=\"$(cat ec.jwk)\" jot sign - --alg ES256 --key env:JOT_KEY --random-jti --exp 7d",
    ),
    ex(
        "Re-sign the payload of a decoded token",
        "jot decode --json token.jwt | jot sign - --alg HS256 --secret-file hs256.key --exp 1h",
    ),
    ex(
        "Custom typ and header members, PEM key",
        "jot sign --alg ES256 --key ec.pem --typ at+jwt --header 'x-tenant=\"acme\"' --exp 15m",
    ),
];

pub const VERIFY_EXAMPLES: &[Example] = &[
    ex(
        "Verify with a JWK Set (key chosen by the token's kid and alg)",
        "jot verify token.jwt --key jwks.json --aud api",
    ),
    ex(
        "Read the token from stdin (a leading 'Bearer ' is stripped)",
        "echo \"Bearer $(cat token.jwt)\" | jot verify --key ec.pub.jwk --aud api",
    ),
    ex(
        "Machine-readable result, with expectations on issuer and claims",
        "jot verify token.jwt --key ec.pub.jwk --aud api --iss https://issuer.example --require sub --json",
    ),
    ex(
        "Accept a token without exp, with a tighter clock leeway",
        "jot sign --secret-file hs256.key --alg HS256 | jot verify --secret-file hs256.key --allow-no-exp --leeway 5s",
    ),
    ex(
        "A nested JWT (JWE containing a JWS): decrypt with --decrypt-key, verify with --key",
        "jot verify nested.jwt --decrypt-key enc.jwk --key ec.pub.jwk --aud api --json",
    ),
    ex(
        "Scripts: branch on the exit code (1: rejected)",
        "if ! jot verify token.jwt --key ec.pub.jwk --aud other 2>/dev/null; then echo rejected; fi",
    ),
];

/// The network forms of `jot verify`, documented rather than shown as
/// examples (those run in the tests, without a server to fetch from).
const VERIFY_REMOTE: &str = "\
Keys from the network (fetched once per run; https, or plain http to a loopback host only):
  --key https://id.example/.well-known/jwks.json   a JWK Set URL
  --issuer https://id.example   OpenID Connect / RFC 8414 discovery of the issuer's jwks_uri;
                                the token's iss must then be exactly this issuer
A key source that cannot be used (refused URL, failed fetch or discovery) exits 2; a token
whose kid is not in the fetched set is rejected (exit 1).";

pub const DECODE_EXAMPLES: &[Example] = &[
    ex(
        "Show header, payload and time claims (UNVERIFIED)",
        "jot decode token.jwt",
    ),
    ex(
        "The same as one JSON document",
        "jot decode --json token.jwt",
    ),
    ex(
        "From stdin, quotes and 'Bearer ' stripped",
        "echo \"\\\"Bearer $(cat token.jwt)\\\"\" | jot decode",
    ),
];

pub const JWS_EXAMPLES: &[Example] = &[
    ex(
        "Sign raw bytes and verify them back",
        "jot jws sign --payload 'hello' --alg ES256 --key ec.jwk | jot jws verify --key ec.pub.jwk",
    ),
    ex(
        "General JSON serialization of a file's bytes",
        "jot jws sign payload.txt --alg HS256 --secret-file hs256.key --json",
    ),
];

pub const JWS_SIGN_EXAMPLES: &[Example] = &[
    ex(
        "Compact JWS of a file",
        "jot jws sign payload.txt --alg ES256 --key ec.jwk > payload.jws",
    ),
    ex(
        "Flattened JSON serialization with a kid",
        "jot jws sign --payload 'hello' --alg HS256 --secret-file hs256.key --flattened --kid k1",
    ),
    ex(
        "Detached, unencoded payload (RFC 7797)",
        "jot jws sign payload.txt --alg HS256 --secret-file hs256.key --detached --unencoded > detached.jws",
    ),
];

pub const JWS_VERIFY_EXAMPLES: &[Example] = &[
    ex(
        "Verify and write exactly the payload bytes to stdout",
        "jot jws verify payload.jws --key ec.pub.jwk > out.txt",
    ),
    ex(
        "Verify a detached JWS against its payload",
        "jot jws verify detached.jws --secret-file hs256.key --payload-file payload.txt",
    ),
];

pub const JWE_EXAMPLES: &[Example] = &[
    ex(
        "Encrypt to an X25519 public key and decrypt with the private key",
        "jot jwe encrypt --plaintext 'hello' --alg ECDH-ES --enc A256GCM --key enc.pub.jwk | jot jwe decrypt --key enc.jwk",
    ),
    ex(
        "Password-based (PBES2): off by default on decryption, enabled by naming it",
        "jot jwe encrypt payload.txt --alg PBES2-HS256+A128KW --enc A128CBC-HS256 --secret 'correct horse' | jot jwe decrypt --alg PBES2-HS256+A128KW --secret 'correct horse'",
    ),
];

pub const JWE_ENCRYPT_EXAMPLES: &[Example] = &[
    ex(
        "Compact JWE of a file to an ECDH public key",
        "jot jwe encrypt payload.txt --alg ECDH-ES+A256KW --enc A256GCM --key enc.pub.jwk > message.jwe",
    ),
    ex(
        "Direct encryption with a shared 256-bit key, compressed, with a kid",
        "jot jwe encrypt payload.txt --alg dir --enc A256GCM --key aes.jwk --zip --kid k1",
    ),
    ex(
        "To an RSA public key as PEM (SPKI), general JSON serialization",
        "jot jwe encrypt --plaintext 'hello' --alg RSA-OAEP-256 --enc A128GCM --key rsa.pub.pem --json",
    ),
    ex(
        "A nested JWT: sign, then encrypt with cty JWT",
        "jot sign --key ec.jwk --sub alice --exp 1h | jot jwe encrypt --alg ECDH-ES --enc A256GCM --key enc.pub.jwk --cty JWT > nested.jwt",
    ),
];

pub const JWE_DECRYPT_EXAMPLES: &[Example] = &[
    ex(
        "Decrypt and write exactly the plaintext bytes to stdout",
        "jot jwe decrypt message.jwe --key enc.jwk > out.txt",
    ),
    ex(
        "Only accept one algorithm pair",
        "jot jwe decrypt message.jwe --key enc.jwk --alg ECDH-ES+A256KW --enc A256GCM",
    ),
    ex(
        "A key wrapped with AES key wrap, secret as base64url",
        "jot jwe encrypt --plaintext 'hi' --alg A128KW --enc A128GCM --secret-b64 GawgguFyGrWKav7AX4VKUg | jot jwe decrypt --secret-b64 GawgguFyGrWKav7AX4VKUg",
    ),
];

pub const KEY_EXAMPLES: &[Example] = &[
    ex(
        "Generate an ES256 key pair",
        "jot key generate --alg ES256 --kid-thumbprint --out new.jwk --public-out new.pub.jwk",
    ),
    ex("Publish the public half", "jot key public ec.jwk"),
    ex("RFC 7638 thumbprint", "jot key thumbprint ec.jwk"),
];

pub const KEY_GENERATE_EXAMPLES: &[Example] = &[
    ex(
        "An Ed25519 signing key, private part in a 0600 file",
        "jot key generate --alg Ed25519 --out ed.jwk --public-out ed.pub.jwk",
    ),
    ex(
        "An RSA 3072 key as PEM",
        "jot key generate --kty RSA --size 3072 --format pem --out rsa3072.pem",
    ),
    ex(
        "A P-384 key for encryption with its thumbprint as kid",
        "jot key generate --kty EC --crv P-384 --use enc --kid-thumbprint",
    ),
    ex(
        "A 256-bit secret",
        "jot key generate --kty oct --size 256 --out secret.jwk",
    ),
];

pub const KEY_PUBLIC_EXAMPLES: &[Example] = &[
    ex("Public JWK of a private JWK", "jot key public ec.jwk"),
    ex("As SPKI PEM", "jot key public ec.jwk --format pem"),
];

pub const KEY_THUMBPRINT_EXAMPLES: &[Example] = &[
    ex("RFC 7638 SHA-256 thumbprint", "jot key thumbprint ec.jwk"),
    ex(
        "RFC 9278 thumbprint URI with SHA-512",
        "jot key thumbprint ec.jwk --hash sha512 --uri",
    ),
];

pub const KEY_CONVERT_EXAMPLES: &[Example] = &[
    ex(
        "JWK to PEM (PKCS#8)",
        "jot key convert ec.jwk --to pem --out ec.pem",
    ),
    ex("PEM back to JWK", "jot key convert ec.pem --to jwk"),
    ex(
        "To DER (binary: needs --out or a pipe)",
        "jot key convert ec.jwk --to der --out ec.der",
    ),
];

pub const JWKS_EXAMPLES: &[Example] = &[ex(
    "A JWK Set of public keys, kid = thumbprint where missing",
    "jot jwks build ec.jwk rsa.jwk --out jwks.json",
)];

pub const JWKS_BUILD_EXAMPLES: &[Example] = &[
    ex("Two keys to stdout", "jot jwks build ec.jwk rsa.jwk"),
    ex(
        "Keys from a set and an environment variable into a file",
        "JOT_KEY=\"$(cat ed.pub.jwk)\" jot jwks build jwks.json env:JOT_KEY --out all.json",
    ),
];

pub const COMPLETIONS_EXAMPLES: &[Example] = &[
    ex(
        "Bash completions for this session",
        "source <(jot completions bash)",
    ),
    ex(
        "Zsh completions into a directory on $fpath",
        "jot completions zsh > _jot",
    ),
];

/// The examples of every command, by command path (for the tests and to
/// keep them in one place).
#[cfg(test)]
pub fn all_examples() -> Vec<(&'static str, &'static [Example])> {
    vec![
        ("", TOP_EXAMPLES),
        ("sign", SIGN_EXAMPLES),
        ("verify", VERIFY_EXAMPLES),
        ("decode", DECODE_EXAMPLES),
        ("jws", JWS_EXAMPLES),
        ("jws sign", JWS_SIGN_EXAMPLES),
        ("jws verify", JWS_VERIFY_EXAMPLES),
        ("jwe", JWE_EXAMPLES),
        ("jwe encrypt", JWE_ENCRYPT_EXAMPLES),
        ("jwe decrypt", JWE_DECRYPT_EXAMPLES),
        ("key", KEY_EXAMPLES),
        ("key generate", KEY_GENERATE_EXAMPLES),
        ("key public", KEY_PUBLIC_EXAMPLES),
        ("key thumbprint", KEY_THUMBPRINT_EXAMPLES),
        ("key convert", KEY_CONVERT_EXAMPLES),
        ("jwks", JWKS_EXAMPLES),
        ("jwks build", JWKS_BUILD_EXAMPLES),
        ("completions", COMPLETIONS_EXAMPLES),
    ]
}

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
    /// Build JWK Sets.
    #[command(subcommand, after_help = examples(JWKS_EXAMPLES))]
    Jwks(JwksCommand),
    /// Print a shell completion script.
    #[command(after_help = examples(COMPLETIONS_EXAMPLES))]
    Completions(CompletionsArgs),
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
    #[arg(long, value_name = "B64")]
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
        let names: Vec<&str> = KeyManagement::all().iter().map(|a| a.name()).collect();
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
    #[arg(long)]
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
    #[arg(long)]
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
    #[arg(long, value_name = "B64")]
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
    #[arg(long)]
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
    #[arg(long, conflicts_with = "kid_thumbprint")]
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
