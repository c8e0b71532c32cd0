//! Secrets never leak through formatting: `Debug` of every key type prints
//! no private member, and no error message echoes a token (or the parts of
//! one an attacker chose).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jot::jwe::keymgmt::aes_kw::AesKeyWrap;
use jot::jwe::keymgmt::ecdh_es::EcdhEs;
use jot::jwe::keymgmt::pbes2::Pbes2;
use jot::jwe::keymgmt::rsa::RsaEncryption;
use jot::jwe::{self, DecryptOptions, DecryptionKey, EncryptionKey, KeyManagement};
use jot::jwk::{EcCurve, Jwk, JwkSet, KeyParams, OkpCurve};
use jot::jwks::{DecryptionKeySet, LocalKeySet};
use jot::jws;
use jot::jwt::{self, Claims, Validation};
use jot::key::{generate, KeySpec, SigningKey, VerifyingKey};
use jot::{Algorithm, Error};
use serde_json::{json, Value};

/// Every secret byte string of a JWK, base64url encoded as in its JSON.
fn secret_members(jwk: &Jwk) -> Vec<String> {
    let v: Value = serde_json::from_str(&jwk.to_json()).unwrap();
    ["d", "k", "p", "q", "dp", "dq", "qi"]
        .iter()
        .filter_map(|m| v.get(*m).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn assert_redacted(what: &str, debug: &str, secrets: &[String]) {
    assert!(!secrets.is_empty(), "{what}: no secrets to look for");
    for s in secrets {
        // The whole value, and any 12-character window of it (a truncated
        // print would still be a leak).
        assert!(
            !debug.contains(s.as_str()),
            "{what} prints a secret: {debug}"
        );
        let chars: Vec<char> = s.chars().collect();
        for w in chars.windows(12).step_by(4) {
            let piece: String = w.iter().collect();
            assert!(!debug.contains(&piece), "{what} prints part of a secret");
        }
        let bytes = URL_SAFE_NO_PAD.decode(s).unwrap();
        assert!(!debug.contains(&hex::encode(&bytes)), "{what} prints hex");
        let list = format!("{:?}", &bytes[..bytes.len().min(4)]);
        let list = list.trim_end_matches(']');
        assert!(!debug.contains(list), "{what} prints bytes: {debug}");
    }
}

#[test]
fn debug_of_every_key_type_prints_no_secret() {
    let rsa = generate(KeySpec::Rsa { bits: 2048 })
        .unwrap()
        .with_kid("rsa");
    let ec = generate(KeySpec::Ec(EcCurve::P256)).unwrap().with_kid("ec");
    let ed = generate(KeySpec::Okp(OkpCurve::Ed25519))
        .unwrap()
        .with_kid("ed");
    let x25519 = generate(KeySpec::Okp(OkpCurve::X25519)).unwrap();
    let oct = Jwk::from_secret(&[0x5a; 32]).unwrap().with_kid("oct");
    let aes = Jwk::from_secret(&[0xa5; 16]).unwrap();
    let all = [&rsa, &ec, &ed, &x25519, &oct, &aes];
    let secrets: Vec<String> = all.iter().flat_map(|k| secret_members(k)).collect();
    assert!(matches!(rsa.params, KeyParams::Rsa(_)));
    assert_eq!(secret_members(&rsa).len(), 6, "d p q dp dq qi");

    let mut printed: Vec<(&str, String)> = Vec::new();
    for (name, jwk) in [("rsa", &rsa), ("ec", &ec), ("ed", &ed), ("x25519", &x25519)] {
        printed.push((name, format!("{jwk:?} {:?}", jwk.params)));
    }
    printed.push(("oct jwk", format!("{oct:?} {aes:?}")));
    let set = JwkSet::new(all.iter().map(|k| (*k).clone()).collect());
    printed.push(("JwkSet", format!("{set:?} {set:#?}")));

    let signers = [
        SigningKey::from_jwk(&rsa, Algorithm::RS256).unwrap(),
        SigningKey::from_jwk(&rsa, Algorithm::PS512).unwrap(),
        SigningKey::from_jwk(&ec, Algorithm::ES256).unwrap(),
        SigningKey::from_jwk(&ed, Algorithm::EdDSA).unwrap(),
        SigningKey::from_jwk(&oct, Algorithm::HS256).unwrap(),
    ];
    printed.push(("SigningKey", format!("{signers:?} {signers:#?}")));
    let verifiers = [
        VerifyingKey::from_jwk(&rsa, Algorithm::RS256).unwrap(),
        VerifyingKey::from_jwk(&ec, Algorithm::ES256).unwrap(),
        VerifyingKey::from_jwk(&oct, Algorithm::HS256).unwrap(),
    ];
    printed.push(("VerifyingKey", format!("{verifiers:?}")));
    let local = LocalKeySet::from_jwks_mixed(&set, Algorithm::ALL).unwrap();
    printed.push(("LocalKeySet", format!("{local:?}")));

    let a128kw = KeyManagement::AesKw(AesKeyWrap::A128Kw);
    let oaep = KeyManagement::Rsa(RsaEncryption::RsaOaep256);
    let ecdh = KeyManagement::EcdhEs(EcdhEs::Direct);
    let pbes2 = KeyManagement::Pbes2(Pbes2::Hs256A128Kw);
    let password = b"correct horse battery staple";
    let enc_keys = [
        EncryptionKey::from_jwk(&aes, a128kw).unwrap(),
        EncryptionKey::from_jwk(&oct, KeyManagement::Dir).unwrap(),
        EncryptionKey::from_jwk(&rsa, oaep).unwrap(),
        EncryptionKey::password(password, pbes2).unwrap(),
    ];
    printed.push(("EncryptionKey", format!("{enc_keys:?}")));
    let dec_keys = [
        DecryptionKey::from_jwk(&aes, a128kw).unwrap(),
        DecryptionKey::from_jwk(&oct, KeyManagement::Dir).unwrap(),
        DecryptionKey::from_jwk(&rsa, oaep).unwrap(),
        DecryptionKey::from_jwk(&ec, ecdh).unwrap(),
        DecryptionKey::from_jwk(&x25519, ecdh).unwrap(),
        DecryptionKey::password(password, pbes2).unwrap(),
    ];
    printed.push(("DecryptionKey", format!("{dec_keys:?} {dec_keys:#?}")));
    let dec_set = DecryptionKeySet::from_jwks(&set, &[a128kw, oaep, ecdh]);
    assert!(!dec_set.is_empty());
    printed.push(("DecryptionKeySet", format!("{dec_set:?}")));

    let pw = String::from_utf8(password.to_vec()).unwrap();
    for (what, debug) in &printed {
        assert_redacted(what, debug, &secrets);
        assert!(!debug.contains(&pw), "{what} prints the password");
        assert!(!debug.contains("horse"), "{what} prints the password");
    }
}

const MARKER: &str = "QzX9mRk7wPq4";

fn b64(s: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn compact(header: &Value, payload: &[u8], sig: &str) -> String {
    format!("{}.{}.{sig}", b64(header.to_string()), b64(payload))
}

/// A token signed with `key` under `header` (so the signature verifies and
/// later checks run).
fn signed(header: &Value, payload: &[u8], key: &SigningKey) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(payload));
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64(sig))
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Typed {
    exp: i64,
    n: u32,
    kind: Kind,
}

#[derive(Debug, serde::Deserialize)]
enum Kind {
    A,
}

#[test]
fn errors_never_echo_the_token() {
    let secret = [0x42u8; 32];
    let sk = SigningKey::hmac(&secret, Algorithm::HS256).unwrap();
    let vk = VerifyingKey::hmac(&secret, Algorithm::HS256)
        .unwrap()
        .with_kid("k1");
    let hs = json!({"alg": "HS256"});
    let exp = 4_000_000_000u64;
    let claims = |extra: Value| {
        let mut c = json!({"exp": exp});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c.to_string().into_bytes()
    };
    let m = MARKER;
    let rules = Validation::new();
    let mut errors: Vec<(String, Error)> = Vec::new();
    let mut push = |what: &str, r: Result<(), Error>| match r {
        Err(e) => errors.push((what.to_owned(), e)),
        Ok(()) => panic!("{what}: expected an error"),
    };
    let jws_c = |t: &str| jws::compact::verify(t, &vk, &Default::default()).map(drop);
    let jwt_v = |t: &str, r: &Validation| jwt::verify::<Claims>(t, &vk, r).map(drop);

    // Header values and names.
    push("alg", jws_c(&compact(&json!({"alg": m}), b"x", "AAAA")));
    push(
        "alg none-ish",
        jws_c(&compact(&json!({"alg": format!("n{m}")}), b"x", "")),
    );
    push(
        "alg type",
        jws_c(&compact(&json!({"alg": [m]}), b"x", "AAAA")),
    );
    push(
        "kid",
        jws_c(&compact(&json!({"alg": "HS256", "kid": m}), b"x", "AAAA")),
    );
    push(
        "duplicate kid in a set",
        LocalKeySet::from_keys(vec![vk.clone(), vk.clone()]).map(drop),
    );
    // Two keys without kid: selection is ambiguous when the token is read.
    let anonymous = VerifyingKey::hmac(&secret, Algorithm::HS256).unwrap();
    let set = LocalKeySet::from_keys(vec![anonymous.clone(), anonymous]).unwrap();
    push(
        "ambiguous kid",
        jws::compact::verify(
            &compact(&json!({"alg": "HS256", "kid": "k1"}), b"x", "AA"),
            &set,
            &Default::default(),
        )
        .map(drop),
    );
    push(
        "no key for kid",
        jws::compact::verify(
            &compact(&json!({"alg": "HS256", "kid": m}), b"x", "AA"),
            &set,
            &Default::default(),
        )
        .map(drop),
    );
    push(
        "typ",
        jws_c(&compact(&json!({"alg": "HS256", "typ": [m]}), b"x", "AAAA")),
    );
    push(
        "crit unknown",
        jws_c(&compact(
            &json!({"alg": "HS256", "crit": [m], m: 1}),
            b"x",
            "AAAA",
        )),
    );
    push(
        "crit absent",
        jws_c(&compact(
            &json!({"alg": "HS256", "crit": [m]}),
            b"x",
            "AAAA",
        )),
    );
    push(
        "b64 type",
        jws_c(&compact(&json!({"alg": "HS256", "b64": m}), b"x", "AAAA")),
    );
    let dup = format!(r#"{{"alg":"HS256","{m}":1,"{m}":2}}"#);
    push(
        "duplicate member",
        jws_c(&format!("{}.{}.AAAA", b64(&dup), b64("x"))),
    );
    let dup_value = format!(r#"{{"alg":"HS256","alg":"{m}"}}"#);
    push(
        "duplicate alg",
        jws_c(&format!("{}.{}.AAAA", b64(&dup_value), b64("x"))),
    );
    push(
        "header not json",
        jws_c(&format!(
            "{}.{}.AAAA",
            b64(format!("{{\"alg\":\"{m}")),
            b64("x")
        )),
    );
    push(
        "header trailing",
        jws_c(&format!("{}.{}.AAAA", b64(format!("{{}}{m}")), b64("x"))),
    );
    push("header not base64", jws_c(&format!("{m}!.x.AAAA")));
    push(
        "header too deep",
        jws_c(&compact(
            &json!({"alg": "HS256", m: (0..40).fold(json!(m), |v, _| json!([v]))}),
            b"x",
            "AAAA",
        )),
    );
    // Signature and payload segments.
    push("signature", jws_c(&compact(&hs, m.as_bytes(), m)));
    push(
        "signature base64",
        jws_c(&compact(&hs, b"x", &format!("{m}=="))),
    );
    push("segments", jws_c(&format!("{m}.{m}")));
    push("jwe as jws", jws_c(&format!("{m}.{m}.{m}.{m}.{m}")));
    push(
        "token too large",
        jws_c(&format!("{m}{}", "A".repeat(70_000))),
    );
    push(
        "embedded jwk",
        jws::compact::verify(
            &compact(&json!({"alg": "ES256", "jwk": {"kty": m}}), b"x", "AAAA"),
            &jws::TrustEmbeddedJwk::new(&[Algorithm::ES256], |_| true),
            &Default::default(),
        )
        .map(drop),
    );
    // JSON serialization.
    let flat = |v: Value| jws::json::verify(&v.to_string(), &vk, &Default::default()).map(drop);
    push(
        "json alg unprotected",
        flat(json!({"payload": "eA", "header": {"alg": m}, "signature": "AA"})),
    );
    push(
        "json disjoint",
        flat(
            json!({"payload": "eA", "protected": b64(json!({"alg":"HS256", m: 1}).to_string()), "header": {m: 2}, "signature": "AA"}),
        ),
    );
    push(
        "json signature type",
        flat(json!({"payload": "eA", "protected": b64(hs.to_string()), "signature": [m]})),
    );
    push(
        "json not object",
        jws::json::verify(&format!("[\"{m}\"]"), &vk, &Default::default()).map(drop),
    );
    push(
        "json syntax",
        jws::json::verify(&format!("{{\"{m}\"}}"), &vk, &Default::default()).map(drop),
    );
    // Claims, after a valid signature.
    let jwt = |extra: Value| signed(&hs, &claims(extra), &sk);
    push(
        "exp string",
        jwt_v(
            &signed(&hs, json!({"exp": m}).to_string().as_bytes(), &sk),
            &rules,
        ),
    );
    push("nbf type", jwt_v(&jwt(json!({"nbf": [m]})), &rules));
    push("iss type", jwt_v(&jwt(json!({"iss": {m: m}})), &rules));
    push(
        "iss mismatch",
        jwt_v(&jwt(json!({"iss": m})), &Validation::new().issuer("a")),
    );
    push("aud", jwt_v(&jwt(json!({"aud": m})), &rules));
    push("aud type", jwt_v(&jwt(json!({"aud": [m, 1]})), &rules));
    push(
        "sub",
        jwt_v(&jwt(json!({"sub": m})), &Validation::new().subject("s")),
    );
    push(
        "claims not object",
        jwt_v(&signed(&hs, format!("\"{m}\"").as_bytes(), &sk), &rules),
    );
    push(
        "claims not json",
        jwt_v(&signed(&hs, m.as_bytes(), &sk), &rules),
    );
    push(
        "claims duplicate",
        jwt_v(
            &signed(
                &hs,
                format!(r#"{{"exp":{exp},"iss":"{m}","iss":"{m}"}}"#).as_bytes(),
                &sk,
            ),
            &rules,
        ),
    );
    push(
        "claims type",
        jwt::verify::<Typed>(&jwt(json!({"n": m, "kind": "A"})), &vk, &rules).map(drop),
    );
    push(
        "claims variant",
        jwt::verify::<Typed>(&jwt(json!({"n": 1, "kind": m})), &vk, &rules).map(drop),
    );
    push(
        "claims unknown field",
        jwt::verify::<Typed>(&jwt(json!({"n": 1, "kind": {m: 1}})), &vk, &rules).map(drop),
    );
    push(
        "typ mismatch",
        jwt_v(
            &signed(&json!({"alg": "HS256", "typ": m}), &claims(json!({})), &sk),
            &Validation::new().typ("at+jwt"),
        ),
    );
    // JWE.
    let dk = DecryptionKey::secret(&[7u8; 32], KeyManagement::Dir).unwrap();
    let opts = DecryptOptions::new();
    let jwe_c = |h: Value, rest: &str| {
        jwe::compact::decrypt(&format!("{}.{rest}", b64(h.to_string())), &dk, &opts).map(drop)
    };
    let tail = format!(".{m}.{m}.{m}");
    push("jwe alg", jwe_c(json!({"alg": m, "enc": "A256GCM"}), &tail));
    push("jwe enc", jwe_c(json!({"alg": "dir", "enc": m}), &tail));
    push(
        "jwe kid",
        jwe_c(json!({"alg": "dir", "enc": "A256GCM", "kid": [m]}), &tail),
    );
    push(
        "jwe zip",
        jwe_c(json!({"alg": "dir", "enc": "A256GCM", "zip": m}), &tail),
    );
    push(
        "jwe crit",
        jwe_c(
            json!({"alg": "dir", "enc": "A256GCM", "crit": [m], m: 1}),
            &tail,
        ),
    );
    push(
        "jwe tag",
        jwe_c(
            json!({"alg": "dir", "enc": "A256GCM"}),
            &format!(".AAAAAAAAAAAAAAAA.{m}.{m}"),
        ),
    );
    push(
        "jwe encrypted_key",
        jwe_c(
            json!({"alg": "dir", "enc": "A256GCM"}),
            &format!("{m}.AAAAAAAAAAAAAAAA.{m}.{m}"),
        ),
    );
    let pbes = DecryptionKey::password(b"pw", KeyManagement::Pbes2(Pbes2::Hs256A128Kw)).unwrap();
    let pbes_opts = DecryptOptions::new().allow(KeyManagement::Pbes2(Pbes2::Hs256A128Kw));
    for p2c in [json!(m), json!(4_000_000_000u64), json!(-1)] {
        let h = json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": m, "p2c": p2c});
        push(
            "jwe p2c",
            jwe::compact::decrypt(
                &format!("{}.{m}.{m}.{m}.{m}", b64(h.to_string())),
                &pbes,
                &pbes_opts,
            )
            .map(drop),
        );
    }
    let ecdh = DecryptionKey::from_jwk(
        &generate(KeySpec::Ec(EcCurve::P256)).unwrap(),
        KeyManagement::EcdhEs(EcdhEs::Direct),
    )
    .unwrap();
    let h =
        json!({"alg": "ECDH-ES", "enc": "A128GCM", "epk": {"kty": "EC", "crv": m, "x": m, "y": m}});
    push(
        "jwe epk",
        jwe::compact::decrypt(&format!("{}.{tail}", b64(h.to_string())), &ecdh, &opts).map(drop),
    );
    let jwe_j = |v: Value| jwe::json::decrypt(&v.to_string(), &dk, &opts).map(drop);
    push(
        "jwe json disjoint",
        jwe_j(
            json!({"protected": b64(json!({"alg":"dir","enc":"A256GCM", m: 1}).to_string()), "unprotected": {m: 2}, "iv": m, "ciphertext": m, "tag": m}),
        ),
    );
    push(
        "jwe json zip unprotected",
        jwe_j(
            json!({"protected": b64(json!({"alg":"dir","enc":"A256GCM"}).to_string()), "unprotected": {"zip": m}, "iv": m, "ciphertext": m, "tag": m}),
        ),
    );
    push(
        "jwe json jws",
        jwe_j(json!({"payload": m, "signatures": []})),
    );
    push("jwe json", jwe_j(json!({"protected": m, "ciphertext": m})));
    // Keys (a JWK is not a token, but a header can carry one).
    for jwk in [
        json!({"kty": m}),
        json!({"kty": "EC", "crv": m, "x": m, "y": m}),
        json!({"kty": "OKP", "crv": m, "x": m}),
        json!({"kty": "oct", "k": m, "kid": [m]}),
        json!({"kty": "oct", "k": format!("{m}=")}),
        json!({"kty": "RSA", "n": m, "e": m}),
    ] {
        push(
            "jwk",
            Jwk::from_json(jwk.to_string().as_bytes(), &Default::default()).map(drop),
        );
    }

    assert!(errors.len() > 50, "{}", errors.len());
    for (what, e) in &errors {
        let msg = e.to_string();
        assert!(
            !msg.contains(MARKER),
            "{what}: error echoes the token: {msg}"
        );
        assert!(
            !msg.contains(&MARKER[..6]),
            "{what}: error echoes part of the token: {msg}"
        );
        assert!(
            !msg.contains(&b64(MARKER)[..8]),
            "{what}: echoes base64 of the token: {msg}"
        );
    }
}
