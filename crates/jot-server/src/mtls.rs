//! Certificate-bound access tokens (RFC 8705 §3): the `x5t#S256` thumbprint
//! a bound token carries in `cnf`, and the client certificate a gateway that
//! terminates TLS forwards in a header (nginx's `$ssl_client_escaped_cert`:
//! the PEM, URL-encoded). The wiring into client authentication and `/auth`
//! is still to come (issue 15).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

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
}
