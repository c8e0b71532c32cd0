//! Issue 15: what checking a DPoP proof costs next to verifying a plain
//! ES256 JWT of the same size with a prepared key. The proof brings its
//! own key, so its row also pays for parsing that JWK into a key, its
//! thumbprint, the `htu` normalisation and the `ath` hash.

use std::hint::black_box;
use std::time::Duration;

use jot::dpop::{self, ProofBuilder, ProofOptions, Request};
use jot::jwt::{self, Validation};
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;
use serde::{Deserialize, Serialize};

use super::{case, material, op, Case, Lib, Op};
use crate::fixtures::{KeyMaterial, Keys};

/// The DPoP row. The replay check (`CheckedProof::record`) is left out:
/// it is a lookup in the caller's store, and timing it would either refuse
/// the proof from the second call on or time a fresh cache each call.
pub const DPOP_ROW: &str =
    "ES256 DPoP proof verify (htm, htu, ath, iat, thumbprint; no replay check)";
/// The plain row it is compared with.
pub const DPOP_PLAIN_ROW: &str = "ES256 verify+validate, a JWT of the DPoP proof's size";

const HTU: &str = "https://api.example.com/orders/42";
const ACCESS_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLThhMWYzYzJlIn0.c2lnbmF0dXJl";
/// Both tokens are checked at their `iat`: no clock read on either side,
/// and no expiry however long the run.
const IAT: i64 = 1_700_000_000;

/// The proof's claims, as a plain token carries them.
#[derive(Serialize, Deserialize)]
struct ProofLike {
    jti: String,
    htm: String,
    htu: String,
    iat: i64,
    ath: String,
}

pub(super) fn cases(keys: &Keys, out: &mut Vec<Case>) {
    let (proof, plain) = pair(material(keys, Algorithm::ES256));
    out.push(case(DPOP_ROW, Lib::Jot, proof));
    out.push(case(DPOP_PLAIN_ROW, Lib::Jot, plain));
}

/// The two operations the rows time, on the P-256 key `m`: checking the
/// proof, and verifying the plain JWT of its size (also run under
/// callgrind by the `profile` binary, `dpop` and `dpop-plain`).
pub fn pair(m: &KeyMaterial) -> (Op, Op) {
    let client = SigningKey::from_jwk(&m.jwk, Algorithm::ES256).expect("client key");
    let proof = ProofBuilder::new("POST", HTU)
        .access_token(ACCESS_TOKEN)
        .issued_at(IAT)
        .jwt_id("0f8c9d2a7b4e4c1d8e3f5a6b")
        .sign(&client)
        .expect("proof");
    let jkt = m.public_jwk.thumbprint(jot::jwk::ThumbprintHash::Sha256);
    let options = ProofOptions::new().algorithms(&[Algorithm::ES256]).at(IAT);
    let check = move || {
        let request = Request::new("POST", HTU)
            .access_token(ACCESS_TOKEN)
            .bound_to(&jkt);
        dpop::verify(black_box(&proof), &request, &options).expect("jot dpop verify")
    };
    let checked = check();
    assert_eq!(checked.replay_id().to_string().len(), 43);

    // The same claims, and a header member as long as the proof's `jwk`,
    // in a JWT verified with the key prepared once.
    let jwk_len = serde_json::to_string(&m.public_jwk).expect("jwk").len();
    let plain = jwt::Builder::from_claims(&ProofLike {
        jti: "0f8c9d2a7b4e4c1d8e3f5a6b".into(),
        htm: "POST".into(),
        htu: HTU.into(),
        iat: IAT,
        ath: dpop::access_token_hash(ACCESS_TOKEN),
    })
    .expect("builder")
    .at(IAT)
    .key_id("k".repeat(jwk_len))
    .sign(&client)
    .expect("plain sign");
    let vk = VerifyingKey::from_jwk(&m.public_jwk, Algorithm::ES256).expect("jot verifying key");
    let validation = Validation::new()
        .algorithms(&[Algorithm::ES256])
        .allow_missing_exp()
        .insecure_skip_audience()
        .require("jti")
        .require("iat")
        .max_age(Duration::from_secs(300))
        .at(IAT);
    jwt::verify::<ProofLike>(&plain, &vk, &validation).expect("jot verify");

    (
        op(check),
        op(move || {
            jwt::verify::<ProofLike>(black_box(&plain), &vk, &validation).expect("jot verify")
        }),
    )
}
