//! The security of the serving, seen from outside: Host, launch token,
//! cookie, Origin, and the headers on every response.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;

#[tokio::test]
async fn wrong_host_is_refused_before_anything_else() {
    let c = Client::launched().await;
    for host in [
        "evil.example:47001",
        "127.0.0.1:80",
        "localhost.evil.example:47001",
        "10.0.0.1:47001",
    ] {
        // Even with a valid cookie and origin: a rebound DNS name is not us.
        let req = Request::get("/")
            .header(header::HOST, host)
            .header(header::COOKIE, &c.cookie)
            .body(Body::empty())
            .unwrap();
        let res = send(&c.ui, req).await;
        assert_eq!(res.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
    // A launch URL under a wrong host does not consume the token.
    let ui = jot_ui::Ui::new(PORT);
    let req = Request::get(launch_path(&ui))
        .header(header::HOST, "evil.example:47001")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&ui, req).await.status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    let ok = send(&ui, get(&launch_path(&ui)).body(Body::empty()).unwrap()).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let no_host = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(
        send(&ui, no_host).await.status(),
        StatusCode::MISDIRECTED_REQUEST
    );
}

#[tokio::test]
async fn launch_token_is_swapped_for_a_strict_httponly_cookie_once() {
    let ui = jot_ui::Ui::new(PORT);
    let path = launch_path(&ui);
    let res = send(&ui, get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("jot_ui_session="));
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(
        !cookie.contains(path.split('=').nth(1).unwrap()),
        "the cookie is not the launch token"
    );
    let again = send(&ui, get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    let wrong = send(&ui, get("/?launch=AAAA").body(Body::empty()).unwrap()).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_launch_token_does_not_burn_the_right_one() {
    let ui = jot_ui::Ui::new(PORT);
    let bad = send(&ui, get("/?launch=guess").body(Body::empty()).unwrap()).await;
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
    let good = send(&ui, get(&launch_path(&ui)).body(Body::empty()).unwrap()).await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn missing_or_wrong_cookie_is_refused() {
    let c = Client::launched().await;
    let page = |cookie: Option<&str>| {
        let mut b = get("/");
        if let Some(v) = cookie {
            b = b.header(header::COOKIE, v);
        }
        b.body(Body::empty()).unwrap()
    };
    assert_eq!(
        send(&c.ui, page(None)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let forged = format!("{}x", c.cookie);
    assert_eq!(
        send(&c.ui, page(Some(&forged))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&c.ui, page(Some("jot_ui_session="))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The cookie of another launch is not this one's.
    let other = Client::launched().await;
    assert_eq!(
        send(&c.ui, page(Some(&other.cookie))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let ok = send(&c.ui, page(Some(&format!("theme=dark; {}", c.cookie)))).await;
    assert_eq!(ok.status(), StatusCode::OK);
    // The API too.
    let req = Request::post("/api/decode")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"token":"a.b.c"}"#))
        .unwrap();
    assert_eq!(send(&c.ui, req).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_origin_api_requests_are_refused() {
    let c = Client::launched().await;
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut b = Request::post("/api/decode")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &c.cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        if let Some(s) = site {
            b = b.header("sec-fetch-site", s);
        }
        b.body(Body::from(r#"{"token":"a.b.c"}"#)).unwrap()
    };
    for (origin, site) in [
        (None, None),
        (Some("https://evil.example"), None),
        (Some("http://localhost:47001"), None),
        (Some("http://127.0.0.1:47002"), None),
        (Some("null"), None),
        (Some(ORIGIN), Some("cross-site")),
    ] {
        let res = send(&c.ui, post(origin, site)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin:?} {site:?}");
    }
    let ok = send(&c.ui, post(Some(ORIGIN), Some("same-origin"))).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_cors() {
    let c = Client::launched().await;
    let page = send(
        &c.ui,
        get("/")
            .header(header::COOKIE, &c.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let refused = send(&c.ui, get("/").body(Body::empty()).unwrap()).await;
    let preflight = send(
        &c.ui,
        Request::options("/api/decode")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "https://evil.example")
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    for res in [&page, &refused, &preflight] {
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'self'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert!(
            h.keys().all(|k| !k.as_str().starts_with("access-control-")),
            "{h:?}"
        );
    }
    assert_ne!(preflight.status(), StatusCode::OK);
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
}

#[tokio::test]
async fn every_asset_the_page_names_is_served() {
    let c = Client::launched().await;
    let html = {
        use http_body_util::BodyExt;
        let res = send(
            &c.ui,
            get("/")
                .header(header::COOKIE, &c.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    for path in ["/style.css", "/js/main.js", "/favicon.svg"] {
        assert!(html.contains(path), "{path}");
    }
    for path in [
        "/style.css",
        "/js/main.js",
        "/favicon.svg",
        "/js/decoder.js",
        "/js/keys.js",
    ] {
        let res = send(
            &c.ui,
            get(path)
                .header(header::COOKIE, &c.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let missing = send(
        &c.ui,
        get("/nope.js")
            .header(header::COOKIE, &c.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[test]
fn serve_binds_loopback_and_prints_a_launch_url() {
    // Bind on a free port, read the URL and stop: the URL names 127.0.0.1.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = jot_ui::serve(0, |url| tx.send(url.to_owned()).unwrap());
    });
    let url = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Reachable on loopback…
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    // …and not on any other address of this machine.
    if let Ok(addrs) = std::net::UdpSocket::bind("0.0.0.0:0").and_then(|s| {
        s.connect("192.0.2.1:9")?;
        s.local_addr()
    }) {
        if !addrs.ip().is_loopback() && !addrs.ip().is_unspecified() {
            assert!(std::net::TcpStream::connect((addrs.ip(), port)).is_err());
        }
    }
}
