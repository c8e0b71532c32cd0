//! `jot serve`'s settings: parsed once, from flags, `JOT_*` environment
//! variables and an optional TOML file, into [`Settings`].
//!
//! Each setting is documented once, on its field of [`ServeOptions`]; the
//! TOML file (`--config`) holds [`ServeOptions`] under the same names with
//! `_` for `-` (`listen`, `issuer`, `refresh_ttl`, …); a flag or variable
//! wins over the file, the file over the default. The store and key options
//! ([`StoreOptions`], [`KeyOptions`]) are shared with `jot client` and
//! `jot keys` and come from flags and variables only.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use axum::http::HeaderName;
use clap::Args;
use serde::Deserialize;

use crate::config::{parse_duration, KeyOptions, StoreOptions};
use crate::error::{Error, Result};
use crate::keys::KeyPolicy;
use crate::refresh::RefreshPolicy;

/// How `jot serve` writes its log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log pipelines.
    Json,
}

/// `jot serve`'s command line: where the store is, the service's options,
/// and the optional file holding more of them.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Store and key-encryption key.
    #[command(flatten)]
    pub store: StoreOptions,
    /// Signing keys and their rotation (shared with `jot keys rotate`).
    #[command(flatten)]
    pub keys: KeyOptions,
    /// A TOML file with any of the options below (same names, `_` for `-`).
    #[arg(long, env = "JOT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check the settings, the store and the KEK, create the signing keys
    /// if the store has none, print what would be served, and exit.
    #[arg(long)]
    pub check: bool,
    /// Log lines on stderr as text or as one JSON object each (request lines
    /// carry method, path, client, status and latency; audit events have the
    /// target `jot::audit`). `JOT_LOG` filters them like `RUST_LOG`.
    #[arg(long, env = "JOT_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// The service's options.
    #[command(flatten)]
    pub options: ServeOptions,
}

/// The service's options as given; unset ones take their default.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeOptions {
    /// Address to listen on. Loopback unless told otherwise
    /// [default: 127.0.0.1:8080].
    #[arg(long, env = "JOT_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// The `iss` of every token and of the discovery documents, as clients
    /// reach the service [default: http://LISTEN, or https://LISTEN with
    /// --tls-cert].
    #[arg(long, env = "JOT_ISSUER", value_name = "URL")]
    pub issuer: Option<String>,

    /// Lifetime of a refresh token not used since it was issued (each
    /// rotation starts it again) [default: 14d].
    #[arg(long, env = "JOT_REFRESH_TTL", value_name = "DURATION")]
    pub refresh_ttl: Option<Span>,

    /// Absolute lifetime of a refresh-token family, however often rotated
    /// [default: 90d].
    #[arg(long, env = "JOT_REFRESH_MAX_LIFETIME", value_name = "DURATION")]
    pub refresh_max_lifetime: Option<Span>,

    /// A refresh token presented again within this time of its first use is
    /// answered with the same successor instead of revoking its family (a
    /// client that lost the response) [default: 0s].
    #[arg(long, env = "JOT_REFRESH_REUSE_GRACE", value_name = "DURATION")]
    pub refresh_reuse_grace: Option<Span>,

    /// Clock-skew leeway for `exp`/`nbf` of tokens and assertions this
    /// service verifies [default: 60s].
    #[arg(long, env = "JOT_LEEWAY", value_name = "DURATION")]
    pub leeway: Option<Span>,

    /// Largest request body accepted, in bytes [default: 65536].
    #[arg(long, env = "JOT_BODY_LIMIT", value_name = "BYTES")]
    pub body_limit: Option<usize>,

    /// Time a request may take before it is answered 408 [default: 10s].
    #[arg(long, env = "JOT_REQUEST_TIMEOUT", value_name = "DURATION")]
    pub request_timeout: Option<Span>,

    /// Time a connection has to send the whole head of its next request,
    /// from when it opened or was last answered; then it is closed (slow or
    /// idle clients). Keep a gateway's upstream keep-alive shorter (nginx
    /// `keepalive_timeout`, default 60s) [default: 75s].
    #[arg(long, env = "JOT_IDLE_TIMEOUT", value_name = "DURATION")]
    pub idle_timeout: Option<Span>,

    /// How often this replica checks the store for key-ring changes (made
    /// by any replica) [default: 10s].
    #[arg(long, env = "JOT_KEY_REFRESH", value_name = "DURATION")]
    pub key_refresh: Option<Span>,

    /// How many verified access tokens forward auth (`/auth`) keeps, keyed by
    /// their SHA-256 digest; 0 turns the cache off. Expiry and revocation are
    /// checked again on every hit [default: 65536].
    #[arg(long, env = "JOT_AUTH_CACHE_ENTRIES", value_name = "N")]
    pub auth_cache_entries: Option<usize>,

    /// Token-endpoint requests per second from one source address (the TCP
    /// peer; behind a proxy that is the proxy, so set 0 there), checked
    /// before client authentication; 0 turns it off [default: 200].
    #[arg(long, env = "JOT_RATE_LIMIT_ADDRESS", value_name = "PER_SECOND")]
    pub rate_limit_address: Option<u32>,

    /// Token-endpoint requests per second of one authenticated client (a
    /// login system's client refreshes for all its users); 0 turns it off
    /// [default: 1000].
    #[arg(long, env = "JOT_RATE_LIMIT_CLIENT", value_name = "PER_SECOND")]
    pub rate_limit_client: Option<u32>,

    /// Require DPoP proofs at the token endpoint and at `/auth` to carry a
    /// fresh server nonce (RFC 9449 §8, §9): a proof without one is answered
    /// `use_dpop_nonce` with the nonce in `DPoP-Nonce`, so a client cannot
    /// make proofs ahead of time. The nonce secret is derived from the KEK:
    /// replicas sharing the store accept each other's nonces
    /// [default: false].
    #[arg(
        long,
        env = "JOT_DPOP_NONCE",
        value_name = "BOOL",
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub dpop_nonce: Option<bool>,

    /// Terminate TLS here with this PEM certificate chain (leaf first);
    /// needs --tls-key. Without both, the service speaks plain HTTP for a
    /// proxy in front to terminate TLS [default: none].
    #[arg(long, env = "JOT_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key (PKCS#8, SEC1 or PKCS#1) of --tls-cert
    /// [default: none].
    #[arg(long, env = "JOT_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,

    /// With --tls-cert: the PEM CA certificates that issue the certificates
    /// of `tls_client_auth` clients (RFC 8705 §2.1). Client certificates are
    /// asked for (never required) whenever TLS is terminated here; without
    /// this file only `self_signed_tls_client_auth` clients can use theirs
    /// [default: none].
    #[arg(long, env = "JOT_TLS_CLIENT_CA", value_name = "FILE")]
    pub tls_client_ca: Option<PathBuf>,

    /// The request header in which the gateway in front forwards the
    /// client's certificate to `/auth` (the URL-encoded PEM, nginx's
    /// `$ssl_client_escaped_cert`), to check certificate-bound tokens
    /// (RFC 8705 §3). Only set it when the gateway always sets or clears
    /// this header itself: a client could otherwise send one [default:
    /// none: the certificate of the connection to jot serve].
    #[arg(long, env = "JOT_MTLS_CERT_HEADER", value_name = "NAME")]
    pub mtls_cert_header: Option<String>,

    /// A backend trusted to assert users for the jwt-bearer grant
    /// (RFC 7523 §2.1): ISSUER=JWKS_FILE, repeatable (comma-separated in the
    /// variable) [default: none].
    #[arg(
        long = "trusted-issuer",
        env = "JOT_TRUSTED_ISSUER",
        value_name = "ISS=FILE",
        value_delimiter = ','
    )]
    #[serde(default, rename = "trusted_issuer")]
    pub trusted_issuers: Option<Vec<String>>,
}

/// A duration written `90s`, `10m`, `1h`, `30d` or `1h 30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl FromStr for Span {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        parse_duration(s.trim()).map(Span)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A backend trusted to assert users (jwt-bearer grant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuerConfig {
    /// Its `iss`, compared exactly.
    pub issuer: String,
    /// Its public keys (a JWK or JWK Set file).
    pub jwks_file: PathBuf,
}

/// The certificate and key files of `--tls-cert/--tls-key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Every setting of the service, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The issuer; `None` means `http://` + the bound address.
    pub issuer: Option<String>,
    /// Signing keys' rotation.
    pub keys: KeyPolicy,
    /// Refresh-token lifetimes.
    pub refresh: RefreshPolicy,
    /// Leeway for verifying tokens and assertions.
    pub leeway: Duration,
    /// Request body cap.
    pub body_limit: usize,
    /// Request timeout.
    pub request_timeout: Duration,
    /// Connection idle (and request-head) timeout.
    pub idle_timeout: Duration,
    /// Key-ring poll and maintenance interval.
    pub key_refresh: Duration,
    /// jwt-bearer issuers.
    pub trusted_issuers: Vec<TrustedIssuerConfig>,
    /// Forward auth's verified-token cache size (0: off).
    pub auth_cache_entries: usize,
    /// Token requests per second per source address (0: no limit).
    pub rate_limit_address: u32,
    /// Token requests per second per client (0: no limit).
    pub rate_limit_client: u32,
    /// Whether DPoP proofs at the token endpoint need a server nonce.
    pub dpop_nonce: bool,
    /// TLS terminated here (`None`: plain HTTP).
    pub tls: Option<TlsFiles>,
    /// CA certificates of `tls_client_auth` clients (needs `tls`).
    pub tls_client_ca: Option<PathBuf>,
    /// The header a gateway forwards client certificates in, for `/auth`.
    pub mtls_cert_header: Option<HeaderName>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            issuer: None,
            keys: KeyPolicy::default(),
            refresh: RefreshPolicy::default(),
            leeway: Duration::from_secs(60),
            body_limit: 64 * 1024,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            key_refresh: Duration::from_secs(10),
            trusted_issuers: Vec::new(),
            auth_cache_entries: 65_536,
            rate_limit_address: 200,
            rate_limit_client: 1_000,
            dpop_nonce: false,
            tls: None,
            tls_client_ca: None,
            mtls_cert_header: None,
        }
    }
}

impl Settings {
    /// Resolves the command line over the file `--config` names (if any)
    /// over the defaults.
    pub fn resolve(args: &ServeArgs) -> Result<Settings> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => ServeOptions::default(),
        };
        Settings::from_options(args.options.clone().or(file), args.keys.policy())
    }

    /// The defaults with `o`'s values and the key policy `keys` in their
    /// place.
    pub fn from_options(o: ServeOptions, keys: KeyPolicy) -> Result<Settings> {
        let mut s = Settings {
            keys,
            ..Settings::default()
        };
        let span = |v: Option<Span>, d: Duration| v.map_or(d, |s| s.0);
        s.listen = o.listen.unwrap_or(s.listen);
        s.issuer = o.issuer.map(|i| i.trim_end_matches('/').to_string());
        s.refresh.ttl = span(o.refresh_ttl, s.refresh.ttl);
        s.refresh.max_lifetime = span(o.refresh_max_lifetime, s.refresh.max_lifetime);
        s.refresh.grace = span(o.refresh_reuse_grace, s.refresh.grace);
        s.leeway = span(o.leeway, s.leeway);
        s.body_limit = o.body_limit.unwrap_or(s.body_limit);
        s.request_timeout = span(o.request_timeout, s.request_timeout);
        s.idle_timeout = span(o.idle_timeout, s.idle_timeout);
        s.key_refresh = span(o.key_refresh, s.key_refresh);
        s.auth_cache_entries = o.auth_cache_entries.unwrap_or(s.auth_cache_entries);
        s.rate_limit_address = o.rate_limit_address.unwrap_or(s.rate_limit_address);
        s.rate_limit_client = o.rate_limit_client.unwrap_or(s.rate_limit_client);
        s.dpop_nonce = o.dpop_nonce.unwrap_or(s.dpop_nonce);
        s.tls = match (o.tls_cert, o.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => {
                return Err(Error::Config(
                    "--tls-cert and --tls-key go together: give both or neither".into(),
                ))
            }
        };
        if o.tls_client_ca.is_some() && s.tls.is_none() {
            return Err(Error::Config(
                "--tls-client-ca needs --tls-cert and --tls-key: client certificates come with TLS terminated here".into(),
            ));
        }
        s.tls_client_ca = o.tls_client_ca;
        s.mtls_cert_header = match o.mtls_cert_header {
            Some(name) => Some(HeaderName::from_str(name.trim()).map_err(|_| {
                Error::Config(format!("--mtls-cert-header {name:?}: not a header name"))
            })?),
            None => None,
        };
        for t in o.trusted_issuers.unwrap_or_default() {
            let (issuer, file) = t.split_once('=').ok_or_else(|| {
                Error::Config(format!("--trusted-issuer {t:?}: expected ISSUER=JWKS_FILE"))
            })?;
            s.trusted_issuers.push(TrustedIssuerConfig {
                issuer: issuer.to_string(),
                jwks_file: PathBuf::from(file),
            });
        }
        s.keys.validate()?;
        if s.key_refresh.is_zero() || s.request_timeout.is_zero() || s.idle_timeout.is_zero() {
            return Err(Error::Config(
                "--key-refresh, --request-timeout and --idle-timeout must be longer than 0s".into(),
            ));
        }
        Ok(s)
    }
}

impl ServeOptions {
    /// Each of `self`'s values, or else `other`'s.
    fn or(self, other: ServeOptions) -> ServeOptions {
        ServeOptions {
            listen: self.listen.or(other.listen),
            issuer: self.issuer.or(other.issuer),
            refresh_ttl: self.refresh_ttl.or(other.refresh_ttl),
            refresh_max_lifetime: self.refresh_max_lifetime.or(other.refresh_max_lifetime),
            refresh_reuse_grace: self.refresh_reuse_grace.or(other.refresh_reuse_grace),
            leeway: self.leeway.or(other.leeway),
            body_limit: self.body_limit.or(other.body_limit),
            request_timeout: self.request_timeout.or(other.request_timeout),
            idle_timeout: self.idle_timeout.or(other.idle_timeout),
            key_refresh: self.key_refresh.or(other.key_refresh),
            trusted_issuers: self.trusted_issuers.or(other.trusted_issuers),
            auth_cache_entries: self.auth_cache_entries.or(other.auth_cache_entries),
            rate_limit_address: self.rate_limit_address.or(other.rate_limit_address),
            rate_limit_client: self.rate_limit_client.or(other.rate_limit_client),
            dpop_nonce: self.dpop_nonce.or(other.dpop_nonce),
            tls_cert: self.tls_cert.or(other.tls_cert),
            tls_key: self.tls_key.or(other.tls_key),
            tls_client_ca: self.tls_client_ca.or(other.tls_client_ca),
            mtls_cert_header: self.mtls_cert_header.or(other.mtls_cert_header),
        }
    }
}

fn read_file(path: &Path) -> Result<ServeOptions> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading the config file {}", path.display()), e))?;
    toml::from_str(&text)
        .map_err(|e| Error::Config(format!("config file {}: {}", path.display(), e.message())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: ServeOptions =
            toml::from_str("listen = \"127.0.0.1:9000\"\nleeway = \"5s\"\nrefresh_ttl = \"1h\"\n")
                .unwrap();
        let flags = ServeOptions {
            leeway: Some(Span(Duration::from_secs(7))),
            ..ServeOptions::default()
        };
        let s = Settings::from_options(flags.or(file), KeyPolicy::default()).unwrap();
        assert_eq!(s.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(s.leeway, Duration::from_secs(7));
        assert_eq!(s.refresh.ttl, Duration::from_secs(3600));
        assert_eq!(s.body_limit, Settings::default().body_limit);
        assert!(!s.dpop_nonce);
        let file: ServeOptions = toml::from_str("dpop_nonce = true").unwrap();
        let s = Settings::from_options(file, KeyPolicy::default()).unwrap();
        assert!(s.dpop_nonce);
    }

    #[test]
    fn unknown_file_keys_and_bad_values_are_errors() {
        assert!(toml::from_str::<ServeOptions>("listn = \"x\"").is_err());
        assert!(toml::from_str::<ServeOptions>("leeway = \"soon\"").is_err());
        let bad_issuer = ServeOptions {
            trusted_issuers: Some(vec!["no-equals-sign".into()]),
            ..ServeOptions::default()
        };
        assert!(Settings::from_options(bad_issuer, KeyPolicy::default()).is_err());
        let zero = ServeOptions {
            key_refresh: Some(Span(Duration::ZERO)),
            ..ServeOptions::default()
        };
        assert!(Settings::from_options(zero, KeyPolicy::default()).is_err());
    }

    #[test]
    fn dpop_nonce_is_a_flag_with_an_optional_value() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            options: ServeOptions,
        }
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))
                .map(|c| c.options.dpop_nonce)
        };
        assert_eq!(parse(&[]).unwrap(), None);
        assert_eq!(parse(&["--dpop-nonce"]).unwrap(), Some(true));
        assert_eq!(parse(&["--dpop-nonce=false"]).unwrap(), Some(false));
        assert!(parse(&["--dpop-nonce=maybe"]).is_err());
    }

    #[test]
    fn tls_cert_and_key_go_together() {
        let only_cert = ServeOptions {
            tls_cert: Some("cert.pem".into()),
            ..ServeOptions::default()
        };
        assert!(Settings::from_options(only_cert, KeyPolicy::default()).is_err());
        let both: ServeOptions =
            toml::from_str("tls_cert = \"c.pem\"\ntls_key = \"k.pem\"").unwrap();
        let s = Settings::from_options(both, KeyPolicy::default()).unwrap();
        assert_eq!(s.tls.unwrap().key, PathBuf::from("k.pem"));
    }

    #[test]
    fn client_ca_needs_tls_and_the_cert_header_a_header_name() {
        let ca_alone: ServeOptions = toml::from_str("tls_client_ca = \"ca.pem\"").unwrap();
        assert!(Settings::from_options(ca_alone, KeyPolicy::default()).is_err());
        let with_tls: ServeOptions =
            toml::from_str("tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\ntls_client_ca = \"ca.pem\"")
                .unwrap();
        let s = Settings::from_options(with_tls, KeyPolicy::default()).unwrap();
        assert_eq!(s.tls_client_ca, Some(PathBuf::from("ca.pem")));
        let header: ServeOptions =
            toml::from_str("mtls_cert_header = \"X-SSL-Client-Cert\"").unwrap();
        let s = Settings::from_options(header, KeyPolicy::default()).unwrap();
        assert_eq!(s.mtls_cert_header.unwrap().as_str(), "x-ssl-client-cert");
        let bad: ServeOptions = toml::from_str("mtls_cert_header = \"a b\"").unwrap();
        assert!(Settings::from_options(bad, KeyPolicy::default()).is_err());
    }

    #[test]
    fn default_binds_loopback() {
        assert!(Settings::default().listen.ip().is_loopback());
    }

    #[test]
    fn idle_timeout_comes_from_the_file_and_is_never_zero() {
        assert_eq!(Settings::default().idle_timeout, Duration::from_secs(75));
        let file: ServeOptions = toml::from_str("idle_timeout = \"20s\"").unwrap();
        let s = Settings::from_options(file, KeyPolicy::default()).unwrap();
        assert_eq!(s.idle_timeout, Duration::from_secs(20));
        let zero: ServeOptions = toml::from_str("idle_timeout = \"0s\"").unwrap();
        let err = Settings::from_options(zero, KeyPolicy::default()).unwrap_err();
        assert!(err.to_string().contains("--idle-timeout"), "{err}");
    }
}
