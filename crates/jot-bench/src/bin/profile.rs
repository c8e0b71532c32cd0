//! A small target for `perf record` / callgrind: verifies (or signs) jot's
//! token for one algorithm `N` times.
//!
//! `cargo run -p jot-bench --release --bin profile -- HS256 verify 100000`
//! (`sign`, `verify`, or `jws` for the signature check alone).

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
    // Only the one key, so that key generation stays out of the profile.
    let (sk, vk) = if alg == Algorithm::HS256 {
        let secret = [0x5au8; 32];
        (
            SigningKey::hmac(&secret, alg).expect("key"),
            VerifyingKey::hmac(&secret, alg).expect("key"),
        )
    } else {
        let jwk = jot::key::generate_for(alg).expect("key");
        (
            SigningKey::from_jwk(&jwk, alg).expect("key"),
            VerifyingKey::from_jwk(&jwk.to_public().expect("public"), alg).expect("key"),
        )
    };
    let token = jwt::sign(&BenchClaims::new(), &sk).expect("sign");
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
