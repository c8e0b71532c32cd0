//! RFC 9449's own examples (`testdata/dpop/rfc9449.json`): its three signed
//! proofs verify with `jot::dpop::verify` at their `iat` for the request the
//! RFC sends them with, and the values the RFC derives from them (`ath`, the
//! `cnf.jkt` thumbprint) are the ones Jot computes. A proof that verifies
//! anywhere else, or after one byte changed, would mean a check is missing.

use jot::dpop::{self, MemoryReplayCache, ProofOptions, Request};
use jot::error::{DpopError, Part};
use jot::jwk::{Jwk, ThumbprintHash};
use jot::{Algorithm, Error};
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/dpop/rfc9449.json"
);

fn vectors() -> Value {
    let text = std::fs::read_to_string(VECTORS).expect("testdata/dpop/rfc9449.json");
    serde_json::from_str(&text).unwrap()
}

fn str_of<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("{name} in {v}"))
}

/// The RFC's `cnf.jkt` for its proof key (Figures 9 and 11).
fn rfc_jkt(doc: &Value) -> String {
    str_of(&doc["jkt"], "value").to_owned()
}

/// The request each example proof was sent with, the access token included
/// where the RFC presents one (Figure 13).
fn request_of(proof: &Value) -> Request<'_> {
    let request = Request::new(str_of(proof, "htm"), str_of(proof, "htu"));
    match proof["access_token"].as_str() {
        Some(token) => request.access_token(token),
        None => request,
    }
}

fn at_iat(proof: &Value) -> ProofOptions {
    ProofOptions::new().at(proof["iat"].as_i64().unwrap())
}

/// `proof` with the character at `index` replaced by another base64url one.
fn tampered(proof: &str, index: usize) -> String {
    let mut bytes = proof.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn every_example_proof_verifies_at_its_iat_for_its_request() {
    let doc = vectors();
    let jkt = rfc_jkt(&doc);
    let rfc_key: Jwk = serde_json::from_value(doc["proof_key"]["jwk"].clone()).unwrap();
    let proofs = doc["proofs"].as_array().unwrap();
    assert_eq!(proofs.len(), 3);
    for example in proofs {
        let name = str_of(example, "name");
        // Bound to the RFC's jkt: the key binding check of §4.3 step 12
        // passes only if Jot's thumbprint of the jwk header is the RFC's.
        let request = request_of(example).bound_to(&jkt);
        let verified = dpop::verify(str_of(example, "proof"), &request, &at_iat(example))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .record(&MemoryReplayCache::new(4))
            .unwrap();
        assert_eq!(verified.jkt(), jkt, "{name}");
        assert_eq!(verified.jti(), str_of(example, "jti"), "{name}");
        assert_eq!(verified.issued_at(), example["iat"].as_i64().unwrap());
        assert_eq!(verified.algorithm(), Algorithm::ES256, "{name}");
        assert_eq!(verified.jwk(), &rfc_key, "{name}");
        assert_eq!(verified.nonce(), None, "{name}");
    }
}

#[test]
fn the_example_ath_is_the_hash_of_the_example_access_token() {
    let doc = vectors();
    let token = str_of(&doc["access_token"], "value");
    let resource = &doc["proofs"][2];
    assert_eq!(str_of(resource, "access_token"), token);
    assert_eq!(dpop::access_token_hash(token), str_of(resource, "ath"));
    // And the proof carries exactly that ath in its signed payload.
    let payload = str_of(resource, "proof").split('.').nth(1).unwrap();
    let claims: Value =
        serde_json::from_slice(&jot::encoding::b64::decode(payload, Part::Payload).unwrap())
            .unwrap();
    assert_eq!(claims["ath"], resource["ath"]);
}

#[test]
fn the_example_key_thumbprint_is_the_jkt_of_the_example_bound_token() {
    let doc = vectors();
    let jkt = rfc_jkt(&doc);
    let key: Jwk = serde_json::from_value(doc["proof_key"]["jwk"].clone()).unwrap();
    assert_eq!(key.thumbprint(ThumbprintHash::Sha256), jkt);

    // Figure 8's access token: its signer's key is not published, so only
    // its claims are read; they are Figure 9's, and its cnf.jkt is the
    // thumbprint of the proof key.
    let jwt = str_of(&doc["bound_jwt"], "jwt");
    let jws = jot::jws::decode_unverified(jwt, &Default::default()).unwrap();
    assert_eq!(jws.signatures[0].protected["kid"], "BeALkb");
    let claims: Value = serde_json::from_slice(jws.payload.as_deref().unwrap()).unwrap();
    assert_eq!(claims, doc["bound_jwt"]["claims"]);
    assert_eq!(claims["cnf"]["jkt"], jkt.as_str());
}

#[test]
fn the_example_proofs_fail_for_any_other_request_time_token_or_key() {
    let doc = vectors();
    let jkt = rfc_jkt(&doc);
    for example in doc["proofs"].as_array().unwrap() {
        let name = str_of(example, "name");
        let proof = str_of(example, "proof");
        let htm = str_of(example, "htm");
        let htu = str_of(example, "htu");
        let options = at_iat(example);
        let refused = |request: &Request<'_>, options: &ProofOptions| {
            dpop::verify(proof, request, options).unwrap_err()
        };

        let other_method = if htm == "GET" { "POST" } else { "GET" };
        let wrong = Request::new(other_method, htu);
        assert_eq!(refused(&wrong, &options), Error::Dpop(DpopError::Method));
        let wrong = Request::new(htm, "https://server.example.com/other");
        assert_eq!(refused(&wrong, &options), Error::Dpop(DpopError::Uri));
        let wrong = request_of(example).bound_to("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(
            refused(&wrong, &options),
            Error::Dpop(DpopError::KeyBinding)
        );
        // With an access token other than the one the proof hashed (or,
        // for the token requests, any access token at all: they have no ath).
        let wrong = Request::new(htm, htu).access_token("another-access-token");
        assert_eq!(
            refused(&wrong, &options),
            Error::Dpop(DpopError::AccessTokenHash)
        );
        // An hour after it was made (default window: 300 s + 60 s skew).
        let late = ProofOptions::new().at(example["iat"].as_i64().unwrap() + 3_600);
        assert_eq!(refused(&request_of(example), &late), Error::TooOld);
        // Only asymmetric algorithms other than ES256 allowed.
        let no_es256 = at_iat(example).algorithms(&[Algorithm::EdDSA, Algorithm::PS256]);
        assert!(matches!(
            refused(&request_of(example), &no_es256),
            Error::AlgorithmNotAllowed(_)
        ));

        // One character changed in the signature, in the payload, in the
        // header's key: never accepted.
        let sig_at = proof.rfind('.').unwrap() + 10;
        let payload_at = proof.find('.').unwrap() + 20;
        // Inside the header's jwk (its x coordinate).
        let key_at = 80;
        for index in [sig_at, payload_at, key_at] {
            let bad = tampered(proof, index);
            assert_ne!(bad, proof);
            let request = request_of(example).bound_to(&jkt);
            assert!(
                dpop::verify(&bad, &request, &options).is_err(),
                "{name}: accepted with byte {index} changed"
            );
        }
        assert_eq!(
            dpop::verify(&tampered(proof, sig_at), &request_of(example), &options).unwrap_err(),
            Error::InvalidSignature,
            "{name}"
        );
    }
}

#[test]
fn an_example_proof_is_accepted_once() {
    let doc = vectors();
    let example = &doc["proofs"][0];
    let cache = MemoryReplayCache::new(4);
    let proof = str_of(example, "proof");
    let request = request_of(example);
    dpop::verify(proof, &request, &at_iat(example))
        .unwrap()
        .record(&cache)
        .unwrap();
    let again = dpop::verify(proof, &request, &at_iat(example))
        .unwrap()
        .record(&cache);
    assert_eq!(again.unwrap_err(), Error::Dpop(DpopError::Replay));
}
