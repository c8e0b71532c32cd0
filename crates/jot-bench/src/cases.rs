//! One closure per (row, library): each does exactly one operation on
//! inputs prepared once (keys parsed, tokens made), the way the library's
//! README recommends for production.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{self as sig, ParsedPublicKey};
use aws_lc_rs::{hmac, rand::SystemRandom};
use base64::Engine as _;

use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    KeyManagement,
};
use jot::jwk::Jwk;
use jot::jws;
use jot::jwt::{self, Validation};
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;

pub mod dpop;

pub use dpop::{DPOP_PLAIN_ROW, DPOP_ROW};

use crate::fixtures::{BenchClaims, Custom, KeyMaterial, Keys, AUD, ISS, JTI, SUB, VALID_FOR_SECS};

/// Who does the work in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lib {
    /// This crate's subject.
    Jot,
    /// jsonwebtoken with its aws-lc-rs backend.
    Jsonwebtoken,
    /// jwt-simple (pure-Rust backend).
    JwtSimple,
    /// josekit on the system OpenSSL.
    Josekit,
    /// The bare aws-lc-rs primitive on Jot's signing input, prepared key.
    Floor,
}

impl Lib {
    /// Column order.
    pub const ALL: [Lib; 5] = [
        Lib::Jot,
        Lib::Jsonwebtoken,
        Lib::JwtSimple,
        Lib::Josekit,
        Lib::Floor,
    ];

    /// Column title.
    pub fn name(self) -> &'static str {
        match self {
            Lib::Jot => "jot",
            Lib::Jsonwebtoken => "jsonwebtoken",
            Lib::JwtSimple => "jwt-simple",
            Lib::Josekit => "josekit",
            Lib::Floor => "aws-lc-rs floor",
        }
    }
}

/// One operation to time.
pub struct Case {
    /// Row title, e.g. `"ES256 verify+validate"`.
    pub row: String,
    /// Column.
    pub lib: Lib,
    /// How many tokens one call handles (per-token time = call time / items).
    pub items: u32,
    /// One call.
    pub run: Box<dyn FnMut()>,
}

/// The JWS algorithms of the comparison, in row order.
pub const JWS_ALGS: [Algorithm; 7] = [
    Algorithm::HS256,
    Algorithm::RS256,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::ES512,
    Algorithm::EdDSA,
];

/// Row title of the signing row for `alg`.
pub fn sign_row(alg: Algorithm) -> String {
    format!("{alg} sign")
}

/// Row title of the verification row for `alg`.
pub fn verify_row(alg: Algorithm) -> String {
    format!("{alg} verify+validate")
}

/// Row title of the decode-only row.
pub const DECODE_ROW: &str = "decode only, no verification (HS256 token)";
/// HS256 verify+validate with a claims type that borrows its strings from
/// the payload: jot's `jwt::verify_borrowed`. jsonwebtoken has no borrowing
/// decode, so its column is its owned decode again, and the floor is the
/// HMAC again: the row shows what choosing a borrowing type buys.
pub const BORROWED_ROW: &str = "HS256 verify+validate, borrowing claims type (jot) †";
/// EdDSA token whose signature is wrong but well-formed (`S` shifted by one,
/// still canonical, `R` a curve point): what a flood of invalid tokens costs
/// jot against the bare aws-lc-rs rejection.
pub const ED_INVALID_ROW: &str = "EdDSA verify, invalid signature";
/// Row of 64 EdDSA tokens verified one by one (per token).
pub const ED_SINGLE64_ROW: &str = "EdDSA: 64 tokens one by one (per token)";
/// Row of 64 EdDSA tokens verified with `jws::batch` (per token).
pub const ED_BATCH64_ROW: &str = "EdDSA: 64 tokens with jws::batch (per token)";

/// The JWE rows: (title, `alg`, `enc`).
pub const JWE_ALGS: [&str; 4] = ["dir", "A256KW", "ECDH-ES+A256KW", "RSA-OAEP-256"];

/// Row title of a JWE row.
pub fn jwe_row(alg: &str, encrypt: bool) -> String {
    let what = if encrypt { "encrypt" } else { "decrypt" };
    format!("JWE {alg}+A256GCM {what}")
}

fn material(keys: &Keys, alg: Algorithm) -> &KeyMaterial {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => &keys.rsa,
        Algorithm::ES256 => &keys.p256,
        Algorithm::ES384 => &keys.p384,
        Algorithm::ES512 => &keys.p521,
        _ => &keys.ed25519,
    }
}

/// One timed operation.
pub type Op = Box<dyn FnMut()>;

/// A closure that calls `f` and black-boxes its result.
fn op<T>(mut f: impl FnMut() -> T + 'static) -> Box<dyn FnMut()> {
    Box::new(move || {
        black_box(f());
    })
}

fn case(row: impl Into<String>, lib: Lib, run: Box<dyn FnMut()>) -> Case {
    Case {
        row: row.into(),
        lib,
        items: 1,
        run,
    }
}

// ---------------------------------------------------------------- jot

fn jot_keys(keys: &Keys, alg: Algorithm) -> (SigningKey, VerifyingKey) {
    if alg == Algorithm::HS256 {
        return (
            SigningKey::hmac(&keys.hmac, alg).expect("jot HMAC key"),
            VerifyingKey::hmac(&keys.hmac, alg).expect("jot HMAC key"),
        );
    }
    let m = material(keys, alg);
    (
        SigningKey::from_jwk(&m.jwk, alg).expect("jot signing key"),
        VerifyingKey::from_jwk(&m.public_jwk, alg).expect("jot verifying key"),
    )
}

/// The validation every jot verify uses: issuer and audience required,
/// defaults otherwise (exp required, nbf/iat checked, 60 s leeway).
pub fn jot_validation() -> Validation {
    Validation::new().issuer(ISS).audience(AUD)
}

/// jot's token for `alg` (signed once).
pub fn jot_token(keys: &Keys, alg: Algorithm) -> String {
    jwt::sign(&BenchClaims::new(), &jot_keys(keys, alg).0).expect("jot sign")
}

fn jot_cases(keys: &Keys, alg: Algorithm, out: &mut Vec<Case>) {
    let (sk, vk) = jot_keys(keys, alg);
    let claims = BenchClaims::new();
    let token = jwt::sign(&claims, &sk).expect("jot sign");
    out.push(case(
        sign_row(alg),
        Lib::Jot,
        op(move || jwt::sign(black_box(&claims), &sk).expect("jot sign")),
    ));
    let validation = jot_validation();
    jwt::verify::<BenchClaims>(&token, &vk, &validation).expect("jot verify");
    out.push(case(
        verify_row(alg),
        Lib::Jot,
        op(move || {
            jwt::verify::<BenchClaims>(black_box(&token), &vk, &validation).expect("jot verify")
        }),
    ));
}

// ---------------------------------------------------------------- floor

/// The bare primitive on Jot's signing input (`header.payload`) with a key
/// prepared once: what no JWT library can beat.
fn floor_cases(keys: &Keys, alg: Algorithm, out: &mut Vec<Case>) {
    let token = jot_token(keys, alg);
    let (input, sig_b64) = token.rsplit_once('.').expect("three parts");
    let input = input.as_bytes().to_vec();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sig_b64)
        .expect("signature");
    let m = material(keys, alg);
    let rng = SystemRandom::new();
    let (sign, verify): (Op, Op) = match alg {
        Algorithm::HS256 => {
            let key = hmac::Key::new(hmac::HMAC_SHA256, &keys.hmac);
            let k2 = key.clone();
            let i2 = input.clone();
            (
                op(move || hmac::sign(&key, black_box(&input))),
                op(move || hmac::verify(&k2, black_box(&i2), &signature).expect("floor")),
            )
        }
        Algorithm::RS256 | Algorithm::PS256 => {
            let (enc, ver): (&'static dyn sig::RsaEncoding, _) = if alg == Algorithm::RS256 {
                (&sig::RSA_PKCS1_SHA256, &sig::RSA_PKCS1_2048_8192_SHA256)
            } else {
                (&sig::RSA_PSS_SHA256, &sig::RSA_PSS_2048_8192_SHA256)
            };
            let pair = sig::RsaKeyPair::from_pkcs8(&m.private_der).expect("floor RSA key");
            let public = ParsedPublicKey::new(ver, &m.public_der).expect("floor RSA public key");
            let i2 = input.clone();
            let mut out_sig = vec![0u8; pair.public_modulus_len()];
            (
                op(move || {
                    pair.sign(enc, &rng, black_box(&input), &mut out_sig)
                        .expect("floor")
                }),
                op(move || {
                    public
                        .verify_sig(black_box(&i2), &signature)
                        .expect("floor")
                }),
            )
        }
        Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => {
            let (s, v) = match alg {
                Algorithm::ES256 => (
                    &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &sig::ECDSA_P256_SHA256_FIXED,
                ),
                Algorithm::ES384 => (
                    &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
                    &sig::ECDSA_P384_SHA384_FIXED,
                ),
                _ => (
                    &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
                    &sig::ECDSA_P521_SHA512_FIXED,
                ),
            };
            let pair = sig::EcdsaKeyPair::from_pkcs8(s, &m.private_der).expect("floor EC key");
            let public = ParsedPublicKey::new(v, m.raw_public()).expect("floor EC public key");
            let i2 = input.clone();
            (
                op(move || pair.sign(&rng, black_box(&input)).expect("floor")),
                op(move || {
                    public
                        .verify_sig(black_box(&i2), &signature)
                        .expect("floor")
                }),
            )
        }
        _ => {
            let pair = sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&m.private_der)
                .expect("floor Ed25519 key");
            let public =
                ParsedPublicKey::new(&sig::ED25519, m.raw_public()).expect("floor Ed25519");
            let i2 = input.clone();
            (
                op(move || pair.sign(black_box(&input))),
                op(move || {
                    public
                        .verify_sig(black_box(&i2), &signature)
                        .expect("floor")
                }),
            )
        }
    };
    out.push(case(sign_row(alg), Lib::Floor, sign));
    out.push(case(verify_row(alg), Lib::Floor, verify));
}

// ---------------------------------------------------------------- jsonwebtoken

fn jsonwebtoken_cases(keys: &Keys, alg: Algorithm, out: &mut Vec<Case>) {
    use jsonwebtoken::{self as jt, DecodingKey, EncodingKey};
    let m = material(keys, alg);
    let (a, enc, dec) = match alg {
        Algorithm::HS256 => (
            jt::Algorithm::HS256,
            EncodingKey::from_secret(&keys.hmac),
            DecodingKey::from_secret(&keys.hmac),
        ),
        Algorithm::RS256 | Algorithm::PS256 => (
            if alg == Algorithm::RS256 {
                jt::Algorithm::RS256
            } else {
                jt::Algorithm::PS256
            },
            EncodingKey::from_rsa_pem(m.private_pem.as_bytes()).expect("jsonwebtoken RSA key"),
            DecodingKey::from_rsa_pem(m.public_pem.as_bytes()).expect("jsonwebtoken RSA key"),
        ),
        Algorithm::ES256 | Algorithm::ES384 => (
            if alg == Algorithm::ES256 {
                jt::Algorithm::ES256
            } else {
                jt::Algorithm::ES384
            },
            EncodingKey::from_ec_pem(m.private_pem.as_bytes()).expect("jsonwebtoken EC key"),
            DecodingKey::from_ec_pem(m.public_pem.as_bytes()).expect("jsonwebtoken EC key"),
        ),
        // jsonwebtoken has no ES512.
        Algorithm::ES512 => return,
        _ => (
            jt::Algorithm::EdDSA,
            EncodingKey::from_ed_pem(m.private_pem.as_bytes()).expect("jsonwebtoken Ed key"),
            DecodingKey::from_ed_pem(m.public_pem.as_bytes()).expect("jsonwebtoken Ed key"),
        ),
    };
    let header = jt::Header::new(a);
    let claims = BenchClaims::new();
    let token = jt::encode(&header, &claims, &enc).expect("jsonwebtoken encode");
    out.push(case(
        sign_row(alg),
        Lib::Jsonwebtoken,
        op(move || jt::encode(&header, black_box(&claims), &enc).expect("jsonwebtoken")),
    ));
    let mut validation = jt::Validation::new(a);
    validation.set_issuer(&[ISS]);
    validation.set_audience(&[AUD]);
    jt::decode::<BenchClaims>(&token, &dec, &validation).expect("jsonwebtoken decode");
    out.push(case(
        verify_row(alg),
        Lib::Jsonwebtoken,
        op(move || {
            jt::decode::<BenchClaims>(black_box(&token), &dec, &validation).expect("jsonwebtoken")
        }),
    ));
}

/// jsonwebtoken's token for HS256 (for the decode-only row).
fn jsonwebtoken_hs256_token(keys: &Keys) -> String {
    use jsonwebtoken as jt;
    jt::encode(
        &jt::Header::new(jt::Algorithm::HS256),
        &BenchClaims::new(),
        &jt::EncodingKey::from_secret(&keys.hmac),
    )
    .expect("jsonwebtoken encode")
}

// ---------------------------------------------------------------- jwt-simple

fn jwt_simple_claims() -> jwt_simple::prelude::JWTClaims<Custom> {
    use jwt_simple::prelude::*;
    Claims::with_custom_claims(
        Custom::new(),
        jwt_simple::prelude::Duration::from_secs(VALID_FOR_SECS as u64),
    )
    .with_issuer(ISS)
    .with_subject(SUB)
    .with_audience(AUD)
    .with_jwt_id(JTI)
}

fn jwt_simple_options() -> jwt_simple::prelude::VerificationOptions {
    jwt_simple::prelude::VerificationOptions {
        allowed_issuers: Some(HashSet::from([ISS.to_owned()])),
        allowed_audiences: Some(HashSet::from([AUD.to_owned()])),
        ..Default::default()
    }
}

/// jwt-simple's sign/verify pair for one key type: the key pair and the
/// public key are made once, claims and options cloned per call because its
/// API takes them by value.
macro_rules! jwt_simple_pair {
    ($out:expr, $alg:expr, $pair:expr, $public:expr, $sign:ident) => {{
        use jwt_simple::prelude::*;
        let pair = $pair;
        let public = $public;
        let claims = jwt_simple_claims();
        let token = pair.$sign(claims.clone()).expect("jwt-simple sign");
        $out.push(case(
            sign_row($alg),
            Lib::JwtSimple,
            op(move || pair.$sign(black_box(claims.clone())).expect("jwt-simple")),
        ));
        let options = jwt_simple_options();
        public
            .verify_token::<Custom>(&token, Some(options.clone()))
            .expect("jwt-simple verify");
        $out.push(case(
            verify_row($alg),
            Lib::JwtSimple,
            op(move || {
                public
                    .verify_token::<Custom>(black_box(&token), Some(options.clone()))
                    .expect("jwt-simple")
            }),
        ));
    }};
}

fn jwt_simple_cases(keys: &Keys, alg: Algorithm, out: &mut Vec<Case>) {
    use jwt_simple::prelude::*;
    let m = material(keys, alg);
    match alg {
        Algorithm::HS256 => {
            let key = HS256Key::from_bytes(&keys.hmac);
            jwt_simple_pair!(out, alg, key.clone(), key, authenticate)
        }
        Algorithm::RS256 => {
            let pair = RS256KeyPair::from_pem(&m.private_pem).expect("jwt-simple RSA key");
            let public = pair.public_key();
            jwt_simple_pair!(out, alg, pair, public, sign)
        }
        Algorithm::PS256 => {
            let pair = PS256KeyPair::from_pem(&m.private_pem).expect("jwt-simple RSA key");
            let public = pair.public_key();
            jwt_simple_pair!(out, alg, pair, public, sign)
        }
        Algorithm::ES256 => {
            let pair = ES256KeyPair::from_pem(&m.private_pem).expect("jwt-simple P-256 key");
            let public = pair.public_key();
            jwt_simple_pair!(out, alg, pair, public, sign)
        }
        Algorithm::ES384 => {
            let pair = ES384KeyPair::from_pem(&m.private_pem).expect("jwt-simple P-384 key");
            let public = pair.public_key();
            jwt_simple_pair!(out, alg, pair, public, sign)
        }
        // jwt-simple has no ES512.
        Algorithm::ES512 => {}
        _ => {
            let pair = Ed25519KeyPair::from_pem(&m.private_pem).expect("jwt-simple Ed25519 key");
            let public = pair.public_key();
            jwt_simple_pair!(out, alg, pair, public, sign)
        }
    }
}

// ---------------------------------------------------------------- josekit

fn josekit_payload(claims: &BenchClaims) -> josekit::jwt::JwtPayload {
    let at = |s: i64| UNIX_EPOCH + Duration::from_secs(s as u64);
    let mut p = josekit::jwt::JwtPayload::new();
    p.set_issuer(&claims.iss);
    p.set_subject(&claims.sub);
    p.set_audience(vec![claims.aud.clone()]);
    p.set_expires_at(&at(claims.exp));
    p.set_not_before(&at(claims.nbf));
    p.set_issued_at(&at(claims.iat));
    p.set_jwt_id(&claims.jti);
    let custom = serde_json::to_value(Custom::new()).expect("custom claims");
    for (k, v) in custom.as_object().expect("object") {
        p.set_claim(k, Some(v.clone())).expect("josekit claim");
    }
    p
}

fn josekit_jwk(jwk: &Jwk) -> josekit::jwk::Jwk {
    josekit::jwk::Jwk::from_bytes(jwk.to_json().as_bytes()).expect("josekit JWK")
}

fn josekit_cases(keys: &Keys, alg: Algorithm, out: &mut Vec<Case>) {
    use josekit::jws::{EdDSA, JwsHeader, JwsSigner, JwsVerifier, ES256, ES384, ES512, HS256};
    use josekit::jws::{PS256, RS256};
    use josekit::jwt::{self as jk, JwtPayloadValidator};
    let m = material(keys, alg);
    let (signer, verifier): (Box<dyn JwsSigner>, Box<dyn JwsVerifier>) = match alg {
        Algorithm::HS256 => (
            Box::new(HS256.signer_from_bytes(&keys.hmac).expect("josekit")),
            Box::new(HS256.verifier_from_bytes(&keys.hmac).expect("josekit")),
        ),
        Algorithm::RS256 => (
            Box::new(RS256.signer_from_pem(&m.private_pem).expect("josekit")),
            Box::new(RS256.verifier_from_pem(&m.public_pem).expect("josekit")),
        ),
        Algorithm::PS256 => (
            // josekit reads only RSASSA-PSS-typed PEM for PS256; the JWK
            // of the same key is the documented alternative.
            Box::new(
                PS256
                    .signer_from_jwk(&josekit_jwk(&m.jwk))
                    .expect("josekit"),
            ),
            Box::new(
                PS256
                    .verifier_from_jwk(&josekit_jwk(&m.public_jwk))
                    .expect("josekit"),
            ),
        ),
        Algorithm::ES256 => (
            Box::new(ES256.signer_from_pem(&m.private_pem).expect("josekit")),
            Box::new(ES256.verifier_from_pem(&m.public_pem).expect("josekit")),
        ),
        Algorithm::ES384 => (
            Box::new(ES384.signer_from_pem(&m.private_pem).expect("josekit")),
            Box::new(ES384.verifier_from_pem(&m.public_pem).expect("josekit")),
        ),
        Algorithm::ES512 => (
            Box::new(ES512.signer_from_pem(&m.private_pem).expect("josekit")),
            Box::new(ES512.verifier_from_pem(&m.public_pem).expect("josekit")),
        ),
        _ => (
            Box::new(EdDSA.signer_from_pem(&m.private_pem).expect("josekit")),
            Box::new(EdDSA.verifier_from_pem(&m.public_pem).expect("josekit")),
        ),
    };
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    let payload = josekit_payload(&BenchClaims::new());
    let token = jk::encode_with_signer(&payload, &header, &*signer).expect("josekit sign");
    out.push(case(
        sign_row(alg),
        Lib::Josekit,
        op(move || {
            jk::encode_with_signer(black_box(&payload), &header, &*signer).expect("josekit")
        }),
    ));
    let mut validator = JwtPayloadValidator::new();
    validator.set_issuer(ISS);
    validator.set_audience(AUD);
    let verify = move || {
        let (payload, header) = jk::decode_with_verifier(black_box(&token), &*verifier)?;
        validator.validate(&payload)?;
        Ok::<_, josekit::JoseError>((payload, header))
    };
    verify().expect("josekit verify");
    out.push(case(
        verify_row(alg),
        Lib::Josekit,
        op(move || verify().expect("josekit")),
    ));
}

// ---------------------------------------------------------------- JWE

fn jot_jwe_keys(keys: &Keys, alg: &str) -> (EncryptionKey, DecryptionKey) {
    let km = KeyManagement::from_name(alg).expect("alg");
    let from_jwk = |public: &Jwk, private: &Jwk| {
        (
            EncryptionKey::from_jwk(public, km).expect("jot JWE key"),
            DecryptionKey::from_jwk(private, km).expect("jot JWE key"),
        )
    };
    match alg {
        "dir" | "A256KW" => (
            EncryptionKey::secret(&keys.aes256, km).expect("jot JWE key"),
            DecryptionKey::secret(&keys.aes256, km).expect("jot JWE key"),
        ),
        "ECDH-ES+A256KW" => from_jwk(&keys.p256.public_jwk, &keys.p256.jwk),
        _ => from_jwk(&keys.rsa.public_jwk, &keys.rsa.jwk),
    }
}

fn jwe_cases(keys: &Keys, alg: &'static str, out: &mut Vec<Case>) {
    let plaintext = serde_json::to_vec(&BenchClaims::new()).expect("claims");

    let (ek, dk) = jot_jwe_keys(keys, alg);
    let opts = EncryptOptions::new(ContentEncryption::A256Gcm);
    let dopts = DecryptOptions::new();
    let token = jwe::compact::encrypt(&plaintext, &ek, &opts).expect("jot encrypt");
    jwe::compact::decrypt(&token, &dk, &dopts).expect("jot decrypt");
    let p = plaintext.clone();
    out.push(case(
        jwe_row(alg, true),
        Lib::Jot,
        op(move || jwe::compact::encrypt(black_box(&p), &ek, &opts).expect("jot")),
    ));
    out.push(case(
        jwe_row(alg, false),
        Lib::Jot,
        op(move || jwe::compact::decrypt(black_box(&token), &dk, &dopts).expect("jot")),
    ));

    use josekit::jwe::{JweDecrypter, JweEncrypter, JweHeader};
    use josekit::jwe::{A256KW, ECDH_ES_A256KW, RSA_OAEP_256};
    let (enc, dec): (Box<dyn JweEncrypter>, Box<dyn JweDecrypter>) = match alg {
        "dir" => (
            Box::new(
                josekit::jwe::Dir
                    .encrypter_from_bytes(&keys.aes256)
                    .expect("josekit"),
            ),
            Box::new(
                josekit::jwe::Dir
                    .decrypter_from_bytes(&keys.aes256)
                    .expect("josekit"),
            ),
        ),
        "A256KW" => (
            Box::new(A256KW.encrypter_from_bytes(&keys.aes256).expect("josekit")),
            Box::new(A256KW.decrypter_from_bytes(&keys.aes256).expect("josekit")),
        ),
        "ECDH-ES+A256KW" => (
            Box::new(
                ECDH_ES_A256KW
                    .encrypter_from_pem(&keys.p256.public_pem)
                    .expect("josekit"),
            ),
            Box::new(
                ECDH_ES_A256KW
                    .decrypter_from_pem(&keys.p256.private_pem)
                    .expect("josekit"),
            ),
        ),
        _ => (
            Box::new(
                RSA_OAEP_256
                    .encrypter_from_pem(&keys.rsa.public_pem)
                    .expect("josekit"),
            ),
            Box::new(
                RSA_OAEP_256
                    .decrypter_from_pem(&keys.rsa.private_pem)
                    .expect("josekit"),
            ),
        ),
    };
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    let token = josekit::jwe::serialize_compact(&plaintext, &header, &*enc).expect("josekit");
    josekit::jwe::deserialize_compact(&token, &*dec).expect("josekit decrypt");
    out.push(case(
        jwe_row(alg, true),
        Lib::Josekit,
        op(move || {
            josekit::jwe::serialize_compact(black_box(&plaintext), &header, &*enc).expect("josekit")
        }),
    ));
    out.push(case(
        jwe_row(alg, false),
        Lib::Josekit,
        op(move || josekit::jwe::deserialize_compact(black_box(&token), &*dec).expect("josekit")),
    ));
}

// ---------------------------------------------------------------- decode only

fn decode_cases(keys: &Keys, out: &mut Vec<Case>) {
    let token = jot_token(keys, Algorithm::HS256);
    let t2 = token.clone();
    out.push(case(
        DECODE_ROW,
        Lib::Jot,
        op(move || {
            let u = jws::compact::decode_unverified(black_box(&token), &Default::default())
                .expect("jot decode");
            serde_json::from_slice::<BenchClaims>(&u.payload).expect("claims")
        }),
    ));
    let token = jsonwebtoken_hs256_token(keys);
    out.push(case(
        DECODE_ROW,
        Lib::Jsonwebtoken,
        op(move || {
            jsonwebtoken::dangerous::insecure_decode::<BenchClaims>(black_box(&token))
                .expect("jsonwebtoken")
        }),
    ));
    // The floor: split, strict base64url of the payload, typed JSON.
    out.push(case(
        DECODE_ROW,
        Lib::Floor,
        op(move || {
            let payload = black_box(&t2).split('.').nth(1).expect("payload");
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .expect("base64");
            serde_json::from_slice::<BenchClaims>(&bytes).expect("claims")
        }),
    ));
}

// ---------------------------------------------------------------- batch

/// 64 EdDSA tokens from one issuer, each with its own `jti`.
pub fn eddsa_tokens(keys: &Keys, n: usize) -> Vec<String> {
    let (sk, _) = jot_keys(keys, Algorithm::EdDSA);
    (0..n)
        .map(|i| {
            let mut c = BenchClaims::new();
            c.jti = format!("{JTI}-{i:04}");
            jwt::sign(&c, &sk).expect("jot sign")
        })
        .collect()
}

fn batch_cases(keys: &Keys, out: &mut Vec<Case>) {
    let (_, vk) = jot_keys(keys, Algorithm::EdDSA);
    let tokens = eddsa_tokens(keys, 64);
    let t2 = tokens.clone();
    let vk2 = vk.clone();
    out.push(Case {
        row: ED_SINGLE64_ROW.into(),
        lib: Lib::Jot,
        items: 64,
        run: Box::new(move || {
            for t in &tokens {
                black_box(
                    jws::compact::verify(black_box(t), &vk, &Default::default())
                        .expect("jot verify"),
                );
            }
        }),
    });
    let batch = jws::batch::Ed25519Batch::new(&vk2).expect("batch key");
    let refs: Vec<&'static str> = t2
        .into_iter()
        .map(|t| &*Box::leak(t.into_boxed_str()))
        .collect();
    assert!(batch
        .verify(&refs, &Default::default())
        .iter()
        .all(Result::is_ok));
    out.push(Case {
        row: ED_BATCH64_ROW.into(),
        lib: Lib::Jot,
        items: 64,
        run: Box::new(move || {
            black_box(batch.verify(black_box(&refs), &Default::default()));
        }),
    });
}

/// jot's EdDSA token with the first byte of `S` changed by one (the top
/// byte is untouched, so `S < L` still holds): rejected only by the
/// signature equation, after every cheaper check has passed.
pub fn eddsa_invalid_token(keys: &Keys) -> (String, Vec<u8>, Vec<u8>) {
    let token = jot_token(keys, Algorithm::EdDSA);
    let (input, sig_b64) = token.rsplit_once('.').expect("three parts");
    let b64 = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut sig = b64.decode(sig_b64).expect("signature");
    sig[32] ^= 1;
    let bad = format!("{input}.{}", b64.encode(&sig));
    (bad, input.as_bytes().to_vec(), sig)
}

fn invalid_signature_cases(keys: &Keys, out: &mut Vec<Case>) {
    let (_, vk) = jot_keys(keys, Algorithm::EdDSA);
    let (token, input, sig) = eddsa_invalid_token(keys);
    let validation = jot_validation();
    out.push(case(
        ED_INVALID_ROW,
        Lib::Jot,
        op(move || {
            let r = jwt::verify::<BenchClaims>(black_box(&token), &vk, &validation);
            assert!(matches!(r, Err(jot::Error::InvalidSignature)));
        }),
    ));
    let public = ParsedPublicKey::new(&sig::ED25519, material(keys, Algorithm::EdDSA).raw_public())
        .expect("floor Ed25519");
    out.push(case(
        ED_INVALID_ROW,
        Lib::Floor,
        op(move || assert!(public.verify_sig(black_box(&input), &sig).is_err())),
    ));
}

fn borrowed_cases(keys: &Keys, out: &mut Vec<Case>) {
    use crate::fixtures::BorrowedClaims;
    let alg = Algorithm::HS256;
    let (_, vk) = jot_keys(keys, alg);
    let token = jot_token(keys, alg);
    let validation = jot_validation();
    let mut buffer = Vec::new();
    out.push(case(
        BORROWED_ROW.to_owned(),
        Lib::Jot,
        op(move || {
            let v = jwt::verify_borrowed::<BorrowedClaims<'_>>(
                black_box(&token),
                &vk,
                &validation,
                &mut buffer,
            )
            .expect("jot verify_borrowed");
            black_box(v.claims.exp);
        }),
    ));
    // jsonwebtoken's and the floor's HS256 verify cases again, under this
    // row's title.
    let mut others = Vec::new();
    jsonwebtoken_cases(keys, alg, &mut others);
    floor_cases(keys, alg, &mut others);
    let verify = verify_row(alg);
    out.extend(others.into_iter().filter(|c| c.row == verify).map(|mut c| {
        c.row = BORROWED_ROW.to_owned();
        c
    }));
}

/// Every case of the comparison, inputs prepared and checked (each closure
/// has run once successfully).
pub fn all(keys: &Keys) -> Vec<Case> {
    let mut out = Vec::new();
    for alg in JWS_ALGS {
        jot_cases(keys, alg, &mut out);
        jsonwebtoken_cases(keys, alg, &mut out);
        jwt_simple_cases(keys, alg, &mut out);
        josekit_cases(keys, alg, &mut out);
        floor_cases(keys, alg, &mut out);
    }
    for alg in JWE_ALGS {
        jwe_cases(keys, alg, &mut out);
    }
    borrowed_cases(keys, &mut out);
    decode_cases(keys, &mut out);
    invalid_signature_cases(keys, &mut out);
    batch_cases(keys, &mut out);
    crate::pq::cases(keys, &mut out);
    dpop::cases(keys, &mut out);
    for c in &mut out {
        (c.run)();
    }
    out
}

/// The wall clock now, for the report.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Allocation probes for jot beyond the timed cases: where its verify
/// allocates, step by step, for `alg`.
pub fn jot_alloc_probes(keys: &Keys, alg: Algorithm) -> Vec<(String, Box<dyn FnMut()>)> {
    let (_, vk) = jot_keys(keys, alg);
    let token = jot_token(keys, alg);
    let (t1, t2, t3, k1, k2, k3) = (
        token.clone(),
        token.clone(),
        token,
        vk.clone(),
        vk.clone(),
        vk,
    );
    let validation = jot_validation();
    let mut buffer = Vec::new();
    vec![
        (
            format!("jot {alg}: jws::compact::verify only (header + signature + payload decode)"),
            op(move || {
                jws::compact::verify(black_box(&t1), &k1, &Default::default()).expect("jot")
            }),
        ),
        (
            format!("jot {alg}: compact::verify + borrowed claims struct (no claim validation)"),
            op(move || {
                let v =
                    jws::compact::verify(black_box(&t2), &k2, &Default::default()).expect("jot");
                let c: crate::fixtures::BorrowedClaims<'_> =
                    serde_json::from_slice(&v.payload).expect("claims");
                black_box(c.exp)
            }),
        ),
        (
            format!(
                "jot {alg}: jwt::verify_borrowed + borrowed claims, full validation, reused buffer"
            ),
            op(move || {
                let v = jwt::verify_borrowed::<crate::fixtures::BorrowedClaims<'_>>(
                    black_box(&t3),
                    &k3,
                    &validation,
                    &mut buffer,
                )
                .expect("jot");
                black_box(v.claims.exp);
            }),
        ),
    ]
}
