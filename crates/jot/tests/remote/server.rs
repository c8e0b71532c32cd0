//! A scriptable HTTP/1.1 server on 127.0.0.1 for the remote key set tests:
//! every answer (status, headers, body, delay, Content-Length or not) is set
//! by the test, and every request is counted. Hand-written on tokio so a
//! test can make it misbehave in ways a real framework would not (a body
//! larger than announced, headers that never come).
#![allow(dead_code)] // each test uses a different subset

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jot::jwks::Clock;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Sleep before answering.
    pub delay: Duration,
    /// Answer 304 (empty body) when the request's If-None-Match is this.
    pub etag: Option<String>,
    /// Announce the body length (otherwise the body ends with the connection).
    pub content_length: bool,
    /// Hold the answer until the gate opens.
    pub gate: Option<Gate>,
}

/// Holds answers back until the test opens it: a provider exactly as slow as
/// the test needs, with no clock involved.
#[derive(Debug, Clone)]
pub struct Gate(Arc<tokio::sync::Semaphore>);

impl Gate {
    pub fn new() -> Gate {
        Gate(Arc::new(tokio::sync::Semaphore::new(0)))
    }

    /// Releases every held answer, and lets later ones through at once.
    pub fn open(&self) {
        self.0.close();
    }

    async fn pass(&self) {
        // A closed semaphore answers every acquire at once (with an error).
        let _ = self.0.acquire().await;
    }
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
            etag: None,
            content_length: true,
            gate: None,
        }
    }

    pub fn status(status: u16) -> Self {
        Reply {
            status,
            ..Reply::json("")
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn max_age(self, secs: u64) -> Self {
        self.header("Cache-Control", &format!("max-age={secs}"))
    }

    pub fn etag(mut self, tag: &str) -> Self {
        self.etag = Some(tag.into());
        self.header("ETag", tag)
    }

    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    pub fn gated(mut self, gate: &Gate) -> Self {
        self.gate = Some(gate.clone());
        self
    }

    pub fn without_content_length(mut self) -> Self {
        self.content_length = false;
        self
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
}

#[derive(Default)]
struct State {
    replies: HashMap<String, Reply>,
    seen: Vec<Seen>,
}

pub struct Server {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let state = Arc::new(Mutex::new(State::default()));
        let (h, s) = (hits.clone(), state.clone());
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, h.clone(), s.clone()));
            }
        });
        Server {
            addr,
            hits,
            state,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.state
            .lock()
            .unwrap()
            .replies
            .insert(path.into(), reply);
    }

    /// Requests received so far (all paths).
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Stops accepting: the port then refuses connections.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut conn: TcpStream, hits: Arc<AtomicUsize>, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head = loop {
        let Ok(n) = conn.read(&mut chunk).await else {
            return;
        };
        if n == 0 || buf.len() > 64 * 1024 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    };
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let if_none_match = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("if-none-match")
            .then(|| value.trim().to_owned())
    });
    hits.fetch_add(1, Ordering::SeqCst);
    let reply = {
        let mut s = state.lock().unwrap();
        s.seen.push(Seen {
            path: path.clone(),
            if_none_match: if_none_match.clone(),
        });
        s.replies.get(&path).cloned()
    };
    let mut reply = reply.unwrap_or_else(|| Reply::status(404));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    if let Some(gate) = &reply.gate {
        gate.pass().await;
    }
    if reply.etag.is_some() && reply.etag == if_none_match {
        reply.status = 304;
        reply.body.clear();
    }
    let mut out = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if reply.content_length && reply.status != 304 {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    out.push_str("\r\n");
    let _ = conn.write_all(out.as_bytes()).await;
    let _ = conn.write_all(&reply.body).await;
    let _ = conn.shutdown().await;
}

/// A clock the test moves by hand: cache expiry without sleeping.
#[derive(Debug)]
pub struct TestClock {
    base: Instant,
    offset: Mutex<Duration>,
}

impl TestClock {
    pub fn new() -> Arc<TestClock> {
        Arc::new(TestClock {
            base: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        })
    }

    pub fn advance(&self, d: Duration) {
        *self.offset.lock().unwrap() += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.base + *self.offset.lock().unwrap()
    }
}
