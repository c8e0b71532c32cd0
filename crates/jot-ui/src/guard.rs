//! Who may talk to the debugger: the checks every request passes before it
//! reaches a page or the API, and the headers every response carries.
//!
//! In order: the `Host` header must be a loopback name with our port (a page
//! on another site that rebinds its DNS name to 127.0.0.1 still sends its
//! own name); the one-time launch token is swapped for the session cookie;
//! the session cookie must be present; and a request that is not a plain
//! `GET` must carry our own `Origin` (a cross-site form or `fetch` cannot
//! forge it). No CORS header is ever sent, so other origins cannot read
//! responses either.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aws_lc_rs::constant_time::verify_slices_are_equal;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The session cookie's name.
pub const COOKIE: &str = "jot_ui_session";

/// The query parameter of the launch URL that carries the launch token.
pub const LAUNCH_PARAM: &str = "launch";

/// The secrets of one run of `jot ui`.
pub struct Session {
    port: u16,
    launch: String,
    launch_used: AtomicBool,
    cookie: String,
}

impl Session {
    /// Fresh random launch and session tokens for a server on `port`.
    pub fn new(port: u16) -> Arc<Self> {
        Arc::new(Session {
            port,
            launch: random_token(),
            launch_used: AtomicBool::new(false),
            cookie: random_token(),
        })
    }

    /// The URL to open: it carries the launch token, valid once.
    pub fn launch_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?{LAUNCH_PARAM}={}",
            self.port, self.launch
        )
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return false;
        };
        ["127.0.0.1", "localhost"]
            .iter()
            .any(|name| host.eq_ignore_ascii_case(&format!("{name}:{}", self.port)))
    }

    /// The launch token, once: later attempts fail even with the right
    /// value, so a URL left in a shell history or a screenshot is useless.
    fn take_launch(&self, offered: &str) -> bool {
        verify_slices_are_equal(offered.as_bytes(), self.launch.as_bytes()).is_ok()
            && !self.launch_used.swap(true, Ordering::SeqCst)
    }

    fn has_cookie(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| {
                name == COOKIE
                    && verify_slices_are_equal(value.as_bytes(), self.cookie.as_bytes()).is_ok()
            })
    }

    /// `Origin` must be exactly the origin the `Host` header names (which
    /// is already known to be ours).
    fn same_origin(headers: &HeaderMap) -> bool {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        matches!((origin, host), (Some(o), Some(h)) if o.strip_prefix("http://") == Some(h))
            && fetch_site.is_none_or(|s| s == "same-origin")
    }
}

/// 32 random bytes, base64url.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // aws-lc-rs's system RNG fails only if the OS has no entropy source, in
    // which case no secure token can exist and starting must not continue.
    #[allow(clippy::expect_used)]
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator failed");
    jot::encoding::b64::encode(bytes)
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        why,
    )
        .into_response()
}

/// The middleware: the checks above, then the response headers.
pub async fn check(State(session): State<Arc<Session>>, req: Request, next: Next) -> Response {
    let mut res = decide(&session, req, next).await;
    secure_headers(res.headers_mut());
    res
}

async fn decide(session: &Session, req: Request, next: Next) -> Response {
    let headers = req.headers();
    if !session.host_allowed(headers) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "jot ui answers only to 127.0.0.1 and localhost\n",
        );
    }
    if let Some(offered) = launch_param(req.uri().query()) {
        if req.method() != Method::GET || !session.take_launch(offered) {
            return refuse(
                StatusCode::FORBIDDEN,
                "this launch link is not valid or was already used; run `jot ui` again\n",
            );
        }
        // The token leaves the address bar (and history) at once; the
        // cookie is all that identifies the browser from now on.
        let cookie = format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            session.cookie
        );
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, "/")
            .header(header::SET_COOKIE, cookie)
            .body(Body::empty())
            .unwrap_or_else(|_| refuse(StatusCode::BAD_REQUEST, "bad request\n"));
    }
    if !session.has_cookie(headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "open the URL that `jot ui` printed (it is valid once)\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD && !Session::same_origin(headers)
    {
        return refuse(StatusCode::FORBIDDEN, "cross-origin request refused\n");
    }
    next.run(req).await
}

fn launch_param(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == LAUNCH_PARAM)
        .map(|(_, v)| v)
}

/// Headers on every response, refusals included.
fn secure_headers(h: &mut HeaderMap) {
    const CSP: &str = "default-src 'self'; connect-src 'self'; script-src 'self'; \
        style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
        form-action 'none'; frame-ancestors 'none'";
    let set = |h: &mut HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // Tokens and keys pass through responses: no cache may keep them.
    set(h, header::CACHE_CONTROL, "no-store");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_host(host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        h
    }

    #[test]
    fn only_loopback_names_with_our_port_are_hosts() {
        let s = Session::new(4000);
        assert!(s.host_allowed(&with_host("127.0.0.1:4000")));
        assert!(s.host_allowed(&with_host("LOCALHOST:4000")));
        for bad in [
            "127.0.0.1:4001",
            "127.0.0.1",
            "evil.example:4000",
            "localhost.evil.example:4000",
            "127.0.0.1:40000",
            "[::1]:4000",
        ] {
            assert!(!s.host_allowed(&with_host(bad)), "{bad}");
        }
        assert!(!s.host_allowed(&HeaderMap::new()));
    }

    #[test]
    fn launch_token_works_once_and_tokens_differ() {
        let s = Session::new(1);
        assert_ne!(s.launch, s.cookie);
        assert!(!s.take_launch("wrong"));
        let launch = s.launch.clone();
        assert!(s.take_launch(&launch));
        assert!(!s.take_launch(&launch));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = with_host("127.0.0.1:9");
        assert!(!Session::same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:9"),
        );
        assert!(Session::same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!Session::same_origin(&h));
        h.remove("sec-fetch-site");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:9"),
        );
        assert!(!Session::same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!Session::same_origin(&h));
    }
}
