//! Fixed keys shared by the fuzz targets: the RFC 7520 keys (written to
//! `keys/` by `seed.py`), prepared once per process so that seeds from the
//! same RFC verify or decrypt and the fuzzer reaches the code behind the
//! signature and tag checks.

use std::sync::OnceLock;

use jot::jwe::{DecryptOptions, DecryptionKey, KeyManagement};
use jot::jwk::{Jwk, JwkSet};
use jot::jwks::LocalKeySet;
use jot::key::VerifyingKey;
use jot::Algorithm;

fn jwk(json: &str) -> Jwk {
    Jwk::from_json(json.as_bytes(), &Default::default()).expect("fixed fuzz key parses")
}

/// The RFC 7520 signature keys, prepared for the algorithms their examples
/// use (RS256, PS384, ES512, HS256, EdDSA).
pub fn verifying_keys() -> &'static LocalKeySet {
    static KEYS: OnceLock<LocalKeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let set = JwkSet::from_json(include_bytes!("../keys/jws.jwks"), &Default::default())
            .expect("fixed JWKS");
        // The examples' keys mix an HMAC secret with public keys on purpose
        // (the fuzzers try every one): the explicit opt-in constructor.
        LocalKeySet::from_jwks_mixed(
            &set,
            &[
                Algorithm::RS256,
                Algorithm::PS384,
                Algorithm::ES512,
                Algorithm::HS256,
                Algorithm::EdDSA,
            ],
        )
        .expect("fixed JWKS prepares")
    })
}

/// One fixed HMAC key, for the targets that need a single `VerifyingKey`.
pub fn hmac_key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        VerifyingKey::from_jwk(&jwk(include_str!("../keys/hmac.jwk")), Algorithm::HS256)
            .expect("fixed HMAC key")
    })
}

/// The RFC 7520 §5 decryption keys, each for the `alg` of its example
/// (RSA1_5, RSA-OAEP, PBES2, ECDH-ES(+A128KW), dir, A256GCMKW, A128KW,
/// X25519 ECDH-ES).
pub fn decryption_keys() -> &'static [DecryptionKey] {
    static KEYS: OnceLock<Vec<DecryptionKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let list = std::str::from_utf8(include_bytes!("../keys/jwe.keys")).expect("utf-8 key list");
        let mut keys = Vec::new();
        for line in list.lines().filter(|l| !l.is_empty()) {
            let (alg, rest) = line.split_once(' ').expect("alg then key");
            let alg = KeyManagement::from_name(alg).expect("known alg");
            let key = if let Some(pwd) = rest.strip_prefix("password:") {
                DecryptionKey::password(pwd.as_bytes(), alg).expect("password key")
            } else {
                let j = jwk(rest);
                let kid = j.kid.clone();
                let k = DecryptionKey::from_jwk(&j, alg).expect("fixed JWE key");
                match kid {
                    Some(kid) => k.with_kid(kid),
                    None => k,
                }
            };
            keys.push(key);
        }
        keys
    })
}

/// Decryption rules for the fuzzer: the defaults plus `RSA1_5` and the
/// three PBES2 algorithms, so that those code paths are exercised too.
pub fn decrypt_options() -> &'static DecryptOptions {
    static OPTS: OnceLock<DecryptOptions> = OnceLock::new();
    OPTS.get_or_init(|| {
        KeyManagement::ALL
            .iter()
            .copied()
            .fold(DecryptOptions::new(), DecryptOptions::allow)
    })
}
