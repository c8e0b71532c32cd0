//! What an error message may show of its input: names of the JOSE registries
//! only, and parser messages with the values they quote removed.

use std::fmt;

/// Names Jot may print from a token: the registered header parameters,
/// claims and JWK members, and the algorithm names of the JOSE registries.
/// Anything else came from the token and is not echoed.
fn is_vocabulary(name: &str) -> bool {
    const NAMES: &[&str] = &[
        // JWS/JWE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7518
        // §4, RFC 7797), the JSON serialization members
        "alg",
        "jku",
        "jwk",
        "kid",
        "x5u",
        "x5c",
        "x5t",
        "x5t#S256",
        "typ",
        "cty",
        "crit",
        "enc",
        "zip",
        "epk",
        "apu",
        "apv",
        "iv",
        "tag",
        "p2s",
        "p2c",
        "b64",
        "protected",
        "header",
        "unprotected",
        "payload",
        "signature",
        "signatures",
        "recipients",
        "encrypted_key",
        "ciphertext",
        "aad",
        // JWT claims (RFC 7519 §4.1)
        "iss",
        "sub",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        // DPoP proof claims (RFC 9449 §4.2) and confirmation (RFC 7800)
        "htm",
        "htu",
        "ath",
        "nonce",
        "cnf",
        "jkt",
        // JWK members (RFC 7517 §4, RFC 7518 §6)
        "kty",
        "use",
        "key_ops",
        "crv",
        "x",
        "y",
        "d",
        "n",
        "e",
        "p",
        "q",
        "dp",
        "dq",
        "qi",
        "oth",
        "oct",
        "RSA",
        "EC",
        "OKP",
        "P-256",
        "P-384",
        "P-521",
        "secp256k1",
        "Ed25519",
        "Ed448",
        "X25519",
        "X448",
        "k",
        "keys",
        // algorithm names Jot does not implement but that exist
        "none",
        "RS1",
        "A128CBC",
        "A192CBC",
        "A256CBC",
        "A512CBC",
    ];
    NAMES.contains(&name)
        || crate::alg::Algorithm::from_name(name).is_some()
        || crate::alg::JWE_NAMES.contains(&name)
}

/// Displays a name from a token only if it is a registered name
/// ([`is_vocabulary`]); otherwise says how long it was.
pub(crate) struct Shown<'a>(pub(crate) &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_vocabulary(self.0) {
            write!(f, "{:?}", self.0)
        } else {
            write!(f, "(an unregistered name of {} bytes)", self.0.len())
        }
    }
}

/// Whether a token named a `kid`, without echoing it.
pub(super) struct KidNote<'a>(pub(super) Option<&'a str>);

impl fmt::Display for KidNote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(kid) => write!(f, "the token's kid of {} bytes", kid.len()),
            None => f.write_str("the token has no kid"),
        }
    }
}

/// A serde_json error's message without input values. Syntax and EOF
/// messages are fixed texts ("expected `:` at line 1 column 5"); data
/// messages quote the offending value, which [`scrub`] removes.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => scrub(&e.to_string()),
        _ => e.to_string(),
    }
}

/// Removes what a parser message quotes from its input: `"..."` (Rust
/// string escapes honoured) becomes `"…"`, and everything from the first
/// backtick on (serde's ``unknown variant `x` `` style, where the value may
/// itself hold backticks) becomes `…`.
pub(crate) fn scrub(msg: &str) -> String {
    let (msg, cut) = match msg.split_once('`') {
        Some((head, _)) => (head, true),
        None => (msg, false),
    };
    let mut out = String::with_capacity(msg.len() + 4);
    let mut in_str = false;
    let mut escaped = false;
    for c in msg.chars() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
                out.push_str("…\"");
            }
            continue;
        }
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    if in_str {
        out.push_str("…\"");
    }
    if cut {
        out.push('…');
    }
    out
}
