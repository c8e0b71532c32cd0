//! DPoP proofs (RFC 9449): round trips, and one test per check of §4.3
//! that makes a proof fail exactly that check. The RFC's own examples are
//! in `dpop_rfc9449.rs`.

use jot::dpop::{self, MemoryReplayCache, Nonces, ProofBuilder, ProofOptions, Request};
use jot::error::DpopError;
use jot::jwk::{Jwk, ThumbprintHash};
use jot::key::{self, SigningKey};
use jot::{Algorithm, Error};
use serde_json::{json, Value};
use std::time::Duration;

const NOW: i64 = 1_700_000_000;
const HTU: &str = "https://as.example/token";

fn client(alg: Algorithm) -> SigningKey {
    SigningKey::from_jwk(&key::generate_for(alg).unwrap(), alg).unwrap()
}

fn options() -> ProofOptions {
    ProofOptions::new().at(NOW)
}

fn check(proof: &str, request: &Request<'_>) -> Result<dpop::CheckedProof, Error> {
    dpop::verify(proof, request, &options())
}

/// The proof passes every check (the replay check is the tests' below).
fn passes(proof: &str, request: &Request<'_>) {
    let checked = check(proof, request).unwrap();
    assert_eq!(checked.replay_id().to_string().len(), 43);
}

fn dpop_err(e: DpopError) -> Error {
    Error::Dpop(e)
}

/// Signs a proof with a hand-made header and claims (for the malformed
/// cases the builder cannot produce).
fn raw_proof(key: &SigningKey, header: Value, claims: Value) -> String {
    let mut h = jot::jws::Header::new(key.algorithm());
    for (name, value) in header.as_object().unwrap() {
        match (name.as_str(), value) {
            ("alg", _) => assert_eq!(value, key.algorithm().name()),
            ("typ", Value::String(t)) => h.typ = Some(t.clone()),
            _ => {
                h.other.insert(name.clone(), value.clone());
            }
        }
    }
    jot::jws::compact::sign_with_header(claims.to_string().as_bytes(), key, Some(&h)).unwrap()
}

fn public_jwk(key: &SigningKey) -> Value {
    serde_json::to_value(key.public_jwk().unwrap()).unwrap()
}

fn good_claims() -> Value {
    json!({"jti": "j1", "htm": "POST", "htu": HTU, "iat": NOW})
}

// ---- round trips --------------------------------------------------------------

#[test]
fn proofs_of_every_asymmetric_algorithm_round_trip() {
    for &alg in Algorithm::ALL.iter().filter(|a| !a.is_symmetric()) {
        let key = client(alg);
        let proof = ProofBuilder::new("GET", "https://rs.example/data?page=2#top")
            .access_token("at-1")
            .issued_at(NOW)
            .sign(&key)
            .unwrap();
        let request = Request::new("GET", "https://rs.example/data?page=3").access_token("at-1");
        let verified = check(&proof, &request)
            .unwrap()
            .record(&MemoryReplayCache::new(4))
            .unwrap();
        let jkt = key.public_jwk().unwrap().thumbprint(ThumbprintHash::Sha256);
        assert_eq!(verified.jkt(), jkt, "{alg}");
        assert_eq!(verified.algorithm(), alg);
        assert!(!verified.jwk().is_private());
    }
}

#[test]
fn the_proof_header_carries_the_public_key_only() {
    let key = client(Algorithm::ES256).with_kid("client-key-1");
    let proof = ProofBuilder::new("POST", HTU).sign(&key).unwrap();
    let jws = jot::jws::decode_unverified(&proof, &Default::default()).unwrap();
    let header = &jws.signatures[0].protected;
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["kid"], "client-key-1");
    let jwk: Jwk = serde_json::from_value(header["jwk"].clone()).unwrap();
    assert!(!jwk.is_private());
}

#[test]
fn hmac_keys_cannot_make_proofs() {
    let key = SigningKey::hmac(&[1; 32], Algorithm::HS256).unwrap();
    assert_eq!(
        ProofBuilder::new("POST", HTU)
            .sign(&key)
            .unwrap_err()
            .code(),
        "ERR_ALG_NOT_ALLOWED"
    );
}

// ---- RFC 9449 §4.3, one check each ---------------------------------------------

#[test]
fn step_2_not_a_single_well_formed_jwt() {
    let request = Request::new("POST", HTU);
    for junk in ["", "a.b", "a.b.c.d", "not a jwt", "e30.e30.e30"] {
        assert!(check(junk, &request).is_err(), "{junk}");
    }
}

#[test]
fn step_3_every_required_claim_is_present() {
    let key = client(Algorithm::ES256);
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&key)});
    for missing in ["jti", "htm", "htu", "iat"] {
        let mut claims = good_claims();
        claims.as_object_mut().unwrap().remove(missing);
        let proof = raw_proof(&key, header.clone(), claims);
        assert_eq!(
            check(&proof, &Request::new("POST", HTU)).unwrap_err(),
            Error::MissingClaim(missing.into()),
            "{missing}"
        );
    }
    // And the well-formed one passes, so each failure was the claim's.
    let proof = raw_proof(&key, header, good_claims());
    passes(&proof, &Request::new("POST", HTU));
}

#[test]
fn step_4_typ_must_be_dpop_jwt() {
    let key = client(Algorithm::ES256);
    for typ in [json!("JWT"), json!("at+jwt"), Value::Null] {
        let mut header = json!({"alg": "ES256", "jwk": public_jwk(&key)});
        if !typ.is_null() {
            header["typ"] = typ.clone();
        }
        let proof = raw_proof(&key, header, good_claims());
        assert_eq!(
            check(&proof, &Request::new("POST", HTU)).unwrap_err(),
            Error::TypeMismatch,
            "{typ}"
        );
    }
}

#[test]
fn step_5_alg_must_be_asymmetric_and_allowed() {
    // An HMAC proof whose "jwk" is its own secret: refused on the alg.
    let secret = SigningKey::hmac(&[9; 32], Algorithm::HS256).unwrap();
    let header = json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": {"kty": "oct", "k": "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk"}});
    let proof = raw_proof(&secret, header, good_claims());
    assert_eq!(
        check(&proof, &Request::new("POST", HTU))
            .unwrap_err()
            .code(),
        "ERR_ALG_NOT_ALLOWED"
    );
    // An allowed list without the proof's algorithm.
    let key = client(Algorithm::EdDSA);
    let proof = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    let es_only = options().algorithms(&[Algorithm::ES256]);
    assert_eq!(
        dpop::verify(&proof, &Request::new("POST", HTU), &es_only)
            .unwrap_err()
            .code(),
        "ERR_ALG_NOT_ALLOWED"
    );
    // alg none.
    let unsecured = format!(
        "{}.{}.",
        b64(&json!({"typ": "dpop+jwt", "alg": "none", "jwk": public_jwk(&key)})),
        b64(&good_claims())
    );
    assert_eq!(
        check(&unsecured, &Request::new("POST", HTU)).unwrap_err(),
        Error::UnsecuredToken
    );
}

fn b64(v: &Value) -> String {
    jot::encoding::b64::encode(v.to_string())
}

#[test]
fn step_6_the_signature_must_verify_with_the_jwk_header() {
    let key = client(Algorithm::ES256);
    let other = client(Algorithm::ES256);
    // Signed by one key, carrying another's public key.
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&other)});
    let proof = raw_proof(&key, header, good_claims());
    assert_eq!(
        check(&proof, &Request::new("POST", HTU)).unwrap_err(),
        Error::InvalidSignature
    );
    // A tampered payload.
    let good = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = b64(&json!({"jti": "j2", "htm": "POST", "htu": HTU, "iat": NOW}));
    assert_eq!(
        check(&parts.join("."), &Request::new("POST", HTU)).unwrap_err(),
        Error::InvalidSignature
    );
    // No jwk header, or one that is not a key for the alg.
    for jwk in [
        Value::Null,
        json!("key"),
        public_jwk(&client(Algorithm::EdDSA)),
    ] {
        let mut header = json!({"typ": "dpop+jwt", "alg": "ES256"});
        if !jwk.is_null() {
            header["jwk"] = jwk.clone();
        }
        let proof = raw_proof(&key, header, good_claims());
        assert_eq!(
            check(&proof, &Request::new("POST", HTU)).unwrap_err(),
            dpop_err(DpopError::Key),
            "{jwk}"
        );
    }
}

#[test]
fn step_7_the_jwk_header_must_not_be_a_private_key() {
    let private = key::generate_for(Algorithm::ES256).unwrap();
    let key = SigningKey::from_jwk(&private, Algorithm::ES256).unwrap();
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": serde_json::from_str::<Value>(&private.to_json()).unwrap()});
    let proof = raw_proof(&key, header, good_claims());
    assert_eq!(
        check(&proof, &Request::new("POST", HTU)).unwrap_err(),
        dpop_err(DpopError::Key)
    );
}

#[test]
fn step_8_htm_must_be_the_method() {
    let key = client(Algorithm::ES256);
    let proof = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    for method in ["GET", "post", "PUT"] {
        assert_eq!(
            check(&proof, &Request::new(method, HTU)).unwrap_err(),
            dpop_err(DpopError::Method),
            "{method}"
        );
    }
    passes(&proof, &Request::new("POST", HTU));
}

#[test]
fn step_9_htu_must_be_the_uri_without_query_and_fragment() {
    let key = client(Algorithm::ES256);
    let proof = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    for same in [
        "https://as.example/token?x=1",
        "HTTPS://AS.EXAMPLE:443/token",
        "https://as.example/a/../token#f",
    ] {
        passes(&proof, &Request::new("POST", same));
    }
    for other in [
        "http://as.example/token",
        "https://as.example/token/",
        "https://as.example:8443/token",
        "https://rs.example/token",
        "https://as.example/other",
        "/token",
    ] {
        assert_eq!(
            check(&proof, &Request::new("POST", other)).unwrap_err(),
            dpop_err(DpopError::Uri),
            "{other}"
        );
    }
    // An htu claim that is not an http(s) URI never matches.
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&key)});
    let claims = json!({"jti": "j", "htm": "POST", "htu": "urn:x", "iat": NOW});
    assert_eq!(
        check(&raw_proof(&key, header, claims), &Request::new("POST", HTU)).unwrap_err(),
        dpop_err(DpopError::Uri)
    );
}

#[test]
fn step_10_the_server_nonce_must_be_present_and_current() {
    let key = client(Algorithm::ES256);
    let nonces = Nonces::from_secret(&[3; 32], Duration::from_secs(60)).unwrap();
    let fresh = nonces.current(NOW).unwrap();
    let request = Request::new("POST", HTU).nonce(&nonces);
    let with = |n: &str| {
        ProofBuilder::new("POST", HTU)
            .issued_at(NOW)
            .nonce(n)
            .sign(&key)
            .unwrap()
    };
    passes(&with(&fresh), &request);
    let without = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    assert_eq!(
        check(&without, &request).unwrap_err(),
        dpop_err(DpopError::UseNonce)
    );
    let stale = nonces.current(NOW - 600).unwrap();
    assert_eq!(
        check(&with(&stale), &request).unwrap_err(),
        dpop_err(DpopError::UseNonce)
    );
    assert_eq!(
        check(&with("made-up"), &request).unwrap_err().code(),
        "ERR_DPOP_NONCE"
    );
    // A fixed nonce works as a policy too.
    let fixed = Request::new("POST", HTU).exact_nonce("n-1");
    passes(&with("n-1"), &fixed);
    assert!(check(&with("n-2"), &fixed).is_err());
}

#[test]
fn step_11_iat_must_be_within_the_window() {
    let key = client(Algorithm::ES256);
    let request = Request::new("POST", HTU);
    let at = |iat: i64| {
        ProofBuilder::new("POST", HTU)
            .issued_at(iat)
            .sign(&key)
            .unwrap()
    };
    // Default window: 300 s old plus 60 s leeway, 60 s ahead.
    passes(&at(NOW - 360), &request);
    passes(&at(NOW + 60), &request);
    assert_eq!(check(&at(NOW - 361), &request).unwrap_err(), Error::TooOld);
    assert_eq!(
        check(&at(NOW + 61), &request).unwrap_err(),
        Error::IssuedInFuture
    );
    let strict = options()
        .max_age(Duration::from_secs(10))
        .leeway(Duration::ZERO);
    assert_eq!(
        dpop::verify(&at(NOW - 11), &request, &strict).unwrap_err(),
        Error::TooOld
    );
    // A string iat is not a NumericDate.
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&key)});
    let claims = json!({"jti": "j", "htm": "POST", "htu": HTU, "iat": NOW.to_string()});
    assert!(check(&raw_proof(&key, header, claims), &request).is_err());
}

#[test]
fn step_12_ath_must_hash_the_presented_access_token() {
    let key = client(Algorithm::ES256);
    let request = Request::new("GET", HTU).access_token("token-A");
    let for_token = |t: &str| {
        ProofBuilder::new("GET", HTU)
            .issued_at(NOW)
            .access_token(t)
            .sign(&key)
            .unwrap()
    };
    passes(&for_token("token-A"), &request);
    assert_eq!(
        check(&for_token("token-B"), &request).unwrap_err(),
        dpop_err(DpopError::AccessTokenHash)
    );
    let no_ath = ProofBuilder::new("GET", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    assert_eq!(
        check(&no_ath, &request).unwrap_err(),
        dpop_err(DpopError::AccessTokenHash)
    );
}

#[test]
fn step_12_the_proof_key_must_be_the_key_the_token_is_bound_to() {
    let key = client(Algorithm::ES256);
    let jkt = key.public_jwk().unwrap().thumbprint(ThumbprintHash::Sha256);
    let other = client(Algorithm::ES256);
    let proof = |k: &SigningKey| {
        ProofBuilder::new("GET", HTU)
            .issued_at(NOW)
            .access_token("t")
            .sign(k)
            .unwrap()
    };
    let request = Request::new("GET", HTU).access_token("t").bound_to(&jkt);
    passes(&proof(&key), &request);
    assert_eq!(
        check(&proof(&other), &request).unwrap_err(),
        dpop_err(DpopError::KeyBinding)
    );
}

#[test]
fn replay_a_proof_is_accepted_once() {
    let key = client(Algorithm::ES256);
    let cache = MemoryReplayCache::new(100);
    let request = Request::new("POST", HTU);
    let proof = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .sign(&key)
        .unwrap();
    check(&proof, &request).unwrap().record(&cache).unwrap();
    assert_eq!(
        check(&proof, &request).unwrap().record(&cache).unwrap_err(),
        dpop_err(DpopError::Replay)
    );
    // The same jti from another key is another proof.
    let other = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .jwt_id("shared")
        .sign(&client(Algorithm::ES256))
        .unwrap();
    let mine = ProofBuilder::new("POST", HTU)
        .issued_at(NOW)
        .jwt_id("shared")
        .sign(&key)
        .unwrap();
    check(&other, &request).unwrap().record(&cache).unwrap();
    check(&mine, &request).unwrap().record(&cache).unwrap();
    // An async store: the id, then its answer.
    let checked = check(&proof, &request).unwrap();
    assert_eq!(checked.replay_until(), NOW + 360);
    assert_eq!(checked.replay_id().to_string().len(), 43);
    assert_eq!(
        checked.first_use(false).unwrap_err(),
        dpop_err(DpopError::Replay)
    );
}

#[test]
fn errors_never_echo_the_proof_or_the_token() {
    let key = client(Algorithm::ES256);
    let proof = ProofBuilder::new("GET", HTU)
        .issued_at(NOW)
        .access_token("secret-access-token")
        .sign(&key)
        .unwrap();
    let request = Request::new("GET", HTU).access_token("other-secret-token");
    let err = check(&proof, &request).unwrap_err();
    let shown = format!("{err} {err:?} {request:?}");
    for secret in ["secret-access-token", "other-secret-token", proof.as_str()] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
