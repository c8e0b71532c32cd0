//! The JSON API through the guarded router, as the page calls it.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::Client;
use jot::jwt;
use jot::key::SigningKey;
use jot::Algorithm;
use serde_json::{json, Value};

const SECRET: &str = "a-32-byte-secret-for-hs256-tests!";

fn hs256(aud: &str, exp_in: i64) -> String {
    let key = SigningKey::hmac(SECRET.as_bytes(), Algorithm::HS256).unwrap();
    let b = jwt::Builder::new().audience(aud).subject("alice");
    let b = if exp_in >= 0 {
        b.expires_in(Duration::from_secs(exp_in.unsigned_abs()))
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        b.expires_at(now + exp_in).at(now + exp_in - 60)
    };
    b.sign(&key).unwrap()
}

fn secret() -> Value {
    json!({"form": "secret", "value": SECRET})
}

#[tokio::test]
async fn decode_shows_the_token_and_its_lint() {
    let c = Client::launched().await;
    let (s, d) = c
        .post(
            "/api/decode",
            json!({"token": format!("Bearer {}", hs256("api", 600))}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["kind"], "JWS");
    assert_eq!(d["payload"]["sub"], "alice");
    assert_eq!(d["findings"][0]["code"], "bearer");
    let lint: Vec<&str> = d["lint"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(lint, ["iss_missing"], "the builder sets typ, aud, exp, iat");
    let rules = &d["lint"][0];
    assert!(rules["why"].as_str().unwrap().len() > 10);
    assert!(rules["link"]
        .as_str()
        .unwrap()
        .starts_with("https://www.rfc-editor.org/rfc/"));
}

#[tokio::test]
async fn verify_accepts_the_right_key_and_names_the_failed_rule() {
    let c = Client::launched().await;
    let token = hs256("api", 600);
    let (s, ok) = c
        .post(
            "/api/verify",
            json!({"token": token, "key": secret(), "rules": {"aud": "api"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ok["valid"], true, "{ok}");
    assert_eq!(ok["claims"]["sub"], "alice");

    let cases = [
        (json!({"aud": "other"}), "ERR_JWT_AUDIENCE", "aud"),
        (
            json!({"aud": "api", "iss": "https://id.example"}),
            "ERR_JWT_CLAIM_MISSING",
            "require",
        ),
        (
            json!({"aud": "api", "require": ["jti"]}),
            "ERR_JWT_CLAIM_MISSING",
            "require",
        ),
        (
            json!({"aud": "api", "sub": "bob"}),
            "ERR_JWT_SUBJECT",
            "sub",
        ),
        (
            json!({"aud": "api", "algorithms": ["HS384"], "short_secret": true}),
            "ERR_ALG_NOT_ALLOWED",
            "alg",
        ),
    ];
    for (rules, code, rule) in cases {
        let (_, r) = c
            .post(
                "/api/verify",
                json!({"token": token, "key": secret(), "rules": rules}),
            )
            .await;
        assert_eq!(r["valid"], false, "{rules}");
        assert_eq!(r["error"]["code"], code, "{rules}: {r}");
        assert_eq!(r["error"]["rule"], rule, "{rules}");
    }
    let (_, expired) = c
        .post(
            "/api/verify",
            json!({"token": hs256("api", -3600), "key": secret(), "rules": {"aud": "api"}}),
        )
        .await;
    assert_eq!(
        (
            expired["error"]["code"].as_str(),
            expired["error"]["rule"].as_str()
        ),
        (Some("ERR_JWT_EXPIRED"), Some("exp"))
    );
    let wrong = json!({"form": "secret", "value": "another-32-byte-secret-for-tests!"});
    let (_, bad) = c
        .post(
            "/api/verify",
            json!({"token": token, "key": wrong, "rules": {"aud": "api"}}),
        )
        .await;
    assert_eq!(bad["error"]["code"], "ERR_SIGNATURE_INVALID");
    assert_eq!(bad["error"]["rule"], "signature");
}

#[tokio::test]
async fn a_key_in_the_header_is_never_used() {
    let c = Client::launched().await;
    // Signed by an attacker's key, which the header carries.
    let attacker = jot::key::generate_for(Algorithm::ES256).unwrap();
    let victim = jot::key::generate_for(Algorithm::ES256).unwrap();
    let key = SigningKey::from_jwk(&attacker, Algorithm::ES256).unwrap();
    let token = jwt::Builder::new()
        .audience("api")
        .expires_in(Duration::from_secs(60))
        .header(
            "jwk",
            Value::clone(&attacker.to_public().unwrap().to_value()),
        )
        .unwrap()
        .sign(&key)
        .unwrap();
    let victim_pub =
        json!({"form": "key", "value": victim.to_public().unwrap().to_json().as_str()});
    let (_, r) = c
        .post(
            "/api/verify",
            json!({"token": token, "key": victim_pub, "rules": {"aud": "api"}}),
        )
        .await;
    assert_eq!(r["error"]["code"], "ERR_SIGNATURE_INVALID", "{r}");
    assert!(r["lint"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "embedded_key"));
}

#[tokio::test]
async fn sign_then_verify_round_trip_and_sign_refuses_none() {
    let c = Client::launched().await;
    let (s, g) = c.post("/api/keys/generate", json!({"alg": "EdDSA"})).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let private = json!({"form": "key", "value": g["jwk"].to_string()});
    let public = json!({"form": "key", "value": g["public_jwk"].to_string()});
    assert!(g["public_jwk"].get("d").is_none());
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": g["thumbprint"], "x-extra": [1, 2]});
    let (s, signed) = c.post("/api/sign", json!({"header": header, "payload": {"sub": "me", "exp": 4_000_000_000u64}, "key": private})).await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    let token = signed["token"].as_str().unwrap();
    let (_, d) = c.post("/api/decode", json!({"token": token})).await;
    assert_eq!(
        d["header"], header,
        "the header is signed exactly as written"
    );
    let (_, v) = c
        .post("/api/verify", json!({"token": token, "key": public}))
        .await;
    assert_eq!(v["valid"], true, "{v}");
    let (s, none) = c
        .post(
            "/api/sign",
            json!({"header": {"alg": "none"}, "payload": {}, "key": secret()}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(none["error"]["code"], "ERR_UNSUPPORTED_ALG");
}

#[tokio::test]
async fn decrypt_nested_and_opt_in_algorithms() {
    use jot::jwe::{self, EncryptOptions, EncryptionKey, KeyManagement};
    let c = Client::launched().await;
    let enc = jot::key::generate(jot::key::KeySpec::Okp(jot::jwk::OkpCurve::X25519)).unwrap();
    let alg = KeyManagement::from_name("ECDH-ES+A128KW").unwrap();
    let to = EncryptionKey::from_jwk(&enc.to_public().unwrap(), alg).unwrap();
    let inner = hs256("api", 600);
    let opts =
        EncryptOptions::new(jot::jwe::ContentEncryption::A256Gcm).header("cty", "JWT".into());
    let nested = jwe::compact::encrypt(inner.as_bytes(), &to, &opts).unwrap();
    let key = json!({"form": "key", "value": enc.to_json().as_str()});
    let (s, d) = c
        .post("/api/decrypt", json!({"token": nested, "key": key}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["nested"], true);
    assert_eq!(d["plaintext"], inner);
    let (_, v) = c.post("/api/verify", json!({"token": nested, "key": secret(), "rules": {"aud": "api"}, "decrypt": {"key": key}})).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["outer"]["alg"], "ECDH-ES+A128KW");

    let pbes2 = KeyManagement::from_name("PBES2-HS256+A128KW").unwrap();
    let pw = EncryptionKey::password(b"correct horse", pbes2).unwrap();
    let token = jwe::compact::encrypt(
        b"hello",
        &pw,
        &EncryptOptions::new(jot::jwe::ContentEncryption::A128Gcm),
    )
    .unwrap();
    let pw_key = json!({"form": "secret", "value": "correct horse"});
    let (s, refused) = c
        .post("/api/decrypt", json!({"token": token, "key": pw_key}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["code"], "ERR_ALG_NOT_ALLOWED");
    let (s, ok) = c
        .post(
            "/api/decrypt",
            json!({"token": token, "key": pw_key, "allow": ["PBES2-HS256+A128KW"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ok}");
    assert_eq!(ok["plaintext"], "hello");
    let wrong = json!({"form": "secret", "value": "wrong horse"});
    let (_, failed) = c
        .post(
            "/api/decrypt",
            json!({"token": token, "key": wrong, "allow": ["PBES2-HS256+A128KW"]}),
        )
        .await;
    assert_eq!(failed["error"]["code"], "ERR_DECRYPTION_FAILED");
}

#[tokio::test]
async fn decrypt_json_serializations_with_the_recipient_the_key_opens() {
    use jot::jwe::{
        self, ContentEncryption, EncryptOptions, EncryptionKey, KeyManagement, Recipient,
    };
    let c = Client::launched().await;
    let rsa = jot::key::generate(jot::key::KeySpec::Rsa { bits: 2048 }).unwrap();
    let okp = jot::key::generate(jot::key::KeySpec::Okp(jot::jwk::OkpCurve::X25519)).unwrap();
    let oaep = KeyManagement::from_name("RSA-OAEP-256").unwrap();
    let ecdh = KeyManagement::from_name("ECDH-ES+A256KW").unwrap();
    let to_rsa = EncryptionKey::from_jwk(&rsa.to_public().unwrap(), oaep).unwrap();
    let to_okp = EncryptionKey::from_jwk(&okp.to_public().unwrap(), ecdh).unwrap();
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm);
    let general = jwe::json::encrypt_general(
        b"for two",
        &[Recipient::new(&to_rsa), Recipient::new(&to_okp)],
        &opts,
    )
    .unwrap();
    for (jwk, index, alg) in [(&rsa, 0, "RSA-OAEP-256"), (&okp, 1, "ECDH-ES+A256KW")] {
        let key = json!({"form": "key", "value": jwk.to_json().as_str()});
        let (s, d) = c
            .post("/api/decrypt", json!({"token": general, "key": key}))
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["plaintext"], "for two");
        assert_eq!(d["recipient"], index);
        assert_eq!(d["recipients"], 2);
        assert_eq!(d["header"]["alg"], alg);
    }
    // A key that is neither recipient's opens nothing.
    let other = jot::key::generate(jot::key::KeySpec::Okp(jot::jwk::OkpCurve::X25519)).unwrap();
    let key = json!({"form": "key", "value": other.to_json().as_str()});
    let (s, d) = c
        .post("/api/decrypt", json!({"token": general, "key": key}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d["error"]["code"], "ERR_DECRYPTION_FAILED", "{d}");

    // Flattened, with a secret; and RSA1_5 only when the user allows it.
    let a128kw = KeyManagement::from_name("A128KW").unwrap();
    let kek = b"0123456789abcdef";
    let flat = jwe::json::encrypt_flattened(
        b"flat",
        &Recipient::new(&EncryptionKey::secret(kek, a128kw).unwrap()),
        &EncryptOptions::new(ContentEncryption::A128Gcm),
    )
    .unwrap();
    let sk = json!({"form": "secret", "value": "0123456789abcdef"});
    let (s, d) = c
        .post("/api/decrypt", json!({"token": flat, "key": sk}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["plaintext"].as_str(), d["recipients"].as_u64()),
        (Some("flat"), Some(1))
    );

    let rsa15 = KeyManagement::from_name("RSA1_5").unwrap();
    let legacy = jwe::json::encrypt_flattened(
        b"legacy",
        &Recipient::new(&EncryptionKey::from_jwk(&rsa.to_public().unwrap(), rsa15).unwrap()),
        &opts,
    )
    .unwrap();
    let key = json!({"form": "key", "value": rsa.to_json().as_str()});
    let (s, d) = c
        .post("/api/decrypt", json!({"token": legacy, "key": key}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d["error"]["code"], "ERR_ALG_NOT_ALLOWED");
    assert!(
        d["error"]["message"]
            .as_str()
            .unwrap()
            .contains("allow RSA1_5"),
        "{d}"
    );
    let (s, d) = c
        .post(
            "/api/decrypt",
            json!({"token": legacy, "key": key, "allow": ["RSA1_5"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plaintext"], "legacy");

    // A JWS is not something to decrypt.
    let (s, d) = c
        .post(
            "/api/decrypt",
            json!({"token": hs256("api", 600), "key": sk}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d["error"]["code"], "ERR_NOT_JWE", "{d}");
}

#[tokio::test]
async fn keys_convert_thumbprint_and_jwks() {
    let c = Client::launched().await;
    let ec = jot::key::generate_for(Algorithm::ES256).unwrap();
    let pem = ec.to_public().unwrap().to_pem().unwrap();
    let (s, k) = c
        .post(
            "/api/keys/inspect",
            json!({"key": {"form": "key", "value": pem.as_str()}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{k}");
    assert_eq!(k["jwk"]["x"], ec.to_public().unwrap().to_value()["x"]);
    assert_eq!(
        k["thumbprint"],
        ec.thumbprint(jot::jwk::ThumbprintHash::Sha256)
    );
    assert_eq!(k["private"], false);
    let (_, set) = c
        .post(
            "/api/keys/jwks",
            json!({"keys": [{"form": "key", "value": ec.to_json().as_str()}]}),
        )
        .await;
    assert_eq!(set["keys"].as_array().unwrap().len(), 1);
    assert!(set["keys"][0].get("d").is_none(), "only public halves");
    assert_eq!(set["keys"][0]["kid"], k["thumbprint"]);
    for alg in [
        "HS384",
        "RSA-OAEP-256",
        "A192KW",
        "ECDH-ES",
        "ES256K",
        "Ed448",
    ] {
        let (s, g) = c.post("/api/keys/generate", json!({"alg": alg})).await;
        assert_eq!(s, StatusCode::OK, "{alg}: {g}");
        assert_eq!(g["jwk"]["alg"], alg);
    }
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_a_code_never_a_500() {
    let c = Client::launched().await;
    let bodies = [
        (
            "/api/verify",
            json!({"token": "x", "key": {"form": "key", "value": "not a key"}}),
        ),
        (
            "/api/verify",
            json!({"token": "x", "key": {"form": "secret_b64", "value": "!!!"}}),
        ),
        (
            "/api/verify",
            json!({"token": "a.b.c", "key": {"form": "key", "value": "{\"kty\":\"EC\"}"}}),
        ),
        (
            "/api/decrypt",
            json!({"token": "a.b.c.d.e", "key": secret()}),
        ),
        (
            "/api/sign",
            json!({"header": {}, "payload": {}, "key": secret()}),
        ),
        (
            "/api/sign",
            json!({"header": {"alg": "HS256", "kid": 5}, "payload": {}, "key": secret()}),
        ),
        ("/api/keys/generate", json!({"alg": "nope"})),
        (
            "/api/keys/inspect",
            json!({"key": {"form": "key", "value": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}}),
        ),
        ("/api/decode", json!({"not": "a token"})),
    ];
    for (path, body) in bodies {
        let (s, r) = c.post(path, body.clone()).await;
        assert!(s.is_client_error(), "{path} {body}: {s} {r}");
    }
    let (s, r) = c.post("/api/decode", json!({"token": "%%%.***.!!!"})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "not_base64"));
}
