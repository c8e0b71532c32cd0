//! Worked examples from RFC 7515 (Appendix A), RFC 7519 (§3.1, §6.1),
//! RFC 8037 (Appendix A) and RFC 7638 (§3.1). Keys and tokens are copied from
//! the RFCs.

mod common;

use common::{b64u, unb64u};
use jot::jwk::{Jwk, JwkSet, ThumbprintHash};
use jot::jwks::LocalKeySet;
use jot::jws::{compact, json, unsecured};
use jot::key::{SigningKey, VerifyingKey};
use jot::{Algorithm, Error};

/// RFC 7515 A.1.1 (also RFC 7519 §3.1's key).
const A1_KEY: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// The claims of RFC 7515 A.1–A.3/A.5 (with CRLF line breaks), base64url.
const CLAIMS_B64: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
/// RFC 7515 A.1 / RFC 7519 §3.1: header `{"typ":"JWT",\r\n "alg":"HS256"}`.
const A1_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// RFC 7515 A.2.1.
const A2_KEY: &str = r#"{"kty":"RSA",
 "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
 "e":"AQAB",
 "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
 "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
 "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
 "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
 "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
 "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"
}"#;
/// RFC 7515 A.2: header `{"alg":"RS256"}`.
const A2_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

/// RFC 7515 A.3.1.
const A3_KEY: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
/// RFC 7515 A.3: header `{"alg":"ES256"}`.
const A3_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/// RFC 7515 A.4.1.
const A4_KEY: &str = r#"{"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2","d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"}"#;
/// RFC 7515 A.4: header `{"alg":"ES512"}`, payload "Payload".
const A4_TOKEN: &str = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

/// RFC 7515 A.5 and RFC 7519 §6.1 (the same unsecured JWT).
const A5_TOKEN: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

/// RFC 8037 A.1 (private) and A.2 (public) Ed25519 keys.
const ED25519_PRIVATE: &str = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
const ED25519_PUBLIC: &str =
    r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// RFC 8037 A.4: header `{"alg":"EdDSA"}`, payload "Example of Ed25519 signing".
const ED25519_TOKEN: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn jwk(s: &str) -> Jwk {
    Jwk::from_json(s.as_bytes(), &Default::default()).unwrap()
}

fn claims() -> Vec<u8> {
    unb64u(CLAIMS_B64)
}

fn signing_input(token: &str) -> &str {
    &token[..token.rfind('.').unwrap()]
}

fn signature(token: &str) -> Vec<u8> {
    unb64u(&token[token.rfind('.').unwrap() + 1..])
}

/// RFC 7515 A.1 / RFC 7519 §3.1: HS256. The header contains CRLF, which no
/// serializer reproduces, so the MAC over the RFC's signing input is
/// compared byte for byte and the token verified through `compact::verify`.
#[test]
fn rfc7515_a1_hs256_and_rfc7519_3_1() {
    let key = jwk(A1_KEY);
    let vk = VerifyingKey::from_jwk(&key, Algorithm::HS256).unwrap();
    let v = compact::verify(A1_TOKEN, &vk, &Default::default()).unwrap();
    assert_eq!(v.payload, claims());
    assert_eq!(v.header.typ.as_deref(), Some("JWT"));
    let claims: serde_json::Value = serde_json::from_slice(&v.payload).unwrap();
    assert_eq!(claims["iss"], "joe");
    assert_eq!(claims["exp"], 1300819380);
    assert_eq!(claims["http://example.com/is_root"], true);
    let sk = SigningKey::from_jwk(&key, Algorithm::HS256).unwrap();
    assert_eq!(
        sk.sign(signing_input(A1_TOKEN).as_bytes()).unwrap(),
        signature(A1_TOKEN)
    );
    // The same key bound to HS384 refuses the token.
    let hs384 = VerifyingKey::from_jwk(&key, Algorithm::HS384).unwrap();
    assert!(compact::verify(A1_TOKEN, &hs384, &Default::default()).is_err());
}

/// RFC 7515 A.2: RS256, deterministic: reproduced byte for byte.
#[test]
fn rfc7515_a2_rs256() {
    let key = jwk(A2_KEY);
    let vk = VerifyingKey::from_jwk(&key, Algorithm::RS256).unwrap();
    assert_eq!(
        compact::verify(A2_TOKEN, &vk, &Default::default())
            .unwrap()
            .payload,
        claims()
    );
    let public = key.to_public().unwrap();
    let vk_public = VerifyingKey::from_jwk(&public, Algorithm::RS256).unwrap();
    assert!(compact::verify(A2_TOKEN, &vk_public, &Default::default()).is_ok());
    let sk = SigningKey::from_jwk(&key, Algorithm::RS256).unwrap();
    assert_eq!(compact::sign(&claims(), &sk).unwrap(), A2_TOKEN);
    // PS256 with the same key does not accept an RS256 token.
    let ps = VerifyingKey::from_jwk(&public, Algorithm::PS256).unwrap();
    assert!(matches!(
        compact::verify(A2_TOKEN, &ps, &Default::default()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
}

/// RFC 7515 A.3: ES256 (randomized): verify, then sign and verify.
#[test]
fn rfc7515_a3_es256() {
    let key = jwk(A3_KEY);
    let vk = VerifyingKey::from_jwk(&key.to_public().unwrap(), Algorithm::ES256).unwrap();
    assert_eq!(
        compact::verify(A3_TOKEN, &vk, &Default::default())
            .unwrap()
            .payload,
        claims()
    );
    let sk = SigningKey::from_jwk(&key, Algorithm::ES256).unwrap();
    let ours = compact::sign(&claims(), &sk).unwrap();
    assert!(ours.starts_with("eyJhbGciOiJFUzI1NiJ9."));
    assert_eq!(
        compact::verify(&ours, &vk, &Default::default())
            .unwrap()
            .payload,
        claims()
    );
    assert_eq!(signature(&ours).len(), 64);
}

/// RFC 7515 A.4: ES512 (randomized): verify, then sign and verify.
#[test]
fn rfc7515_a4_es512() {
    let key = jwk(A4_KEY);
    let vk = VerifyingKey::from_jwk(&key, Algorithm::ES512).unwrap();
    assert_eq!(
        compact::verify(A4_TOKEN, &vk, &Default::default())
            .unwrap()
            .payload,
        b"Payload"
    );
    let sk = SigningKey::from_jwk(&key, Algorithm::ES512).unwrap();
    let ours = compact::sign(b"Payload", &sk).unwrap();
    assert_eq!(&ours[..signing_input(&ours).len()], signing_input(A4_TOKEN));
    assert_eq!(signature(&ours).len(), 132);
    assert!(compact::verify(&ours, &vk, &Default::default()).is_ok());
}

/// RFC 7515 A.5 / RFC 7519 §6.1: the unsecured JWS is refused by every
/// verifying API, whatever the key, and only `unsecured` decodes it.
#[test]
fn rfc7515_a5_and_rfc7519_6_1_unsecured() {
    let keys = [
        VerifyingKey::from_jwk(&jwk(A1_KEY), Algorithm::HS256).unwrap(),
        VerifyingKey::from_jwk(&jwk(A2_KEY), Algorithm::RS256).unwrap(),
        VerifyingKey::from_jwk(&jwk(A3_KEY), Algorithm::ES256).unwrap(),
        VerifyingKey::from_jwk(&jwk(ED25519_PUBLIC), Algorithm::EdDSA).unwrap(),
    ];
    for k in &keys {
        assert_eq!(
            compact::verify(A5_TOKEN, k, &Default::default()),
            Err(Error::UnsecuredToken)
        );
    }
    assert_eq!(
        compact::verify(A5_TOKEN, &keys.to_vec(), &Default::default()),
        Err(Error::UnsecuredToken)
    );
    let set = JwkSet::new(vec![jwk(A1_KEY), jwk(A2_KEY), jwk(A3_KEY)]);
    let local = LocalKeySet::from_jwks_mixed(&set, Algorithm::ALL).unwrap();
    assert_eq!(
        compact::verify(A5_TOKEN, &local, &Default::default()),
        Err(Error::UnsecuredToken)
    );
    assert_eq!(unsecured::decode_unsecured(A5_TOKEN).unwrap(), claims());
    // decode_unsecured does not decode secured tokens.
    assert!(unsecured::decode_unsecured(A1_TOKEN).is_err());
    // encode_unsecured produces the RFC's shape.
    assert_eq!(
        unsecured::encode_unsecured(&claims()),
        format!("{}.{CLAIMS_B64}.", b64u(br#"{"alg":"none"}"#))
    );
}

/// RFC 7515 A.6 (general JSON, RS256 + ES256) and A.7 (flattened, ES256).
#[test]
fn rfc7515_a6_a7_json() {
    let a2_sig = &A2_TOKEN[A2_TOKEN.rfind('.').unwrap() + 1..];
    let a3_sig = &A3_TOKEN[A3_TOKEN.rfind('.').unwrap() + 1..];
    let general = format!(
        r#"{{"payload":"{CLAIMS_B64}","signatures":[
        {{"protected":"eyJhbGciOiJSUzI1NiJ9","header":{{"kid":"2010-12-29"}},"signature":"{a2_sig}"}},
        {{"protected":"eyJhbGciOiJFUzI1NiJ9","header":{{"kid":"e9bc097a-ce51-4036-9562-d2ade882db0d"}},"signature":"{a3_sig}"}}]}}"#
    );
    let rsa = VerifyingKey::from_jwk(&jwk(A2_KEY), Algorithm::RS256).unwrap();
    let ec = VerifyingKey::from_jwk(&jwk(A3_KEY), Algorithm::ES256).unwrap();
    let v = json::verify(&general, &rsa, &Default::default()).unwrap();
    assert_eq!((v.signature_index, v.payload), (0, claims()));
    assert_eq!(v.header.kid.as_deref(), Some("2010-12-29"));
    let v = json::verify(&general, &ec, &Default::default()).unwrap();
    assert_eq!(v.signature_index, 1);
    let set = JwkSet::new(vec![
        jwk(A2_KEY).with_kid("2010-12-29"),
        jwk(A3_KEY).with_kid("e9bc097a-ce51-4036-9562-d2ade882db0d"),
    ]);
    let local = LocalKeySet::from_jwks(&set, &[Algorithm::ES256]).unwrap();
    assert_eq!(
        json::verify(&general, &local, &Default::default())
            .unwrap()
            .signature_index,
        1
    );

    let flattened = format!(
        r#"{{"payload":"{CLAIMS_B64}","protected":"eyJhbGciOiJFUzI1NiJ9","header":{{"kid":"e9bc097a-ce51-4036-9562-d2ade882db0d"}},"signature":"{a3_sig}"}}"#
    );
    assert_eq!(
        json::verify(&flattened, &ec, &Default::default())
            .unwrap()
            .payload,
        claims()
    );
    assert!(json::verify(&flattened, &rsa, &Default::default()).is_err());
}

/// RFC 8037 A.1–A.5: Ed25519 keys, thumbprint, and the deterministic
/// signature reproduced byte for byte. (A.6 and A.7 are ECDH-ES key
/// agreement, i.e. JWE, and are not covered here.)
#[test]
fn rfc8037_ed25519() {
    let private = jwk(ED25519_PRIVATE);
    let public = jwk(ED25519_PUBLIC);
    assert!(private.is_private() && !public.is_private());
    assert_eq!(private.to_public().unwrap(), public);
    // A.3: thumbprint.
    assert_eq!(
        public.thumbprint(ThumbprintHash::Sha256),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    assert_eq!(
        private.thumbprint(ThumbprintHash::Sha256),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    // A.4: signing.
    let sk = SigningKey::from_jwk(&private, Algorithm::EdDSA).unwrap();
    let payload = b"Example of Ed25519 signing";
    assert_eq!(compact::sign(payload, &sk).unwrap(), ED25519_TOKEN);
    // A.5: validation.
    let vk = VerifyingKey::from_jwk(&public, Algorithm::EdDSA).unwrap();
    assert_eq!(
        compact::verify(ED25519_TOKEN, &vk, &Default::default())
            .unwrap()
            .payload,
        payload
    );
    let mut bad = ED25519_TOKEN.to_owned();
    bad.replace_range(22..23, "S"); // one payload character changed
    assert_ne!(bad, ED25519_TOKEN);
    assert_eq!(
        compact::verify(&bad, &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
    // A public key cannot sign.
    assert!(SigningKey::from_jwk(&public, Algorithm::EdDSA).is_err());
}

/// RFC 7638 §3.1: the thumbprint of the RFC's RSA key.
#[test]
fn rfc7638_3_1_thumbprint() {
    let key = jwk(
        r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
    );
    assert_eq!(
        key.thumbprint_input(),
        r#"{"e":"AQAB","kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#
    );
    assert_eq!(
        key.thumbprint(ThumbprintHash::Sha256),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    // Metadata does not change the thumbprint.
    let bare = Jwk::new(key.params.clone());
    assert_eq!(
        bare.thumbprint(ThumbprintHash::Sha256),
        key.thumbprint(ThumbprintHash::Sha256)
    );
}
