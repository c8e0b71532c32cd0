//! `jot serve` as a user meets it: the README's first three commands give
//! an access token, and that token verifies with `jot verify --issuer`
//! (discovery over the running service).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::jot;

/// The README's commands, after `cargo run -p jot-cli --release --`
/// (`jot` here); the test checks the README still shows exactly these.
const SERVE: &str = "serve";
const CLIENT_ADD: &str = "client add demo --audience api://demo";
const CURL: &str =
    "curl -s -u demo:SECRET -d grant_type=client_credentials http://127.0.0.1:8080/oauth2/token";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn readme_commands_lead_to_a_first_access_token() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for command in [
        format!("cargo run -p jot-cli --release -- {SERVE}"),
        format!("cargo run -p jot-cli --release -- {CLIENT_ADD}"),
        CURL.to_string(),
    ] {
        assert!(readme.contains(&command), "README lacks: {command}");
    }

    // The embedded default in a fresh directory; only the port differs from
    // the README (8080 may be taken on a test machine).
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jot"))
        .arg(SERVE)
        .current_dir(dir.path())
        .env("JOT_LISTEN", &listen)
        .env_remove("JOT_KEK")
        .env_remove("JOT_DATABASE")
        .env_remove("JOT_DATA_DIR")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let mut log = String::new();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !log.contains("first token") {
        assert!(Instant::now() < deadline, "jot serve did not start:\n{log}");
        match lines.next() {
            Some(Ok(line)) => log.push_str(&(line + "\n")),
            _ => panic!("jot serve exited:\n{log}"),
        }
    }
    assert!(
        log.contains("jot client add demo --audience api://demo"),
        "{log}"
    );
    // Not a terminal: plain text, no colour escape codes.
    assert!(
        !log.contains('\x1b'),
        "escape codes in a piped log:\n{log:?}"
    );
    // Keep reading stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let out = jot()
        .args(CLIENT_ADD.split(' '))
        .current_dir(dir.path())
        .env_remove("JOT_DATABASE")
        .env_remove("JOT_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let secret = stdout
        .lines()
        .find_map(|l| l.strip_prefix("client_secret:"))
        .unwrap()
        .trim()
        .to_string();

    let curl = CURL
        .replace("SECRET", &secret)
        .replace("127.0.0.1:8080", &listen);
    let out = Command::new("curl")
        .args(curl.split(' ').skip(1))
        .output()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    let token = body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(body["token_type"], "Bearer");

    // The token verifies through discovery against the running service.
    let issuer = format!("http://{listen}");
    let out = jot()
        .args([
            "verify",
            token,
            "--issuer",
            &issuer,
            "--aud",
            "api://demo",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let verified: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["header"]["typ"], "at+jwt");
    assert_eq!(verified["claims"]["sub"], "demo");
    // ... and not for another audience.
    let out = jot()
        .args(["verify", token, "--issuer", &issuer, "--aud", "api://other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    drop(server);
}

#[test]
fn serve_help_shows_the_defaults() {
    let out = jot().args([SERVE, "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for default in [
        "127.0.0.1:8080",
        "./jot-data",
        "ES256",
        "14d",
        "90d",
        "65536",
    ] {
        assert!(help.contains(default), "--help lacks {default}:\n{help}");
    }
}
