//! Certificates made in the test: a CA and a server certificate for
//! 127.0.0.1 (TLS tests), and client certificates (mTLS tests).

use jot_server::settings::TlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};

/// A CA and a server certificate it signed for 127.0.0.1, written to files.
pub struct Pki {
    pub ca_pem: String,
    pub files: TlsFiles,
    pub dir: tempfile::TempDir,
}

pub fn pki() -> Pki {
    let ca = Ca::new("Jot test CA");
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca.issuer)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("server.pem");
    let key_file = dir.path().join("server.key");
    std::fs::write(&cert, leaf.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    Pki {
        ca_pem: ca.pem,
        files: TlsFiles {
            cert,
            key: key_file,
        },
        dir,
    }
}

/// A certificate authority.
pub struct Ca {
    pub pem: String,
    pub issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A client certificate with subject `O=org, CN=cn` signed by this CA.
    pub fn client(&self, org: &str, cn: &str) -> ClientCert {
        let key = KeyPair::generate().unwrap();
        let cert = client_params(org, cn)
            .signed_by(&key, &self.issuer)
            .unwrap();
        ClientCert::new(cert, key)
    }
}

/// A self-signed client certificate with subject `O=org, CN=cn`.
pub fn self_signed_client(org: &str, cn: &str) -> ClientCert {
    let key = KeyPair::generate().unwrap();
    let cert = client_params(org, cn).self_signed(&key).unwrap();
    ClientCert::new(cert, key)
}

fn client_params(org: &str, cn: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    // rcgen starts every name with a CN of its own; without this the CN
    // pushed below takes that first place, ahead of O.
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, org);
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params
}

/// A client's certificate and key.
pub struct ClientCert {
    pub pem: String,
    pub der: Vec<u8>,
    key_pem: String,
}

impl ClientCert {
    fn new(cert: rcgen::Certificate, key: KeyPair) -> Self {
        ClientCert {
            pem: cert.pem(),
            der: cert.der().to_vec(),
            key_pem: key.serialize_pem(),
        }
    }

    /// `x5t#S256`, computed here: base64url SHA-256 of the DER.
    pub fn x5t_s256(&self) -> String {
        use base64::Engine;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &self.der);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
    }

    /// An HTTPS client trusting `server_ca_pem` that presents this
    /// certificate.
    pub fn https_client(&self, server_ca_pem: &str) -> reqwest::Client {
        let identity =
            reqwest::Identity::from_pem(format!("{}{}", self.pem, self.key_pem).as_bytes())
                .unwrap();
        reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(server_ca_pem.as_bytes()).unwrap()])
            .identity(identity)
            .build()
            .unwrap()
    }
}

/// An HTTPS client trusting `ca_pem`, without a certificate of its own.
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap()])
        .build()
        .unwrap()
}
