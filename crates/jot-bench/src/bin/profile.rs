//! A small target for `perf record` / callgrind: verifies (or signs) jot's
//! token for one algorithm `N` times.
//!
//! `cargo run -p jot-bench --release --bin profile -- HS256 verify 100000`
//! (`sign`, `verify`, or `jws` for the signature check alone).
//!
//! `profile -- ES256 dpop N` and `profile -- ES256 dpop-plain N` run the
//! two operations of the DPoP benchmark rows (issue 15). Under
//! `valgrind --tool=callgrind` the difference between two values of `N`
//! is the instruction count of `N` operations without the set-up: a ratio
//! that the load of a shared machine does not move.
//!
//! `PROFILE_KEY=FILE` signs and verifies with the private JWK in `FILE`
//! (`jot key generate --alg RS256 --out FILE`) instead of a new key: RSA
//! key generation costs a different number of instructions every run,
//! which would not cancel between the two runs otherwise.

use std::hint::black_box;

use jot::jwt;
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;
use jot_bench::cases::jot_validation;
use jot_bench::fixtures::BenchClaims;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let alg = Algorithm::from_name(args.get(1).map_or("HS256", String::as_str)).expect("alg");
    let op = args.get(2).cloned().unwrap_or_else(|| "verify".into());
    let n: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    if op == "dpop" || op == "dpop-plain" {
        let m =
            jot_bench::fixtures::KeyMaterial::new(jot::key::KeySpec::Ec(jot::jwk::EcCurve::P256));
        let (mut proof, mut plain) = jot_bench::cases::dpop::pair(&m);
        let run = if op == "dpop" { &mut proof } else { &mut plain };
        for _ in 0..n {
            run();
        }
        return;
    }
    // Only the one key, so that key generation stays out of the profile.
    let (sk, vk, public) = if alg == Algorithm::HS256 {
        let secret = [0x5au8; 32];
        (
            SigningKey::hmac(&secret, alg).expect("key"),
            VerifyingKey::hmac(&secret, alg).expect("key"),
            None,
        )
    } else {
        let jwk = match std::env::var("PROFILE_KEY") {
            Ok(f) => jot::jwk::Jwk::from_json(&std::fs::read(f).unwrap(), &Default::default())
                .expect("key file"),
            Err(_) => jot::key::generate_for(alg).expect("key"),
        };
        let public = jwk.to_public().expect("public");
        (
            SigningKey::from_jwk(&jwk, alg).expect("key"),
            VerifyingKey::from_jwk(&public, alg).expect("key"),
            Some(public),
        )
    };
    let token = jwt::sign(&BenchClaims::new(), &sk).expect("sign");
    if op == "floor" {
        floor(alg, &public, &token, n);
        return;
    }
    let claims = BenchClaims::new();
    let validation = jot_validation();
    for _ in 0..n {
        if op == "sign" {
            black_box(jwt::sign(black_box(&claims), &sk).expect("sign"));
        } else if op == "jws" {
            black_box(
                jot::jws::compact::verify(black_box(&token), &vk, &Default::default())
                    .expect("verify"),
            );
        } else {
            black_box(
                jwt::verify::<BenchClaims>(black_box(&token), &vk, &validation).expect("verify"),
            );
        }
    }
}

/// `profile -- ML-DSA-44 floor N`: aws-lc-rs's own verification of the
/// token's signature, no base64 and no JSON, for the ML-DSA rows' floor.
fn floor(alg: Algorithm, public: &Option<jot::jwk::Jwk>, token: &str, n: u64) {
    use aws_lc_rs::signature::{ParsedPublicKey, ML_DSA_44, ML_DSA_65, ML_DSA_87};
    use base64::Engine as _;
    let verification = match alg {
        Algorithm::MlDsa44 => &ML_DSA_44,
        Algorithm::MlDsa65 => &ML_DSA_65,
        Algorithm::MlDsa87 => &ML_DSA_87,
        other => panic!("the floor op is for ML-DSA, not {other}"),
    };
    let Some(jot::jwk::Jwk {
        params: jot::jwk::KeyParams::Akp(akp),
        ..
    }) = public
    else {
        panic!("an AKP public key")
    };
    let key = ParsedPublicKey::new(verification, &akp.public).expect("public key");
    let (input, sig) = token.rsplit_once('.').expect("three parts");
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sig)
        .expect("signature");
    for _ in 0..n {
        key.verify_sig(black_box(input.as_bytes()), black_box(&sig))
            .expect("verify");
    }
}
