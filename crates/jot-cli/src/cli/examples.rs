//! Every command's `--help` examples, in one const array each (shown by
//! `--help`, and run one by one by the integration tests), and their
//! formatting.

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
pub(super) fn examples(list: &[Example]) -> String {
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
pub(super) fn wrap_command(cmd: &str, width: usize) -> String {
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
pub(super) const VERIFY_REMOTE: &str = "\
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

pub const DPOP_EXAMPLES: &[Example] = &[ex(
    "A proof for a token request, signed with the client's key",
    "jot dpop proof --key ec.jwk --htm POST --htu https://as.example/token",
)];

pub const DPOP_PROOF_EXAMPLES: &[Example] = &[
    ex(
        "A proof for a token request",
        "jot dpop proof --key ec.jwk --htm POST --htu https://as.example/token",
    ),
    ex(
        "A proof for a resource request with an access token and the server's nonce",
        "jot dpop proof --key ec.jwk --htm GET --htu https://api.example/me --ath-of token.jwt --nonce eyJ7S_zG",
    ),
    ex(
        "An Ed25519 key given as PEM needs --alg",
        "jot key convert ed.jwk --to pem --out ed.pem && jot dpop proof --key ed.pem --alg Ed25519 --htm GET --htu https://api.example/me",
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

pub const UI_EXAMPLES: &[Example] = &[ex(
    "Serve the debugger on a free port; stop it after 2 s as Ctrl-C would",
    "timeout --preserve-status -s INT 2 jot ui",
)];

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
        ("dpop", DPOP_EXAMPLES),
        ("dpop proof", DPOP_PROOF_EXAMPLES),
        ("jwks", JWKS_EXAMPLES),
        ("jwks build", JWKS_BUILD_EXAMPLES),
        ("completions", COMPLETIONS_EXAMPLES),
        ("serve", super::SERVE_EXAMPLES),
        ("client", super::CLIENT_EXAMPLES),
        ("client add", super::CLIENT_ADD_EXAMPLES),
        ("client list", super::CLIENT_LIST_EXAMPLES),
        ("client show", super::CLIENT_SHOW_EXAMPLES),
        ("client remove", super::CLIENT_REMOVE_EXAMPLES),
        ("client rotate-secret", super::CLIENT_ROTATE_EXAMPLES),
        ("keys", super::KEYS_EXAMPLES),
        ("keys list", super::KEYS_LIST_EXAMPLES),
        ("keys rotate", super::KEYS_ROTATE_EXAMPLES),
        ("keys retire", super::KEYS_RETIRE_EXAMPLES),
        ("sessions", super::SESSIONS_EXAMPLES),
        ("sessions revoke", super::SESSIONS_REVOKE_EXAMPLES),
        ("ui", UI_EXAMPLES),
    ]
}
