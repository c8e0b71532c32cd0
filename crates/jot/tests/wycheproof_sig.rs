//! Wycheproof signature and MAC vectors, run through Jot's own verification
//! path.
//!
//! Every group's key is built as a JWK from its raw components (RSA `n`/`e`,
//! EC `wx`/`wy`, EdDSA `pk`, HMAC `key`: PEM/DER import is not used) and
//! prepared with `VerifyingKey::from_jwk` for the JOSE algorithm that matches
//! the file. Each test then goes through `VerifyingKey::verify(msg, sig)`,
//! which is the call `jws::compact::verify` and `jws::json::verify` make on
//! the signing input once the key is resolved (see `jws/compact.rs`,
//! `verify_parts`). Wycheproof messages are arbitrary bytes, not
//! `header.payload`; any message that does happen to be a JWS signing input
//! with a matching header is also wrapped into a compact JWS and verified
//! through `jws::compact::verify`.
//!
//! Outcomes: every "valid" vector must verify and every "invalid" one must
//! fail, except for documented by-design rejections:
//! - HMAC groups whose tag is shorter than the hash (JOSE uses full tags,
//!   RFC 7518 §3.2): Jot rejects truncated tags even when Wycheproof calls
//!   them valid;
//! - RSA keys under 2048 bits (`Error::WeakKey` at import, RFC 7518 §3.3).
//!
//! HMAC groups with keys shorter than the hash are prepared with
//! `VerifyingKey::from_jwk_allow_short_hmac` (`from_jwk` refuses them, which
//! is checked) and counted. "acceptable" vectors may go either way; their
//! outcome is printed. Each file's run must cover exactly `numberOfTests`.

mod common;

use std::collections::BTreeMap;

use common::{b64u, load_json, str_at, unhex};
use jot::jwk::{Jwk, ThumbprintHash};
use jot::jws::compact;
use jot::key::VerifyingKey;
use jot::{Algorithm, Error};
use serde_json::Value;

#[derive(Default)]
struct Counts {
    total: usize,
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable: usize,
    acceptable_accepted: usize,
    by_design: BTreeMap<&'static str, usize>,
    short_hmac_keys: usize,
    wrapped_in_jws: usize,
    acceptable_outcomes: Vec<String>,
    failures: Vec<String>,
}

enum Family {
    Hmac,
    Rsa,
    Ecdsa,
    Eddsa,
}

fn family(file: &str) -> Family {
    if file.starts_with("hmac_") {
        Family::Hmac
    } else if file.starts_with("rsa_") {
        Family::Rsa
    } else if file.starts_with("ecdsa_") {
        Family::Ecdsa
    } else {
        Family::Eddsa
    }
}

/// Fixed-length big-endian coordinate: Wycheproof's `wx`/`wy` may carry a
/// leading 00 (ASN.1 integer style) or be shorter than the field size.
fn coordinate(hex: &str, len: usize) -> Option<Vec<u8>> {
    let bytes = unhex(hex);
    let start = bytes.iter().take_while(|&&b| b == 0).count();
    let significant = &bytes[start..];
    if significant.len() > len {
        return None;
    }
    let mut out = vec![0u8; len - significant.len()];
    out.extend_from_slice(significant);
    Some(out)
}

fn curve(file: &str) -> (&'static str, usize, &'static str) {
    if file.contains("secp256r1") {
        ("P-256", 32, "secp256r1")
    } else if file.contains("secp384r1") {
        ("P-384", 48, "secp384r1")
    } else if file.contains("secp521r1") {
        ("P-521", 66, "secp521r1")
    } else {
        ("secp256k1", 32, "secp256k1")
    }
}

/// The key as JWK JSON built from raw components: from the group, or for
/// HMAC from the test itself (Wycheproof MAC keys are per test).
fn group_jwk(file: &str, g: &Value) -> Result<Jwk, Error> {
    let json = match family(file) {
        Family::Hmac => format!(
            r#"{{"kty":"oct","k":"{}"}}"#,
            b64u(unhex(str_at(g, "/key")))
        ),
        Family::Rsa => format!(
            r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#,
            b64u(unhex(str_at(g, "/publicKey/modulus"))),
            b64u(unhex(str_at(g, "/publicKey/publicExponent")))
        ),
        Family::Ecdsa => {
            let (crv, len, wname) = curve(file);
            assert_eq!(str_at(g, "/publicKey/curve"), wname);
            let x = coordinate(str_at(g, "/publicKey/wx"), len);
            let y = coordinate(str_at(g, "/publicKey/wy"), len);
            let (Some(x), Some(y)) = (x, y) else {
                return Err(Error::InvalidKey(jot::error::InvalidKey::MemberLength {
                    member: "x",
                    expected: len,
                    actual: len + 1,
                }));
            };
            format!(
                r#"{{"kty":"EC","crv":"{crv}","x":"{}","y":"{}"}}"#,
                b64u(x),
                b64u(y)
            )
        }
        Family::Eddsa => format!(
            r#"{{"kty":"OKP","crv":"{}","x":"{}"}}"#,
            if file.starts_with("ed448") {
                "Ed448"
            } else {
                "Ed25519"
            },
            b64u(unhex(str_at(g, "/publicKey/pk")))
        ),
    };
    Jwk::from_json(json.as_bytes(), &Default::default())
}

/// Hash output length in bytes of an HMAC algorithm.
fn hash_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 32,
    }
}

/// Wraps `sig` into a compact JWS when `msg` is `header.payload` whose header
/// names `alg` (never the case in the current files; checked anyway).
fn try_as_jws(msg: &[u8], sig: &[u8], key: &VerifyingKey) -> Option<bool> {
    let text = std::str::from_utf8(msg).ok()?;
    text.split_once('.')?;
    let decoded = compact::decode_unverified(&format!("{text}."), &Default::default()).ok()?;
    if decoded.header.get("alg")?.as_str()? != key.algorithm().name() {
        return None;
    }
    Some(compact::verify(&format!("{text}.{}", b64u(sig)), key, &Default::default()).is_ok())
}

fn run(file: &str, algs: &[Algorithm]) {
    let v = load_json(&format!("wycheproof/{file}"));
    let expected_total = v["numberOfTests"].as_u64().unwrap() as usize;
    let mut c = Counts::default();
    let groups = v["testGroups"].as_array().unwrap();
    assert!(!groups.is_empty());
    for g in groups {
        // Cross-check our component-built key against the file's own JWK.
        let jwk = if matches!(family(file), Family::Hmac) {
            Err(Error::InvalidKey(jot::error::InvalidKey::MissingMember(
                "k",
            )))
        } else {
            group_jwk(file, g)
        };
        if let (Ok(ours), Some(theirs)) = (&jwk, g.get("publicKeyJwk").or(g.get("keyJwk"))) {
            let theirs =
                Jwk::from_json(common::to_json(theirs).as_bytes(), &Default::default()).unwrap();
            assert_eq!(
                ours.thumbprint(ThumbprintHash::Sha256),
                theirs.thumbprint(ThumbprintHash::Sha256),
                "{file}: component-built JWK differs from the file's JWK"
            );
        }
        if let Some(slen) = g.get("sLen") {
            // JOSE PSS: salt length = hash length (RFC 7518 §3.5).
            let want = match algs[0] {
                Algorithm::PS256 => 32,
                Algorithm::PS384 => 48,
                _ => 64,
            };
            assert_eq!(slen.as_u64(), Some(want), "{file}: sLen");
        }

        // Prepare one verifying key per algorithm, noting by-design refusals.
        let mut group_by_design: Option<&'static str> = None;
        let is_hmac = matches!(family(file), Family::Hmac);
        if is_hmac {
            let key_bits = g["keySize"].as_u64().unwrap() as usize;
            if key_bits / 8 < hash_len(algs[0]) {
                c.short_hmac_keys += g["tests"].as_array().unwrap().len();
            }
            let tag_bits = g["tagSize"].as_u64().unwrap() as usize;
            if tag_bits / 8 < hash_len(algs[0]) {
                group_by_design = Some("truncated-tag valid vectors rejected by design");
            }
        }
        let prepare = |jwk: Result<Jwk, Error>| -> Result<Vec<VerifyingKey>, Error> {
            let jwk = jwk?;
            algs.iter()
                .map(|&alg| {
                    if is_hmac {
                        let key_bits = g["keySize"].as_u64().unwrap() as usize;
                        if key_bits / 8 < hash_len(alg) {
                            // from_jwk refuses short secrets (RFC 7518 §3.2).
                            assert!(matches!(
                                VerifyingKey::from_jwk(&jwk, alg),
                                Err(Error::WeakKey(_))
                            ));
                            return VerifyingKey::from_jwk_allow_short_hmac(&jwk, alg);
                        }
                    }
                    VerifyingKey::from_jwk(&jwk, alg)
                })
                .collect()
        };
        // HMAC keys are per test; the others per group.
        let group_keys = if is_hmac {
            None
        } else {
            match prepare(jwk) {
                Err(Error::WeakKey(e)) => {
                    group_by_design = Some("RSA key under 2048 bits (WeakKey)");
                    Some(Err(Error::WeakKey(e)))
                }
                other => Some(other),
            }
        };

        for t in g["tests"].as_array().unwrap() {
            c.total += 1;
            let id = &t["tcId"];
            let result = str_at(t, "/result");
            let msg = unhex(str_at(t, "/msg"));
            let sig = unhex(str_at(
                t,
                if t.get("tag").is_some() {
                    "/tag"
                } else {
                    "/sig"
                },
            ));
            let test_keys;
            let keys = match &group_keys {
                Some(k) => k,
                None => {
                    test_keys = prepare(group_jwk(file, t));
                    &test_keys
                }
            };
            let accepted = match keys {
                Err(e) => {
                    if result == "valid" && group_by_design.is_none() {
                        c.failures.push(format!(
                            "tc {id}: key import failed for a valid vector: {e}"
                        ));
                    }
                    false
                }
                Ok(keys) => {
                    let outcomes: Vec<bool> =
                        keys.iter().map(|k| k.verify(&msg, &sig).is_ok()).collect();
                    if outcomes.iter().any(|&o| o != outcomes[0]) {
                        c.failures
                            .push(format!("tc {id}: algorithms disagree: {outcomes:?}"));
                    }
                    for k in keys {
                        if let Some(ok) = try_as_jws(&msg, &sig, k) {
                            c.wrapped_in_jws += 1;
                            if ok != outcomes[0] {
                                c.failures
                                    .push(format!("tc {id}: compact JWS path disagrees"));
                            }
                        }
                    }
                    outcomes[0]
                }
            };
            match (result, accepted) {
                ("valid", true) => c.valid_accepted += 1,
                ("valid", false) => match group_by_design {
                    Some(reason) => *c.by_design.entry(reason).or_default() += 1,
                    None => c
                        .failures
                        .push(format!("tc {id}: valid vector rejected ({})", t["comment"])),
                },
                ("invalid", false) => c.invalid_rejected += 1,
                ("invalid", true) => c.failures.push(format!(
                    "tc {id}: INVALID vector accepted ({}, flags {})",
                    t["comment"], t["flags"]
                )),
                ("acceptable", ok) => {
                    c.acceptable += 1;
                    if ok {
                        c.acceptable_accepted += 1;
                    }
                    c.acceptable_outcomes.push(format!(
                        "tc {id} {} {}: {}",
                        t["comment"],
                        t["flags"],
                        if ok { "accepted" } else { "rejected" }
                    ));
                }
                (other, _) => c.failures.push(format!("tc {id}: unknown result {other}")),
            }
        }
    }
    let by_design: usize = c.by_design.values().sum();
    println!(
        "wycheproof {file}: total {}, valid accepted {}, invalid rejected {}, acceptable {} (accepted {}), by-design rejections {}",
        c.total, c.valid_accepted, c.invalid_rejected, c.acceptable, c.acceptable_accepted, by_design
    );
    for (reason, n) in &c.by_design {
        println!("  by design: {reason}: {n}");
    }
    if c.short_hmac_keys > 0 {
        println!(
            "  vectors with HMAC keys shorter than the hash (from_jwk_allow_short_hmac): {}",
            c.short_hmac_keys
        );
    }
    for a in &c.acceptable_outcomes {
        println!("  acceptable: {a}");
    }
    println!(
        "  vectors also verified as compact JWS: {}",
        c.wrapped_in_jws
    );
    assert!(
        c.failures.is_empty(),
        "{file}: {} failures:\n{}",
        c.failures.len(),
        c.failures.join("\n")
    );
    assert_eq!(c.total, expected_total, "{file}: not every test ran");
    assert_eq!(
        c.valid_accepted + c.invalid_rejected + c.acceptable + by_design,
        c.total,
        "{file}: every test has exactly one outcome"
    );
    assert!(c.valid_accepted > 0 && c.invalid_rejected > 0, "{file}");
}

macro_rules! wycheproof {
    ($($name:ident: $file:literal => [$($alg:ident),+];)*) => {$(
        #[test]
        fn $name() {
            run($file, &[$(Algorithm::$alg),+]);
        }
    )*};
}

wycheproof! {
    hmac_sha256: "hmac_sha256_test.json" => [HS256];
    hmac_sha384: "hmac_sha384_test.json" => [HS384];
    hmac_sha512: "hmac_sha512_test.json" => [HS512];
    rsa_signature_2048_sha256: "rsa_signature_2048_sha256_test.json" => [RS256];
    rsa_signature_2048_sha384: "rsa_signature_2048_sha384_test.json" => [RS384];
    rsa_signature_2048_sha512: "rsa_signature_2048_sha512_test.json" => [RS512];
    rsa_signature_3072_sha256: "rsa_signature_3072_sha256_test.json" => [RS256];
    rsa_signature_3072_sha384: "rsa_signature_3072_sha384_test.json" => [RS384];
    rsa_signature_3072_sha512: "rsa_signature_3072_sha512_test.json" => [RS512];
    rsa_signature_4096_sha256: "rsa_signature_4096_sha256_test.json" => [RS256];
    rsa_signature_4096_sha384: "rsa_signature_4096_sha384_test.json" => [RS384];
    rsa_signature_4096_sha512: "rsa_signature_4096_sha512_test.json" => [RS512];
    rsa_pss_2048_sha256_mgf1_32: "rsa_pss_2048_sha256_mgf1_32_test.json" => [PS256];
    rsa_pss_2048_sha384_mgf1_48: "rsa_pss_2048_sha384_mgf1_48_test.json" => [PS384];
    rsa_pss_4096_sha512_mgf1_64: "rsa_pss_4096_sha512_mgf1_64_test.json" => [PS512];
    ecdsa_secp256r1_sha256_p1363: "ecdsa_secp256r1_sha256_p1363_test.json" => [ES256];
    ecdsa_secp384r1_sha384_p1363: "ecdsa_secp384r1_sha384_p1363_test.json" => [ES384];
    ecdsa_secp521r1_sha512_p1363: "ecdsa_secp521r1_sha512_p1363_test.json" => [ES512];
    ecdsa_secp256k1_sha256_p1363: "ecdsa_secp256k1_sha256_p1363_test.json" => [ES256K];
    ed25519: "ed25519_test.json" => [EdDSA, Ed25519];
    ed448: "ed448_test.json" => [EdDSA, Ed448];
}

/// Every signature/MAC file this suite is meant to cover is present and has
/// a test above (a missing file fails here, not silently).
#[test]
fn every_signature_file_is_covered() {
    let files = common::list("wycheproof", "_test.json");
    let sig_files: Vec<&String> = files
        .iter()
        .filter(|f| {
            f.starts_with("hmac_")
                || f.starts_with("rsa_signature_")
                || f.starts_with("rsa_pss_")
                || (f.starts_with("ecdsa_") && f.contains("p1363"))
                || f.starts_with("ed25519")
                || f.starts_with("ed448")
        })
        .collect();
    assert_eq!(sig_files.len(), 21, "{sig_files:?}");
}
