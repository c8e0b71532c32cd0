//! Known attacks on JWE implementations, one test per row of the hardening
//! issue's table (and the JWE issue's security requirements). Tokens are
//! made by Jot with fixed or freshly generated keys, then altered on the
//! wire the way an attacker would.

use std::time::{Duration, Instant};

use crate::common::{b64u, load_json, to_json, unb64u};
use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement,
};
use jot::jwk::{EcCurve, Jwk, JwkSet, OkpCurve};
use jot::jwks::DecryptionKeySet;
use jot::key::{generate, KeySpec, SigningKey, VerifyingKey};
use jot::limits::Limits;
use jot::{Algorithm, Error};
use serde_json::{json, Map, Value};

fn km(name: &str) -> KeyManagement {
    KeyManagement::from_name(name).unwrap()
}

fn ce(name: &str) -> ContentEncryption {
    ContentEncryption::from_name(name).unwrap()
}

/// The RFC 7520 §5.1 RSA key (frodo.baggins, `use: enc`), private.
fn rsa_jwk() -> Jwk {
    let v = load_json("rfc7520/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json");
    Jwk::from_json(to_json(&v["input"]["key"]).as_bytes(), &Default::default()).unwrap()
}

const KW_KEY: [u8; 16] = *b"0123456789abcdef";

/// A compact A128KW token over `plaintext` with `enc`.
fn a128kw_token(enc: &str, plaintext: &[u8]) -> String {
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    jwe::compact::encrypt(plaintext, &ek, &EncryptOptions::new(ce(enc))).unwrap()
}

fn a128kw_dk() -> DecryptionKey {
    DecryptionKey::secret(&KW_KEY, km("A128KW")).unwrap()
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn header(token: &str) -> Map<String, Value> {
    serde_json::from_slice(&unb64u(&parts(token)[0])).unwrap()
}

/// The token with its protected header replaced by exactly `raw`.
fn with_raw_header(token: &str, raw: &str) -> String {
    let mut p = parts(token);
    p[0] = b64u(raw);
    p.join(".")
}

/// The token with its protected header edited (the tag no longer matches,
/// so anything but a header check ends in `DecryptionFailed`).
fn with_header(token: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut h = header(token);
    edit(&mut h);
    with_raw_header(token, &to_json(&Value::Object(h)))
}

/// The token with segment `i` replaced by `bytes`.
fn with_part(token: &str, i: usize, bytes: &[u8]) -> String {
    let mut p = parts(token);
    p[i] = b64u(bytes);
    p.join(".")
}

fn is_header_error(r: &jot::Result<jwe::Decrypted>, name: &str) -> bool {
    matches!(r, Err(Error::InvalidHeader { name: n, .. }) if n == name)
}

// ---- invalid-curve ECDH-ES -------------------------------------------------

/// Invalid-curve attacks on ECDH-ES (CVE-2017-16007 in node-jose,
/// CVE-2016-9121 in go-jose): an `epk` off the curve, on another curve, the
/// identity / all-zero coordinates, or malformed, would let the attacker
/// learn the recipient's private key bit by bit. Every one is refused as a
/// bad `epk` before the private key is used.
#[test]
fn invalid_curve_epk_rejected() {
    let jwk = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let alg = km("ECDH-ES+A128KW");
    let ek = EncryptionKey::from_jwk(&jwk.to_public().unwrap(), alg).unwrap();
    let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
    let token = jwe::compact::encrypt(b"secret", &ek, &EncryptOptions::new(ce("A128GCM"))).unwrap();
    let opts = DecryptOptions::new();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &opts).unwrap().plaintext,
        b"secret"
    );

    let epk = header(&token)["epk"].clone();
    let x = unb64u(epk["x"].as_str().unwrap());
    let y = unb64u(epk["y"].as_str().unwrap());
    let mut off_curve = y.clone();
    off_curve[31] ^= 1;
    let p384 = generate(KeySpec::Ec(EcCurve::P384))
        .unwrap()
        .to_public()
        .unwrap();
    let p384_v: Value = serde_json::from_str(&p384.to_json()).unwrap();
    let ec = |crv: &str, x: &[u8], y: &[u8]| json!({"kty":"EC","crv":crv,"x":b64u(x),"y":b64u(y)});
    let variants: Vec<(&str, Value)> = vec![
        ("off-curve point", ec("P-256", &x, &off_curve)),
        ("identity (0, 0)", ec("P-256", &[0; 32], &[0; 32])),
        ("empty coordinates", ec("P-256", &[], &[])),
        ("x only zero", ec("P-256", &[0; 32], &y)),
        (
            "point of P-384",
            json!({"kty":"EC","crv":"P-384","x":p384_v["x"],"y":p384_v["y"]}),
        ),
        (
            "P-384 coordinates labelled P-256",
            json!({"kty":"EC","crv":"P-256","x":p384_v["x"],"y":p384_v["y"]}),
        ),
        (
            "compressed-length x",
            ec("P-256", &[&[2u8][..], &x].concat(), &y),
        ),
        (
            "X25519 label",
            json!({"kty":"OKP","crv":"X25519","x":b64u(&x)}),
        ),
        (
            "wrong kty",
            json!({"kty":"OKP","crv":"P-256","x":b64u(&x),"y":b64u(&y)}),
        ),
        ("missing y", json!({"kty":"EC","crv":"P-256","x":b64u(&x)})),
        (
            "x not base64url",
            json!({"kty":"EC","crv":"P-256","x":"not*base64","y":b64u(&y)}),
        ),
        ("epk is a string", json!("epk")),
        ("epk is null", Value::Null),
        (
            "epk carries d",
            json!({"kty":"EC","crv":"P-256","x":b64u(&x),"y":b64u(&y),"d":b64u([1u8; 32])}),
        ),
    ];
    for (what, epk) in variants {
        let t = with_header(&token, |h| {
            h.insert("epk".into(), epk);
        });
        let r = jwe::compact::decrypt(&t, &dk, &opts);
        assert!(is_header_error(&r, "epk"), "{what}: {r:?}");
    }
    let t = with_header(&token, |h| {
        h.remove("epk");
    });
    assert!(is_header_error(
        &jwe::compact::decrypt(&t, &dk, &opts),
        "epk"
    ));
}

/// X25519 low-order points (the small-subgroup class behind
/// CVE-2017-16007 / CVE-2016-9121 for Montgomery curves, RFC 7748 §6.1):
/// every such `epk` gives an all-zero shared secret the attacker knows, and
/// is refused before any key derivation.
#[test]
fn x25519_low_order_epk_rejected() {
    let jwk = generate(KeySpec::Okp(OkpCurve::X25519)).unwrap();
    let alg = km("ECDH-ES");
    let ek = EncryptionKey::from_jwk(&jwk.to_public().unwrap(), alg).unwrap();
    let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
    let token = jwe::compact::encrypt(b"x", &ek, &EncryptOptions::new(ce("A256GCM"))).unwrap();
    let opts = DecryptOptions::new();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &opts).unwrap().plaintext,
        b"x"
    );

    let u = |first: u8, middle: u8, last: u8| {
        let mut b = [middle; 32];
        b[0] = first;
        b[31] = last;
        b.to_vec()
    };
    let low_order: Vec<(&str, Vec<u8>)> = vec![
        ("u = 0", vec![0; 32]),
        ("u = 1", u(1, 0, 0)),
        (
            "order 8",
            hex::decode("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
                .unwrap(),
        ),
        (
            "order 8 (other)",
            hex::decode("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")
                .unwrap(),
        ),
        ("u = p - 1", u(0xec, 0xff, 0x7f)),
        ("u = p", u(0xed, 0xff, 0x7f)),
        ("u = p + 1", u(0xee, 0xff, 0x7f)),
        ("u = 2^255 (high bit only)", u(0, 0, 0x80)),
    ];
    for (what, x) in low_order {
        let t = with_header(&token, |h| {
            h.insert(
                "epk".into(),
                json!({"kty":"OKP","crv":"X25519","x":b64u(&x)}),
            );
        });
        let r = jwe::compact::decrypt(&t, &dk, &opts);
        assert!(
            matches!(r, Err(Error::InvalidKey(_))) || is_header_error(&r, "epk"),
            "{what}: {r:?}"
        );
    }
}

// ---- PBES2 -----------------------------------------------------------------

fn pbes2_token() -> (String, DecryptionKey, DecryptOptions) {
    let alg = km("PBES2-HS256+A128KW");
    let ek = EncryptionKey::password(b"hunter2hunter2", alg)
        .unwrap()
        .with_pbes2_count(1000)
        .unwrap();
    let t = jwe::compact::encrypt(b"pw", &ek, &EncryptOptions::new(ce("A128GCM"))).unwrap();
    let dk = DecryptionKey::password(b"hunter2hunter2", alg).unwrap();
    (t, dk, DecryptOptions::new().allow(alg))
}

/// PBES2 iteration-count DoS (CVE-2022-36083 in panva/jose, CVE-2023-52428
/// in nimbus-jose-jwt): `p2c` comes from the attacker. 2^31-1, zero,
/// negative, fractional, non-numeric or missing counts are header errors
/// found before any PBKDF2 work; 2^31-1 is refused in well under 10 ms.
#[test]
fn pbes2_p2c_rejected_before_derivation() {
    let (token, dk, opts) = pbes2_token();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &opts).unwrap().plaintext,
        b"pw"
    );
    let huge = with_header(&token, |h| {
        h.insert("p2c".into(), json!(2_147_483_647u32));
    });
    let start = Instant::now();
    let r = jwe::compact::decrypt(&huge, &dk, &opts);
    let elapsed = start.elapsed();
    assert!(is_header_error(&r, "p2c"), "{r:?}");
    assert!(
        elapsed < Duration::from_millis(10),
        "p2c = 2^31-1 took {elapsed:?} to refuse"
    );

    let bad: Vec<(&str, Option<Value>)> = vec![
        ("0", Some(json!(0))),
        ("-1", Some(json!(-1))),
        ("1.5", Some(json!(1.5))),
        ("1000.0", Some(json!(1000.0))),
        ("\"x\"", Some(json!("x"))),
        ("\"1000\"", Some(json!("1000"))),
        ("null", Some(Value::Null)),
        ("10001 (over the default cap)", Some(json!(10_001))),
        ("u64::MAX", Some(json!(u64::MAX))),
        ("missing", None),
    ];
    for (what, p2c) in bad {
        let t = with_header(&token, |h| match p2c {
            Some(v) => {
                h.insert("p2c".into(), v);
            }
            None => {
                h.remove("p2c");
            }
        });
        let r = jwe::compact::decrypt(&t, &dk, &opts);
        assert!(is_header_error(&r, "p2c"), "p2c {what}: {r:?}");
    }
    // The cap is configurable; within it the same count is accepted.
    let strict = opts
        .clone()
        .limits(Limits::default().with_max_pbes2_count(999).unwrap());
    assert!(is_header_error(
        &jwe::compact::decrypt(&token, &dk, &strict),
        "p2c"
    ));
}

/// PBES2 salt (RFC 7518 §4.8.1.1: `p2s` at least 8 bytes). A short, empty,
/// missing or mistyped `p2s` is refused before derivation: with `p2c` at
/// five million (seconds of PBKDF2, allowed by a raised cap) the refusal
/// still takes under 10 ms.
#[test]
fn pbes2_short_p2s_rejected_before_derivation() {
    let (token, dk, opts) = pbes2_token();
    let opts = opts.limits(Limits::default().with_max_pbes2_count(5_000_000).unwrap());
    let bad: Vec<(&str, Option<Value>)> = vec![
        ("7 bytes", Some(json!(b64u([1u8; 7])))),
        ("1 byte", Some(json!(b64u([1u8])))),
        ("empty", Some(json!(""))),
        ("number", Some(json!(12345678))),
        ("not base64url", Some(json!("!!!!!!!!!!!!"))),
        ("missing", None),
    ];
    for (what, p2s) in bad {
        let t = with_header(&token, |h| {
            h.insert("p2c".into(), json!(5_000_000));
            match p2s {
                Some(v) => {
                    h.insert("p2s".into(), v);
                }
                None => {
                    h.remove("p2s");
                }
            }
        });
        let start = Instant::now();
        let r = jwe::compact::decrypt(&t, &dk, &opts);
        let elapsed = start.elapsed();
        assert!(is_header_error(&r, "p2s"), "p2s {what}: {r:?}");
        assert!(
            elapsed < Duration::from_millis(10),
            "p2s {what}: {elapsed:?}"
        );
    }
}

/// PBES2 is a password-guessing and CPU-cost surface (RFC 8725 §3.9;
/// panva/jose and jwcrypto both gate it): refused unless the caller's
/// allowlist names it, even with the right password.
#[test]
fn pbes2_requires_allowlist() {
    let (token, dk, opts) = pbes2_token();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &DecryptOptions::new()),
        Err(Error::AlgorithmNotAllowed("PBES2-HS256+A128KW".into()))
    );
    // Another PBES2 variant in the allowlist does not admit this one.
    let other = DecryptOptions::new().allow(km("PBES2-HS512+A256KW"));
    assert!(matches!(
        jwe::compact::decrypt(&token, &dk, &other),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    assert!(jwe::compact::decrypt(&token, &dk, &opts).is_ok());
}

// ---- DEFLATE bomb ----------------------------------------------------------

/// DEFLATE bombs (CVE-2024-28176 in panva/jose, CVE-2024-28180 in go-jose,
/// CVE-2024-28102 in jwcrypto): a token of about a kilobyte that inflates
/// to a megabyte of zeros is stopped at the 250 kB cap, quickly, without
/// inflating the rest.
#[test]
fn zip_bomb_stopped_at_cap() {
    let zeros = vec![0u8; 1 << 20];
    let mut o = EncryptOptions::new(ce("A128GCM"));
    o.zip = true;
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let token = jwe::compact::encrypt(&zeros, &ek, &o).unwrap();
    assert!(token.len() < 2048, "bomb token is {} bytes", token.len());

    let start = Instant::now();
    let r = jwe::compact::decrypt(&token, &a128kw_dk(), &DecryptOptions::new());
    let elapsed = start.elapsed();
    assert_eq!(
        r,
        Err(Error::TooLarge {
            what: "inflated plaintext",
            actual: 250_001,
            limit: 250_000
        })
    );
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");

    // The cap is configurable: raised above the content, it decrypts.
    let opts =
        DecryptOptions::new().limits(Limits::default().with_max_inflated_len(2 << 20).unwrap());
    assert_eq!(
        jwe::compact::decrypt(&token, &a128kw_dk(), &opts)
            .unwrap()
            .plaintext
            .len(),
        1 << 20
    );
}

/// `zip` outside the protected header (CVE-2024-28180 class; RFC 7516
/// §4.1.3 requires it to be integrity protected): in the shared or the
/// per-recipient unprotected header it is refused, and Jot will not write
/// it there either.
#[test]
fn zip_in_unprotected_header_rejected() {
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let flat = jwe::json::encrypt_flattened(
        b"hello",
        &jwe::Recipient::new(&ek),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let mut shared: Value = serde_json::from_str(&flat).unwrap();
    shared["unprotected"] = json!({"zip":"DEF"});
    let mut per_recipient: Value = serde_json::from_str(&flat).unwrap();
    per_recipient["header"] = json!({"zip":"DEF"});
    for v in [shared, per_recipient] {
        let r = jwe::json::decrypt(&to_json(&v), &a128kw_dk(), &DecryptOptions::new());
        assert!(is_header_error(&r, "zip"), "{r:?}");
    }
    let mut o = EncryptOptions::new(ce("A128GCM"));
    o.unprotected = Some(Map::from_iter([("zip".to_string(), json!("DEF"))]));
    assert!(jwe::json::encrypt_flattened(b"x", &jwe::Recipient::new(&ek), &o).is_err());
    // Control: the untouched token decrypts.
    assert!(jwe::json::decrypt(&flat, &a128kw_dk(), &DecryptOptions::new()).is_ok());
}

// ---- RSA1_5 ----------------------------------------------------------------

/// The RSAES-PKCS1-v1_5 padding oracle (Bleichenbacher; CVE-2016-6298 in
/// python-jose, CVE-2026-28490): RSA1_5 is refused unless enabled, and when
/// enabled a tampered encrypted key (bad padding, wrong CEK length, wrong
/// size) fails exactly like a tampered ciphertext: `DecryptionFailed`, one
/// message, because a random CEK is used on failure.
#[test]
fn rsa1_5_off_by_default_and_one_error() {
    let jwk = rsa_jwk();
    let alg = km("RSA1_5");
    let ek = EncryptionKey::from_jwk(&jwk, alg).unwrap();
    let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
    let token =
        jwe::compact::encrypt(b"legacy", &ek, &EncryptOptions::new(ce("A128CBC-HS256"))).unwrap();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &DecryptOptions::new()),
        Err(Error::AlgorithmNotAllowed("RSA1_5".into()))
    );
    let opts = DecryptOptions::new().allow(alg);
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &opts).unwrap().plaintext,
        b"legacy"
    );

    let ekey = unb64u(&parts(&token)[1]);
    let mut flipped_first = ekey.clone();
    flipped_first[0] ^= 0x80;
    let mut flipped_last = ekey.clone();
    *flipped_last.last_mut().unwrap() ^= 1;
    // A well-formed PKCS #1 v1.5 block around a 16-byte (wrong-length) CEK.
    let wrong_len = EncryptionKey::from_jwk(&jwk, alg).unwrap();
    let short_cek_token =
        jwe::compact::encrypt(b"legacy", &wrong_len, &EncryptOptions::new(ce("A128GCM"))).unwrap();
    let short_cek = unb64u(&parts(&short_cek_token)[1]);
    let mut ct = unb64u(&parts(&token)[3]);
    ct[0] ^= 1;
    let tampered: Vec<(&str, String)> = vec![
        ("first byte", with_part(&token, 1, &flipped_first)),
        ("last byte", with_part(&token, 1, &flipped_last)),
        ("all zero", with_part(&token, 1, &[0u8; 256])),
        ("all 0xff", with_part(&token, 1, &[0xffu8; 256])),
        ("16-byte CEK inside", with_part(&token, 1, &short_cek)),
        ("one byte short", with_part(&token, 1, &ekey[1..])),
        ("ciphertext", with_part(&token, 3, &ct)),
    ];
    for (what, t) in tampered {
        let e = jwe::compact::decrypt(&t, &dk, &opts).unwrap_err();
        assert_eq!(e, Error::DecryptionFailed, "{what}");
        assert_eq!(e.to_string(), "decryption failed", "{what}");
    }
}

// ---- CBC-HMAC tag ----------------------------------------------------------

/// AES-CBC-HMAC tag handling (CVE-2016-9123 in go-jose, CVE-2017-12972 in
/// nimbus-jose-jwt): the full-length tag is required; truncated, extended
/// (including the untruncated HMAC output) and bit-flipped tags all fail as
/// `DecryptionFailed`, for every CBC-HMAC variant.
#[test]
fn cbc_hmac_tag_must_be_exact() {
    for enc in ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"] {
        let token = a128kw_token(enc, b"attack at dawn, attack at dawn");
        let dk = a128kw_dk();
        let opts = DecryptOptions::new();
        assert!(jwe::compact::decrypt(&token, &dk, &opts).is_ok(), "{enc}");
        let tag = unb64u(&parts(&token)[4]);
        let mut variants: Vec<(String, Vec<u8>)> = vec![
            ("empty".into(), vec![]),
            ("one byte".into(), tag[..1].to_vec()),
            ("half".into(), tag[..tag.len() / 2].to_vec()),
            ("one short".into(), tag[..tag.len() - 1].to_vec()),
            ("one extra".into(), [&tag[..], &[0]].concat()),
            ("doubled".into(), [&tag[..], &tag[..]].concat()),
        ];
        for bit in 0..tag.len() * 8 {
            let mut t = tag.clone();
            t[bit / 8] ^= 1 << (bit % 8);
            variants.push((format!("bit {bit}"), t));
        }
        for (what, t) in variants {
            assert_eq!(
                jwe::compact::decrypt(&with_part(&token, 4, &t), &dk, &opts),
                Err(Error::DecryptionFailed),
                "{enc} tag {what}"
            );
        }
        // The IV is authenticated and must be 16 bytes.
        for n in [0, 12, 15, 17, 32] {
            assert_eq!(
                jwe::compact::decrypt(&with_part(&token, 2, &vec![1u8; n]), &dk, &opts),
                Err(Error::DecryptionFailed),
                "{enc} iv {n}"
            );
        }
    }
}

/// AES-GCM tag and IV lengths (RFC 7518 §5.3: 96-bit IV, 128-bit tag; a
/// shorter tag is a forgery shortcut, CVE-2016-9123 class): any other length
/// is refused.
#[test]
fn gcm_tag_and_iv_lengths() {
    for enc in ["A128GCM", "A192GCM", "A256GCM"] {
        let token = a128kw_token(enc, b"gcm");
        let dk = a128kw_dk();
        let opts = DecryptOptions::new();
        assert!(jwe::compact::decrypt(&token, &dk, &opts).is_ok());
        let tag = unb64u(&parts(&token)[4]);
        let iv = unb64u(&parts(&token)[2]);
        for t in [
            vec![],
            tag[..12].to_vec(),
            tag[..15].to_vec(),
            [&tag[..], &[0]].concat(),
        ] {
            assert_eq!(
                jwe::compact::decrypt(&with_part(&token, 4, &t), &dk, &opts),
                Err(Error::DecryptionFailed),
                "{enc} tag of {}",
                t.len()
            );
        }
        for v in [
            vec![],
            iv[..8].to_vec(),
            iv[..11].to_vec(),
            [&iv[..], &[0]].concat(),
            [&iv[..], &[0; 4]].concat(),
        ] {
            assert_eq!(
                jwe::compact::decrypt(&with_part(&token, 2, &v), &dk, &opts),
                Err(Error::DecryptionFailed),
                "{enc} iv of {}",
                v.len()
            );
        }
    }
}

// ---- JWS/JWE confusion -----------------------------------------------------

/// Format confusion (CVE-2022-3102 in jwcrypto): a JWS handed to JWE
/// decryption is `NotJwe` (three segments, a JSON JWS with `payload`, a
/// five-segment token whose header has no `enc`); a JWE handed to JWS or
/// JWT verification is `NotJws`.
#[test]
fn jws_jwe_confusion() {
    let hmac = Jwk::from_secret(&[9u8; 32]).unwrap();
    let sk = SigningKey::from_jwk(&hmac, Algorithm::HS256).unwrap();
    let vk = VerifyingKey::from_jwk(&hmac, Algorithm::HS256).unwrap();
    let jws = jot::jws::compact::sign(b"{}", &sk).unwrap();
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    assert_eq!(
        jwe::compact::decrypt(&jws, &dk, &opts).unwrap_err(),
        Error::NotJwe
    );
    let jws_json =
        jot::jws::json::sign_flattened(b"{}", &jot::jws::json::Signer::new(&sk), false).unwrap();
    assert_eq!(
        jwe::json::decrypt(&jws_json, &dk, &opts).unwrap_err(),
        Error::NotJwe
    );
    let general = json!({"payload":"e30","signatures":[{"protected":"eyJhbGciOiJIUzI1NiJ9","signature":"AA"}]});
    assert_eq!(
        jwe::json::decrypt(&to_json(&general), &dk, &opts).unwrap_err(),
        Error::NotJwe
    );
    // Five segments, but the header is a JWS header.
    let token = a128kw_token("A128GCM", b"{}");
    let five = with_raw_header(&token, r#"{"alg":"A128KW"}"#);
    assert_eq!(
        jwe::compact::decrypt(&five, &dk, &opts).unwrap_err(),
        Error::NotJwe
    );

    assert_eq!(
        jot::jws::compact::verify(&token, &vk, &Default::default()).unwrap_err(),
        Error::NotJws
    );
    assert_eq!(
        jot::jwt::verify::<Value>(&token, &vk, &jot::jwt::Validation::new()).unwrap_err(),
        Error::NotJws
    );
    // Control: the JWS verifies as a JWS.
    assert!(jot::jws::compact::verify(&jws, &vk, &Default::default()).is_ok());
}

// ---- parser shape ----------------------------------------------------------

/// An empty `encrypted_key` where one is required (CVE-2025-27144 class:
/// parser panics and skipped checks on empty segments): A128KW and RSA-OAEP
/// with no encrypted key are errors, never panics; `dir` and ECDH-ES with
/// one are errors too (RFC 7516 §5.2 step 10).
#[test]
fn encrypted_key_presence() {
    let opts = DecryptOptions::new();
    let token = a128kw_token("A128GCM", b"x");
    let r = jwe::compact::decrypt(&with_part(&token, 1, &[]), &a128kw_dk(), &opts);
    assert!(is_header_error(&r, "encrypted_key"), "{r:?}");

    let jwk = rsa_jwk();
    let alg = km("RSA-OAEP");
    let rsa = jwe::compact::encrypt(
        b"x",
        &EncryptionKey::from_jwk(&jwk, alg).unwrap(),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let dk = DecryptionKey::from_jwk(&jwk, alg).unwrap();
    let r = jwe::compact::decrypt(&with_part(&rsa, 1, &[]), &dk, &opts);
    assert!(is_header_error(&r, "encrypted_key"), "{r:?}");

    let dir_key = [3u8; 16];
    let dir = jwe::compact::encrypt(
        b"x",
        &EncryptionKey::secret(&dir_key, KeyManagement::Dir).unwrap(),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    assert!(parts(&dir)[1].is_empty());
    let dk = DecryptionKey::secret(&dir_key, KeyManagement::Dir).unwrap();
    assert!(jwe::compact::decrypt(&dir, &dk, &opts).is_ok());
    let r = jwe::compact::decrypt(&with_part(&dir, 1, &[1u8; 24]), &dk, &opts);
    assert!(is_header_error(&r, "encrypted_key"), "{r:?}");

    let ec = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let alg = km("ECDH-ES");
    let t = jwe::compact::encrypt(
        b"x",
        &EncryptionKey::from_jwk(&ec, alg).unwrap(),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let dk = DecryptionKey::from_jwk(&ec, alg).unwrap();
    let r = jwe::compact::decrypt(&with_part(&t, 1, &[1u8; 24]), &dk, &opts);
    assert!(is_header_error(&r, "encrypted_key"), "{r:?}");
}

/// `recipients: []` (CVE-2016-9122 class, the JWE twin of `signatures: []`):
/// no recipient is an error, not a vacuous success; a non-array or a
/// non-object recipient is malformed too.
#[test]
fn empty_recipients_rejected() {
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let general = jwe::json::encrypt_general(
        b"x",
        &[jwe::Recipient::new(&ek)],
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    assert!(jwe::json::decrypt(&general, &dk, &opts).is_ok());
    for recipients in [json!([]), json!({}), json!(["x"]), json!(null)] {
        let mut v: Value = serde_json::from_str(&general).unwrap();
        v["recipients"] = recipients.clone();
        let r = jwe::json::decrypt(&to_json(&v), &dk, &opts);
        assert!(matches!(r, Err(Error::Malformed(_))), "{recipients}: {r:?}");
    }
    assert!(jwe::json::encrypt_general(b"x", &[], &EncryptOptions::new(ce("A128GCM"))).is_err());
}

/// Duplicate member names (RFC 7516 §4, RFC 7515 §4: a parser that keeps
/// the last value lets `{"enc":"A128GCM","enc":...}` mean two things):
/// refused in the protected header and anywhere in a JSON JWE.
#[test]
fn duplicate_members_rejected() {
    let token = a128kw_token("A128GCM", b"x");
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    for raw in [
        r#"{"alg":"A128KW","enc":"A128GCM","enc":"A256GCM"}"#,
        r#"{"alg":"dir","alg":"A128KW","enc":"A128GCM"}"#,
        r#"{"alg":"A128KW","enc":"A128GCM","kid":"a","kid":"b"}"#,
    ] {
        let r = jwe::compact::decrypt(&with_raw_header(&token, raw), &dk, &opts);
        assert!(matches!(r, Err(Error::DuplicateMember(..))), "{raw}: {r:?}");
    }
    // "Enc" is not "enc": the header has no enc.
    let r = jwe::compact::decrypt(
        &with_raw_header(&token, r#"{"alg":"A128KW","Enc":"A128GCM"}"#),
        &dk,
        &opts,
    );
    assert!(!matches!(r, Ok(_) | Err(Error::DecryptionFailed)), "{r:?}");

    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let flat = jwe::json::encrypt_flattened(
        b"x",
        &jwe::Recipient::new(&ek),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let body = flat.trim_start_matches('{');
    for doc in [
        format!(r#"{{"unprotected":{{"cty":"a","cty":"b"}},{body}"#),
        format!(r#"{{"ciphertext":"AAAA",{body}"#),
        format!(r#"{{"header":{{"x":1}},"header":{{"x":2}},{body}"#),
    ] {
        let r = jwe::json::decrypt(&doc, &dk, &opts);
        assert!(matches!(r, Err(Error::DuplicateMember(..))), "{doc}: {r:?}");
    }
}

/// `crit` (CVE-2026-32597, CVE-2025-59420: extensions silently ignored):
/// JWE defines no extension Jot understands, so any `crit` is refused —
/// an unknown name, a registered name, an empty list, a non-list, and
/// `crit` outside the protected header.
#[test]
fn crit_always_rejected() {
    let token = a128kw_token("A128GCM", b"x");
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    for crit in [
        json!(["exp"]),
        json!(["b64"]),
        json!(["alg"]),
        json!(["zip"]),
        json!([]),
        json!("exp"),
    ] {
        let t = with_header(&token, |h| {
            h.insert("crit".into(), crit.clone());
            h.insert("exp".into(), json!(1));
            h.insert("b64".into(), json!(false));
        });
        let r = jwe::compact::decrypt(&t, &dk, &opts);
        assert!(
            matches!(r, Err(Error::Crit(_))) || is_header_error(&r, "crit"),
            "crit {crit}: {r:?}"
        );
    }
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let flat = jwe::json::encrypt_flattened(
        b"x",
        &jwe::Recipient::new(&ek),
        &EncryptOptions::new(ce("A128GCM")),
    )
    .unwrap();
    let mut v: Value = serde_json::from_str(&flat).unwrap();
    v["unprotected"] = json!({"crit":["exp"],"exp":1});
    let r = jwe::json::decrypt(&to_json(&v), &dk, &opts);
    assert!(is_header_error(&r, "crit"), "{r:?}");
}

// ---- key selection ---------------------------------------------------------

/// Key selection from a JWK Set (the jwt_tool "kid" playbook; RFC 7517
/// §4.5): the `kid` picks the key, an unknown `kid` matches nothing, and a
/// token that does not say which of several fitting keys to use is
/// `AmbiguousKey` — Jot never tries them all (a decryption oracle across
/// keys). Keys marked `use: sig` are never decryption keys.
#[test]
fn key_selection_by_kid() {
    let a = Jwk::from_secret(&[1u8; 16]).unwrap().with_kid("a");
    let b = Jwk::from_secret(&[2u8; 16]).unwrap().with_kid("b");
    let mut sig: Value = serde_json::from_str(&b.to_json()).unwrap();
    sig["use"] = json!("sig");
    sig["kid"] = json!("sig");
    let sig = Jwk::from_json(to_json(&sig).as_bytes(), &Default::default()).unwrap();
    let alg = km("A128KW");
    let set = DecryptionKeySet::from_jwks(&JwkSet::new(vec![a.clone(), b.clone(), sig]), &[alg]);
    assert_eq!(set.keys().len(), 2);
    let opts = DecryptOptions::new();
    let o = EncryptOptions::new(ce("A128GCM"));

    let to_b =
        jwe::compact::encrypt(b"for b", &EncryptionKey::from_jwk(&b, alg).unwrap(), &o).unwrap();
    assert_eq!(header(&to_b)["kid"], "b");
    assert_eq!(
        jwe::compact::decrypt(&to_b, &set, &opts).unwrap().plaintext,
        b"for b"
    );
    let no_kid =
        jwe::compact::encrypt(b"x", &EncryptionKey::secret(&[2u8; 16], alg).unwrap(), &o).unwrap();
    assert_eq!(
        jwe::compact::decrypt(&no_kid, &set, &opts).unwrap_err(),
        Error::AmbiguousKey(2, None)
    );
    let unknown = with_header(&to_b, |h| {
        h.insert("kid".into(), json!("c"));
    });
    assert!(matches!(
        jwe::compact::decrypt(&unknown, &set, &opts),
        Err(Error::NoMatchingKey { .. })
    ));
    let sig_kid = with_header(&to_b, |h| {
        h.insert("kid".into(), json!("sig"));
    });
    assert!(matches!(
        jwe::compact::decrypt(&sig_kid, &set, &opts),
        Err(Error::NoMatchingKey { .. })
    ));
    // Two keys under one kid: ambiguous even though the kid is given.
    let b2 = Jwk::from_secret(&[3u8; 16]).unwrap().with_kid("b");
    let dup = DecryptionKeySet::from_jwks(&JwkSet::new(vec![a, b, b2]), &[alg]);
    assert_eq!(
        jwe::compact::decrypt(&to_b, &dup, &opts).unwrap_err(),
        Error::AmbiguousKey(2, Some("b".into()))
    );
}

/// Header members split across the protected, shared unprotected and
/// per-recipient headers must be disjoint (RFC 7516 §7.2.1): a second `alg`
/// or `kid` in another header would let an unprotected copy override a
/// protected one.
#[test]
fn header_members_must_be_disjoint() {
    let ek = EncryptionKey::secret(&KW_KEY, km("A128KW")).unwrap();
    let mut o = EncryptOptions::new(ce("A128GCM"));
    o.protected.insert("kid".into(), json!("p"));
    let flat = jwe::json::encrypt_flattened(b"x", &jwe::Recipient::new(&ek), &o).unwrap();
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    assert!(jwe::json::decrypt(&flat, &dk, &opts).is_ok());
    let cases: Vec<(&str, Value, Value)> = vec![
        ("kid", json!({"kid":"u"}), Value::Null),
        ("alg", json!({"alg":"A128KW"}), Value::Null),
        ("enc", Value::Null, json!({"enc":"A128GCM"})),
        ("cty", json!({"cty":"a"}), json!({"cty":"b"})),
    ];
    for (name, shared, per_recipient) in cases {
        let mut v: Value = serde_json::from_str(&flat).unwrap();
        if !shared.is_null() {
            v["unprotected"] = shared;
        }
        if !per_recipient.is_null() {
            v["header"] = per_recipient;
        }
        let r = jwe::json::decrypt(&to_json(&v), &dk, &opts);
        assert!(is_header_error(&r, name), "{name}: {r:?}");
    }
}

/// The writer keeps the header sources disjoint too: a `kid` the caller
/// put in the protected header is not repeated in each recipient's header
/// (which every reader would then refuse), and a recipient key's own `kid`
/// is not added beside it.
#[test]
fn writer_keeps_header_sources_disjoint() {
    let a = EncryptionKey::secret(&KW_KEY, km("A128KW"))
        .unwrap()
        .with_kid("a");
    let b = EncryptionKey::secret(&[5u8; 32], km("A256KW"))
        .unwrap()
        .with_kid("b");
    let mut o = EncryptOptions::new(ce("A128GCM"));
    o.protected.insert("kid".into(), json!("shared"));
    let doc = jwe::json::encrypt_general(
        b"two",
        &[jwe::Recipient::new(&a), jwe::Recipient::new(&b)],
        &o,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&doc).unwrap();
    for r in v["recipients"].as_array().unwrap() {
        assert!(r["header"].get("kid").is_none(), "{r}");
    }
    let dk = DecryptionKey::secret(&[5u8; 32], km("A256KW")).unwrap();
    let d = jwe::json::decrypt(&doc, &dk, &DecryptOptions::new()).unwrap();
    assert_eq!(
        (d.plaintext.as_slice(), d.recipient_index),
        (&b"two"[..], 1)
    );
}

/// Size cap before decoding (CVE-2025-53864 / CVE-2026-34986 class: work
/// proportional to attacker input): a token over the cap is `TooLarge`
/// without being parsed, compact or JSON; the cap is configurable.
#[test]
fn oversized_token_rejected() {
    let dk = a128kw_dk();
    let opts = DecryptOptions::new();
    let token = a128kw_token("A128GCM", b"x");
    let mut p = parts(&token);
    p[3] = "A".repeat(70_000);
    let big = p.join(".");
    assert!(matches!(
        jwe::compact::decrypt(&big, &dk, &opts),
        Err(Error::TooLarge { what: "token", .. })
    ));
    let big_json = format!(r#"{{"ciphertext":"{}"}}"#, "A".repeat(70_000));
    assert!(matches!(
        jwe::json::decrypt(&big_json, &dk, &opts),
        Err(Error::TooLarge { what: "token", .. })
    ));
    // Not even valid base64url: the size is checked first.
    let junk = "!".repeat(70_000);
    assert!(matches!(
        jwe::compact::decrypt(&junk, &dk, &opts),
        Err(Error::TooLarge { .. })
    ));
    let small = DecryptOptions::new().limits(
        Limits::default()
            .with_max_token_len(token.len() - 1)
            .unwrap(),
    );
    assert!(matches!(
        jwe::compact::decrypt(&token, &dk, &small),
        Err(Error::TooLarge { .. })
    ));
    assert!(jwe::compact::decrypt(&token, &dk, &opts).is_ok());
}

// ---- one error -------------------------------------------------------------

/// Decryption oracles (RFC 7516 §11.5, the Bleichenbacher and Vaudenay
/// padding-oracle family): every failure that depends on secret data —
/// wrong key, tampered encrypted key, ciphertext, tag, protected header or
/// aad — is exactly `Error::DecryptionFailed` with the same message, for
/// every key management family.
#[test]
fn all_decryption_failures_look_alike() {
    let rsa = rsa_jwk();
    let ec = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let ec_other = generate(KeySpec::Ec(EcCurve::P256)).unwrap();
    let oct_other = Jwk::from_secret(&[0x55u8; 32]).unwrap();
    let cases: Vec<(&str, Jwk, Jwk, usize)> = vec![
        (
            "A128KW",
            Jwk::from_secret(&KW_KEY).unwrap(),
            Jwk::from_secret(b"fedcba9876543210").unwrap(),
            16,
        ),
        (
            "A256GCMKW",
            Jwk::from_secret(&[0x11u8; 32]).unwrap(),
            oct_other.clone(),
            32,
        ),
        (
            "dir",
            Jwk::from_secret(&[0x22u8; 32]).unwrap(),
            oct_other,
            32,
        ),
        (
            "RSA-OAEP-256",
            rsa.clone(),
            generate(KeySpec::Rsa { bits: 2048 }).unwrap(),
            0,
        ),
        ("ECDH-ES", ec.clone(), ec_other.clone(), 0),
        ("ECDH-ES+A192KW", ec, ec_other, 0),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (alg_name, right, wrong, _) in cases {
        let alg = km(alg_name);
        let ek = EncryptionKey::from_jwk(&right, alg).unwrap();
        let dk = DecryptionKey::from_jwk(&right, alg).unwrap();
        let wrong_dk = DecryptionKey::from_jwk(&wrong, alg).unwrap();
        let enc = ce("A128CBC-HS256");
        let mut o = EncryptOptions::new(enc);
        o.aad = Some(b"bound".to_vec());
        let flat = jwe::json::encrypt_flattened(b"payload", &jwe::Recipient::new(&ek), &o).unwrap();
        let opts = DecryptOptions::new();
        assert_eq!(
            jwe::json::decrypt(&flat, &dk, &opts).unwrap().plaintext,
            b"payload"
        );
        let v: Value = serde_json::from_str(&flat).unwrap();
        let edit = |member: &str, f: &dyn Fn(&mut Vec<u8>)| {
            let mut v = v.clone();
            let mut bytes = unb64u(v[member].as_str().unwrap());
            f(&mut bytes);
            v[member] = json!(b64u(bytes));
            to_json(&v)
        };
        let mut failures: Vec<(&str, String, &DecryptionKey)> = vec![
            ("wrong key", flat.clone(), &wrong_dk),
            ("ciphertext", edit("ciphertext", &|b| b[0] ^= 1), &dk),
            ("tag", edit("tag", &|b| b[0] ^= 1), &dk),
            ("aad", edit("aad", &|b| b[0] ^= 1), &dk),
            (
                "protected header",
                {
                    let mut h: Map<String, Value> =
                        serde_json::from_slice(&unb64u(v["protected"].as_str().unwrap())).unwrap();
                    h.insert("x".into(), json!(1));
                    let mut v = v.clone();
                    v["protected"] = json!(b64u(to_json(&Value::Object(h))));
                    to_json(&v)
                },
                &dk,
            ),
        ];
        if v.get("encrypted_key").is_some() {
            failures.push(("encrypted key", edit("encrypted_key", &|b| b[3] ^= 1), &dk));
        }
        for (what, doc, key) in failures {
            let e = jwe::json::decrypt(&doc, key, &opts).unwrap_err();
            assert_eq!(e, Error::DecryptionFailed, "{alg_name}: {what}");
            messages.insert(e.to_string());
        }
    }
    assert_eq!(
        messages.into_iter().collect::<Vec<_>>(),
        vec!["decryption failed".to_string()]
    );
}

/// A decryption-key resolver of the caller's that returns a key prepared
/// for another `alg` (here A128GCMKW for an A128KW token, same secret) is
/// refused by the same check JWS uses, before the key is used.
#[test]
fn resolver_key_must_match_header_alg() {
    struct Lying(DecryptionKey);
    impl jwe::DecryptionKeyResolver for Lying {
        fn resolve(&self, _: &jwe::JweHeader) -> jot::Result<std::borrow::Cow<'_, DecryptionKey>> {
            Ok(std::borrow::Cow::Borrowed(&self.0))
        }
    }
    let token = a128kw_token("A128GCM", b"secret");
    let lying = Lying(DecryptionKey::secret(&KW_KEY, km("A128GCMKW")).unwrap());
    let opts = DecryptOptions::new();
    assert_eq!(
        jwe::compact::decrypt(&token, &lying, &opts).unwrap_err(),
        Error::AlgorithmNotAllowed("A128KW".into())
    );
    let honest = Lying(a128kw_dk());
    assert_eq!(
        jwe::compact::decrypt(&token, &honest, &opts)
            .unwrap()
            .plaintext,
        b"secret"
    );
}
