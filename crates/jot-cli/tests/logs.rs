//! What `jot serve --log-format json` and the store commands write to their
//! logs (issue 14, "Operations"): one JSON object per line; one line per
//! request with method, path, client, status and latency; audit events of
//! their own target for the changes that matter; and none of the secrets,
//! tokens or keys the run used, anywhere.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every line of `text` as a JSON object (failing on any other line).
fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            assert!(v.is_object(), "{l}");
            v
        })
        .collect()
}

/// The request lines: the closing event of each request span.
fn requests(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|l| l["message"] == "finished processing request")
        .collect()
}

fn status(line: &Value) -> u64 {
    line["status"]
        .as_u64()
        .or_else(|| line["status"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("no status: {line}"))
}

fn audit<'a>(lines: &'a [Value], event: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["target"] == "jot::audit" && l["event"] == event)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_have_request_lines_and_audit_events_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_jot"))
        .arg("serve")
        .arg("--data-dir")
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--log-format", "json"])
        .env_remove("JOT_KEK")
        .env_remove("JOT_DATABASE")
        .env_remove("JOT_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base}/readyz")).send().await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(Instant::now() < deadline, "jot serve did not become ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A client registered with the CLI, which logs the change as JSON too.
    let added = Command::new(env!("CARGO_BIN_EXE_jot"))
        .args(["client", "add", "svc", "--audience", "api", "--json"])
        .arg("--data-dir")
        .arg(&data)
        .env("JOT_LOG_FORMAT", "json")
        .env_remove("JOT_DATABASE")
        .output()
        .unwrap();
    assert!(added.status.success());
    let secret = serde_json::from_slice::<Value>(&added.stdout).unwrap()["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let cli_log = String::from_utf8(added.stderr).unwrap();

    // Traffic: a token, a wrong secret, introspection, revocation.
    let token_of = |secret: &str| {
        http.post(format!("{base}/oauth2/token"))
            .basic_auth("svc", Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    let body: Value = token_of(&secret).await.unwrap().json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    let wrong = "not-the-secret-0123456789";
    assert_eq!(token_of(wrong).await.unwrap().status(), 401);
    let introspected = http
        .post(format!("{base}/oauth2/introspect"))
        .basic_auth("svc", Some(&secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(introspected.status(), 200);
    let revoked = http
        .post(format!("{base}/oauth2/revoke"))
        .basic_auth("svc", Some(&secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);

    let term = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", server.id())])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(server.wait().unwrap().success());
    let serve_log = std::fs::read_to_string(&log_path).unwrap();
    let kek = std::fs::read_to_string(data.join("kek")).unwrap();

    // Nothing secret in either log: the client secret, the wrong secret
    // tried, the access token (or its signature alone), the KEK.
    let signature = token.rsplit('.').next().unwrap();
    for (name, log) in [("jot serve", &serve_log), ("jot client add", &cli_log)] {
        for (what, secret) in [
            ("the client secret", secret.as_str()),
            ("a wrong secret", wrong),
            ("the access token", token.as_str()),
            ("the token's signature", signature),
            ("the KEK", kek.trim()),
        ] {
            assert!(!log.contains(secret), "{name}'s log holds {what}");
        }
    }

    let lines = json_lines(&serve_log);
    let reqs = requests(&lines);
    let issued = reqs
        .iter()
        .find(|l| l["span"]["path"] == "/oauth2/token" && status(l) == 200)
        .expect("a request line for the issued token");
    assert_eq!(issued["span"]["method"], "POST");
    assert_eq!(issued["span"]["client"], "svc");
    assert!(
        issued["latency"].is_string() || issued["latency"].is_number(),
        "{issued}"
    );
    let refused = reqs
        .iter()
        .find(|l| l["span"]["path"] == "/oauth2/token" && status(l) == 401)
        .expect("a request line for the refused one");
    assert!(refused["span"]["client"].is_null(), "{refused}");
    for path in ["/oauth2/introspect", "/oauth2/revoke"] {
        let line = reqs
            .iter()
            .find(|l| l["span"]["path"] == path)
            .unwrap_or_else(|| panic!("no request line for {path}"));
        assert_eq!(line["span"]["client"], "svc");
        assert_eq!(status(line), 200);
    }
    // The first start created the signing key: an audit event.
    assert!(
        !audit(&lines, "signing_key_created").is_empty(),
        "{serve_log}"
    );

    let cli_lines = json_lines(&cli_log);
    let added = audit(&cli_lines, "client_added");
    assert_eq!(added.len(), 1, "{cli_log}");
    assert_eq!(added[0]["client"], "svc");
    assert_eq!(added[0]["by"], "cli");
}
