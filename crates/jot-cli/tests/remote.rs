//! `jot verify --key http(s)://…/jwks.json` and `jot verify --issuer …`
//! against a small HTTP/1.1 server on 127.0.0.1 (no internet): exit codes
//! 0 (valid), 1 (token rejected, e.g. its kid is not in the fetched set)
//! and 2 (the key source is unusable: refused URL, failed fetch or
//! discovery, a discovery document naming another issuer).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{ok, run};
use serde_json::{json, Value};

/// Canned answers by path: (status, body). Anything else is a 404.
type Routes = Arc<Mutex<HashMap<String, (u16, String)>>>;

struct Server {
    base: String,
    routes: Routes,
    hits: Arc<AtomicUsize>,
}

impl Server {
    /// Serves until the test process ends (one thread, one request per
    /// connection, `Connection: close`).
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Routes = Arc::default();
        let hits = Arc::new(AtomicUsize::new(0));
        let (r, h) = (routes.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // Skip the request headers.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                h.fetch_add(1, Ordering::SeqCst);
                let path = request_line.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = r
                    .lock()
                    .unwrap()
                    .get(path)
                    .cloned()
                    .unwrap_or((404, "{}".into()));
                let reason = if status == 200 { "OK" } else { "Not Found" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Server { base, routes, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn serve(&self, path: &str, body: impl Into<String>) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.into(), (200, body.into()));
    }

    /// A discovery document at ISSUER_PATH/.well-known/openid-configuration
    /// naming `issuer` and the server's /jwks.json.
    fn discovery(&self, issuer_path: &str, issuer: &str) {
        let doc = json!({
            "issuer": issuer,
            "jwks_uri": self.url("/jwks.json"),
            "authorization_endpoint": self.url("/authorize"),
        });
        self.serve(
            &format!("{issuer_path}/.well-known/openid-configuration"),
            doc.to_string(),
        );
    }
}

/// A key `k1` published by the server, a key `k2` that is not, and a
/// token from each with `iss` = the server's base URL.
fn setup(server: &Server) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for kid in ["k1", "k2"] {
        ok(
            d,
            &[
                "key",
                "generate",
                "--alg",
                "ES256",
                "--kid",
                kid,
                "--out",
                &format!("{kid}.jwk"),
            ],
        );
    }
    server.serve("/jwks.json", ok(d, &["jwks", "build", "k1.jwk"]));
    let (k1, k2) = (sign(d, "k1", &server.base), sign(d, "k2", &server.base));
    (dir, k1, k2)
}

fn sign(d: &Path, kid: &str, iss: &str) -> String {
    ok(
        d,
        &[
            "sign",
            "--key",
            &format!("{kid}.jwk"),
            "--iss",
            iss,
            "--aud",
            "api",
            "--exp",
            "10m",
        ],
    )
    .trim()
    .to_owned()
}

#[test]
fn jwks_url() {
    let server = Server::start();
    let (dir, good, unknown_kid) = setup(&server);
    let d = dir.path();
    let url = server.url("/jwks.json");

    let v: Value = serde_json::from_str(&ok(
        d,
        &["verify", &good, "--key", &url, "--aud", "api", "--json"],
    ))
    .unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["header"]["kid"], "k1");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "one fetch per run");

    // The set was fetched; the token's kid is not in it: rejected (1),
    // naming the kids seen and where they came from.
    let (code, out, err) = run(
        d,
        &["verify", &unknown_kid, "--key", &url, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("\"k2\"") && err.contains("\"k1\"") && err.contains(&url),
        "{err}"
    );

    // An unusable key source: configuration errors (2).
    let missing = server.url("/missing.json");
    let (code, _, err) = run(
        d,
        &["verify", &good, "--key", &missing, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("404") && err.contains(&missing), "{err}");
    server.serve("/garbage.json", "<html>not a key set</html>");
    let garbage = server.url("/garbage.json");
    let (code, _, err) = run(
        d,
        &["verify", &good, "--key", &garbage, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid JWK Set"), "{err}");
    // Plain http to a non-loopback host is refused before any request.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            &good,
            "--key",
            "http://192.0.2.1/jwks.json",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("ERR_INSECURE_URL") || err.contains("https"),
        "{err}"
    );
    // HMAC keys never come from a URL.
    let (code, _, err) = run(d, &["verify", &good, "--key", &url, "--alg", "HS256"], b"");
    assert_eq!(code, 2, "{err}");
    // Nothing else fetches keys: a URL elsewhere is a usage error.
    let (code, _, err) = run(d, &["sign", "--key", &url, "--alg", "ES256"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("only `jot verify --key` fetches keys"),
        "{err}"
    );
    // Two verifications, the 404 and the garbage reached the server; the
    // refused URL, HS256 and sign did not.
    assert_eq!(server.hits.load(Ordering::SeqCst), 4);
}

#[test]
fn issuer_discovery() {
    let server = Server::start();
    let (dir, good, unknown_kid) = setup(&server);
    let d = dir.path();
    let issuer = server.base.clone();
    server.discovery("", &issuer);

    let human = ok(d, &["verify", &good, "--issuer", &issuer, "--aud", "api"]);
    assert!(human.starts_with("VALID"), "{human}");
    let (code, _, err) = run(
        d,
        &["verify", &unknown_kid, "--issuer", &issuer, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 1, "{err}");

    // --issuer implies --iss: a token from another issuer signed with a
    // published key is rejected.
    let foreign = sign(d, "k1", "https://other.example");
    let (code, _, err) = run(
        d,
        &["verify", &foreign, "--issuer", &issuer, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("unexpected issuer") && err.contains("other.example"),
        "{err}"
    );

    // A document naming another issuer: the key source is unusable (2).
    let tenant = format!("{issuer}/tenant");
    server.discovery("/tenant", &format!("{issuer}/other"));
    let (code, out, err) = run(
        d,
        &["verify", &good, "--issuer", &tenant, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("not the configured issuer") && err.contains("--issuer must equal"),
        "{err}"
    );
    // No discovery document at all.
    let nowhere = format!("{issuer}/nowhere");
    let (code, _, err) = run(
        d,
        &["verify", &good, "--issuer", &nowhere, "--aud", "api"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("discover"), "{err}");
    // Plain http to a non-loopback issuer: refused.
    let (code, _, err) = run(
        d,
        &[
            "verify",
            &good,
            "--issuer",
            "http://192.0.2.1",
            "--aud",
            "api",
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    // --issuer is a key source: not with --key, and it sets the issuer.
    for conflict in [&["--key", "k1.jwk"][..], &["--iss", "x"]] {
        let mut args = vec!["verify", &good, "--issuer", &issuer];
        args.extend_from_slice(conflict);
        let (code, _, err) = run(d, &args, b"");
        assert_eq!(code, 2, "{conflict:?}: {err}");
    }
}
