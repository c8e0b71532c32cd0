//! ML-DSA (FIPS 204) rows: jot against the bare aws-lc-rs primitive, and a
//! section that sets them beside Ed25519 (time and token size), the
//! classical signature they would replace. No other library in the
//! comparison has ML-DSA, so their columns stay empty.

use std::fmt::Write as _;
use std::hint::black_box;

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::signature::{
    KeyPair, ParsedPublicKey, PqdsaKeyPair, PqdsaSigningAlgorithm, PqdsaVerificationAlgorithm,
    ML_DSA_44, ML_DSA_44_SIGNING, ML_DSA_65, ML_DSA_65_SIGNING, ML_DSA_87, ML_DSA_87_SIGNING,
};
use base64::Engine as _;
use jot::jwk::Jwk;
use jot::jwt;
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;

use crate::cases::{self, jot_validation, sign_row, verify_row, Case, Lib};
use crate::fixtures::{BenchClaims, Keys};
use crate::report::{fmt_ns, Table};

/// The parameter sets, in row order.
pub const ML_DSA: [Algorithm; 3] = [Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87];

fn aws(
    alg: Algorithm,
) -> (
    &'static PqdsaSigningAlgorithm,
    &'static PqdsaVerificationAlgorithm,
) {
    match alg {
        Algorithm::MlDsa44 => (&ML_DSA_44_SIGNING, &ML_DSA_44),
        Algorithm::MlDsa65 => (&ML_DSA_65_SIGNING, &ML_DSA_65),
        Algorithm::MlDsa87 => (&ML_DSA_87_SIGNING, &ML_DSA_87),
        other => panic!("{other} is not ML-DSA"),
    }
}

/// One key per parameter set, made from a random seed, as aws-lc-rs's key
/// pair and as the AKP JWK jot reads (`pub` and the seed as `priv`).
struct Material {
    pair: PqdsaKeyPair,
    private: Jwk,
    public: Jwk,
}

fn material(alg: Algorithm) -> Material {
    let mut seed = [0u8; 32];
    SystemRandom::new().fill(&mut seed).expect("random seed");
    let pair = PqdsaKeyPair::from_seed(aws(alg).0, &seed).expect("ML-DSA key from seed");
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let public = serde_json::json!({
        "kty": "AKP",
        "alg": alg.name(),
        "pub": b64(pair.public_key().as_ref()),
    });
    let mut private = public.clone();
    private["priv"] = b64(&seed).into();
    let jwk = |v: serde_json::Value| Jwk::from_json(v.to_string().as_bytes(), &Default::default());
    Material {
        pair,
        private: jwk(private).expect("ML-DSA private JWK"),
        public: jwk(public).expect("ML-DSA public JWK"),
    }
}

fn op<T>(mut f: impl FnMut() -> T + 'static) -> Box<dyn FnMut()> {
    Box::new(move || {
        black_box(f());
    })
}

fn case(row: String, lib: Lib, run: Box<dyn FnMut()>) -> Case {
    Case {
        row,
        lib,
        items: 1,
        run,
    }
}

/// The sign and verify+validate rows of every ML-DSA parameter set, for jot
/// and the floor (`PqdsaKeyPair::sign` and `ParsedPublicKey::verify_sig` on
/// jot's signing input).
pub fn cases(_keys: &Keys, out: &mut Vec<Case>) {
    for alg in ML_DSA {
        let m = material(alg);
        let sk = SigningKey::from_jwk(&m.private, alg).expect("jot ML-DSA signing key");
        let vk = VerifyingKey::from_jwk(&m.public, alg).expect("jot ML-DSA verifying key");
        let claims = BenchClaims::new();
        let token = jwt::sign(&claims, &sk).expect("jot sign");
        let validation = jot_validation();
        jwt::verify::<BenchClaims>(&token, &vk, &validation).expect("jot verify");

        let (input, sig_b64) = token.rsplit_once('.').expect("three parts");
        let input = input.as_bytes().to_vec();
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig_b64)
            .expect("signature");
        let public = ParsedPublicKey::new(aws(alg).1, m.pair.public_key().as_ref())
            .expect("floor ML-DSA public key");
        let floor_input = input.clone();
        let pair = m.pair;
        let mut floor_sig = vec![0u8; signature.len()];

        out.push(case(
            sign_row(alg),
            Lib::Jot,
            op(move || jwt::sign(black_box(&claims), &sk).expect("jot sign")),
        ));
        out.push(case(
            verify_row(alg),
            Lib::Jot,
            op(move || {
                jwt::verify::<BenchClaims>(black_box(&token), &vk, &validation).expect("jot verify")
            }),
        ));
        out.push(case(
            sign_row(alg),
            Lib::Floor,
            op(move || {
                pair.sign(black_box(&floor_input), &mut floor_sig)
                    .expect("floor")
            }),
        ));
        out.push(case(
            verify_row(alg),
            Lib::Floor,
            op(move || {
                public
                    .verify_sig(black_box(&input), &signature)
                    .expect("floor")
            }),
        ));
    }
}

/// The length in bytes of jot's token over the bench claims for `alg`.
fn token_len(keys: &Keys, alg: Algorithm) -> usize {
    if alg == Algorithm::EdDSA {
        return cases::jot_token(keys, alg).len();
    }
    let m = material(alg);
    let sk = SigningKey::from_jwk(&m.private, alg).expect("jot ML-DSA signing key");
    jwt::sign(&BenchClaims::new(), &sk).map_or(0, |t| t.len())
}

/// "ML-DSA beside Ed25519": jot's medians for each parameter set as
/// multiples of jot's EdDSA rows of the same run, and the token sizes.
pub fn section(t: &Table, keys: &Keys) -> String {
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "## ML-DSA (post-quantum) beside Ed25519\n");
    let _ = writeln!(
        w,
        "jot's medians from the table above; \"× EdDSA\" divides by jot's EdDSA row of the same \
         run. Token: the compact JWT over the same claims set (the signature is 2 420, 3 309 or \
         4 627 bytes before base64url, against Ed25519's 64).\n"
    );
    let _ = writeln!(
        w,
        "| algorithm | sign | × EdDSA | verify+validate | × EdDSA | token bytes |\n\
         |---|---:|---:|---:|---:|---:|"
    );
    let ed_sign = t.get(&sign_row(Algorithm::EdDSA), Lib::Jot);
    let ed_verify = t.get(&verify_row(Algorithm::EdDSA), Lib::Jot);
    let ratio = |a: Option<f64>, b: Option<f64>| {
        a.zip(b)
            .map_or("—".to_owned(), |(a, b)| format!("{:.2}×", a / b))
    };
    let cell = |v: Option<f64>| v.map_or("—".to_owned(), fmt_ns);
    for alg in std::iter::once(Algorithm::EdDSA).chain(ML_DSA) {
        let s = t.get(&sign_row(alg), Lib::Jot);
        let v = t.get(&verify_row(alg), Lib::Jot);
        let _ = writeln!(
            w,
            "| {alg} | {} | {} | {} | {} | {} |",
            cell(s),
            ratio(s, ed_sign),
            cell(v),
            ratio(v, ed_verify),
            token_len(keys, alg)
        );
    }
    md
}
