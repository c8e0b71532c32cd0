//! Certificate-bound access tokens and TLS client authentication
//! (RFC 8705): the client certificate of a request, from the connection
//! when `jot serve` terminates TLS or from a header a gateway that
//! terminates TLS forwards (nginx's `$ssl_client_escaped_cert`: the PEM,
//! URL-encoded); whether it authenticates a client registered for
//! `tls_client_auth` or `self_signed_tls_client_auth`; and the `x5t#S256`
//! thumbprint a bound token carries in `cnf`.

use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use x509_cert::der::Decode;

use crate::state::AppState;
use crate::store::TlsClientAuth;

/// `x5t#S256` (RFC 8705 §3.1): base64url of the SHA-256 of the DER
/// certificate.
pub fn x5t_s256(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der))
}

/// The DER leaf certificate in a forwarded header's value: the PEM,
/// percent-encoded as nginx's `$ssl_client_escaped_cert` sends it. `None`
/// for an empty value (no certificate) or anything that is not one PEM
/// certificate.
pub fn cert_from_header(value: &[u8]) -> Option<Vec<u8>> {
    let pem = percent_encoding::percent_decode(value).collect::<Vec<u8>>();
    let mut certs = CertificateDer::pem_slice_iter(&pem);
    let leaf = certs.next()?.ok()?;
    Some(leaf.as_ref().to_vec())
}

/// The first certificate of a PEM file's text, checked to be X.509, and
/// its `x5t#S256`: what `self_signed_tls_client_auth` registers.
pub fn registered_thumbprint(pem: &[u8]) -> Option<String> {
    let der = CertificateDer::pem_slice_iter(pem).next()?.ok()?;
    x509_cert::Certificate::from_der(der.as_ref()).ok()?;
    Some(x5t_s256(der.as_ref()))
}

/// A subject DN in the one form jot compares (RFC 4514, attribute names
/// upper-case, no spaces around the separators), so `cn=a, o=b` as
/// registered matches a certificate whatever string types its issuer
/// chose. `None` if it is not an RFC 4514 DN.
pub fn canonical_dn(dn: &str) -> Option<String> {
    let name = x509_cert::name::Name::from_str(&without_separator_spaces(dn)).ok()?;
    let text = name.to_string();
    (!text.is_empty()).then_some(text)
}

/// `dn` without the spaces around its unescaped `,`, `+` and `=`
/// (`CN = a, O = b` is `CN=a,O=b`).
fn without_separator_spaces(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    // `out[..kept]` ends with an escaped character: spaces before it stay.
    let mut kept = 0;
    let mut escaped = false;
    let mut after_separator = true;
    let trim = |out: &mut String, kept: usize| {
        while out.len() > kept && out.ends_with(' ') {
            out.pop();
        }
    };
    for c in dn.chars() {
        if escaped {
            out.push(c);
            kept = out.len();
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                after_separator = false;
                out.push(c);
            }
            ',' | '+' | '=' => {
                trim(&mut out, kept);
                out.push(c);
                after_separator = true;
            }
            ' ' if after_separator => {}
            _ => {
                after_separator = false;
                out.push(c);
            }
        }
    }
    trim(&mut out, kept);
    out
}

/// The client certificate a TLS connection presented.
#[derive(Debug, Clone)]
pub struct PeerCertificate {
    /// The leaf's `x5t#S256`.
    pub x5t_s256: String,
    /// The leaf's subject DN (canonical), if it parses.
    pub subject_dn: Option<String>,
    /// Whether the chain the client sent leads to a `--tls-client-ca`
    /// certificate (checked by the TLS layer's own verifier).
    pub ca_verified: bool,
}

impl PeerCertificate {
    /// The leaf `der` of a connection; `ca_verified` as the TLS layer found.
    pub fn new(der: &[u8], ca_verified: bool) -> Self {
        let subject_dn = x509_cert::Certificate::from_der(der)
            .ok()
            .map(|c| c.tbs_certificate().subject().to_string());
        PeerCertificate {
            x5t_s256: x5t_s256(der),
            subject_dn,
            ca_verified,
        }
    }

    /// Whether it authenticates a client registered with `auth`:
    /// `tls_client_auth` needs a CA-validated chain and the registered
    /// subject; `self_signed_tls_client_auth` the registered certificate
    /// (whose key the TLS handshake proved possession of).
    pub fn authenticates(&self, auth: &TlsClientAuth) -> bool {
        match auth {
            TlsClientAuth::SubjectDn(dn) => {
                self.ca_verified && self.subject_dn.as_deref() == Some(dn.as_str())
            }
            TlsClientAuth::SelfSigned { x5t_s256 } => &self.x5t_s256 == x5t_s256,
        }
    }
}

/// The connection's client certificate, if it sent one (an extractor that
/// never fails: without TLS here there is none).
#[derive(Debug, Clone, Default)]
pub struct ClientCert(pub Option<Arc<PeerCertificate>>);

impl<S: Send + Sync> FromRequestParts<S> for ClientCert {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientCert(
            parts.extensions.get::<Arc<PeerCertificate>>().cloned(),
        ))
    }
}

/// The `x5t#S256` of the certificate a resource request comes with, for
/// `/auth`: with `--mtls-cert-header`, only the gateway's header (the
/// connection is the gateway's own); otherwise the connection's. `None`
/// when there is none or the header holds no certificate.
pub fn presented_thumbprint(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Option<String> {
    match &state.settings.mtls_cert_header {
        Some(name) => {
            let mut values = headers.get_all(name).iter();
            match (values.next(), values.next()) {
                (Some(v), None) => cert_from_header(v.as_bytes()).map(|der| x5t_s256(&der)),
                // Several values: the client added one; trust none.
                _ => None,
            }
        }
        None => extensions
            .get::<Arc<PeerCertificate>>()
            .map(|c| c.x5t_s256.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_base64url_sha256_of_the_der() {
        // SHA-256 of the empty string, base64url without padding.
        assert_eq!(x5t_s256(b""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    }

    #[test]
    fn forwarded_certificate_is_url_decoded_pem() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["client".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let escaped: String =
            percent_encoding::utf8_percent_encode(&cert.pem(), percent_encoding::NON_ALPHANUMERIC)
                .collect();
        assert_eq!(
            cert_from_header(escaped.as_bytes()).as_deref(),
            Some(cert.der().as_ref())
        );
        assert_eq!(cert_from_header(b""), None);
        assert_eq!(
            cert_from_header(b"-----BEGIN%20CERTIFICATE-----%0Agarbage"),
            None
        );
    }

    #[test]
    fn subject_dns_compare_in_one_form() {
        assert_eq!(
            canonical_dn("cn=client, O=Example Corp").as_deref(),
            Some("CN=client,O=Example Corp")
        );
        assert_eq!(
            canonical_dn("CN = Doe\\, John , O=x").as_deref(),
            Some("CN=Doe\\, John,O=x")
        );
        assert_eq!(canonical_dn("not a dn"), None);
        assert_eq!(canonical_dn(""), None);
        // The certificate's subject, read back, is in the same form.
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        // rcgen starts every name with a CN of its own: start empty.
        params.distinguished_name = rcgen::DistinguishedName::new();
        // RFC 4514 writes the last RDN first: O is encoded before CN.
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Example Corp");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "client");
        let cert = params.self_signed(&key).unwrap();
        let peer = PeerCertificate::new(cert.der(), true);
        let registered = canonical_dn("CN=client,O=Example Corp").unwrap();
        assert!(peer.authenticates(&TlsClientAuth::SubjectDn(registered.clone())));
        // Not CA-validated: the subject alone proves nothing.
        let unverified = PeerCertificate::new(cert.der(), false);
        assert!(!unverified.authenticates(&TlsClientAuth::SubjectDn(registered)));
        assert!(peer.authenticates(&TlsClientAuth::SelfSigned {
            x5t_s256: registered_thumbprint(cert.pem().as_bytes()).unwrap(),
        }));
        assert!(!peer.authenticates(&TlsClientAuth::SelfSigned {
            x5t_s256: x5t_s256(b"another"),
        }));
    }
}
