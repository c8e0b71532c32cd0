//! RFC 7520 ("JOSE Cookbook") JWS and JWK examples, the RFC 7797 unencoded
//! payload examples and the Ed25519 cookbook example, driven from the files
//! in `testdata/rfc7520/`.
//!
//! For every example: each given output (compact, general JSON, flattened
//! JSON) verifies with the example's key; the raw signature over the given
//! signing input verifies; and where the algorithm is deterministic
//! (HMAC, RSASSA-PKCS1-v1_5, Ed25519) Jot reproduces the signature and every
//! serialization byte for byte. The cookbook's protected headers serialize
//! exactly as Jot writes them (`alg` first, then `kid`, then `b64`/`crit`), so
//! the ordinary signing API reproduces them; the raw `SigningKey::sign` over
//! `signing.sig-input` is checked as well. Randomized algorithms (RSA-PSS,
//! ECDSA) are verified and round-tripped.

mod common;

use std::collections::BTreeMap;

use common::{b64u, load_json, str_at, to_json, unb64u};
use jot::jwk::{Jwk, JwkSet, ThumbprintHash};
use jot::jwks::LocalKeySet;
use jot::jws::json::Signer;
use jot::jws::{compact, json, Header};
use jot::key::{SigningKey, VerifyingKey};
use jot::{Algorithm, Error};
use serde_json::{Map, Value};

const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

fn jwk_of(v: &Value) -> Jwk {
    Jwk::from_json(to_json(v).as_bytes(), &Default::default()).expect("cookbook key parses")
}

fn alg_of(v: &Value) -> Algorithm {
    Algorithm::from_name(v.as_str().expect("alg is a string")).expect("known alg")
}

fn header_of(protected: &Value) -> Header {
    let alg = alg_of(&protected["alg"]);
    let mut h = Header::new(alg);
    h.kid = protected
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if protected.get("b64") == Some(&Value::Bool(false)) {
        h.b64 = false;
    }
    if let Some(Value::Array(c)) = protected.get("crit") {
        h.crit = c.iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    }
    h
}

/// Members of a JSON object, order-insensitive, for comparing serializations
/// whose member order is not significant (the JSON containers; the protected
/// header and signature inside are compared byte for byte as strings).
fn members(v: &Value) -> BTreeMap<String, Value> {
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

struct Case {
    name: &'static str,
    v: Value,
}

impl Case {
    fn load(rel: &'static str) -> Case {
        Case {
            name: rel,
            v: load_json(rel),
        }
    }
    fn payload(&self) -> Vec<u8> {
        str_at(&self.v, "/input/payload").as_bytes().to_vec()
    }
    fn jwk(&self) -> Jwk {
        jwk_of(&self.v["input"]["key"])
    }
    fn alg(&self) -> Algorithm {
        alg_of(&self.v["input"]["alg"])
    }
    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from_jwk(&self.jwk(), self.alg()).expect("verifying key")
    }
    fn signing_key(&self) -> SigningKey {
        SigningKey::from_jwk(&self.jwk(), self.alg()).expect("signing key")
    }
    fn output(&self, member: &str) -> Option<&Value> {
        self.v["output"].get(member)
    }

    /// The raw signature over the cookbook's signing input verifies; for
    /// deterministic algorithms Jot's raw signature equals it.
    fn check_raw_signature(&self, deterministic: bool) {
        let input = str_at(&self.v, "/signing/sig-input");
        let sig = unb64u(str_at(&self.v, "/signing/sig"));
        let vk = self.verifying_key();
        vk.verify(input.as_bytes(), &sig)
            .unwrap_or_else(|e| panic!("{}: raw signature: {e}", self.name));
        let mut tampered = sig.clone();
        tampered[0] ^= 1;
        assert_eq!(
            vk.verify(input.as_bytes(), &tampered),
            Err(Error::InvalidSignature),
            "{}",
            self.name
        );
        if deterministic {
            let ours = self.signing_key().sign(input.as_bytes()).unwrap();
            assert_eq!(b64u(ours), b64u(&sig), "{}: raw signature", self.name);
        }
    }

    /// Every attached output verifies and yields the payload.
    fn check_attached_outputs(&self) {
        let vk = self.verifying_key();
        let payload = self.payload();
        let mut checked = 0;
        if let Some(c) = self.output("compact") {
            let v = compact::verify(c.as_str().unwrap(), &vk, &Default::default())
                .unwrap_or_else(|e| panic!("{}: compact: {e}", self.name));
            assert_eq!(v.payload, payload, "{}", self.name);
            assert_eq!(v.header.alg, self.alg());
            checked += 1;
        }
        for member in ["json", "json_flat"] {
            let j = self.output(member).unwrap();
            let v = json::verify(&to_json(j), &vk, &Default::default())
                .unwrap_or_else(|e| panic!("{}: {member}: {e}", self.name));
            assert_eq!(v.payload, payload, "{}: {member}", self.name);
            assert_eq!(v.signature_index, 0);
            assert_eq!(v.header.alg, self.alg());
            checked += 1;
        }
        assert!(checked >= 2);
    }

    /// Signing with the cookbook's protected header reproduces every output
    /// byte for byte (deterministic algorithms only).
    fn check_reproduced(&self) {
        let sk = self.signing_key();
        let payload = self.payload();
        let h = header_of(&self.v["signing"]["protected"]);
        if let Some(c) = self.output("compact") {
            let ours = compact::sign_with_header(&payload, &sk, Some(&h)).unwrap();
            assert_eq!(ours, c.as_str().unwrap(), "{}: compact", self.name);
        }
        let signer = Signer {
            key: &sk,
            protected: Some(h),
            unprotected: None,
        };
        let flat: Value =
            serde_json::from_str(&json::sign_flattened(&payload, &signer, false).unwrap()).unwrap();
        assert_eq!(
            members(&flat),
            members(self.output("json_flat").unwrap()),
            "{}",
            self.name
        );
        let general: Value = serde_json::from_str(
            &json::sign_general(&payload, std::slice::from_ref(&signer), false).unwrap(),
        )
        .unwrap();
        let expected = self.output("json").unwrap();
        assert_eq!(general["payload"], expected["payload"]);
        assert_eq!(
            members(&general["signatures"][0]),
            members(&expected["signatures"][0]),
            "{}",
            self.name
        );
    }

    /// Randomized algorithms: sign with the same protected header, check the
    /// header segment is the cookbook's, and verify the result.
    fn check_round_trip(&self) {
        let sk = self.signing_key();
        let vk = sk.verifying_key().unwrap();
        let payload = self.payload();
        let h = header_of(&self.v["signing"]["protected"]);
        let token = compact::sign_with_header(&payload, &sk, Some(&h)).unwrap();
        let protected_b64 = str_at(&self.v, "/signing/protected_b64u");
        assert!(token.starts_with(&format!("{protected_b64}.")));
        assert_eq!(
            compact::verify(&token, &vk, &Default::default())
                .unwrap()
                .payload,
            payload
        );
        // The cookbook's own verifying key (from the public half) too.
        assert_eq!(
            compact::verify(&token, &self.verifying_key(), &Default::default())
                .unwrap()
                .payload,
            payload
        );
        // A second signature over the same input differs (randomized).
        let token2 = compact::sign_with_header(&payload, &sk, Some(&h)).unwrap();
        assert_ne!(
            token, token2,
            "{}: expected a randomized algorithm",
            self.name
        );
    }
}

/// Every file in the cookbook's `jws/` and `jwk/` directories has a test
/// here; a new file must not be silently skipped.
#[test]
fn every_cookbook_file_is_covered() {
    assert_eq!(
        common::list("rfc7520/jws", ".json"),
        [
            "4_1.rsa_v15_signature.json",
            "4_2.rsa-pss_signature.json",
            "4_3.ecdsa_signature.json",
            "4_4.hmac-sha2_integrity_protection.json",
            "4_5.signature_with_detached_content.json",
            "4_6.protecting_specific_header_fields.json",
            "4_7.protecting_content_only.json",
            "4_8.multiple_signatures.json",
        ]
    );
    assert_eq!(
        common::list("rfc7520/jwk", ".json"),
        [
            "3_1.ec_public_key.json",
            "3_2.ec_private_key.json",
            "3_3.rsa_public_key.json",
            "3_4.rsa_private_key.json",
            "3_5.symmetric_key_mac_computation.json",
            "3_6.symmetric_key_encryption.json",
        ]
    );
    assert_eq!(
        common::list("rfc7520/rfc7797", ".json"),
        ["4.2.hmac-sha2_b64_false.json", "hmac-sha2_b64_false.json"]
    );
}

/// RFC 7520 §4.1: RSA v1.5 (RS256), deterministic.
#[test]
fn rfc7520_4_1_rs256() {
    let c = Case::load("rfc7520/jws/4_1.rsa_v15_signature.json");
    c.check_raw_signature(true);
    c.check_attached_outputs();
    c.check_reproduced();
}

/// RFC 7520 §4.2: RSA-PSS (PS384), randomized.
#[test]
fn rfc7520_4_2_ps384() {
    let c = Case::load("rfc7520/jws/4_2.rsa-pss_signature.json");
    assert_eq!(c.alg(), Algorithm::PS384);
    c.check_raw_signature(false);
    c.check_attached_outputs();
    c.check_round_trip();
}

/// RFC 7520 §4.3: ECDSA (ES512), randomized.
#[test]
fn rfc7520_4_3_es512() {
    let c = Case::load("rfc7520/jws/4_3.ecdsa_signature.json");
    assert_eq!(c.alg(), Algorithm::ES512);
    c.check_raw_signature(false);
    c.check_attached_outputs();
    c.check_round_trip();
}

/// RFC 7520 §4.4: HMAC-SHA2 (HS256), deterministic.
#[test]
fn rfc7520_4_4_hs256() {
    let c = Case::load("rfc7520/jws/4_4.hmac-sha2_integrity_protection.json");
    c.check_raw_signature(true);
    c.check_attached_outputs();
    c.check_reproduced();
}

/// RFC 7520 §4.5: detached content. Every output has no payload; it verifies
/// only against the detached payload, and not against another one.
#[test]
fn rfc7520_4_5_detached() {
    let c = Case::load("rfc7520/jws/4_5.signature_with_detached_content.json");
    c.check_raw_signature(true);
    let vk = c.verifying_key();
    let sk = c.signing_key();
    let payload = c.payload();
    let token = c.output("compact").unwrap().as_str().unwrap();
    assert!(token.contains(".."));
    let h = compact::verify_detached(token, &payload, &vk, &Default::default()).unwrap();
    assert_eq!(
        h.kid.as_deref(),
        Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037")
    );
    assert_eq!(
        compact::verify_detached(token, b"another payload", &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
    // Without the payload the compact form is an empty payload, and fails.
    assert_eq!(
        compact::verify(token, &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
    for member in ["json", "json_flat"] {
        let j = to_json(c.output(member).unwrap());
        let v = json::verify_detached(&j, &payload, &vk, &Default::default()).unwrap();
        assert_eq!(v.payload, payload);
        assert_eq!(v.signature_index, 0);
        assert!(matches!(
            json::verify(&j, &vk, &Default::default()),
            Err(Error::Malformed(_))
        ));
        assert_eq!(
            json::verify_detached(&j, b"x", &vk, &Default::default()).unwrap_err(),
            Error::InvalidSignature
        );
    }
    // Reproduce all three detached serializations byte for byte.
    let header = header_of(&c.v["signing"]["protected"]);
    assert_eq!(
        compact::sign_detached(&payload, &sk, Some(&header)).unwrap(),
        token
    );
    let signer = Signer {
        key: &sk,
        protected: Some(header),
        unprotected: None,
    };
    let flat: Value =
        serde_json::from_str(&json::sign_flattened(&payload, &signer, true).unwrap()).unwrap();
    assert_eq!(members(&flat), members(c.output("json_flat").unwrap()));
    let general: Value = serde_json::from_str(
        &json::sign_general(&payload, std::slice::from_ref(&signer), true).unwrap(),
    )
    .unwrap();
    assert_eq!(general, *c.output("json").unwrap());
}

/// RFC 7520 §4.6: `kid` in the unprotected header, `alg` protected.
#[test]
fn rfc7520_4_6_unprotected_kid() {
    let c = Case::load("rfc7520/jws/4_6.protecting_specific_header_fields.json");
    c.check_raw_signature(true);
    c.check_attached_outputs();
    // The unprotected kid reaches the merged header and selects the key.
    let set = JwkSet::new(vec![c.jwk()]);
    let keys = LocalKeySet::from_jwks(&set, &[Algorithm::HS256]).unwrap();
    for member in ["json", "json_flat"] {
        let v = json::verify(
            &to_json(c.output(member).unwrap()),
            &keys,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(v.header.kid.as_deref(), c.jwk().kid.as_deref());
    }
    // Reproduce: protected {"alg":"HS256"}, kid only unprotected.
    let sk = c.signing_key();
    let mut unprotected = Map::new();
    unprotected.insert("kid".into(), c.v["signing"]["unprotected"]["kid"].clone());
    let signer = Signer {
        key: &sk,
        protected: None,
        unprotected: Some(unprotected),
    };
    let payload = c.payload();
    let flat: Value =
        serde_json::from_str(&json::sign_flattened(&payload, &signer, false).unwrap()).unwrap();
    assert_eq!(members(&flat), members(c.output("json_flat").unwrap()));
    assert_eq!(
        flat["protected"].as_str(),
        Some(str_at(&c.v, "/signing/protected_b64u"))
    );
    let general: Value = serde_json::from_str(
        &json::sign_general(&payload, std::slice::from_ref(&signer), false).unwrap(),
    )
    .unwrap();
    assert_eq!(general, *c.output("json").unwrap());
}

/// RFC 7520 §4.7: no protected header at all, `alg` only unprotected. Jot
/// requires `alg` to be integrity protected (an attacker could otherwise
/// rewrite it), so both serializations are rejected by design, although the
/// signature itself is correct.
#[test]
fn rfc7520_4_7_alg_unprotected_is_rejected() {
    let c = Case::load("rfc7520/jws/4_7.protecting_content_only.json");
    c.check_raw_signature(true);
    assert!(c.output("compact").is_none());
    let vk = c.verifying_key();
    for member in ["json", "json_flat"] {
        let err = json::verify(
            &to_json(c.output(member).unwrap()),
            &vk,
            &Default::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidHeader { name, .. } if name == "alg"),
            "{member}: {err:?}"
        );
    }
}

/// RFC 7520 §4.8: three signatures (RS256 protected, ES512 with `alg` only in
/// the unprotected header, HS256). The ES512 entry is refused by Jot's
/// "alg must be protected" rule; the other two verify and are reported by
/// index.
#[test]
fn rfc7520_4_8_multiple_signatures() {
    let v = load_json("rfc7520/jws/4_8.multiple_signatures.json");
    let keys: Vec<Jwk> = v["input"]["key"]
        .as_array()
        .unwrap()
        .iter()
        .map(jwk_of)
        .collect();
    let algs: Vec<Algorithm> = v["input"]["alg"]
        .as_array()
        .unwrap()
        .iter()
        .map(alg_of)
        .collect();
    assert_eq!(algs, [Algorithm::RS256, Algorithm::ES512, Algorithm::HS256]);
    let payload = str_at(&v, "/input/payload").as_bytes().to_vec();
    let jws = to_json(&v["output"]["json"]);

    // Each raw signature over its signing input verifies; the deterministic
    // ones (RS256, HS256) are reproduced.
    for (i, (jwk, &alg)) in keys.iter().zip(&algs).enumerate() {
        let s = &v["signing"][i];
        let input = str_at(s, "/sig-input");
        let sig = unb64u(str_at(s, "/sig"));
        VerifyingKey::from_jwk(jwk, alg)
            .unwrap()
            .verify(input.as_bytes(), &sig)
            .unwrap_or_else(|e| panic!("signature {i}: {e}"));
        if alg != Algorithm::ES512 {
            let ours = SigningKey::from_jwk(jwk, alg)
                .unwrap()
                .sign(input.as_bytes())
                .unwrap();
            assert_eq!(ours, sig, "signature {i}");
        }
    }

    let vk = |i: usize| VerifyingKey::from_jwk(&keys[i], algs[i]).unwrap();
    let rs = json::verify(&jws, &vk(0), &Default::default()).unwrap();
    assert_eq!(rs.signature_index, 0);
    assert_eq!(rs.payload, payload);
    assert_eq!(
        rs.header.kid.as_deref(),
        Some("bilbo.baggins@hobbiton.example")
    );
    let hs = json::verify(&jws, &vk(2), &Default::default()).unwrap();
    assert_eq!(hs.signature_index, 2);
    assert_eq!(hs.payload, payload);
    // Only the ES512 key: its entry has an unprotected alg and is refused,
    // so nothing verifies. The error reported is the first entry's (the
    // ES512 key cannot verify RS256).
    let err = json::verify(&jws, &vk(1), &Default::default()).unwrap_err();
    assert_eq!(err, Error::AlgorithmNotAllowed("RS256".into()));
    // The ES512 entry on its own (flattened) names the reason.
    let mut flat = v["output"]["json"]["signatures"][1].clone();
    flat["payload"] = v["output"]["json"]["payload"].clone();
    let err = json::verify(&to_json(&flat), &vk(1), &Default::default()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidHeader { name, .. } if name == "alg"),
        "{err:?}"
    );
    // All three keys in a set: the first verifiable entry wins. The set
    // mixes the HMAC secret with public keys, so only the explicit
    // constructor takes it.
    let set = JwkSet::new(keys.clone());
    assert_eq!(
        LocalKeySet::from_jwks(&set, &algs).unwrap_err(),
        Error::MixedKeySet
    );
    let local = LocalKeySet::from_jwks_mixed(&set, &algs).unwrap();
    let all = json::verify(&jws, &local, &Default::default()).unwrap();
    assert_eq!(all.signature_index, 0);

    // Reproduce the two protected-alg entries with sign_general.
    let rsa = SigningKey::from_jwk(&keys[0], algs[0]).unwrap();
    let hmac = SigningKey::from_jwk(&keys[2], algs[2]).unwrap();
    let mut rsa_unprotected = Map::new();
    rsa_unprotected.insert("kid".into(), v["signing"][0]["unprotected"]["kid"].clone());
    let signers = [
        Signer {
            key: &rsa,
            protected: None,
            unprotected: Some(rsa_unprotected),
        },
        Signer::new(&hmac),
    ];
    let ours: Value =
        serde_json::from_str(&json::sign_general(&payload, &signers, false).unwrap()).unwrap();
    let expected = &v["output"]["json"];
    assert_eq!(ours["payload"], expected["payload"]);
    assert_eq!(ours["signatures"][0], expected["signatures"][0]);
    assert_eq!(ours["signatures"][1], expected["signatures"][2]);
}

/// RFC 7520 §3.1–3.6: every key parses, serializes back to the same
/// members, and the RFC 7638 thumbprint matches (values computed with an
/// independent implementation: Python's hashlib over the canonical members).
#[test]
fn rfc7520_3_keys() {
    let cases: [(&str, bool, &str); 6] = [
        (
            "3_1.ec_public_key.json",
            false,
            "dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M",
        ),
        (
            "3_2.ec_private_key.json",
            true,
            "dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M",
        ),
        (
            "3_3.rsa_public_key.json",
            false,
            "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI",
        ),
        (
            "3_4.rsa_private_key.json",
            true,
            "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI",
        ),
        (
            "3_5.symmetric_key_mac_computation.json",
            true,
            "RtoRur_1Dir5M4wuOfqNkDYOf9O_4RJ-aHkTA75RLA8",
        ),
        (
            "3_6.symmetric_key_encryption.json",
            true,
            "VDMp1ZgGGv1OKgOeDc1EUKHXNQzMdLkCnxPETHdA4v0",
        ),
    ];
    for (file, private, thumbprint) in cases {
        let rel = format!("rfc7520/jwk/{file}");
        let text = common::read(&rel);
        let original: Value = serde_json::from_slice(&text).unwrap();
        let jwk =
            Jwk::from_json(&text, &Default::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(jwk.is_private(), private, "{file}");
        let out: Value = serde_json::from_str(&jwk.to_json()).unwrap();
        assert_eq!(members(&out), members(&original), "{file}: round trip");
        // Parsing our own output gives the same key.
        assert_eq!(
            Jwk::from_json(jwk.to_json().as_bytes(), &Default::default()).unwrap(),
            jwk
        );
        assert_eq!(jwk.thumbprint(ThumbprintHash::Sha256), thumbprint, "{file}");
        if !private {
            for m in PRIVATE_MEMBERS {
                assert!(out.get(m).is_none(), "{file}: public key serialized {m}");
            }
        }
    }

    // The public halves of the private keys are exactly the public files
    // and serialize no private member.
    for (private, public) in [
        ("3_2.ec_private_key.json", "3_1.ec_public_key.json"),
        ("3_4.rsa_private_key.json", "3_3.rsa_public_key.json"),
    ] {
        let k = Jwk::from_json(
            &common::read(&format!("rfc7520/jwk/{private}")),
            &Default::default(),
        )
        .unwrap();
        let p = k.to_public().unwrap();
        assert!(!p.is_private());
        let out: Value = serde_json::from_str(&p.to_json()).unwrap();
        for m in PRIVATE_MEMBERS {
            assert!(out.get(m).is_none(), "{private}: to_public kept {m}");
        }
        let expected = load_json(&format!("rfc7520/jwk/{public}"));
        assert_eq!(members(&out), members(&expected));
        assert_eq!(
            p.thumbprint(ThumbprintHash::Sha256),
            k.thumbprint(ThumbprintHash::Sha256)
        );
        // A set of private keys publishes only public members.
        let set = JwkSet::new(vec![k]).to_public();
        for m in PRIVATE_MEMBERS {
            assert!(!set.to_json().contains(&format!("\"{m}\":")), "{m}");
        }
    }

    // Symmetric keys have no public half and are dropped from a published set.
    let mac = Jwk::from_json(
        &common::read("rfc7520/jwk/3_5.symmetric_key_mac_computation.json"),
        &Default::default(),
    )
    .unwrap();
    assert!(matches!(mac.to_public(), Err(Error::InvalidKey(_))));
    assert!(JwkSet::new(vec![mac.clone()]).to_public().keys.is_empty());
    // 3.5 is an HS256 key ("alg":"HS256"); it refuses any other algorithm.
    assert!(VerifyingKey::from_jwk(&mac, Algorithm::HS256).is_ok());
    assert!(matches!(
        VerifyingKey::from_jwk(&mac, Algorithm::HS384),
        Err(Error::KeyAlgorithmMismatch { .. })
    ));
    // 3.6 is an encryption key ("use":"enc", "alg":"A256GCM"): never a
    // signature key.
    let enc = Jwk::from_json(
        &common::read("rfc7520/jwk/3_6.symmetric_key_encryption.json"),
        &Default::default(),
    )
    .unwrap();
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        assert!(matches!(
            VerifyingKey::from_jwk(&enc, alg),
            Err(Error::KeyAlgorithmMismatch { .. })
        ));
    }
    // The EC and RSA keys work for their algorithms only.
    let ec = Jwk::from_json(
        &common::read("rfc7520/jwk/3_2.ec_private_key.json"),
        &Default::default(),
    )
    .unwrap();
    assert!(SigningKey::from_jwk(&ec, Algorithm::ES512).is_ok());
    assert!(SigningKey::from_jwk(&ec, Algorithm::ES256).is_err());
    let ec_public = ec.to_public().unwrap();
    assert!(matches!(
        SigningKey::from_jwk(&ec_public, Algorithm::ES512),
        Err(Error::KeyAlgorithmMismatch { .. })
    ));
}

/// The RFC 7797 key shared by the b64=false examples.
fn rfc7797_key() -> Jwk {
    jwk_of(&load_json("rfc7520/rfc7797/hmac-sha2_b64_false.json")["input"]["key"])
}

/// RFC 7797 §4.2-style example usable with the compact serialization
/// (payload without '.'). Its `signing` section is internally inconsistent
/// in the vector file (a truncated `protected_b64u`, and a `sig` copied from
/// the other file), so the outputs, whose protected header is the correct
/// `{"alg":"HS256","b64":false,"crit":["b64"]}`, are what is checked and
/// reproduced.
#[test]
fn rfc7797_b64_false_compact_and_json() {
    let c = Case::load("rfc7520/rfc7797/hmac-sha2_b64_false.json");
    let vk = c.verifying_key();
    let payload = c.payload();
    let token = c.output("compact").unwrap().as_str().unwrap();
    assert!(token.contains(".This is the payload string!."));
    let v = compact::verify(token, &vk, &Default::default()).unwrap();
    assert!(!v.header.b64);
    assert_eq!(v.header.crit, ["b64"]);
    assert_eq!(v.payload, payload);
    c.check_attached_outputs();
    c.check_reproduced();
    // Tampering with the unencoded payload breaks the signature.
    let tampered = token.replace("payload string", "payload strinG");
    assert_eq!(
        compact::verify(&tampered, &vk, &Default::default()),
        Err(Error::InvalidSignature)
    );
}

/// The vector file's RFC 7797 §4.2 example comes from a draft: its protected
/// header `{"alg":"HS256","b64":false}` lacks `crit`, which RFC 7797 §6
/// requires, so Jot rejects it (`Error::Crit`) although the MAC is correct.
/// The final RFC's §4.2 example (with `crit`, constants below) verifies and
/// is reproduced.
#[test]
fn rfc7797_4_2_draft_vector_rejected_final_rfc_example_accepted() {
    let c = Case::load("rfc7520/rfc7797/4.2.hmac-sha2_b64_false.json");
    c.check_raw_signature(true);
    let vk = c.verifying_key();
    for member in ["json", "json_flat"] {
        let err = json::verify(
            &to_json(c.output(member).unwrap()),
            &vk,
            &Default::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Crit(_)), "{member}: {err:?}");
    }

    // RFC 7797 §4.2 (final text).
    const PROTECTED: &str = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";
    const SIG: &str = "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
    let flat = format!(r#"{{"protected":"{PROTECTED}","payload":"$.02","signature":"{SIG}"}}"#);
    let v = json::verify(&flat, &vk, &Default::default()).unwrap();
    assert_eq!(v.payload, b"$.02");
    assert!(!v.header.b64);
    let general = format!(
        r#"{{"payload":"$.02","signatures":[{{"protected":"{PROTECTED}","signature":"{SIG}"}}]}}"#
    );
    assert_eq!(
        json::verify(&general, &vk, &Default::default())
            .unwrap()
            .payload,
        b"$.02"
    );
    // Detached form of the same.
    let detached = format!(r#"{{"protected":"{PROTECTED}","signature":"{SIG}"}}"#);
    assert_eq!(
        json::verify_detached(&detached, b"$.02", &vk, &Default::default())
            .unwrap()
            .payload,
        b"$.02"
    );
    let sk = SigningKey::from_jwk(&rfc7797_key(), Algorithm::HS256).unwrap();
    let mut h = Header::new(Algorithm::HS256);
    h.b64 = false;
    let signer = Signer {
        key: &sk,
        protected: Some(h.clone()),
        unprotected: None,
    };
    let ours: Value =
        serde_json::from_str(&json::sign_flattened(b"$.02", &signer, false).unwrap()).unwrap();
    assert_eq!(ours["protected"], PROTECTED);
    assert_eq!(ours["signature"], SIG);
    // "$.02" contains '.', which an unencoded compact payload cannot carry
    // (RFC 7797 §5.2); the detached compact form can.
    assert!(compact::sign_with_header(b"$.02", &sk, Some(&h)).is_err());
    let det = compact::sign_detached(b"$.02", &sk, Some(&h)).unwrap();
    assert_eq!(det, format!("{PROTECTED}..{SIG}"));
    assert!(compact::verify_detached(&det, b"$.02", &vk, &Default::default()).is_ok());
}

/// RFC 7797 §4.1: the same payload with b64 true (the default).
#[test]
fn rfc7797_4_1_b64_true() {
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ";
    let jwk = rfc7797_key();
    let vk = VerifyingKey::from_jwk(&jwk, Algorithm::HS256).unwrap();
    assert_eq!(
        compact::verify(TOKEN, &vk, &Default::default())
            .unwrap()
            .payload,
        b"$.02"
    );
    let sk = SigningKey::from_jwk(&jwk, Algorithm::HS256).unwrap();
    assert_eq!(compact::sign(b"$.02", &sk).unwrap(), TOKEN);
}

/// Cookbook Ed25519 example (identical to RFC 8037 §A.4): deterministic,
/// reproduced byte for byte.
#[test]
fn curve25519_ed25519_jws() {
    let c = Case::load("rfc7520/curve25519/jws.json");
    assert_eq!(c.alg(), Algorithm::EdDSA);
    c.check_raw_signature(true);
    c.check_attached_outputs();
    c.check_reproduced();
    // Bound to EdDSA, the key refuses a token claiming the RFC 9864 name and
    // vice versa: the key decides the algorithm.
    let ed = VerifyingKey::from_jwk(&c.jwk(), Algorithm::Ed25519).unwrap();
    let token = c.output("compact").unwrap().as_str().unwrap();
    assert!(matches!(
        compact::verify(token, &ed, &Default::default()),
        Err(Error::AlgorithmNotAllowed(_))
    ));
}
