//! Certificate-bound access tokens and TLS client authentication (RFC 8705)
//! in `jot serve` over real TLS, on SQLite and PostgreSQL, with certificates
//! made here: `tls_client_auth` (a CA-issued certificate with the registered
//! subject) and `self_signed_tls_client_auth` (the registered certificate)
//! get tokens bound to their certificate (`cnf.x5t#S256`); `/auth` lets such
//! a token through only with that certificate, from the connection or from
//! the gateway's header; introspection and discovery say so.

mod common;

use common::pki::{https_client, pki, self_signed_client, Ca, ClientCert, Pki};
use common::*;
use jot_server::both_backends;
use jot_server::settings::Settings;
use jot_server::store::{Grant, TlsClientAuth};
use jot_server::testing::TestStore;
use serde_json::Value;

const DN: &str = "CN=ledger,O=Example";
const CC: &[(&str, &str)] = &[("grant_type", "client_credentials")];
const CERT_HEADER: &str = "x-ssl-client-cert";

/// A TLS-terminating service whose `tls_client_auth` clients' certificates
/// come from `client_ca`, with a secret client "rs" (a resource server that
/// introspects) and the certificate clients `tls_clients` registers.
struct Mtls {
    h: Harness,
    pki: Pki,
    client_ca: Ca,
}

async fn start_mtls(t: TestStore, cert_header: Option<&str>) -> Mtls {
    let pki = pki();
    let client_ca = Ca::new("Jot client CA");
    let ca_file = pki.dir.path().join("client-ca.pem");
    std::fs::write(&ca_file, &client_ca.pem).unwrap();
    let settings = Settings {
        tls: Some(pki.files.clone()),
        tls_client_ca: Some(ca_file),
        mtls_cert_header: cert_header.map(|h| h.parse().unwrap()),
        ..settings()
    };
    let mut h = start(t, settings).await;
    h.base = format!("https://{}", h.server.addr);
    h.http = https_client(&pki.ca_pem);
    h.add_client("rs", &[Grant::ClientCredentials]).await;
    Mtls { h, pki, client_ca }
}

impl Mtls {
    /// Registers `id` for `self_signed_tls_client_auth` with a new
    /// certificate, which it returns.
    async fn add_self_signed_client(&self, id: &str) -> ClientCert {
        let cert = self_signed_client("Example", id);
        self.add_cert_client(
            id,
            TlsClientAuth::SelfSigned {
                x5t_s256: cert.x5t_s256(),
            },
        )
        .await;
        cert
    }

    /// Registers a client authenticating with `auth`.
    async fn add_cert_client(&self, id: &str, auth: TlsClientAuth) {
        let mut c = client(id, &[Grant::ClientCredentials]);
        c.tls_auth = Some(auth);
        self.h.store.create_client(&c).await.unwrap();
    }

    /// A token request as `id` (client_id only) over a connection with
    /// `cert`, or none.
    async fn token(&self, id: &str, cert: Option<&ClientCert>) -> (u16, Value) {
        let http = self.http(cert);
        let mut form = CC.to_vec();
        form.push(("client_id", id));
        let r = http
            .post(self.h.url("/oauth2/token"))
            .form(&form)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    fn http(&self, cert: Option<&ClientCert>) -> reqwest::Client {
        match cert {
            Some(c) => c.https_client(&self.pki.ca_pem),
            None => self.h.http.clone(),
        }
    }

    /// `/auth` for `api://one` with `token` as a bearer token, over a
    /// connection with `cert`, with these extra headers: (status, the
    /// `WWW-Authenticate` challenge).
    async fn auth(
        &self,
        token: &str,
        cert: Option<&ClientCert>,
        headers: &[(&str, String)],
    ) -> (u16, String) {
        let mut req = self
            .http(cert)
            .get(self.h.url("/auth?aud=api://one"))
            .bearer_auth(token);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        status_challenge(req.send().await.unwrap())
    }
}

/// The `cnf` claim of a token, as a resource server verifying it reads it.
async fn cnf(h: &Harness, token: &str) -> Value {
    let claims = h.verify(token, "api://one").await;
    claims.extra.get("cnf").cloned().unwrap_or(Value::Null)
}

/// nginx's `$ssl_client_escaped_cert`: the PEM, percent-encoded as a URI
/// component (a space is `%20`, never `+`, which base64 uses).
fn escaped(cert: &ClientCert) -> String {
    percent_encoding::utf8_percent_encode(&cert.pem, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn tls_client_auth_binds_tokens_to_the_certificate(t: TestStore) {
    let m = start_mtls(t, None).await;
    m.add_cert_client("ledger", TlsClientAuth::SubjectDn(DN.into()))
        .await;
    let cert = m.client_ca.client("Example", "ledger");

    let (status, body) = m.token("ledger", Some(&cert)).await;
    assert_eq!(status, 200, "{body}");
    // RFC 8705 §3: still a bearer token type, bound by cnf.
    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        cnf(&m.h, &token).await,
        serde_json::json!({ "x5t#S256": cert.x5t_s256() })
    );

    // Introspection tells a resource server what the token is bound to.
    let info = m.h.introspect("rs", &token).await;
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["cnf"]["x5t#S256"], cert.x5t_s256().as_str(), "{info}");
    assert_eq!(info["token_type"], "Bearer");

    // /auth: with its certificate on the connection it passes; without
    // one, or with another, the token is refused, never taken as a plain
    // bearer token.
    let (status, _) = m.auth(&token, Some(&cert), &[]).await;
    assert_eq!(status, 200);
    let (status, challenge) = m.auth(&token, None, &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("certificate_missing"), "{challenge}");
    let other = m.client_ca.client("Example", "ledger");
    let (status, challenge) = m.auth(&token, Some(&other), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("certificate_mismatch"), "{challenge}");
    // Without --mtls-cert-header, a header naming the right certificate
    // is not looked at.
    let forged = [(CERT_HEADER, escaped(&cert))];
    let (status, _) = m.auth(&token, None, &forged).await;
    assert_eq!(status, 401);

    // A token without cnf still passes /auth over a connection with a
    // certificate: the certificate binds only the tokens that say so.
    let plain = m.h.cc_token("rs").await;
    assert_eq!(m.auth(&plain, Some(&cert), &[]).await.0, 200);
    assert_eq!(cnf(&m.h, &plain).await, Value::Null);
}

both_backends!(
    tls_client_auth,
    tls_client_auth_binds_tokens_to_the_certificate
);

async fn tls_client_auth_needs_the_ca_and_the_subject(t: TestStore) {
    let m = start_mtls(t, None).await;
    m.add_cert_client("ledger", TlsClientAuth::SubjectDn(DN.into()))
        .await;

    // Another subject from the right CA.
    let wrong_subject = m.client_ca.client("Example", "someone-else");
    let (status, body) = m.token("ledger", Some(&wrong_subject)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // The right subject, but not from the CA (self-signed, or another CA).
    for cert in [
        self_signed_client("Example", "ledger"),
        Ca::new("Other CA").client("Example", "ledger"),
    ] {
        let (status, body) = m.token("ledger", Some(&cert)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client"))
        );
    }
    // No certificate at all, just the client_id.
    let (status, body) = m.token("ledger", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // A secret client presenting a certificate with only its client_id.
    let cert = m.client_ca.client("Example", "ledger");
    let (status, _) = m.token("rs", Some(&cert)).await;
    assert_eq!(status, 401);
    // The certificate client cannot fall back to a secret, even a known one.
    let (status, _) = m.h.token("ledger", CC).await;
    assert_eq!(status, 401);
}

both_backends!(
    tls_client_auth_refused,
    tls_client_auth_needs_the_ca_and_the_subject
);

async fn self_signed_client_binds_tokens_to_its_certificate(t: TestStore) {
    let m = start_mtls(t, None).await;
    let cert = m.add_self_signed_client("edge").await;

    let (status, body) = m.token("edge", Some(&cert)).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        cnf(&m.h, &token).await["x5t#S256"],
        cert.x5t_s256().as_str()
    );
    assert_eq!(m.auth(&token, Some(&cert), &[]).await.0, 200);
    assert_eq!(m.auth(&token, None, &[]).await.0, 401);

    // Another certificate, same subject: refused. So is a CA-issued one.
    for other in [
        self_signed_client("Example", "edge"),
        m.client_ca.client("Example", "edge"),
    ] {
        let (status, body) = m.token("edge", Some(&other)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client"))
        );
        assert_eq!(m.auth(&token, Some(&other), &[]).await.0, 401);
    }
}

both_backends!(
    self_signed,
    self_signed_client_binds_tokens_to_its_certificate
);

async fn auth_takes_the_gateways_header_when_configured(t: TestStore) {
    let m = start_mtls(t, Some(CERT_HEADER)).await;
    let cert = m.add_self_signed_client("edge").await;
    let (status, body) = m.token("edge", Some(&cert)).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_string();

    // The gateway forwards the client's certificate: it passes.
    let (status, _) = m.auth(&token, None, &[(CERT_HEADER, escaped(&cert))]).await;
    assert_eq!(status, 200);
    // Another certificate in the header, an empty header (nginx sends one
    // when the client had none), garbage, no header, or two headers: refused.
    let other = self_signed_client("Example", "edge");
    for headers in [
        vec![(CERT_HEADER, escaped(&other))],
        vec![(CERT_HEADER, String::new())],
        vec![(CERT_HEADER, "-----BEGIN%20CERTIFICATE-----%0Ax".to_string())],
        vec![],
        vec![
            (CERT_HEADER, escaped(&cert)),
            (CERT_HEADER, escaped(&other)),
        ],
    ] {
        let (status, challenge) = m.auth(&token, None, &headers).await;
        assert_eq!(status, 401, "{headers:?}");
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }
    // With the header configured, the connection is the gateway's: the
    // client's certificate on it does not count.
    assert_eq!(m.auth(&token, Some(&cert), &[]).await.0, 401);
}

both_backends!(forwarded, auth_takes_the_gateways_header_when_configured);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_lists_certificate_binding_only_with_tls_here() {
    let m = start_mtls(jot_server::testing::sqlite().await, None).await;
    let meta =
        m.h.get_json("/.well-known/oauth-authorization-server")
            .await;
    assert_eq!(meta["tls_client_certificate_bound_access_tokens"], true);
    let methods = &meta["token_endpoint_auth_methods_supported"];
    for m in ["tls_client_auth", "self_signed_tls_client_auth"] {
        assert!(
            methods.as_array().unwrap().iter().any(|v| v == m),
            "{methods}"
        );
    }

    // Plain HTTP: no certificates reach the service, so neither is offered.
    let h = start(jot_server::testing::sqlite().await, settings()).await;
    let meta = h.get_json("/.well-known/oauth-authorization-server").await;
    assert_eq!(
        meta["tls_client_certificate_bound_access_tokens"],
        Value::Null
    );
    let methods = meta["token_endpoint_auth_methods_supported"].to_string();
    assert!(!methods.contains("tls_client_auth"), "{methods}");
}
