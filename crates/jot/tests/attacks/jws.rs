//! Known attacks on JWS/JWT libraries, one test per row. Keys are fixed
//! JWKs (the RFC 7520 cookbook keys from the vector files and the RFC 7515
//! appendix keys).

use crate::common;
use crate::common::{b64u, load_json, unb64u};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jot::jwk::{Jwk, JwkSet, ThumbprintHash};
use jot::jwks::LocalKeySet;
use jot::jws::json::Signer;
use jot::jws::{compact, json, Header, TrustEmbeddedJwk};
use jot::key::{SigningKey, VerifyingKey};
use jot::limits::Limits;
use jot::{Algorithm, Error};
use serde_json::Value;

const HMAC_KEY: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// RFC 7515 A.3.1 P-256 key.
const P256_KEY: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
/// RFC 7515 A.4.1 P-521 key (the "attacker" in the embedded-jwk tests).
const P521_ATTACKER: &str = r#"{"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2","d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"}"#;
/// Order of P-256.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn jwk(s: &str) -> Jwk {
    Jwk::from_json(s.as_bytes(), &Default::default()).unwrap()
}

fn hmac_jwk() -> Jwk {
    jwk(HMAC_KEY)
}

fn hs256() -> (SigningKey, VerifyingKey) {
    let k = hmac_jwk();
    (
        SigningKey::from_jwk(&k, Algorithm::HS256).unwrap(),
        VerifyingKey::from_jwk(&k, Algorithm::HS256).unwrap(),
    )
}

/// The RFC 7520 RSA key (private), from the vector file.
fn rsa_private() -> Jwk {
    Jwk::from_json(
        &common::read("rfc7520/jwk/3_4.rsa_private_key.json"),
        &Default::default(),
    )
    .unwrap()
}

fn rsa_public() -> Jwk {
    Jwk::from_json(
        &common::read("rfc7520/jwk/3_3.rsa_public_key.json"),
        &Default::default(),
    )
    .unwrap()
}

/// The RFC 7520 P-521 key (private), from the vector file.
fn p521_private() -> Jwk {
    Jwk::from_json(
        &common::read("rfc7520/jwk/3_2.ec_private_key.json"),
        &Default::default(),
    )
    .unwrap()
}

/// `BASE64URL(header).BASE64URL(payload)` signed with `key` over exactly
/// those bytes: lets tests put any header bytes on the wire.
fn token_with_header(header: &str, payload: &[u8], key: &SigningKey) -> String {
    let input = format!("{}.{}", b64u(header), b64u(payload));
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64u(sig))
}

fn local_set(keys: Vec<Jwk>, algs: &[Algorithm]) -> LocalKeySet {
    LocalKeySet::from_jwks(&JwkSet::new(keys), algs).unwrap()
}

// ---- alg none --------------------------------------------------------------

/// The "alg: none" bypass from the 2015 McLean disclosure (CVE-2015-9235,
/// node-jsonwebtoken, and its many successors that filtered only one casing):
/// `none` in any casing, with or without the trailing dot, with an empty or a
/// junk signature, never verifies with a single key or a key set.
#[test]
fn alg_none_every_casing_and_shape() {
    let (_, hmac) = hs256();
    let rsa = VerifyingKey::from_jwk(&rsa_public(), Algorithm::RS256).unwrap();
    // A secret next to a public key: refused by default, taken here on
    // purpose so that `none` meets both kinds of key.
    let set = LocalKeySet::from_jwks_mixed(
        &JwkSet::new(vec![hmac_jwk(), rsa_public()]),
        &[Algorithm::HS256, Algorithm::RS256],
    )
    .unwrap();
    let payload = b64u(br#"{"sub":"admin"}"#);
    for casing in ["none", "None", "NONE", "nOnE"] {
        let header = b64u(format!(r#"{{"alg":"{casing}"}}"#));
        let with_dot = format!("{header}.{payload}.");
        let without_dot = format!("{header}.{payload}");
        let junk_sig = format!("{header}.{payload}.{}", b64u(b"sig"));
        for token in [&with_dot, &junk_sig] {
            assert_eq!(
                compact::verify(token, &hmac, &Default::default()),
                Err(Error::UnsecuredToken)
            );
            assert_eq!(
                compact::verify(token, &rsa, &Default::default()),
                Err(Error::UnsecuredToken)
            );
            assert_eq!(
                compact::verify(token, &set, &Default::default()),
                Err(Error::UnsecuredToken)
            );
        }
        for k in [&hmac, &rsa] {
            assert!(matches!(
                compact::verify(&without_dot, k, &Default::default()),
                Err(Error::Malformed(_))
            ));
        }
        assert!(matches!(
            compact::verify(&without_dot, &set, &Default::default()),
            Err(Error::Malformed(_))
        ));
        // Same in the JSON serialization.
        let flat = format!(r#"{{"payload":"{payload}","protected":"{header}","signature":""}}"#);
        assert_eq!(
            json::verify(&flat, &hmac, &Default::default()),
            Err(Error::UnsecuredToken)
        );
        assert_eq!(
            json::verify(&flat, &set, &Default::default()),
            Err(Error::UnsecuredToken)
        );
    }
}

// ---- key confusion ---------------------------------------------------------

/// Minimal DER: a TLV with definite length.
fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(body);
    out
}

fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    if bytes[0] & 0x80 != 0 {
        v.push(0);
    }
    v.extend_from_slice(bytes);
    der(0x02, &v)
}

/// The RSA public key as SubjectPublicKeyInfo DER and PEM.
fn rsa_spki() -> (Vec<u8>, String) {
    let pubjwk: Value = load_json("rfc7520/jwk/3_3.rsa_public_key.json");
    let n = unb64u(pubjwk["n"].as_str().unwrap());
    let e = unb64u(pubjwk["e"].as_str().unwrap());
    let rsa_key = der(0x30, &[der_uint(&n), der_uint(&e)].concat());
    let mut bits = vec![0u8];
    bits.extend_from_slice(&rsa_key);
    let alg_id = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            vec![0x05, 0x00],
        ]
        .concat(),
    );
    let spki = der(0x30, &[alg_id, der(0x03, &bits)].concat());
    let b64 = STANDARD.encode(&spki);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    (spki, pem)
}

/// CVE-2016-10555 / CVE-2016-5431 / CVE-2017-11424 (RS/HS confusion): an
/// HS256 token "signed" with the RSA public key's PEM text, DER bytes or JWK
/// JSON as the HMAC secret does not verify with the RSA key, alone or in a
/// key set, and an RSA or EC public key cannot be prepared for HS256.
#[test]
fn hs256_signed_with_rsa_public_key_material() {
    let (spki, pem) = rsa_spki();
    assert!(
        pem.starts_with("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
    );
    let public = rsa_public();
    let jwk_text = common::read("rfc7520/jwk/3_3.rsa_public_key.json");
    let rs256 = VerifyingKey::from_jwk(&public, Algorithm::RS256).unwrap();
    let set = local_set(vec![public.clone()], Algorithm::ALL);
    assert!(!set.is_empty());
    for secret in [
        pem.as_bytes(),
        &spki,
        &jwk_text,
        public.to_json().as_bytes(),
    ] {
        let forger = SigningKey::hmac(secret, Algorithm::HS256).unwrap();
        let token = compact::sign(br#"{"sub":"admin"}"#, &forger).unwrap();
        assert_eq!(
            compact::verify(&token, &rs256, &Default::default()),
            Err(Error::AlgorithmNotAllowed("HS256".into()))
        );
        assert!(matches!(
            compact::verify(&token, &set, &Default::default()),
            Err(Error::NoMatchingKey { .. })
        ));
    }
    for key in [public, p521_private().to_public().unwrap()] {
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            assert!(matches!(
                VerifyingKey::from_jwk(&key, alg),
                Err(Error::KeyAlgorithmMismatch { .. })
            ));
        }
    }
    // No key-set entry is ever an HMAC key made from an RSA key.
    assert!(set.keys().iter().all(|k| !k.algorithm().is_symmetric()));
}

// ---- embedded keys ---------------------------------------------------------

/// CVE-2018-0114 (node-jose) and the "jwk header injection" attack: a token
/// signed by the attacker's key and carrying that key in `jwk` fails against
/// the real key; `TrustEmbeddedJwk` uses the embedded key only when its trust
/// callback accepts it.
#[test]
fn embedded_jwk_is_ignored_unless_trusted() {
    let attacker = jwk(P521_ATTACKER);
    let attacker_public = attacker.to_public().unwrap();
    let sk = SigningKey::from_jwk(&attacker, Algorithm::ES512).unwrap();
    let mut h = Header::new(Algorithm::ES512);
    h.other.insert(
        "jwk".into(),
        serde_json::from_str(&attacker_public.to_json()).unwrap(),
    );
    let token = compact::sign_with_header(b"{}", &sk, Some(&h)).unwrap();

    let real = VerifyingKey::from_jwk(&p521_private(), Algorithm::ES512).unwrap();
    assert_eq!(
        compact::verify(&token, &real, &Default::default()),
        Err(Error::InvalidSignature)
    );
    let set = local_set(vec![p521_private()], &[Algorithm::ES512]);
    assert_eq!(
        compact::verify(&token, &set, &Default::default()),
        Err(Error::InvalidSignature)
    );

    let never = TrustEmbeddedJwk::new(&[Algorithm::ES512], |_: &Jwk| false);
    assert_eq!(
        compact::verify(&token, &never, &Default::default()),
        Err(Error::UntrustedEmbeddedKey("jwk".into()))
    );
    let pinned = attacker_public.thumbprint(ThumbprintHash::Sha256);
    let pin = TrustEmbeddedJwk::new(&[Algorithm::ES512], |k: &Jwk| {
        k.thumbprint(ThumbprintHash::Sha256) == pinned
    });
    let v = compact::verify(&token, &pin, &Default::default()).unwrap();
    assert_eq!(v.payload, b"{}");
    let other_pin = p521_private().thumbprint(ThumbprintHash::Sha256);
    let wrong_pin = TrustEmbeddedJwk::new(&[Algorithm::ES512], |k: &Jwk| {
        k.thumbprint(ThumbprintHash::Sha256) == other_pin
    });
    assert_eq!(
        compact::verify(&token, &wrong_pin, &Default::default()),
        Err(Error::UntrustedEmbeddedKey("jwk".into()))
    );
    // Algorithm outside the allowlist.
    let es256_only = TrustEmbeddedJwk::new(&[Algorithm::ES256], |_: &Jwk| true);
    assert!(matches!(
        compact::verify(&token, &es256_only, &Default::default()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    // A private (or symmetric) key in the header is refused even if trusted.
    let mut h = Header::new(Algorithm::ES512);
    h.other.insert(
        "jwk".into(),
        serde_json::from_str(&attacker.to_json()).unwrap(),
    );
    let leaky = compact::sign_with_header(b"{}", &sk, Some(&h)).unwrap();
    let always = TrustEmbeddedJwk::new(&[Algorithm::ES512], |_: &Jwk| true);
    assert!(matches!(
        compact::verify(&leaky, &always, &Default::default()),
        Err(Error::InvalidHeader { .. })
    ));
    let (hs, _) = hs256();
    let mut h = Header::new(Algorithm::HS256);
    h.other.insert(
        "jwk".into(),
        serde_json::from_str(&hmac_jwk().to_json()).unwrap(),
    );
    let sym = compact::sign_with_header(b"{}", &hs, Some(&h)).unwrap();
    let all = TrustEmbeddedJwk::new(Algorithm::ALL, |_: &Jwk| true);
    assert!(matches!(
        compact::verify(&sym, &all, &Default::default()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
}

// ---- crit ------------------------------------------------------------------

/// RFC 7515 §4.1.11 (no single CVE; an ignored `crit` silently drops a
/// security extension the signer relied on): unknown
/// `crit` extensions, an empty `crit`, `crit` listing a registered name, and
/// `crit` in the unprotected header are all rejected, with a valid MAC.
#[test]
fn crit_rules() {
    let (sk, vk) = hs256();
    for header in [
        r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
        r#"{"alg":"HS256","crit":["http://example.invalid/ext"],"http://example.invalid/ext":true}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":["alg"]}"#,
        r#"{"alg":"HS256","crit":["kid"],"kid":"a"}"#,
        r#"{"alg":"HS256","crit":["b64"]}"#,
        r#"{"alg":"HS256","crit":"b64","b64":false}"#,
    ] {
        let token = token_with_header(header, b"x", &sk);
        assert!(
            matches!(
                compact::verify(&token, &vk, &Default::default()),
                Err(Error::Crit(_))
            ),
            "{header}: {:?}",
            compact::verify(&token, &vk, &Default::default())
        );
    }
    // crit in the unprotected header of a JSON JWS.
    let protected = b64u(r#"{"alg":"HS256"}"#);
    let payload = b64u(b"x");
    let sig = b64u(
        sk.sign(format!("{protected}.{payload}").as_bytes())
            .unwrap(),
    );
    let ok = format!(r#"{{"payload":"{payload}","protected":"{protected}","signature":"{sig}"}}"#);
    assert!(json::verify(&ok, &vk, &Default::default()).is_ok());
    let bad = format!(
        r#"{{"payload":"{payload}","protected":"{protected}","header":{{"crit":["exp"],"exp":1}},"signature":"{sig}"}}"#
    );
    assert!(matches!(
        json::verify(&bad, &vk, &Default::default()),
        Err(Error::InvalidHeader { name, .. }) if name == "crit"
    ));
}

// ---- duplicate and look-alike header members --------------------------------

/// RFC 7515 §4 (duplicate names must be rejected; parsers that keep the last
/// one let `"alg":"none"` slip past a check on the first): duplicate `alg`
/// is an error; `"Alg"` is a different, ignored member.
#[test]
fn duplicate_and_lookalike_header_names() {
    let (sk, vk) = hs256();
    let dup = token_with_header(r#"{"alg":"HS256","alg":"none"}"#, b"x", &sk);
    assert_eq!(
        compact::verify(&dup, &vk, &Default::default()),
        Err(Error::DuplicateMember(
            "alg".into(),
            jot::error::Part::Header
        ))
    );
    let dup2 = token_with_header(r#"{"alg":"HS256","kid":"a","kid":"b"}"#, b"x", &sk);
    assert!(matches!(
        compact::verify(&dup2, &vk, &Default::default()),
        Err(Error::DuplicateMember(..))
    ));
    let lookalike = token_with_header(r#"{"alg":"HS256","Alg":"none"}"#, b"x", &sk);
    let v = compact::verify(&lookalike, &vk, &Default::default()).unwrap();
    assert_eq!(v.header.alg, Algorithm::HS256);
    assert_eq!(
        v.header.other.get("Alg"),
        Some(&Value::String("none".into()))
    );
    let only_lookalike = token_with_header(r#"{"Alg":"HS256"}"#, b"x", &sk);
    assert!(matches!(
        compact::verify(&only_lookalike, &vk, &Default::default()),
        Err(Error::InvalidHeader { name, .. }) if name == "alg"
    ));
}

// ---- ECDSA signature forms ---------------------------------------------------

fn der_ecdsa(r: &[u8], s: &[u8]) -> Vec<u8> {
    let strip = |v: &[u8]| {
        let z = v.iter().take_while(|&&b| b == 0).count().min(v.len() - 1);
        v[z..].to_vec()
    };
    der(0x30, &[der_uint(&strip(r)), der_uint(&strip(s))].concat())
}

/// CVE-2022-21449 ("psychic signatures": r = s = 0 accepted by Java 15–18)
/// and relatives: zero r or s, r or s ≥ n, wrong lengths and DER encoding
/// are all rejected; the untouched signature verifies.
#[test]
fn ecdsa_degenerate_signatures() {
    let key = jwk(P256_KEY);
    let sk = SigningKey::from_jwk(&key, Algorithm::ES256).unwrap();
    let vk = VerifyingKey::from_jwk(&key, Algorithm::ES256).unwrap();
    let token = compact::sign(b"{}", &sk).unwrap();
    let (input, sig_b64) = token.rsplit_once('.').unwrap();
    let sig = unb64u(sig_b64);
    assert_eq!(sig.len(), 64);
    assert!(compact::verify(&token, &vk, &Default::default()).is_ok());
    let (r, s) = sig.split_at(32);
    let n = common::unhex(P256_N);
    let mut n_plus_r = n.clone();
    // r + n (still 32 bytes when r < 2^256 - n; otherwise skip).
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let v = n_plus_r[i] as u16 + r[i] as u16 + carry;
        n_plus_r[i] = v as u8;
        carry = v >> 8;
    }
    let zero = [0u8; 32];
    let mut forms: Vec<(&str, Vec<u8>)> = vec![
        ("all zero", vec![0u8; 64]),
        ("r = 0", [&zero[..], s].concat()),
        ("s = 0", [r, &zero[..]].concat()),
        ("r = n", [&n[..], s].concat()),
        ("s = n", [r, &n[..]].concat()),
        ("r = 2^256 - 1", [&[0xff; 32][..], s].concat()),
        ("s = 2^256 - 1", [r, &[0xff; 32][..]].concat()),
        ("truncated", sig[..63].to_vec()),
        ("extended", [&sig[..], &[0u8][..]].concat()),
        ("zero-padded r||s", [&[0u8][..], r, &[0u8][..], s].concat()),
        ("empty", Vec::new()),
        ("DER", der_ecdsa(r, s)),
        ("s only", s.to_vec()),
    ];
    if carry == 0 {
        forms.push(("r + n", [&n_plus_r[..], s].concat()));
    }
    for (what, bad) in forms {
        let t = format!("{input}.{}", b64u(&bad));
        assert_eq!(
            compact::verify(&t, &vk, &Default::default()),
            Err(Error::InvalidSignature),
            "{what}"
        );
        assert_eq!(
            vk.verify(input.as_bytes(), &bad),
            Err(Error::InvalidSignature),
            "{what}"
        );
    }
}

// ---- base64url malleability --------------------------------------------------

/// CVE-2022-25898 (jsrsasign) and signature malleability in general: `=`
/// padding, the standard alphabet's `+`/`/`, whitespace, and non-zero unused
/// trailing bits are rejected in each of the three segments.
#[test]
fn base64url_malleability() {
    let (sk, vk) = hs256();
    // Lengths chosen so no segment is a multiple of 4 characters (so each
    // has unused trailing bits): 25-byte header, 4-byte payload, 32-byte MAC.
    let header = r#"{"alg":"HS256","kid":"k"}"#;
    assert_eq!(header.len(), 25);
    let token = token_with_header(header, b"abcd", &sk);
    assert!(compact::verify(&token, &vk, &Default::default()).is_ok());
    let segs: Vec<&str> = token.split('.').collect();
    for s in &segs {
        assert_ne!(s.len() % 4, 0);
    }
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 0..3 {
        let mut variants: Vec<(String, String)> = Vec::new();
        let seg = segs[i];
        variants.push(("padding".into(), format!("{seg}=")));
        variants.push(("double padding".into(), format!("{seg}==")));
        let mid = seg.len() / 2;
        variants.push(("space".into(), format!("{} {}", &seg[..mid], &seg[mid..])));
        variants.push((
            "newline".into(),
            format!("{}\n{}", &seg[..mid], &seg[mid..]),
        ));
        variants.push(("trailing space".into(), format!("{seg} ")));
        variants.push(("plus".into(), format!("+{}", &seg[1..])));
        variants.push(("slash".into(), format!("/{}", &seg[1..])));
        // Standard alphabet for the same bytes.
        let std_alpha = seg.replace('-', "+").replace('_', "/");
        if std_alpha != seg {
            variants.push(("standard alphabet".into(), std_alpha));
        }
        // Same decoded bytes, non-zero unused bits in the last symbol.
        let last = seg.chars().last().unwrap();
        let idx = ALPHABET.find(last).unwrap();
        let unused_mask = if seg.len() % 4 == 2 { 0x0f } else { 0x03 };
        assert_eq!(idx & unused_mask, 0, "canonical encoding");
        let alt = ALPHABET.as_bytes()[idx | 1] as char;
        variants.push((
            "trailing bits".into(),
            format!("{}{alt}", &seg[..seg.len() - 1]),
        ));
        for (what, v) in variants {
            let mut parts: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
            parts[i] = v;
            let t = parts.join(".");
            let r = compact::verify(&t, &vk, &Default::default());
            assert!(r.is_err(), "segment {i} {what}: accepted");
            // In the header and signature the strict decoder is what stops
            // it; in the payload the MAC (over the raw text) fails first.
            if i != 1 && what != "standard alphabet" {
                assert!(
                    matches!(r, Err(Error::Base64(_))),
                    "segment {i} {what}: {r:?}"
                );
            }
        }
    }
    // The same in a flattened JSON JWS signature member.
    let sig = segs[2];
    let last = sig.chars().last().unwrap();
    let idx = ALPHABET.find(last).unwrap();
    let alt_sig = format!(
        "{}{}",
        &sig[..sig.len() - 1],
        ALPHABET.as_bytes()[idx | 1] as char
    );
    for s in [sig.to_owned(), alt_sig, format!("{sig}=")] {
        let flat = format!(
            r#"{{"payload":"{}","protected":"{}","signature":"{s}"}}"#,
            segs[1], segs[0]
        );
        let r = json::verify(&flat, &vk, &Default::default());
        if s == sig {
            assert!(r.is_ok());
        } else {
            assert!(matches!(r, Err(Error::Base64(_))), "{r:?}");
        }
    }
}

// ---- JWE given to JWS ------------------------------------------------------

/// Format confusion (no single CVE: a JWE handed to a JWS verifier must not
/// be half-parsed as a JWS): five segments, a JSON JWE, and a header with
/// `enc` are all `Error::NotJws`.
#[test]
fn jwe_given_to_jws_verify() {
    let (_, vk) = hs256();
    let hdr = b64u(r#"{"alg":"dir","enc":"A128GCM"}"#);
    let five = format!("{hdr}..{}.{}.{}", b64u(b"iv"), b64u(b"ct"), b64u(b"tag"));
    assert_eq!(
        compact::verify(&five, &vk, &Default::default()),
        Err(Error::NotJws)
    );
    let jwe_json = format!(
        r#"{{"protected":"{hdr}","iv":"{}","ciphertext":"{}","tag":"{}"}}"#,
        b64u(b"iv"),
        b64u(b"ct"),
        b64u(b"tag")
    );
    assert_eq!(
        json::verify(&jwe_json, &vk, &Default::default()),
        Err(Error::NotJws)
    );
    let with_recipients = format!(
        r#"{{"protected":"{hdr}","recipients":[{{"header":{{"alg":"dir"}}}}],"ciphertext":"{}"}}"#,
        b64u(b"ct")
    );
    assert_eq!(
        json::verify(&with_recipients, &vk, &Default::default()),
        Err(Error::NotJws)
    );
    // Three segments but a JWE header.
    let three = format!("{hdr}.{}.{}", b64u(b"x"), b64u(b"y"));
    assert_eq!(
        compact::verify(&three, &vk, &Default::default()),
        Err(Error::NotJws)
    );
}

// ---- JSON serialization rules -----------------------------------------------

/// An empty `signatures` array must not count as "all signatures verified"
/// (the vacuous-truth bug; no single CVE).
#[test]
fn json_empty_signatures_rejected() {
    let (_, vk) = hs256();
    let r = json::verify(
        r#"{"payload":"eA","signatures":[]}"#,
        &vk,
        &Default::default(),
    );
    assert!(matches!(r, Err(Error::Malformed(_))), "{r:?}");
    let set = local_set(vec![hmac_jwk()], &[Algorithm::HS256]);
    assert!(json::verify(
        r#"{"payload":"eA","signatures":[]}"#,
        &set,
        &Default::default()
    )
    .is_err());
}

/// General JSON with two signers where the resolver knows only the second:
/// verification succeeds and reports `signature_index == 1`, so the caller
/// knows which signer vouched for the payload (no CVE; correctness row).
#[test]
fn json_second_signer_only() {
    let rsa = SigningKey::from_jwk(&rsa_private(), Algorithm::RS256).unwrap();
    let (hs, hv) = hs256();
    let hs = hs.with_kid("hmac-1");
    let jws =
        json::sign_general(b"payload", &[Signer::new(&rsa), Signer::new(&hs)], false).unwrap();
    let v = json::verify(&jws, &hv, &Default::default()).unwrap();
    assert_eq!(v.signature_index, 1);
    assert_eq!(v.payload, b"payload");
    let set = local_set(
        vec![hmac_jwk().with_kid("hmac-1")],
        &[Algorithm::HS256, Algorithm::RS256],
    );
    assert_eq!(
        json::verify(&jws, &set, &Default::default())
            .unwrap()
            .signature_index,
        1
    );
    // And the first signer's key alone gives index 0.
    let rv = VerifyingKey::from_jwk(&rsa_public(), Algorithm::RS256).unwrap();
    assert_eq!(
        json::verify(&jws, &rv, &Default::default())
            .unwrap()
            .signature_index,
        0
    );
}

/// `alg` only in the unprotected header is not integrity protected: an
/// attacker could rewrite it (the JSON-serialization form of algorithm
/// substitution; no single CVE). Rejected.
#[test]
fn json_alg_only_unprotected_rejected() {
    let (sk, vk) = hs256();
    let payload = b64u(b"x");
    let sig = b64u(sk.sign(format!(".{payload}").as_bytes()).unwrap());
    let flat =
        format!(r#"{{"payload":"{payload}","header":{{"alg":"HS256"}},"signature":"{sig}"}}"#);
    assert!(matches!(
        json::verify(&flat, &vk, &Default::default()),
        Err(Error::InvalidHeader { name, .. }) if name == "alg"
    ));
    let general = format!(
        r#"{{"payload":"{payload}","signatures":[{{"header":{{"alg":"HS256"}},"signature":"{sig}"}}]}}"#
    );
    assert!(matches!(
        json::verify(&general, &vk, &Default::default()),
        Err(Error::InvalidHeader { name, .. }) if name == "alg"
    ));
    // alg in both headers is also refused (must be disjoint).
    let protected = b64u(r#"{"alg":"HS256"}"#);
    let sig = b64u(
        sk.sign(format!("{protected}.{payload}").as_bytes())
            .unwrap(),
    );
    let both = format!(
        r#"{{"payload":"{payload}","protected":"{protected}","header":{{"alg":"none"}},"signature":"{sig}"}}"#
    );
    assert!(json::verify(&both, &vk, &Default::default()).is_err());
}

// ---- key selection -----------------------------------------------------------

/// Trying every key until one works lets a token choose its key (and turns
/// a key set into an oracle; no single CVE); two candidates are
/// `Error::AmbiguousKey`.
#[test]
fn ambiguous_key_selection() {
    let a = Jwk::from_secret(&[1u8; 32]).unwrap();
    let b = Jwk::from_secret(&[2u8; 32]).unwrap();
    let sk_a = SigningKey::from_jwk(&a, Algorithm::HS256).unwrap();
    // Two keys, same kid: a set is refused when prepared, naming the kid.
    assert_eq!(
        LocalKeySet::from_jwks(
            &JwkSet::new(vec![a.clone().with_kid("k"), b.clone().with_kid("k")]),
            &[Algorithm::HS256],
        )
        .unwrap_err(),
        Error::DuplicateKid("k".into())
    );
    // A plain slice of prepared keys (no preparation step) is ambiguous
    // when the token is read.
    let same_kid = vec![
        VerifyingKey::from_jwk(&a.clone().with_kid("k"), Algorithm::HS256).unwrap(),
        VerifyingKey::from_jwk(&b.clone().with_kid("k"), Algorithm::HS256).unwrap(),
    ];
    let token = compact::sign(b"x", &sk_a.clone().with_kid("k")).unwrap();
    assert_eq!(
        compact::verify(&token, &same_kid, &Default::default()),
        Err(Error::AmbiguousKey(2, Some("k".into())))
    );
    // Two keys, no kid anywhere.
    let set = local_set(vec![a.clone(), b.clone()], &[Algorithm::HS256]);
    let token = compact::sign(b"x", &sk_a).unwrap();
    assert_eq!(
        compact::verify(&token, &set, &Default::default()),
        Err(Error::AmbiguousKey(2, None))
    );
    // The same with a plain Vec of prepared keys.
    let keys = vec![
        VerifyingKey::from_jwk(&a, Algorithm::HS256).unwrap(),
        VerifyingKey::from_jwk(&b, Algorithm::HS256).unwrap(),
    ];
    assert_eq!(
        compact::verify(&token, &keys, &Default::default()),
        Err(Error::AmbiguousKey(2, None))
    );
    // Distinct kids disambiguate.
    let set = local_set(vec![a.with_kid("a"), b.with_kid("b")], &[Algorithm::HS256]);
    let token = compact::sign(b"x", &sk_a.with_kid("a")).unwrap();
    assert!(compact::verify(&token, &set, &Default::default()).is_ok());
}

/// Denial of service by size (cf. CVE-2023-52428, Nimbus JOSE+JWT, unbounded
/// PBES2 work; here the token length): an oversized token is refused with
/// `Error::TooLarge` before any decoding (the body here is not even
/// base64url, and would otherwise fail as such).
#[test]
fn oversized_token_rejected_before_decoding() {
    let (_, vk) = hs256();
    let limit = Limits::default().max_token_len();
    let big = format!("{}.{}.{}", "!".repeat(limit), "!", "!");
    assert!(matches!(
        compact::verify(&big, &vk, &Default::default()),
        Err(Error::TooLarge { what: "token", .. })
    ));
    let big_json = format!(r#"{{"payload":"{}","signatures":[]}}"#, "!".repeat(limit));
    assert!(matches!(
        json::verify(&big_json, &vk, &Default::default()),
        Err(Error::TooLarge { .. })
    ));
    // Just under the limit it is decoded (and fails as base64).
    let small = format!("{}.{}.{}", "!".repeat(limit - 10), "!", "!");
    assert!(matches!(
        compact::verify(&small, &vk, &Default::default()),
        Err(Error::TooLarge { .. }) | Err(Error::Base64(_))
    ));
    // A custom, smaller limit applies too.
    let (sk, _) = hs256();
    let token = compact::sign(&[b'a'; 200], &sk).unwrap();
    let tight = Limits::default().with_max_token_len(100).unwrap();
    assert!(matches!(
        compact::verify(&token, &vk, &jot::jws::VerifyOptions::new().limits(tight)),
        Err(Error::TooLarge { .. })
    ));
    // Many signatures.
    let entry = r#"{"protected":"eyJhbGciOiJIUzI1NiJ9","signature":"AA"}"#;
    let many = format!(
        r#"{{"payload":"eA","signatures":[{}]}}"#,
        vec![entry; 17].join(",")
    );
    assert!(matches!(
        json::verify(&many, &vk, &Default::default()),
        Err(Error::TooLarge {
            what: "signatures",
            ..
        })
    ));
}

/// Injection through `kid` (no single CVE: applications that use kid as a
/// file path or SQL fragment): Jot treats kid as an opaque lookup key.
/// Exact matches verify; anything else is `NoMatchingKey`.
#[test]
fn hostile_kid_values_are_opaque() {
    let kids = ["../../dev/null", "' OR 1=1 --", "| cmd", "", "k\u{0}"];
    let jwks: Vec<Jwk> = kids
        .iter()
        .enumerate()
        .map(|(i, kid)| Jwk::from_secret(&[i as u8 + 1; 32]).unwrap().with_kid(*kid))
        .collect();
    let set = local_set(jwks.clone(), &[Algorithm::HS256]);
    for (jwk, kid) in jwks.iter().zip(kids) {
        let sk = SigningKey::from_jwk(jwk, Algorithm::HS256).unwrap();
        let token = compact::sign(b"x", &sk).unwrap();
        let v = compact::verify(&token, &set, &Default::default()).unwrap();
        assert_eq!(v.header.kid.as_deref(), Some(kid));
    }
    let other =
        SigningKey::from_jwk(&Jwk::from_secret(&[9u8; 32]).unwrap(), Algorithm::HS256).unwrap();
    for kid in [
        "../../dev/nul",
        "/dev/null",
        "' OR 1=1",
        "1=1",
        "cmd",
        " | cmd",
        "*",
    ] {
        let token = compact::sign(b"x", &other.clone().with_kid(kid)).unwrap();
        assert_eq!(
            compact::verify(&token, &set, &Default::default()),
            Err(Error::NoMatchingKey {
                kid: Some(kid.into()),
                alg: "HS256".into()
            }),
            "{kid}"
        );
    }
    // A matching kid with the wrong key is just a bad signature.
    let token = compact::sign(b"x", &other.with_kid("' OR 1=1 --")).unwrap();
    assert_eq!(
        compact::verify(&token, &set, &Default::default()),
        Err(Error::InvalidSignature)
    );
}

// ---- weak and invalid keys --------------------------------------------------------

/// RFC 7518 §3.3 (factorable short moduli; no single CVE): RSA keys under
/// 2048 bits are refused (`WeakKey`) for
/// signing and verifying, and a set leaves them out.
#[test]
fn rsa_1024_is_weak() {
    let mut n = vec![0xc5u8; 128];
    n[127] = 0x01;
    let small = jwk(&format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64u(&n)));
    for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::RS512] {
        assert!(matches!(
            VerifyingKey::from_jwk(&small, alg),
            Err(Error::WeakKey(_))
        ));
    }
    assert!(local_set(vec![small], Algorithm::ALL).is_empty());
    // 2047 bits: still weak.
    let mut n = vec![0x7fu8; 256];
    n[255] = 0x01;
    let k = jwk(&format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64u(&n)));
    assert!(matches!(
        VerifyingKey::from_jwk(&k, Algorithm::RS256),
        Err(Error::WeakKey(_))
    ));
}

/// RSA public exponent 1 makes every "signature" equal to its encoded
/// message, so anyone can forge (no single CVE): refused at import. Even
/// exponents and e = 0 too.
#[test]
fn rsa_exponent_one_rejected() {
    let n = unb64u(
        load_json("rfc7520/jwk/3_3.rsa_public_key.json")["n"]
            .as_str()
            .unwrap(),
    );
    for e in [&[1u8][..], &[0u8, 1], &[0u8], &[2u8], &[]] {
        let text = format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, b64u(&n), b64u(e));
        assert!(
            matches!(
                Jwk::from_json(text.as_bytes(), &Default::default()),
                Err(Error::InvalidKey(_))
            ),
            "e = {e:?}"
        );
    }
}

/// Invalid-curve attacks (Sanso, 2017, against several JOSE libraries'
/// ECDH-ES; here for ECDSA public keys): a point not on the curve is refused
/// at import, as is a coordinate out of range.
#[test]
fn ec_point_not_on_curve_rejected() {
    let v: Value = serde_json::from_str(P256_KEY).unwrap();
    let mut y = unb64u(v["y"].as_str().unwrap());
    y[31] ^= 1;
    let off = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        v["x"].as_str().unwrap(),
        b64u(&y)
    );
    assert!(matches!(
        Jwk::from_json(off.as_bytes(), &Default::default()),
        Err(Error::InvalidKey(_))
    ));
    // The P-256 point moved to P-384-sized coordinates, and the point at
    // "infinity" (0, 0).
    let zero = b64u([0u8; 32]);
    let inf = format!(r#"{{"kty":"EC","crv":"P-256","x":"{zero}","y":"{zero}"}}"#);
    assert!(Jwk::from_json(inf.as_bytes(), &Default::default()).is_err());
    // A valid P-256 point labelled P-521 is refused too.
    let relabelled = format!(
        r#"{{"kty":"EC","crv":"P-521","x":"{}","y":"{}"}}"#,
        v["x"].as_str().unwrap(),
        v["y"].as_str().unwrap()
    );
    assert!(Jwk::from_json(relabelled.as_bytes(), &Default::default()).is_err());
    // x = p (out of range).
    let p = common::unhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    let out = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64u(&p),
        v["y"].as_str().unwrap()
    );
    assert!(Jwk::from_json(out.as_bytes(), &Default::default()).is_err());
}

/// RFC 7518 §3.2 (brute-forceable short secrets; no single CVE): an HMAC
/// secret shorter than the hash output is refused
/// for signing (`WeakKey`), for each HS algorithm.
#[test]
fn short_hmac_secret_is_weak() {
    for (alg, len) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        let short = vec![7u8; len - 1];
        assert!(matches!(
            SigningKey::hmac(&short, alg),
            Err(Error::WeakKey(_))
        ));
        let jwk = Jwk::from_secret(&short).unwrap();
        assert!(matches!(
            SigningKey::from_jwk(&jwk, alg),
            Err(Error::WeakKey(_))
        ));
        assert!(matches!(
            VerifyingKey::from_jwk(&jwk, alg),
            Err(Error::WeakKey(_))
        ));
        assert!(SigningKey::hmac(&vec![7u8; len], alg).is_ok());
    }
    assert!(SigningKey::hmac(b"", Algorithm::HS256).is_err());
    // A raw secret can never become a non-HMAC key.
    assert!(SigningKey::hmac(&[7u8; 64], Algorithm::RS256).is_err());
}

/// RFC 7515 §7.2.1: an unprotected `header` object is a JOSE header too;
/// duplicate names inside it must not silently keep the last value.
#[test]
fn json_jws_duplicate_members_in_unprotected_header_rejected() {
    let key = jot::key::SigningKey::hmac(&[9u8; 32], jot::Algorithm::HS256).unwrap();
    let mut s = jot::jws::json::Signer::new(&key);
    s.unprotected = Some(serde_json::Map::from_iter([(
        "kid".to_string(),
        serde_json::json!("a"),
    )]));
    let jws = jot::jws::json::sign_flattened(b"x", &s, false).unwrap();
    assert!(
        jot::jws::json::verify(&jws, &key.verifying_key().unwrap(), &Default::default()).is_ok()
    );
    let dup = jws.replace(r#""kid":"a""#, r#""kid":"a","kid":"b""#);
    assert_ne!(dup, jws);
    assert!(matches!(
        jot::jws::json::verify(&dup, &key.verifying_key().unwrap(), &Default::default()),
        Err(jot::Error::DuplicateMember(..))
    ));
}

/// Small-order Ed25519 public keys: with the identity as `A`, the
/// cofactorless check accepts `R = [S]B` for any `S` and any message, so
/// anyone could sign. Such keys (and non-canonical encodings) are refused
/// when prepared; an ordinary key next to them still works.
#[test]
fn small_order_ed25519_keys_refused() {
    let okp = |x: [u8; 32]| {
        Jwk::from_json(
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64u(x)).as_bytes(),
            &Default::default(),
        )
        .unwrap()
    };
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut order_two = [0xffu8; 32];
    order_two[0] = 0xec;
    order_two[31] = 0x7f;
    let mut identity_non_canonical = [0xffu8; 32];
    identity_non_canonical[0] = 0xee;
    identity_non_canonical[31] = 0x7f;
    for (name, x) in [
        ("identity", identity),
        ("order 2", order_two),
        ("identity, y = p + 1", identity_non_canonical),
    ] {
        assert!(
            matches!(
                VerifyingKey::from_jwk(&okp(x), Algorithm::EdDSA),
                Err(Error::InvalidKey(_))
            ),
            "{name}"
        );
    }
    let good = jot::key::generate_for(Algorithm::EdDSA).unwrap();
    assert!(VerifyingKey::from_jwk(&good.to_public().unwrap(), Algorithm::EdDSA).is_ok());
}

// ---- resolvers ---------------------------------------------------------------

/// A resolver of the caller's that hands out an HS384 key whatever the
/// header says.
struct LyingResolver(VerifyingKey);

impl jot::jws::KeyResolver for LyingResolver {
    fn resolve(&self, _: &Header) -> jot::Result<std::borrow::Cow<'_, VerifyingKey>> {
        Ok(std::borrow::Cow::Borrowed(&self.0))
    }
}

/// A token that says HS256 but is an HS384 MAC must not verify through a
/// resolver that returns the HS384 key: the verified header would report an
/// algorithm that was never checked. Compact, JSON and JWT paths alike.
#[test]
fn resolver_key_must_match_header_alg() {
    let k = hmac_jwk();
    let hs384 = SigningKey::from_jwk(&k, Algorithm::HS384).unwrap();
    let lying = LyingResolver(VerifyingKey::from_jwk(&k, Algorithm::HS384).unwrap());
    let payload = br#"{"sub":"x","exp":99999999999}"#;
    let token = token_with_header(r#"{"alg":"HS256"}"#, payload, &hs384);
    let refused = |r: Result<(), Error>| {
        assert_eq!(r.unwrap_err(), Error::AlgorithmNotAllowed("HS256".into()));
    };
    refused(compact::verify(&token, &lying, &Default::default()).map(drop));
    refused(
        jot::jwt::verify::<jot::jwt::Claims>(&token, &lying, &jot::jwt::Validation::new())
            .map(drop),
    );
    let mut segs = token.split('.');
    let (h, p, s) = (segs.next(), segs.next(), segs.next());
    let flattened = serde_json::json!({"protected": h, "payload": p, "signature": s}).to_string();
    refused(json::verify(&flattened, &lying, &Default::default()).map(drop));
    // The same resolver with an honest header verifies: only the mismatch
    // is refused.
    let honest = token_with_header(r#"{"alg":"HS384"}"#, payload, &hs384);
    assert_eq!(
        compact::verify(&honest, &lying, &Default::default())
            .unwrap()
            .header
            .alg,
        Algorithm::HS384
    );
}
