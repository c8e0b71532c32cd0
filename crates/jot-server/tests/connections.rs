//! Connections over raw TCP: a client that connects and sends nothing, sends
//! a request head a piece at a time, or keeps a connection idle after its
//! answer is disconnected after `--idle-timeout` (slowloris); one that keeps
//! sending requests within it is served on the same connection. Over TLS
//! too, once the handshake is done.

mod common;

use std::time::{Duration, Instant};

use common::*;
use jot_server::settings::Settings;
use jot_server::testing;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const IDLE: Duration = Duration::from_secs(2);
/// Far longer than IDLE: a connection still open then was never going to be
/// closed (before the idle timeout, none was).
const PATIENCE: Duration = Duration::from_secs(20);

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: jot\r\n\r\n";

async fn harness() -> Harness {
    start(
        testing::sqlite().await,
        Settings {
            idle_timeout: IDLE,
            ..settings()
        },
    )
    .await
}

/// Reads until the server closes the connection, and checks that it did so
/// for idleness: after at least half the timeout counted `from` the last
/// thing the client did, saying nothing or 408. Panics if it is still open
/// after PATIENCE.
async fn closed_for_idleness<C: AsyncRead + Unpin>(conn: &mut C, from: Instant) {
    let mut got = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the connection is still open after {PATIENCE:?}"
    );
    let after = from.elapsed();
    assert!(after >= IDLE / 2, "closed too soon: {after:?}");
    let said = String::from_utf8_lossy(&got);
    assert!(
        said.is_empty() || said.starts_with("HTTP/1.1 408"),
        "{said}"
    );
}

/// Reads one answer to `GET /healthz` (its body is short and ends the read).
async fn answer(conn: &mut TcpStream) -> String {
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(PATIENCE, conn.read(&mut buf))
        .await
        .expect("an answer")
        .expect("reading the answer");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_that_sends_nothing_is_closed() {
    let h = harness().await;
    let opened = Instant::now();
    let mut conn = TcpStream::connect(h.server.addr).await.unwrap();
    closed_for_idleness(&mut conn, opened).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_head_sent_slowly_is_cut_off() {
    let h = harness().await;
    let mut conn = TcpStream::connect(h.server.addr).await.unwrap();
    // Each piece comes well within the timeout of the one before; the head
    // as a whole never ends.
    conn.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
    let started = Instant::now();
    let mut cut_off = false;
    for i in 0..40 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if conn
            .write_all(format!("X-Slow-{i}: y\r\n").as_bytes())
            .await
            .is_err()
        {
            cut_off = true;
            break;
        }
        let mut probe = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(1), conn.read(&mut probe)).await {
            Ok(Ok(0) | Err(_)) => {
                cut_off = true;
                break;
            }
            Ok(Ok(n)) => {
                let said = String::from_utf8_lossy(&probe[..n]);
                assert!(said.starts_with("HTTP/1.1 408"), "{said}");
                cut_off = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(cut_off, "a head sent over 10 s was still being read");
    assert!(started.elapsed() < PATIENCE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kept_alive_connection_is_served_while_used_and_closed_when_idle() {
    let h = harness().await;
    let mut conn = TcpStream::connect(h.server.addr).await.unwrap();
    // Used within the timeout each time: served, on the same connection,
    // for longer than the timeout in all.
    let started = Instant::now();
    let mut answers = 0;
    while started.elapsed() < IDLE * 2 {
        conn.write_all(HEALTHZ).await.unwrap();
        let said = answer(&mut conn).await;
        assert!(said.starts_with("HTTP/1.1 200"), "{said}");
        answers += 1;
        tokio::time::sleep(IDLE / 5).await;
    }
    assert!(answers >= 5);
    // Then left idle: closed.
    closed_for_idleness(&mut conn, Instant::now()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_tls_connection_that_sends_nothing_after_its_handshake_is_closed() {
    let pki = common::pki::pki();
    let h = start(
        testing::sqlite().await,
        Settings {
            idle_timeout: IDLE,
            tls: Some(pki.files.clone()),
            ..settings()
        },
    )
    .await;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pki.ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = TcpStream::connect(h.server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(h.server.addr.ip().into());
    let mut tls = connector.connect(name, tcp).await.expect("the handshake");
    closed_for_idleness(&mut tls, Instant::now()).await;
}
