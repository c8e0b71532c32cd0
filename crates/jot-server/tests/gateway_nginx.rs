//! A real nginx (Debian's package, `auth_request` module) in front of an
//! API, asking a real `jot serve` at `/auth` — configured with
//! `docs/gateways/nginx.conf` exactly as shipped, only its three addresses
//! changed to this test's ports. What a client of the API sees: 200 and the
//! subject at the upstream with a good token, 401 without one or after the
//! token is revoked (even though `/auth` cached it), 403 without the scope.
//!
//! nginx must be installed (`apt-get install nginx`; `.ci/run` installs it):
//! without it the test fails and says so, as the PostgreSQL tests do.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use common::*;
use jot_server::both_backends;
use jot_server::store::Grant;
use jot_server::testing::TestStore;
use serde_json::{json, Value};

const DOC: &str = include_str!("../../../docs/gateways/nginx.conf");

/// nginx, stopped when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("JOT_TEST_NGINX") {
        return p.into();
    }
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).exists() {
            return p.into();
        }
    }
    panic!("nginx is not installed (apt-get install nginx, or set JOT_TEST_NGINX); the gateway test needs it");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `docs/gateways/nginx.conf` with its addresses pointed at this test, each
/// replaced exactly once (if the shipped file changes, this says so).
fn shipped_config(jot: SocketAddr, upstream: SocketAddr, listen: u16) -> String {
    let mut conf = DOC.to_string();
    for (from, to) in [
        ("server 127.0.0.1:8080;", format!("server {jot};")),
        ("server 127.0.0.1:9000;", format!("server {upstream};")),
        ("listen 80;", format!("listen 127.0.0.1:{listen};")),
    ] {
        assert_eq!(
            conf.matches(from).count(),
            1,
            "docs/gateways/nginx.conf: {from}"
        );
        conf = conf.replace(from, &to);
    }
    conf
}

fn start_nginx(jot: SocketAddr, upstream: SocketAddr) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let port = free_port();
    // The shipped file holds `upstream` and `server` blocks; nginx needs the
    // main and `http` contexts around them, with every path in the temp dir.
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\n{}\n}}\n",
        shipped_config(jot, upstream, port)
    );
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting nginx");
    let mut n = Nginx {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(n.addr).is_err() {
        if let Ok(Some(status)) = n.child.try_wait() {
            panic!("nginx exited ({status}) before listening");
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    n
}

/// The protected API: answers with the identity headers nginx passed on.
async fn start_upstream() -> SocketAddr {
    async fn items(headers: HeaderMap) -> Json<Value> {
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Json(json!({
            "subject": h("x-auth-subject"),
            "client": h("x-auth-client"),
            "scope": h("x-auth-scope"),
        }))
    }
    let app = Router::new().route("/items/{*rest}", get(items));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// GET /items/1 through nginx: (status, WWW-Authenticate, body).
async fn through_nginx(
    h: &Harness,
    nginx: &Nginx,
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> (u16, String, Value) {
    let mut req = h.http.get(format!("http://{}/items/1", nginx.addr));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (n, v) in extra {
        req = req.header(*n, *v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    (status, challenge, body)
}

async fn nginx_auth_request(t: TestStore) {
    let h = start(t, settings()).await;
    let mut items = client("items-svc", &[Grant::ClientCredentials]);
    items.audiences = vec!["api://items".into()];
    h.store.create_client(&items).await.unwrap();
    let token = |scope: &'static str| {
        let h = &h;
        async move {
            let (status, body) = h
                .token(
                    "items-svc",
                    &[("grant_type", "client_credentials"), ("scope", scope)],
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body["access_token"].as_str().unwrap().to_owned()
        }
    };
    let upstream = start_upstream().await;
    let nginx = start_nginx(h.server.addr, upstream);

    // A good token: the upstream sees jot's answer, not what the client sent.
    let read = token("read").await;
    let (status, _, seen) =
        through_nginx(&h, &nginx, Some(&read), &[("x-auth-subject", "admin")]).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(
        seen,
        json!({"subject": "items-svc", "client": "items-svc", "scope": "read"})
    );

    // No token, a malformed one: 401 with the RFC 6750 challenge.
    let (status, challenge, _) = through_nginx(&h, &nginx, None, &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.starts_with("Bearer"), "{challenge:?}");
    let (status, challenge, _) = through_nginx(&h, &nginx, Some("not.a.token"), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"), "{challenge:?}");

    // A token without the route's scope: 403, insufficient_scope.
    let write = token("write").await;
    let (status, challenge, _) = through_nginx(&h, &nginx, Some(&write), &[]).await;
    assert_eq!(status, 403);
    assert!(challenge.contains("insufficient_scope"), "{challenge:?}");

    // Revoked: the very next request is 401, though /auth cached the token
    // when it said 200 above.
    let (status, body) = h
        .post_form("/oauth2/revoke", "items-svc", &[("token", &read)])
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, challenge, _) = through_nginx(&h, &nginx, Some(&read), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"), "{challenge:?}");
}

both_backends!(nginx_in_front, nginx_auth_request);
