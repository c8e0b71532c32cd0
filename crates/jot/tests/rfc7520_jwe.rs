//! RFC 7520 ("JOSE Cookbook") §5 JWE examples, the Curve25519 ECDH-ES
//! example and the §6 nesting example, driven from the files in
//! `testdata/rfc7520/`.
//!
//! For every example: each given output (compact, general JSON, flattened
//! JSON) decrypts with the example's key to the plaintext, byte for byte, and
//! a tampered tag is refused. Then Jot encrypts the plaintext again with the
//! example's key and its fixed generated values (CEK, IV, ephemeral key,
//! GCM key-wrap IV, PBES2 salt and count) and reproduces every output byte
//! for byte. The cookbook's `protected` object is passed as the extra
//! protected members: Jot keeps their order when it fills in `alg`, `enc`,
//! `kid`, `epk`, `iv`, `tag`, `p2s` and `p2c`, so the protected header is
//! reproduced exactly. The JSON containers are compared member by member
//! (their order carries no meaning; the protected header inside is compared
//! as the exact string). RSA key encryption is randomized: for RSA1_5 and
//! RSA-OAEP every part but the encrypted key is reproduced, and the new
//! output is decrypted.

mod common;

use common::{load_json, str_at, to_json, unb64u};
use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    FixedContent, FixedKeyManagement, KeyManagement, Recipient,
};
use jot::jwk::Jwk;
use jot::jwt::Validation;
use jot::key::VerifyingKey;
use jot::{Algorithm, Error};
use serde_json::{Map, Value};

/// Every file of `rfc7520/jwe/`, so a file added there without a test here
/// fails `every_vector_file_is_covered`.
const JWE_FILES: [&str; 13] = [
    "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
    "5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
    "5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
    "5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
    "5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
    "5_6.direct_encryption_using_aes-gcm.json",
    "5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
    "5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
    "5_9.compressed_content.json",
    "5_10.including_additional_authentication_data.json",
    "5_11.protecting_specific_header_fields.json",
    "5_12.protecting_content_only.json",
    "5_13.encrypting_to_multiple_recipients.json",
];

fn jwk_of(v: &Value) -> Jwk {
    Jwk::from_json(to_json(v).as_bytes(), &Default::default()).expect("cookbook key parses")
}

fn alg_of(v: &Value) -> KeyManagement {
    KeyManagement::from_name(v.as_str().expect("alg is a string")).expect("known alg")
}

fn object(v: Option<&Value>) -> Option<Map<String, Value>> {
    v.map(|v| v.as_object().expect("an object").clone())
}

/// `v` with every object's members sorted, recursively: JSON containers
/// compare equal whatever their member order.
fn canon(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canon(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(canon).collect()),
        other => other.clone(),
    }
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("Jot writes JSON")
}

/// Replaces the `encrypted_key` of the listed recipients (and of a flattened
/// object) by a placeholder, for comparing randomized RSA outputs.
fn blank_encrypted_keys(v: &mut Value, rsa_recipients: &[usize]) {
    if let Some(Value::Array(rs)) = v.get_mut("recipients") {
        for &i in rsa_recipients {
            rs[i]["encrypted_key"] = Value::String("(randomized)".into());
        }
    } else if !rsa_recipients.is_empty() {
        v["encrypted_key"] = Value::String("(randomized)".into());
    }
}

/// One recipient's key and fixed key-management inputs.
struct RecipientCase {
    alg: KeyManagement,
    jwk: Jwk,
    /// The `encrypting_key` object (epk with `d`, `iv`, `salt`...).
    fixed: Value,
    /// The per-recipient header given in `encrypting_key` (5.13 only).
    header: Option<Map<String, Value>>,
    password: Option<Vec<u8>>,
    count: Option<u32>,
}

impl RecipientCase {
    fn is_rsa(&self) -> bool {
        self.alg.name().starts_with("RSA")
    }

    fn encryption_key(&self) -> EncryptionKey {
        match &self.password {
            Some(pw) => {
                let k = EncryptionKey::password(pw, self.alg).unwrap();
                match self.count {
                    Some(c) => k.with_pbes2_count(c).unwrap(),
                    None => k,
                }
            }
            None => EncryptionKey::from_jwk(&self.jwk, self.alg)
                .unwrap_or_else(|e| panic!("{}: encryption key: {e}", self.alg)),
        }
    }

    fn decryption_key(&self) -> DecryptionKey {
        match &self.password {
            Some(pw) => DecryptionKey::password(pw, self.alg).unwrap(),
            None => DecryptionKey::from_jwk(&self.jwk, self.alg)
                .unwrap_or_else(|e| panic!("{}: decryption key: {e}", self.alg)),
        }
    }

    fn fixed(&self) -> FixedKeyManagement {
        let b = |p: &str| self.fixed.pointer(p).and_then(Value::as_str).map(unb64u);
        FixedKeyManagement {
            ephemeral_d: b("/epk/d"),
            kw_iv: b("/iv"),
            p2s: b("/salt"),
        }
    }
}

struct Case {
    name: String,
    v: Value,
}

impl Case {
    fn load(rel: &str) -> Case {
        Case {
            name: rel.to_owned(),
            v: load_json(rel),
        }
    }

    fn jwe(file: &str) -> Case {
        Case::load(&format!("rfc7520/jwe/{file}"))
    }

    fn plaintext(&self) -> Vec<u8> {
        str_at(&self.v, "/input/plaintext").as_bytes().to_vec()
    }

    fn content(&self) -> &Value {
        &self.v["encrypting_content"]
    }

    /// `enc` as the output says it (5.13's input misspells it).
    fn enc(&self) -> ContentEncryption {
        let c = self.content();
        let name = c
            .pointer("/protected/enc")
            .or_else(|| c.pointer("/unprotected/enc"))
            .and_then(Value::as_str)
            .expect("enc");
        ContentEncryption::from_name(name).unwrap()
    }

    fn recipients(&self) -> Vec<RecipientCase> {
        let input = &self.v["input"];
        let password = input
            .get("pwd")
            .and_then(Value::as_str)
            .map(|p| p.as_bytes().to_vec());
        let count = self
            .v
            .pointer("/encrypting_key/iteration_count")
            .and_then(Value::as_u64)
            .map(|c| u32::try_from(c).unwrap());
        match (&input["alg"], &self.v["encrypting_key"]) {
            (Value::Array(algs), Value::Array(fixed)) => algs
                .iter()
                .zip(fixed)
                .zip(input["key"].as_array().expect("one key per recipient"))
                .map(|((alg, fixed), key)| RecipientCase {
                    alg: alg_of(alg),
                    jwk: jwk_of(key),
                    fixed: fixed.clone(),
                    header: object(fixed.get("header")),
                    password: None,
                    count: None,
                })
                .collect(),
            (alg, fixed) => vec![RecipientCase {
                alg: alg_of(alg),
                jwk: match input.get("key") {
                    Some(k) => jwk_of(k),
                    None => Jwk::from_secret(b"unused: PBES2 uses the password").unwrap(),
                },
                fixed: fixed.clone(),
                header: None,
                password,
                count,
            }],
        }
    }

    fn decrypt_options(&self) -> DecryptOptions {
        self.recipients()
            .iter()
            .fold(DecryptOptions::new(), |o, r| o.allow(r.alg))
    }

    /// The CEK the example used (for `dir` and ECDH-ES it is not an input:
    /// Jot derives it, and the byte-for-byte match proves it right).
    fn cek(&self) -> Vec<u8> {
        self.v
            .pointer("/generated/cek")
            .and_then(Value::as_str)
            .map(unb64u)
            .unwrap_or_default()
    }

    fn encrypt_options(&self) -> EncryptOptions {
        let c = self.content();
        let mut o = EncryptOptions::new(self.enc());
        if let Some(p) = object(c.get("protected")) {
            o.zip = p.contains_key("zip");
            o.protected = p;
        }
        assert_eq!(
            o.zip,
            self.v.pointer("/input/zip").is_some(),
            "{}: zip",
            self.name
        );
        o.unprotected = object(c.get("unprotected"));
        o.aad = self
            .v
            .pointer("/input/aad")
            .and_then(Value::as_str)
            .map(|a| a.as_bytes().to_vec());
        o.fixed = Some(FixedContent {
            cek: self.cek(),
            iv: unb64u(str_at(&self.v, "/generated/iv")),
        });
        o
    }

    fn outputs(&self) -> Vec<(&'static str, String)> {
        let out = &self.v["output"];
        let mut v = Vec::new();
        if let Some(c) = out.get("compact").and_then(Value::as_str) {
            v.push(("compact", c.to_owned()));
        }
        for form in ["json", "json_flat"] {
            if let Some(j) = out.get(form) {
                v.push((form, to_json(j)));
            }
        }
        assert!(!v.is_empty(), "{}: no outputs", self.name);
        v
    }

    fn decrypt(&self, form: &str, token: &str, key: &DecryptionKey) -> jot::Result<Vec<u8>> {
        let opts = self.decrypt_options();
        let d = if form == "compact" {
            jwe::compact::decrypt(token, key, &opts)?
        } else {
            jwe::json::decrypt(token, key, &opts)?
        };
        if let Some(aad) = self.v.pointer("/input/aad").and_then(Value::as_str) {
            assert_eq!(d.aad.as_deref(), Some(aad.as_bytes()), "{}: aad", self.name);
        }
        Ok(d.plaintext)
    }

    /// Every given output decrypts, for every recipient, to the plaintext;
    /// flipping a bit of the tag makes it `DecryptionFailed`.
    fn check_decrypt_outputs(&self) {
        let plaintext = self.plaintext();
        for (form, token) in self.outputs() {
            for r in self.recipients() {
                let key = r.decryption_key();
                let got = self
                    .decrypt(form, &token, &key)
                    .unwrap_or_else(|e| panic!("{} {form} {}: {e}", self.name, r.alg));
                assert_eq!(got, plaintext, "{} {form} {}", self.name, r.alg);
                let tampered = tamper_tag(form, &token);
                assert_eq!(
                    self.decrypt(form, &tampered, &key),
                    Err(Error::DecryptionFailed),
                    "{} {form} {}: tampered tag",
                    self.name,
                    r.alg
                );
            }
        }
    }

    /// Encrypts the plaintext again with the fixed inputs and compares with
    /// every given output; randomized (RSA) encrypted keys are compared
    /// after blanking, and the new output must decrypt.
    fn check_reproduce(&self) {
        self.check_reproduce_from(&self.plaintext(), false);
    }

    /// [`Self::check_reproduce`] encrypting `body`; `precompressed` means
    /// `body` is already the DEFLATE output the example's `zip` announces.
    fn check_reproduce_from(&self, body: &[u8], precompressed: bool) {
        let recipients = self.recipients();
        let keys: Vec<EncryptionKey> = recipients.iter().map(|r| r.encryption_key()).collect();
        let rsa: Vec<usize> = (0..recipients.len())
            .filter(|&i| recipients[i].is_rsa())
            .collect();
        let jot_recipients: Vec<Recipient<'_>> = recipients
            .iter()
            .zip(&keys)
            .map(|(r, key)| Recipient {
                key,
                header: r.header.as_ref().map(|h| {
                    // The per-recipient header as given minus what Jot fills.
                    h.iter()
                        .filter(|(k, _)| ["alg", "kid"].contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                }),
                fixed: r.fixed(),
            })
            .collect();
        let mut opts = self.encrypt_options();
        if precompressed {
            opts.zip = false;
        }
        let plaintext = self.plaintext();
        for (form, expected) in self.outputs() {
            let ours = match form {
                "compact" => jwe::compact::encrypt_to(body, &jot_recipients[0], &opts),
                "json" => jwe::json::encrypt_general(body, &jot_recipients, &opts),
                _ => jwe::json::encrypt_flattened(body, &jot_recipients[0], &opts),
            }
            .unwrap_or_else(|e| panic!("{} {form}: encrypt: {e}", self.name));
            if form == "compact" {
                let (mut a, mut b): (Vec<&str>, Vec<&str>) =
                    (ours.split('.').collect(), expected.split('.').collect());
                if !rsa.is_empty() {
                    a[1] = "";
                    b[1] = "";
                }
                assert_eq!(a, b, "{} compact", self.name);
            } else {
                let (mut a, mut b) = (parse(&ours), parse(&expected));
                if form == "json" && b.get("recipients").is_none() {
                    // For dir and ECDH-ES (5.5, 5.6) the cookbook's "general"
                    // output has no `recipients`; RFC 7516 §7.2.1 requires
                    // it, with one empty object for a recipient that has no
                    // header and no encrypted key, which is what Jot writes.
                    assert!(recipients.iter().all(|r| r.alg.is_direct()));
                    assert_eq!(a["recipients"], serde_json::json!([{}]), "{}", self.name);
                    a.as_object_mut().unwrap().remove("recipients");
                }
                blank_encrypted_keys(&mut a, &rsa);
                blank_encrypted_keys(&mut b, &rsa);
                assert_eq!(canon(&a), canon(&b), "{} {form}", self.name);
                assert_eq!(a["protected"], b["protected"], "{} {form}", self.name);
            }
            for r in &recipients {
                assert_eq!(
                    self.decrypt(form, &ours, &r.decryption_key())
                        .unwrap_or_else(|e| panic!("{} {form} ours: {e}", self.name)),
                    plaintext
                );
            }
        }
    }
}

/// The token with one bit of its authentication tag flipped.
fn tamper_tag(form: &str, token: &str) -> String {
    let flip = |t: &str| {
        let mut bytes = unb64u(t);
        bytes[0] ^= 1;
        common::b64u(bytes)
    };
    if form == "compact" {
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[4] = flip(&parts[4]);
        parts.join(".")
    } else {
        let mut v = parse(token);
        v["tag"] = Value::String(flip(v["tag"].as_str().unwrap()));
        to_json(&v)
    }
}

fn check(file: &str, reproduce: bool) {
    let case = Case::jwe(file);
    case.check_decrypt_outputs();
    if reproduce {
        case.check_reproduce();
    }
}

#[test]
fn every_vector_file_is_covered() {
    assert_eq!(common::list("rfc7520/jwe", ".json"), {
        let mut v: Vec<String> = JWE_FILES.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    });
}

/// 5.1: RSA1_5 + A128CBC-HS256 (RSA1_5 enabled explicitly).
#[test]
fn rfc7520_5_1_rsa1_5_a128cbc_hs256() {
    let case = Case::jwe(JWE_FILES[0]);
    // Off by default: the same token is refused without the opt-in.
    let r = &case.recipients()[0];
    assert_eq!(
        jwe::compact::decrypt(
            str_at(&case.v, "/output/compact"),
            &r.decryption_key(),
            &DecryptOptions::new()
        ),
        Err(Error::AlgorithmNotAllowed("RSA1_5".into()))
    );
    check(JWE_FILES[0], true);
}

/// 5.2: RSA-OAEP + A256GCM.
#[test]
fn rfc7520_5_2_rsa_oaep_a256gcm() {
    check(JWE_FILES[1], true);
}

/// 5.3: PBES2-HS512+A256KW (p2c 8192) + A128CBC-HS256, `cty` protected.
#[test]
fn rfc7520_5_3_pbes2() {
    check(JWE_FILES[2], true);
}

/// 5.4: ECDH-ES+A128KW on P-384 + A128GCM.
#[test]
fn rfc7520_5_4_ecdh_es_a128kw() {
    check(JWE_FILES[3], true);
}

/// 5.5: ECDH-ES (direct) on P-256 + A128CBC-HS256; the derived CEK matches
/// the cookbook's.
#[test]
fn rfc7520_5_5_ecdh_es_direct() {
    check(JWE_FILES[4], true);
}

/// 5.6: dir + A128GCM (the key's `alg` names the content algorithm).
#[test]
fn rfc7520_5_6_dir_a128gcm() {
    check(JWE_FILES[5], true);
}

/// 5.7: A256GCMKW + A128CBC-HS256.
#[test]
fn rfc7520_5_7_a256gcmkw() {
    check(JWE_FILES[6], true);
}

/// 5.8: A128KW + A128GCM.
#[test]
fn rfc7520_5_8_a128kw_a128gcm() {
    check(JWE_FILES[7], true);
}

/// 5.9: `zip: DEF`. DEFLATE output is not canonical (the cookbook's
/// compressor and Jot's emit different, equally valid streams), so the
/// content encryption is reproduced byte for byte from the cookbook's
/// compressed plaintext, and Jot's own compression is checked by round trip.
#[test]
fn rfc7520_5_9_compressed() {
    let case = Case::jwe(JWE_FILES[8]);
    case.check_decrypt_outputs();
    let c = unb64u(str_at(&case.v, "/generated/plaintext_c"));
    case.check_reproduce_from(&c, true);

    let r = &case.recipients()[0];
    let ours = jwe::compact::encrypt(
        &case.plaintext(),
        &r.encryption_key(),
        &case.encrypt_options(),
    )
    .unwrap();
    let d = jwe::compact::decrypt(&ours, &r.decryption_key(), &DecryptOptions::new()).unwrap();
    assert_eq!(d.plaintext, case.plaintext());
    assert!(d.header.zip);
    // Compression happened: the ciphertext is shorter than the plaintext.
    assert!(unb64u(ours.split('.').nth(3).unwrap()).len() < case.plaintext().len() * 3 / 4);
}

/// 5.10: additional authenticated data (JSON only).
#[test]
fn rfc7520_5_10_aad() {
    check(JWE_FILES[9], true);
}

/// 5.11: `alg` and `kid` in the shared unprotected header.
#[test]
fn rfc7520_5_11_protecting_specific_header_fields() {
    check(JWE_FILES[10], true);
}

/// 5.12: nothing protected: `alg`, `kid` and `enc` all unprotected.
#[test]
fn rfc7520_5_12_protecting_content_only() {
    check(JWE_FILES[11], true);
}

/// 5.13: three recipients (RSA1_5, ECDH-ES+A256KW, A256GCMKW), each
/// decrypting with its own key.
#[test]
fn rfc7520_5_13_multiple_recipients() {
    check(JWE_FILES[12], true);
}

/// 5.13 with the default options: the RSA1_5 recipient is someone else's
/// legacy key; the A256GCMKW recipient still decrypts (the refused
/// recipient is skipped, not fatal), and a tampered tag is reported as the
/// decryption failure it is, not as the skipped recipient's algorithm.
#[test]
fn rfc7520_5_13_default_options_skip_other_recipients() {
    let case = Case::jwe(JWE_FILES[12]);
    let json = to_json(&case.v["output"]["json"]);
    let gcmkw = &case.recipients()[2];
    let d = jwe::json::decrypt(&json, &gcmkw.decryption_key(), &DecryptOptions::new()).unwrap();
    assert_eq!(d.plaintext, case.plaintext());
    assert_eq!(d.recipient_index, 2);
    assert_eq!(
        jwe::json::decrypt(
            &tamper_tag("json", &json),
            &gcmkw.decryption_key(),
            &DecryptOptions::new()
        ),
        Err(Error::DecryptionFailed)
    );
    // The RSA1_5 key alone, not enabled: nothing to try.
    assert_eq!(
        jwe::json::decrypt(
            &json,
            &case.recipients()[0].decryption_key(),
            &DecryptOptions::new()
        ),
        Err(Error::AlgorithmNotAllowed("RSA1_5".into()))
    );
}

/// The Curve25519 ECDH-ES example (X25519 + A128GCM).
#[test]
fn curve25519_ecdh_es() {
    let case = Case::load("rfc7520/curve25519/ecdh-es.json");
    case.check_decrypt_outputs();
}

/// 6: a PS256-signed JWT (typ JWT) encrypted with RSA-OAEP + A128GCM, cty JWT.
#[test]
fn rfc7520_6_nesting() {
    let v = load_json("rfc7520/6.nesting_signatures_and_encryption.json");
    let inner = str_at(&v, "/sign/output/compact");
    let sign_key = jwk_of(&v["sign"]["input"]["key"]);
    let vk = VerifyingKey::from_jwk(&sign_key, Algorithm::PS256).unwrap();
    let enc_jwk = jwk_of(&v["encrypt"]["input"]["key"]);
    let alg = alg_of(&v["encrypt"]["input"]["alg"]);
    let dk = DecryptionKey::from_jwk(&enc_jwk, alg).unwrap();
    let opts = DecryptOptions::new();
    assert_eq!(str_at(&v, "/encrypt/input/plaintext"), inner);

    let out = &v["encrypt"]["output"];
    let compact = str_at(out, "/compact");
    for json in [to_json(&out["json"]), to_json(&out["json_flat"])] {
        let d = jwe::json::decrypt(&json, &dk, &opts).unwrap();
        assert_eq!(d.plaintext, inner.as_bytes());
    }
    let d = jwe::compact::decrypt(compact, &dk, &opts).unwrap();
    assert_eq!(d.plaintext, inner.as_bytes());
    assert_eq!(d.header.cty(), Some("JWT"));
    let verified = jot::jws::compact::verify(inner, &vk, &Default::default()).unwrap();
    assert_eq!(
        verified.payload,
        str_at(&v, "/sign/input/payload").as_bytes()
    );

    // The inner token is a JWT whose exp (1300819380) is long past: the
    // one-call path verifies it at a time before exp, and refuses it now.
    let before_exp = Validation::new().at(1_300_819_000);
    let nested: jot::jwt::NestedVerified<Value> =
        jot::jwt::decrypt_and_verify(compact, &dk, &opts, &vk, &before_exp).unwrap();
    assert_eq!(nested.claims["iss"], "hobbiton.example");
    assert_eq!(nested.claims["http://example.com/is_root"], true);
    assert_eq!(nested.header.typ.as_deref(), Some("JWT"));
    assert_eq!(
        jot::jwt::decrypt_and_verify::<Value>(compact, &dk, &opts, &vk, &Validation::new())
            .unwrap_err()
            .error,
        Error::Expired
    );

    // Re-encrypt with the fixed CEK and IV: everything but the (randomized)
    // RSA-OAEP encrypted key is reproduced.
    let mut eo = EncryptOptions::new(ContentEncryption::from_name("A128GCM").unwrap());
    eo.protected = object(v.pointer("/encrypt/encrypting_content/protected")).unwrap();
    eo.fixed = Some(FixedContent {
        cek: unb64u(str_at(&v, "/encrypt/generated/cek")),
        iv: unb64u(str_at(&v, "/encrypt/generated/iv")),
    });
    // The cookbook's header has no kid: encrypt with the key minus its kid.
    let mut no_kid = v["encrypt"]["input"]["key"].clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let ek = EncryptionKey::from_jwk(&jwk_of(&no_kid), alg).unwrap();
    let ours = jot::jwt::encrypt_signed(inner, &ek, &eo).unwrap();
    let (mut a, mut b): (Vec<&str>, Vec<&str>) =
        (ours.split('.').collect(), compact.split('.').collect());
    a[1] = "";
    b[1] = "";
    assert_eq!(a, b);
    assert_eq!(
        jwe::compact::decrypt(&ours, &dk, &opts).unwrap().plaintext,
        inner.as_bytes()
    );
}
