//! A real `jot serve` on a random loopback port over a fresh store (SQLite
//! or PostgreSQL), with registered clients and an HTTP client to call it.
#![allow(dead_code)]

pub mod pki;

use std::sync::Arc;
use std::time::Duration;

use jot::jwk::ThumbprintHash;
use jot::jwks::LocalKeySet;
use jot::jwt::{self, Claims, Validation};
use jot::key::SigningKey;
use jot::Algorithm;
use jot_server::app::{self, Running};
use jot_server::keys::Kek;
use jot_server::settings::Settings;
use jot_server::store::{Client, Digest, Grant, Store};
use jot_server::testing::TestStore;
use jot_server::{Clock, SystemClock};
use serde_json::Value;

pub const SECRET: &str = "s3cret:with+odd%chars";

pub struct Harness {
    pub server: Running,
    pub http: reqwest::Client,
    pub base: String,
    pub store: Arc<dyn Store>,
    pub test_store: TestStore,
}

pub fn kek() -> Kek {
    Kek::from_bytes(&[7u8; 32]).unwrap()
}

pub fn settings() -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    }
}

pub async fn start(t: TestStore, settings: Settings) -> Harness {
    start_with_clock(t, settings, Arc::new(SystemClock)).await
}

pub async fn start_with_clock(t: TestStore, settings: Settings, clock: Arc<dyn Clock>) -> Harness {
    let store = Arc::clone(&t.store);
    let server = app::start(Arc::clone(&store), kek(), settings, clock)
        .await
        .expect("starting jot serve");
    let base = format!("http://{}", server.addr);
    Harness {
        server,
        http: reqwest::Client::new(),
        base,
        store,
        test_store: t,
    }
}

/// A client with the test secret, `read write` scopes, two audiences.
pub fn client(id: &str, grants: &[Grant]) -> Client {
    Client {
        id: id.into(),
        secret_digest: Digest::of(SECRET.as_bytes()),
        scopes: vec!["read".into(), "write".into()],
        audiences: vec!["api://one".into(), "api://two".into()],
        grants: grants.to_vec(),
        token_ttl: 300,
        jwks: None,
        jwks_uri: None,
        admin: false,
        created_at: SystemClock.now(),
        secret_rotated_at: SystemClock.now(),
        tls_auth: None,
    }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn add_client(&self, id: &str, grants: &[Grant]) {
        self.store.create_client(&client(id, grants)).await.unwrap();
    }

    /// POSTs a form to the token endpoint with HTTP Basic as `id`.
    pub async fn token(&self, id: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.post_form("/oauth2/token", id, form).await
    }

    /// POSTs a form to `path` with HTTP Basic as `id`.
    pub async fn post_form(&self, path: &str, id: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .basic_auth(basic_part(id), Some(basic_part(SECRET)))
            .form(form)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// Introspects `token` as client `id`.
    pub async fn introspect(&self, id: &str, token: &str) -> Value {
        let (status, body) = self
            .post_form("/oauth2/introspect", id, &[("token", token)])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A client_credentials access token for `id` (its first audience).
    pub async fn cc_token(&self, id: &str) -> String {
        let (status, body) = self
            .token(id, &[("grant_type", "client_credentials")])
            .await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    /// GETs `path` and parses the answer as JSON (metadata documents).
    pub async fn get_json(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The service's JWKS, prepared.
    pub async fn keys(&self) -> LocalKeySet {
        let body = self
            .http
            .get(self.url("/.well-known/jwks.json"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        LocalKeySet::from_json(&body, &[Algorithm::ES256], &Default::default()).unwrap()
    }

    /// Verifies an access token as an RFC 9068 resource server would.
    pub async fn verify(&self, token: &str, aud: &str) -> Claims {
        let rules = Validation::new()
            .issuer(&self.server.issuer)
            .audience(aud)
            .access_token_profile();
        jwt::verify::<Claims>(token, &self.keys().await, &rules)
            .unwrap()
            .claims
    }
}

/// RFC 6749 §2.3.1: each half of Basic credentials is form-url-encoded.
pub fn basic_part(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// `GET {base}/auth` for audience `api://one` with a DPoP-bound `token` and
/// its `proof`, as Traefik forwards the client's `GET
/// https://api.example/items`.
pub async fn dpop_auth(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    proof: &str,
) -> reqwest::Response {
    http.get(format!("{base}/auth?aud=api%3A%2F%2Fone"))
        .header("authorization", format!("DPoP {token}"))
        .header("dpop", proof)
        .header("x-forwarded-method", "GET")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "api.example")
        .header("x-forwarded-uri", "/items")
        .send()
        .await
        .unwrap()
}

/// Status and `WWW-Authenticate` challenge (empty if none) of a response.
pub fn status_challenge(r: reqwest::Response) -> (u16, String) {
    let challenge = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.status().as_u16(), challenge)
}

/// Status, JSON body and `Retry-After` of a response (for the tests of
/// 503 answers).
pub async fn status_json_retry(r: reqwest::Response) -> (u16, Value, Option<String>) {
    let retry_after = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = status_json(r).await;
    (status, body, retry_after)
}

/// A backend's key, its public JWKS file, and a settings trusting it.
pub struct Backend {
    pub key: SigningKey,
    pub settings: jot_server::settings::Settings,
    _dir: tempfile::TempDir,
}

pub const BACKEND: &str = "https://login.example";

pub fn backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let jwk = jot::key::generate_for(Algorithm::ES256).unwrap();
    let kid = jwk.thumbprint(ThumbprintHash::Sha256);
    let jwk = jwk.with_kid(kid.clone());
    let path = dir.path().join("login.jwks");
    std::fs::write(&path, jwk.to_public().unwrap().to_json()).unwrap();
    let mut settings = settings();
    settings.trusted_issuers = vec![jot_server::settings::TrustedIssuerConfig {
        issuer: BACKEND.into(),
        jwks_file: path,
    }];
    Backend {
        key: SigningKey::from_jwk(&jwk, Algorithm::ES256)
            .unwrap()
            .with_kid(kid),
        settings,
        _dir: dir,
    }
}

pub fn assertion(key: &SigningKey, aud: &str, sub: &str) -> String {
    jot::jwt::Builder::new()
        .issuer(BACKEND)
        .subject(sub)
        .audience(aud)
        .random_jwt_id()
        .expires_in(Duration::from_secs(60))
        .sign(key)
        .unwrap()
}

pub const BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A jwt-bearer grant for `sub` by client "app": the first refresh token.
pub async fn first_refresh(h: &Harness, b: &Backend, sub: &str) -> String {
    let a = assertion(&b.key, &h.server.issuer, sub);
    let (status, body) = h
        .token("app", &[("grant_type", BEARER), ("assertion", &a)])
        .await;
    assert_eq!(status, 200, "{body}");
    body["refresh_token"].as_str().unwrap().to_string()
}
