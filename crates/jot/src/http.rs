//! The one HTTP client of the `remote` feature: which URLs may be fetched,
//! and a GET whose time and size are bounded whatever the server does.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use reqwest::{redirect, Client, StatusCode, Url};

use crate::error::{Error, Result};

/// Redirects followed at most (each hop is checked like the first URL).
const MAX_REDIRECTS: usize = 5;

/// Parses `url` and applies the transport policy: `https`, or plain `http`
/// to a loopback host (a provider on the same machine, tests) or when the
/// caller explicitly allowed it. Anything else is refused before any I/O: a
/// JWK Set fetched in clear text can be replaced by anyone on the path.
pub(crate) fn check_url(url: &str, allow_http: bool) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|e| Error::InsecureUrl(format!("not a URL: {e}")))?;
    if url_allowed(&parsed, allow_http) {
        Ok(parsed)
    } else if parsed.scheme() == "http" {
        Err(Error::InsecureUrl(
            "plain http is allowed only to loopback hosts unless explicitly enabled; use https"
                .into(),
        ))
    } else {
        Err(Error::InsecureUrl(format!(
            "scheme {:?} is not https",
            parsed.scheme()
        )))
    }
}

fn url_allowed(url: &Url, allow_http: bool) -> bool {
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => allow_http || is_loopback(url),
        _ => false,
    }
}

/// `localhost` (RFC 6761 §6.3 says it resolves to loopback) or a loopback
/// address literal.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case("localhost")
        || host
            .get(host.len().saturating_sub(10)..)
            .is_some_and(|t| t.eq_ignore_ascii_case(".localhost"))
}

/// A client for `url`'s host: total timeout (connect, headers and body),
/// redirects re-checked against the URL policy, no proxy for loopback.
pub(crate) fn client(
    url: &Url,
    timeout: Duration,
    allow_http: bool,
) -> std::result::Result<Client, String> {
    let policy = redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if url_allowed(attempt.url(), allow_http) {
            attempt.follow()
        } else {
            attempt.error("redirect to a refused URL (not https)")
        }
    });
    let mut b = Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(policy)
        .user_agent(concat!("jot/", env!("CARGO_PKG_VERSION")));
    if is_loopback(url) {
        b = b.no_proxy();
    }
    b.build()
        .map_err(|e| format!("cannot set up the HTTP client: {}", describe(&e)))
}

/// What a bounded GET returned. The body is read only for 2xx answers.
pub(crate) struct Fetched {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub cache_control: Option<String>,
    pub body: Vec<u8>,
}

/// GETs `url`, sending `If-None-Match` when an entity tag is known, and
/// reads at most `max_size` bytes of body. The body is streamed and the
/// transfer abandoned past the cap: `Content-Length` is only an early
/// refusal, never trusted to bound the read. Errors are reasons for the
/// caller's error variant.
pub(crate) async fn get(
    client: &Client,
    url: &Url,
    accept: &str,
    etag: Option<&str>,
    max_size: usize,
) -> std::result::Result<Fetched, String> {
    let mut req = client.get(url.clone()).header(ACCEPT, accept);
    if let Some(tag) = etag {
        req = req.header(IF_NONE_MATCH, tag);
    }
    let mut resp = req.send().await.map_err(|e| describe(&e))?;
    let status = resp.status();
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header(ETAG);
    let cache_control = header(CACHE_CONTROL);
    let mut body = Vec::new();
    if status.is_success() {
        if let Some(len) = resp.content_length() {
            if len > max_size as u64 {
                return Err(over(max_size));
            }
        }
        while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e))? {
            if body.len() + chunk.len() > max_size {
                return Err(over(max_size));
            }
            body.extend_from_slice(&chunk);
        }
    }
    Ok(Fetched {
        status,
        etag,
        cache_control,
        body,
    })
}

fn over(max_size: usize) -> String {
    format!("response body over the limit of {max_size} bytes")
}

/// A reqwest error without its URL (which may carry credentials in a query)
/// but with its causes, which say what actually failed.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut msg = String::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    let mut first = true;
    while let Some(err) = cur {
        let text = if first {
            // reqwest's own Display names the URL; its kind is enough.
            if e.is_connect() {
                "connection failed".to_owned()
            } else if e.is_redirect() {
                "redirect refused".to_owned()
            } else if e.is_body() || e.is_decode() {
                "reading the body failed".to_owned()
            } else {
                "request failed".to_owned()
            }
        } else {
            err.to_string()
        };
        if !msg.contains(&text) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&text);
        }
        first = false;
        cur = err.source();
    }
    msg
}

/// `max-age` from a `Cache-Control` value; `no-cache`/`no-store` count as
/// zero (the caller's minimum then applies: a key set must be kept for some
/// time or every token would cost a request).
pub(crate) fn max_age(cache_control: &str) -> Option<Duration> {
    let mut age = None;
    for directive in cache_control.split(',') {
        let directive = directive.trim();
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        let name = name.trim();
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return Some(Duration::ZERO);
        }
        if name.eq_ignore_ascii_case("max-age") {
            let value = value.trim().trim_matches('"');
            age = value.parse::<u64>().ok().map(Duration::from_secs);
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_policy() {
        assert!(check_url("https://issuer.example/jwks", false).is_ok());
        for ok in [
            "http://127.0.0.1:8080/jwks",
            "http://127.3.4.5/jwks",
            "http://[::1]:9/jwks",
            "http://localhost/jwks",
            "http://api.localhost./jwks",
        ] {
            assert!(check_url(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "http://issuer.example/jwks",
            "http://10.0.0.1/jwks",
            "http://localhost.example/jwks",
            "ftp://issuer.example/jwks",
            "file:///etc/passwd",
            "jwks.json",
        ] {
            let e = check_url(bad, false).unwrap_err();
            assert_eq!(e.code(), "ERR_INSECURE_URL", "{bad}");
        }
        assert!(check_url("http://issuer.example/jwks", true).is_ok());
    }

    #[test]
    fn cache_control() {
        assert_eq!(max_age("max-age=120"), Some(Duration::from_secs(120)));
        assert_eq!(
            max_age("public, Max-Age=\"60\", must-revalidate"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(max_age("no-store, max-age=600"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
        assert_eq!(max_age("max-age=abc"), None);
    }
}
