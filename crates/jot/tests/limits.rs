//! Every hard limit of [`Limits`]: the default rejects an input just over
//! it, on every entry point that reads untrusted input, and a raised limit
//! accepts the same input. (The attack rows in `attacks_jws.rs` check that
//! hostile inputs are refused; these check that each limit is a real,
//! configurable knob and that no entry point forgets it.)

use jot::jwe::keymgmt::aes_kw::AesKeyWrap;
use jot::jwe::keymgmt::pbes2::Pbes2;
use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement, Recipient,
};
use jot::jwk::{Jwk, JwkSet};
use jot::jws::{self, Header};
use jot::jwt::{self, Validation};
use jot::key::{SigningKey, VerifyingKey};
use jot::limits::Limits;
use jot::{Algorithm, Error};
use serde_json::{json, Value};

const SECRET: &[u8] = b"a 32-byte (or longer) HMAC secret";

fn hs256() -> (SigningKey, VerifyingKey) {
    (
        SigningKey::hmac(SECRET, Algorithm::HS256).unwrap(),
        VerifyingKey::hmac(SECRET, Algorithm::HS256).unwrap(),
    )
}

fn too_large(r: Result<impl std::fmt::Debug, Error>, what: &str) {
    match r {
        Err(Error::TooLarge { what: w, .. }) if w == what => {}
        other => panic!("expected TooLarge {{ what: {what:?} }}, got {other:?}"),
    }
}

fn header_with(member: &str, value: Value) -> Header {
    let mut h = Header::new(Algorithm::HS256);
    h.other.insert(member.into(), value);
    h
}

/// A JWT-shaped payload (valid claims) of about `len` bytes.
fn claims_payload(len: usize) -> Vec<u8> {
    json!({ "exp": 4_000_000_000u64, "pad": "x".repeat(len) })
        .to_string()
        .into_bytes()
}

fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |v, _| json!([v]))
}

fn dir_keys() -> (EncryptionKey, DecryptionKey) {
    let k = [7u8; 32];
    (
        EncryptionKey::secret(&k, KeyManagement::Dir).unwrap(),
        DecryptionKey::secret(&k, KeyManagement::Dir).unwrap(),
    )
}

fn dec_opts(limits: Limits) -> DecryptOptions {
    DecryptOptions::new().limits(limits)
}

#[test]
fn max_token_len_every_entry_point() {
    let (sk, vk) = hs256();
    let payload = claims_payload(64 * 1024);
    let token = jws::compact::sign(&payload, &sk).unwrap();
    let json_jws =
        jws::json::sign_flattened(&payload, &jws::json::Signer::new(&sk), false).unwrap();
    let (ek, dk) = dir_keys();
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm);
    let jwe_compact = jwe::compact::encrypt(&payload, &ek, &opts).unwrap();
    let jwe_json = jwe::json::encrypt_flattened(&payload, &Recipient::new(&ek), &opts).unwrap();
    let d = Limits::default();
    let raised = d.with_max_token_len(256 * 1024).unwrap();
    let rules = |l: Limits| Validation::new().limits(l);

    too_large(
        jws::compact::verify(&token, &vk, &Default::default()),
        "token",
    );
    too_large(
        jws::compact::decode_unverified(&token, &Default::default()),
        "token",
    );
    too_large(
        jws::json::verify(&json_jws, &vk, &Default::default()),
        "token",
    );
    too_large(jwt::verify::<Value>(&token, &vk, &rules(d)), "token");
    too_large(
        jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(d)),
        "token",
    );
    too_large(
        jwe::compact::decode_header(&jwe_compact, &Default::default()),
        "token",
    );
    too_large(jwe::json::decrypt(&jwe_json, &dk, &dec_opts(d)), "token");

    assert_eq!(
        jws::compact::verify(&token, &vk, &jot::jws::VerifyOptions::new().limits(raised))
            .unwrap()
            .payload,
        payload
    );
    jws::compact::decode_unverified(&token, &raised).unwrap();
    jws::json::verify(
        &json_jws,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    jwt::verify::<Value>(&token, &vk, &rules(raised)).unwrap();
    jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(raised)).unwrap();
    jwe::compact::decode_header(&jwe_compact, &raised).unwrap();
    jwe::json::decrypt(&jwe_json, &dk, &dec_opts(raised)).unwrap();

    // Detached payloads do not count, the token (header, signature) does.
    let big_header = header_with("pad", json!("p".repeat(64 * 1024)));
    let detached = jws::compact::sign_detached(b"payload", &sk, Some(&big_header)).unwrap();
    let both = d
        .with_max_token_len(256 * 1024)
        .unwrap()
        .with_max_header_len(256 * 1024)
        .unwrap();
    too_large(
        jws::compact::verify_detached(&detached, b"payload", &vk, &Default::default()),
        "token",
    );
    jws::compact::verify_detached(
        &detached,
        b"payload",
        &vk,
        &jot::jws::VerifyOptions::new().limits(both),
    )
    .unwrap();
    let signer = jws::json::Signer {
        protected: Some(big_header),
        ..jws::json::Signer::new(&sk)
    };
    let detached_json = jws::json::sign_flattened(b"payload", &signer, true).unwrap();
    too_large(
        jws::json::verify_detached(&detached_json, b"payload", &vk, &Default::default()),
        "token",
    );
    jws::json::verify_detached(
        &detached_json,
        b"payload",
        &vk,
        &jot::jws::VerifyOptions::new().limits(both),
    )
    .unwrap();
}

#[test]
fn max_header_len_every_entry_point() {
    let (sk, vk) = hs256();
    let pad = json!("p".repeat(9 * 1024));
    let h = header_with("pad", pad.clone());
    let payload = claims_payload(10);
    let token = jws::compact::sign_with_header(&payload, &sk, Some(&h)).unwrap();
    let detached = jws::compact::sign_detached(&payload, &sk, Some(&h)).unwrap();
    let signer = jws::json::Signer {
        protected: Some(h),
        ..jws::json::Signer::new(&sk)
    };
    let json_jws = jws::json::sign_flattened(&payload, &signer, false).unwrap();
    let json_detached = jws::json::sign_flattened(&payload, &signer, true).unwrap();
    let (ek, dk) = dir_keys();
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm).header("pad", pad);
    let jwe_compact = jwe::compact::encrypt(b"hi", &ek, &opts).unwrap();
    let jwe_json = jwe::json::encrypt_flattened(b"hi", &Recipient::new(&ek), &opts).unwrap();
    let d = Limits::default();
    let raised = d.with_max_header_len(16 * 1024).unwrap();
    let what = "protected header";

    too_large(jws::compact::verify(&token, &vk, &Default::default()), what);
    too_large(
        jws::compact::decode_unverified(&token, &Default::default()),
        what,
    );
    too_large(
        jws::compact::verify_detached(&detached, &payload, &vk, &Default::default()),
        what,
    );
    too_large(jws::json::verify(&json_jws, &vk, &Default::default()), what);
    too_large(
        jws::json::verify_detached(&json_detached, &payload, &vk, &Default::default()),
        what,
    );
    too_large(jwt::verify::<Value>(&token, &vk, &Validation::new()), what);
    too_large(jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(d)), what);
    too_large(
        jwe::compact::decode_header(&jwe_compact, &Default::default()),
        what,
    );
    too_large(jwe::json::decrypt(&jwe_json, &dk, &dec_opts(d)), what);

    jws::compact::verify(&token, &vk, &jot::jws::VerifyOptions::new().limits(raised)).unwrap();
    jws::compact::decode_unverified(&token, &raised).unwrap();
    jws::compact::verify_detached(
        &detached,
        &payload,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    jws::json::verify(
        &json_jws,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    jws::json::verify_detached(
        &json_detached,
        &payload,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    jwt::verify::<Value>(&token, &vk, &Validation::new().limits(raised)).unwrap();
    jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(raised)).unwrap();
    jwe::compact::decode_header(&jwe_compact, &raised).unwrap();
    jwe::json::decrypt(&jwe_json, &dk, &dec_opts(raised)).unwrap();
}

fn too_deep<T: std::fmt::Debug>(r: Result<T, Error>) {
    match r {
        Err(Error::Json { reason, .. }) if reason.contains("nesting deeper") => {}
        other => panic!("expected a nesting error, got {other:?}"),
    }
}

#[test]
fn max_json_depth_every_entry_point() {
    let (sk, vk) = hs256();
    let deep = nested(40);
    let h = header_with("nest", deep.clone());
    let payload = claims_payload(10);
    let token = jws::compact::sign_with_header(&payload, &sk, Some(&h)).unwrap();
    let json_jws = jws::json::sign_flattened(
        &payload,
        &jws::json::Signer {
            protected: Some(h),
            ..jws::json::Signer::new(&sk)
        },
        false,
    )
    .unwrap();
    // Deep claims (the header is shallow).
    let deep_claims = json!({ "exp": 4_000_000_000u64, "nest": deep.clone() }).to_string();
    let deep_jwt = jws::compact::sign(deep_claims.as_bytes(), &sk).unwrap();
    let (ek, dk) = dir_keys();
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm).header("nest", deep.clone());
    let jwe_compact = jwe::compact::encrypt(b"hi", &ek, &opts).unwrap();
    let jwe_json = jwe::json::encrypt_flattened(b"hi", &Recipient::new(&ek), &opts).unwrap();
    let mut jwk_doc =
        serde_json::from_str::<Value>(&Jwk::from_secret(SECRET).unwrap().to_json()).unwrap();
    jwk_doc["nest"] = deep;
    let jwk_text = jwk_doc.to_string();
    let jwks_text = json!({ "keys": [jwk_doc] }).to_string();
    let d = Limits::default();
    let raised = d.with_max_json_depth(64).unwrap();

    too_deep(jws::compact::verify(&token, &vk, &Default::default()));
    too_deep(jws::compact::decode_unverified(&token, &Default::default()));
    too_deep(jws::json::verify(&json_jws, &vk, &Default::default()));
    too_deep(jwt::verify::<Value>(&deep_jwt, &vk, &Validation::new()));
    too_deep(jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(d)));
    too_deep(jwe::compact::decode_header(
        &jwe_compact,
        &Default::default(),
    ));
    too_deep(jwe::json::decrypt(&jwe_json, &dk, &dec_opts(d)));
    too_deep(Jwk::from_json(jwk_text.as_bytes(), &Default::default()));
    too_deep(JwkSet::from_json(jwks_text.as_bytes(), &Default::default()));

    jws::compact::verify(&token, &vk, &jot::jws::VerifyOptions::new().limits(raised)).unwrap();
    jws::compact::decode_unverified(&token, &raised).unwrap();
    jws::json::verify(
        &json_jws,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    jwt::verify::<Value>(&deep_jwt, &vk, &Validation::new().limits(raised)).unwrap();
    jwe::compact::decrypt(&jwe_compact, &dk, &dec_opts(raised)).unwrap();
    jwe::compact::decode_header(&jwe_compact, &raised).unwrap();
    jwe::json::decrypt(&jwe_json, &dk, &dec_opts(raised)).unwrap();
    Jwk::from_json(jwk_text.as_bytes(), &raised).unwrap();
    let set = JwkSet::from_json(jwks_text.as_bytes(), &raised).unwrap();
    assert_eq!(set.keys.len(), 1);
}

#[test]
fn max_signatures() {
    let (sk, vk) = hs256();
    let signers: Vec<_> = (0..17).map(|_| jws::json::Signer::new(&sk)).collect();
    let general = jws::json::sign_general(b"payload", &signers, false).unwrap();
    too_large(
        jws::json::verify(&general, &vk, &Default::default()),
        "signatures",
    );
    let raised = Limits::default().with_max_signatures(17).unwrap();
    jws::json::verify(
        &general,
        &vk,
        &jot::jws::VerifyOptions::new().limits(raised),
    )
    .unwrap();
    // The limit counts entries, not successes: 16 is fine by default.
    let sixteen = jws::json::sign_general(b"payload", &signers[..16], false).unwrap();
    jws::json::verify(&sixteen, &vk, &Default::default()).unwrap();
}

#[test]
fn max_recipients() {
    let alg = KeyManagement::AesKw(AesKeyWrap::A128Kw);
    let keys: Vec<EncryptionKey> = (0..17u8)
        .map(|i| {
            EncryptionKey::secret(&[i; 16], alg)
                .unwrap()
                .with_kid(format!("k{i}"))
        })
        .collect();
    let recipients: Vec<Recipient<'_>> = keys.iter().map(Recipient::new).collect();
    let opts = EncryptOptions::new(ContentEncryption::A128Gcm);
    let general = jwe::json::encrypt_general(b"to many", &recipients, &opts).unwrap();
    let dk = DecryptionKey::secret(&[16; 16], alg)
        .unwrap()
        .with_kid("k16");
    too_large(
        jwe::json::decrypt(&general, &dk, &DecryptOptions::new()),
        "recipients",
    );
    let raised = Limits::default().with_max_recipients(17).unwrap();
    let d = jwe::json::decrypt(&general, &dk, &dec_opts(raised)).unwrap();
    assert_eq!((d.recipient_index, &d.plaintext[..]), (16, &b"to many"[..]));
}

#[test]
fn max_pbes2_count() {
    let alg = KeyManagement::Pbes2(Pbes2::Hs256A128Kw);
    let ek = EncryptionKey::password(b"correct horse battery staple", alg)
        .unwrap()
        .with_pbes2_count(20_000)
        .unwrap();
    let dk = DecryptionKey::password(b"correct horse battery staple", alg).unwrap();
    let token = jwe::compact::encrypt(
        b"secret",
        &ek,
        &EncryptOptions::new(ContentEncryption::A128CbcHs256),
    )
    .unwrap();
    let allow = |limits: Limits| dec_opts(limits).allow(alg);
    match jwe::compact::decrypt(&token, &dk, &allow(Limits::default())) {
        Err(Error::InvalidHeader { name, .. }) if name == "p2c" => {}
        other => panic!("p2c over the default limit: {other:?}"),
    }
    let raised = Limits::default().with_max_pbes2_count(20_000).unwrap();
    let d = jwe::compact::decrypt(&token, &dk, &allow(raised)).unwrap();
    assert_eq!(d.plaintext, b"secret");
}

#[test]
fn max_inflated_len() {
    let (ek, dk) = dir_keys();
    let plaintext = vec![b'a'; 300_000];
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm).zip();
    let compact = jwe::compact::encrypt(&plaintext, &ek, &opts).unwrap();
    let json_jwe = jwe::json::encrypt_flattened(&plaintext, &Recipient::new(&ek), &opts).unwrap();
    assert!(compact.len() < 2_000, "compresses well");
    let d = Limits::default();
    too_large(
        jwe::compact::decrypt(&compact, &dk, &dec_opts(d)),
        "inflated plaintext",
    );
    too_large(
        jwe::json::decrypt(&json_jwe, &dk, &dec_opts(d)),
        "inflated plaintext",
    );
    let raised = d.with_max_inflated_len(300_000).unwrap();
    let out = jwe::compact::decrypt(&compact, &dk, &dec_opts(raised)).unwrap();
    assert_eq!(out.plaintext, plaintext);
    jwe::json::decrypt(&json_jwe, &dk, &dec_opts(raised)).unwrap();
}

#[test]
fn max_rsa_bits() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    // A 16 392-bit odd modulus: not a real key, but parsing only checks
    // size, parity and the exponent, and it is refused before anything else.
    let n = URL_SAFE_NO_PAD.encode(vec![0xffu8; 2049]);
    let jwk = json!({ "kty": "RSA", "n": n, "e": "AQAB" });
    let text = jwk.to_string();
    let set = json!({ "keys": [jwk] }).to_string();
    too_large(
        Jwk::from_json(text.as_bytes(), &Default::default()),
        "RSA modulus in bits",
    );
    let default_set = JwkSet::from_json(set.as_bytes(), &Default::default()).unwrap();
    assert_eq!(
        (default_set.keys.len(), default_set.unsupported.len()),
        (0, 1)
    );

    let raised = Limits::default().with_max_rsa_bits(16_392).unwrap();
    let parsed = Jwk::from_json(text.as_bytes(), &raised).unwrap();
    assert_eq!(
        match &parsed.params {
            jot::jwk::KeyParams::Rsa(r) => r.modulus_bits(),
            _ => 0,
        },
        16_392
    );
    let raised_set = JwkSet::from_json(set.as_bytes(), &raised).unwrap();
    assert_eq!(raised_set.keys.len(), 1);
}

#[test]
fn max_jwks_len() {
    let mut jwk: Value =
        serde_json::from_str(&Jwk::from_secret(SECRET).unwrap().to_json()).unwrap();
    jwk["pad"] = json!("p".repeat(1 << 20));
    let text = jwk.to_string();
    let set = json!({ "keys": [jwk] }).to_string();
    too_large(
        Jwk::from_json(text.as_bytes(), &Default::default()),
        "JWK document",
    );
    too_large(
        JwkSet::from_json(set.as_bytes(), &Default::default()),
        "JWK document",
    );
    let raised = Limits::default().with_max_jwks_len(2 << 20).unwrap();
    Jwk::from_json(text.as_bytes(), &raised).unwrap();
    assert_eq!(
        JwkSet::from_json(set.as_bytes(), &raised)
            .unwrap()
            .keys
            .len(),
        1
    );
}

#[test]
fn segment_count_is_bounded() {
    // A token of dots is refused in one pass (splitn), as the wrong shape.
    let (_, vk) = hs256();
    let dots = ".".repeat(60_000);
    assert!(matches!(
        jws::compact::verify(&dots, &vk, &Default::default()),
        Err(Error::Malformed(_))
    ));
    let (_, dk) = dir_keys();
    assert!(matches!(
        jwe::compact::decrypt(&dots, &dk, &DecryptOptions::new()),
        Err(Error::Malformed(_))
    ));
}

/// No limit can be turned off: every setter refuses 0 and the largest
/// value of its type with `InvalidLimit` (a stable code), keeps the old
/// value on refusal, and accepts a value in its range.
#[test]
fn limits_refuse_values_outside_their_range() {
    let d = Limits::default();
    let refused = |r: jot::Result<Limits>, name: &str| {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_LIMIT");
        assert!(
            matches!(e, jot::Error::InvalidLimit { name: n, .. } if n == name),
            "{e:?}"
        );
    };
    type Setter = fn(Limits, usize) -> jot::Result<Limits>;
    let setters: [(&str, Setter); 8] = [
        ("max_token_len", Limits::with_max_token_len),
        ("max_header_len", Limits::with_max_header_len),
        ("max_json_depth", Limits::with_max_json_depth),
        ("max_signatures", Limits::with_max_signatures),
        ("max_recipients", Limits::with_max_recipients),
        ("max_inflated_len", Limits::with_max_inflated_len),
        ("max_rsa_bits", Limits::with_max_rsa_bits),
        ("max_jwks_len", Limits::with_max_jwks_len),
    ];
    for (name, set) in setters {
        refused(set(d, 0), name);
        refused(set(d, usize::MAX), name);
        let ok = if name == "max_rsa_bits" { 4096 } else { 64 };
        assert!(set(d, ok).is_ok(), "{name}");
    }
    refused(d.with_max_pbes2_count(0), "max_pbes2_count");
    refused(d.with_max_pbes2_count(u32::MAX), "max_pbes2_count");
    // serde_json recurses, so the depth has a ceiling of its own.
    refused(d.with_max_json_depth(129), "max_json_depth");
    let raised = d.with_max_json_depth(128).unwrap();
    assert_eq!((raised.max_json_depth(), d.max_json_depth()), (128, 32));
}
