//! `jot serve --tls-cert/--tls-key`: TLS terminated in the binary, with
//! certificates made here (a test CA and a leaf for 127.0.0.1).

mod common;

use common::pki::{https_client, pki, Pki};
use common::*;
use jot_server::settings::TlsFiles;
use jot_server::store::Grant;
use rcgen::KeyPair;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_configured_certificate() {
    let pki = pki();
    let mut s = settings();
    s.tls = Some(pki.files.clone());
    let mut h = start(jot_server::testing::sqlite().await, s).await;
    h.base = format!("https://{}", h.server.addr);
    h.http = https_client(&pki.ca_pem);
    assert_eq!(h.server.issuer, format!("https://{}", h.server.addr));

    let r = h.http.get(h.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let meta = h.get_json("/.well-known/oauth-authorization-server").await;
    assert_eq!(meta["issuer"], h.server.issuer.as_str());
    // A token over TLS, verified against the https issuer.
    h.add_client("svc", &[Grant::ClientCredentials]).await;
    let token = h.cc_token("svc").await;
    let claims = h.verify(&token, "api://one").await;
    assert_eq!(claims.iss.as_deref(), Some(h.server.issuer.as_str()));

    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = reqwest::Client::new()
        .get(format!("http://{}/healthz", h.server.addr))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP answered: {plain:?}");
    // A client that does not trust the test CA refuses the certificate.
    let untrusted = https_client(&common::pki::pki().ca_pem)
        .get(h.url("/healthz"))
        .send()
        .await;
    assert!(untrusted.is_err(), "untrusted certificate accepted");

    // Shutdown still drains and ends.
    h.server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_not_matching_the_certificate_is_refused_at_start() {
    let pki = pki();
    let other = pki_other_key(&pki);
    let mut s = settings();
    s.tls = Some(TlsFiles {
        cert: pki.files.cert.clone(),
        key: other,
    });
    let t = jot_server::testing::sqlite().await;
    let err = jot_server::app::start(
        t.store.clone(),
        kek(),
        s,
        std::sync::Arc::new(jot_server::SystemClock),
    )
    .await
    .err()
    .expect("a mismatched key must stop the start");
    let msg = err.to_string();
    assert!(msg.contains("--tls-key"), "{msg}");
    assert!(msg.contains("does the key belong"), "{msg}");

    // A file that is no PEM at all is a clear error too.
    let mut s = settings();
    let garbage = pki.dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    s.tls = Some(TlsFiles {
        cert: garbage,
        key: pki.files.key.clone(),
    });
    let err = jot_server::app::start(
        t.store.clone(),
        kek(),
        s,
        std::sync::Arc::new(jot_server::SystemClock),
    )
    .await
    .err()
    .expect("a certificate file without a certificate must stop the start");
    assert!(err.to_string().contains("--tls-cert"), "{err}");
}

/// Another key, written next to the PKI's files.
fn pki_other_key(pki: &Pki) -> std::path::PathBuf {
    let path = pki.dir.path().join("other.key");
    std::fs::write(&path, KeyPair::generate().unwrap().serialize_pem()).unwrap();
    path
}
