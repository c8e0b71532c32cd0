//! The one input everybody gets: a ~300-byte claims set and one key per
//! algorithm, generated once and exported to whatever each library reads.

use jot::jwk::{EcCurve, Jwk, KeyParams, OkpCurve};
use jot::key::{generate, KeySpec};
use serde::{Deserialize, Serialize};

/// Issuer every token names and every verifier requires.
pub const ISS: &str = "https://issuer.example.com";
/// Audience every token names and every verifier requires.
pub const AUD: &str = "https://api.example.com/orders";
/// Subject.
pub const SUB: &str = "user-8a1f3c2e-5b7d-4e90";
/// Token id.
pub const JTI: &str = "0f8c9d2a-7b4e-4c1d-8e3f-5a6b7c8d9e0f";

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Far enough ahead that no run ever sees an expired token.
pub const VALID_FOR_SECS: i64 = 10 * 365 * 24 * 3600;

/// The claims set: the seven registered claims and a few custom ones, as
/// one plain struct (the shape jot's and jsonwebtoken's READMEs show;
/// `#[serde(flatten)]` would cost every library that uses it ~25 % of its
/// claims parsing). jwt-simple gets the same JSON through its
/// `JWTClaims<Custom>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchClaims {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud`.
    pub aud: String,
    /// `exp`.
    pub exp: i64,
    /// `nbf`.
    pub nbf: i64,
    /// `iat`.
    pub iat: i64,
    /// `jti`.
    pub jti: String,
    /// A display name.
    pub name: String,
    /// Roles.
    pub roles: Vec<String>,
    /// OAuth scope.
    pub scope: String,
    /// Tenant id.
    pub tid: u32,
}

/// The custom claims (also what jwt-simple calls its custom claims).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Custom {
    /// A display name.
    pub name: String,
    /// Roles.
    pub roles: Vec<String>,
    /// OAuth scope.
    pub scope: String,
    /// Tenant id.
    pub tid: u32,
}

/// The same claims with every string borrowed from the decoded payload: the
/// type an allocation-free verify would deserialize into.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct BorrowedClaims<'a> {
    /// `iss`.
    #[serde(borrow)]
    pub iss: &'a str,
    /// `sub`.
    #[serde(borrow)]
    pub sub: &'a str,
    /// `aud`.
    #[serde(borrow)]
    pub aud: &'a str,
    /// `exp`.
    pub exp: i64,
    /// `nbf`.
    pub nbf: i64,
    /// `iat`.
    pub iat: i64,
    /// `jti`.
    #[serde(borrow)]
    pub jti: &'a str,
    /// `name`.
    #[serde(borrow)]
    pub name: &'a str,
    /// `roles` (the one allocation: the `Vec`).
    #[serde(borrow)]
    pub roles: Vec<&'a str>,
    /// `scope`.
    #[serde(borrow)]
    pub scope: &'a str,
    /// `tid`.
    pub tid: u32,
}

impl BenchClaims {
    /// The claims, issued now and valid for [`VALID_FOR_SECS`].
    pub fn new() -> Self {
        let now = now();
        BenchClaims {
            iss: ISS.into(),
            sub: SUB.into(),
            aud: AUD.into(),
            exp: now + VALID_FOR_SECS,
            nbf: now,
            iat: now,
            jti: JTI.into(),
            name: Custom::new().name,
            roles: Custom::new().roles,
            scope: Custom::new().scope,
            tid: Custom::new().tid,
        }
    }
}

impl Default for BenchClaims {
    fn default() -> Self {
        Self::new()
    }
}

impl Custom {
    /// The fixed custom claims.
    pub fn new() -> Self {
        Custom {
            name: "Ada Lovelace".into(),
            roles: vec!["orders:read".into(), "orders:write".into()],
            scope: "openid profile email".into(),
            tid: 4711,
        }
    }
}

impl Default for Custom {
    fn default() -> Self {
        Self::new()
    }
}

/// One key in every form the libraries read.
pub struct KeyMaterial {
    /// The private JWK (Jot's native form).
    pub jwk: Jwk,
    /// The public JWK.
    pub public_jwk: Jwk,
    /// PKCS#8 `PRIVATE KEY` PEM.
    pub private_pem: String,
    /// SubjectPublicKeyInfo `PUBLIC KEY` PEM.
    pub public_pem: String,
    /// PKCS#8 DER.
    pub private_der: Vec<u8>,
    /// SubjectPublicKeyInfo DER.
    pub public_der: Vec<u8>,
}

impl KeyMaterial {
    /// Generates a key of `spec` and exports it in every form.
    pub fn new(spec: KeySpec) -> Self {
        let jwk = generate(spec).expect("key generation");
        KeyMaterial {
            public_jwk: jwk.to_public().expect("public half"),
            private_pem: jwk.to_pem().expect("PEM").to_string(),
            public_pem: jwk.to_public_pem().expect("public PEM"),
            private_der: jwk.to_der().expect("DER").to_vec(),
            public_der: jwk.to_public_der().expect("public DER"),
            jwk,
        }
    }

    /// The raw public key bytes of an OKP key, or the uncompressed point
    /// (`04 || x || y`) of an EC key.
    pub fn raw_public(&self) -> Vec<u8> {
        match &self.jwk.params {
            KeyParams::Okp(o) => o.x.clone(),
            KeyParams::Ec(e) => {
                let mut v = vec![4u8];
                v.extend_from_slice(&e.x);
                v.extend_from_slice(&e.y);
                v
            }
            _ => panic!("no raw public form"),
        }
    }
}

/// Every key of the run, generated once.
pub struct Keys {
    /// HS256 secret (32 bytes, the hash length).
    pub hmac: Vec<u8>,
    /// One RSA-2048 key for RS256, PS256 and RSA-OAEP-256.
    pub rsa: KeyMaterial,
    /// P-256 (ES256, ECDH-ES).
    pub p256: KeyMaterial,
    /// P-384.
    pub p384: KeyMaterial,
    /// P-521.
    pub p521: KeyMaterial,
    /// Ed25519.
    pub ed25519: KeyMaterial,
    /// 32-byte secret for `dir` + A256GCM and for A256KW.
    pub aes256: Vec<u8>,
}

fn random(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    aws_lc_rs::rand::fill(&mut v).expect("rng");
    v
}

impl Keys {
    /// Generates every key.
    pub fn generate() -> Self {
        Keys {
            hmac: random(32),
            rsa: KeyMaterial::new(KeySpec::Rsa { bits: 2048 }),
            p256: KeyMaterial::new(KeySpec::Ec(EcCurve::P256)),
            p384: KeyMaterial::new(KeySpec::Ec(EcCurve::P384)),
            p521: KeyMaterial::new(KeySpec::Ec(EcCurve::P521)),
            ed25519: KeyMaterial::new(KeySpec::Okp(OkpCurve::Ed25519)),
            aes256: random(32),
        }
    }
}
