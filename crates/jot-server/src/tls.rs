//! TLS terminated in the binary (`--tls-cert/--tls-key`), for setups without
//! a proxy in front: the certificate chain and key loaded once at start
//! (a bad file is a start-up error, never a panic), rustls on the aws-lc
//! provider, and an accept loop that drains its connections on shutdown the
//! way `axum::serve` does for plain HTTP.
//!
//! Client certificates (RFC 8705) are asked for and never required: a
//! client without one connects as before. Any certificate is accepted at
//! the handshake once its signature proves the client holds its key (what
//! `self_signed_tls_client_auth` needs); whether its chain leads to a
//! `--tls-client-ca` certificate (what `tls_client_auth` needs) is checked
//! after the handshake with rustls' own verifier and handed to the handlers
//! with the certificate ([`PeerCertificate`]), which decide what it proves.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ParsedCertificate, WebPkiClientVerifier};
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::error::{Error, Result};
use crate::mtls::PeerCertificate;

/// A client that opens a connection but never finishes its handshake must
/// not hold a task forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS as `jot serve` terminates it: the rustls configuration, and the
/// verifier of `--tls-client-ca` that tells which client certificates
/// `tls_client_auth` may trust.
#[derive(Clone)]
pub struct Terminator {
    config: Arc<ServerConfig>,
    client_ca: Option<Arc<dyn ClientCertVerifier>>,
}

/// The server's TLS configuration from a PEM certificate chain (leaf first),
/// a PEM private key (PKCS#8, SEC1 or PKCS#1), and optionally the PEM CA
/// certificates that issue `tls_client_auth` clients' certificates.
pub fn server_config(
    cert_file: &Path,
    key_file: &Path,
    client_ca_file: Option<&Path>,
) -> Result<Terminator> {
    let certs = CertificateDer::pem_file_iter(cert_file)
        .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| {
            Error::Config(format!(
                "--tls-cert {}: not a PEM certificate chain ({e})",
                cert_file.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "--tls-cert {}: no CERTIFICATE block in the file",
            cert_file.display()
        )));
    }
    // The key's error never quotes the file: it is a secret.
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|_| {
        Error::Config(format!(
            "--tls-key {}: no readable PEM private key (PKCS#8, SEC1 or PKCS#1)",
            key_file.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let client_ca = match client_ca_file {
        Some(file) => Some(client_ca_verifier(file, &provider)?),
        None => None,
    };
    let any_client_cert = Arc::new(AnyClientCert {
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_client_cert_verifier(any_client_cert)
        .with_single_cert(certs, key)
        .map_err(|e| {
            Error::Config(format!(
                "--tls-cert {} / --tls-key {}: {e} (does the key belong to the certificate?)",
                cert_file.display(),
                key_file.display()
            ))
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Terminator {
        config: Arc::new(config),
        client_ca,
    })
}

/// rustls' WebPKI verifier over the CA certificates in `file`.
fn client_ca_verifier(
    file: &Path,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn ClientCertVerifier>> {
    let bad = |why: String| Error::Config(format!("--tls-client-ca {}: {why}", file.display()));
    let certs = CertificateDer::pem_file_iter(file)
        .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| bad(format!("not a PEM certificate file ({e})")))?;
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(bad("no usable CA certificate in the file".into()));
    }
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
        .allow_unauthenticated()
        .build()
        .map_err(|e| bad(e.to_string()))
}

/// Accepts any well-formed client certificate whose key signed the
/// handshake; what the certificate is worth is the application's call
/// (see the module doc).
#[derive(Debug)]
struct AnyClientCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: a self-signed client certificate has no CA to name.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        ParsedCertificate::try_from(end_entity)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

impl Terminator {
    /// The client certificate of an established connection, with whether
    /// its chain leads to `--tls-client-ca`.
    fn peer_certificate(
        &self,
        chain: Option<&[CertificateDer<'static>]>,
    ) -> Option<PeerCertificate> {
        let (leaf, intermediates) = chain?.split_first()?;
        let ca_verified = self.client_ca.as_ref().is_some_and(|ca| {
            ca.verify_client_cert(leaf, intermediates, UnixTime::now())
                .is_ok()
        });
        Some(PeerCertificate::new(leaf.as_ref(), ca_verified))
    }
}

/// Serves `app` over TLS on `listener` until `stopped` turns true, then
/// waits for the connections in flight to finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Terminator,
    app: Router,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(Arc::clone(&tls.config));
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop_requested(&mut stopped) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: back off, as
                // axum::serve does, instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let terminator = tls.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            };
            let client_cert = terminator
                .peer_certificate(tls.get_ref().1.peer_certificates())
                .map(Arc::new);
            let service = hyper_util::service::TowerToHyperService::new(app.map_request(
                move |mut req: Request<hyper::body::Incoming>| {
                    // What `into_make_service_with_connect_info` gives the
                    // plain listener: the peer for per-address limits.
                    req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                    // The connection's certificate, for every request on it.
                    if let Some(cert) = &client_cert {
                        req.extensions_mut().insert(Arc::clone(cert));
                    }
                    req
                },
            ));
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn = builder
                .serve_connection(TokioIo::new(tls), service)
                .into_owned();
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "TLS connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}
