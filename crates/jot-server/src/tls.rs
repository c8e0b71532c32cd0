//! TLS terminated in the binary (`--tls-cert/--tls-key`), for setups without
//! a proxy in front: the certificate chain and key loaded once at start
//! (a bad file is a start-up error, never a panic), rustls on the aws-lc
//! provider, and the handshake of each connection that
//! [`listen`](crate::listen) accepts.
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

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ParsedCertificate, WebPkiClientVerifier};
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

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
    // HTTP/1.1 only: see `listen`.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
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
    /// The TLS handshake of an accepted connection, within
    /// [`HANDSHAKE_TIMEOUT`]: the stream, and the client certificate if one
    /// was presented. `None` (logged at debug) when it fails or times out.
    pub(crate) async fn handshake(
        &self,
        tcp: TcpStream,
        peer: SocketAddr,
    ) -> Option<(TlsStream<TcpStream>, Option<PeerCertificate>)> {
        let acceptor = TlsAcceptor::from(Arc::clone(&self.config));
        let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                return None;
            }
            Err(_) => {
                tracing::debug!(%peer, "TLS handshake timed out");
                return None;
            }
        };
        let cert = self.peer_certificate(tls.get_ref().1.peer_certificates());
        Some((tls, cert))
    }

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
