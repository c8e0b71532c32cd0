//! Where a request carries its token.

use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::{HeaderMap, HeaderName};

/// A place the layer looks for the token. Sources are tried in the order
/// they were configured; the first that has a token is used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// `Authorization: Bearer <token>` (RFC 6750 §2.1), the default.
    /// Another scheme (`Basic`…) counts as no token.
    AuthorizationBearer,
    /// The whole value of another header.
    Header(HeaderName),
    /// The value of a cookie (browser front ends that keep the token in an
    /// `HttpOnly` cookie).
    Cookie(String),
}

pub(crate) enum Found {
    /// A token presented as a bearer token (or in a cookie or header).
    Token(String),
    /// A token presented with `Authorization: DPoP` (RFC 9449 §7.1).
    Dpop(String),
    Missing,
    /// The request is malformed (RFC 6750 `invalid_request`).
    Invalid(&'static str),
}

/// The token of the request: with `dpop`, an `Authorization: DPoP` token
/// first (whatever the sources), then the configured sources.
pub(crate) fn find(sources: &[TokenSource], headers: &HeaderMap, dpop: bool) -> Found {
    if dpop {
        match authorization(headers, "dpop") {
            Found::Token(t) => return Found::Dpop(t),
            Found::Missing => {}
            found => return found,
        }
    }
    for source in sources {
        let found = match source {
            TokenSource::AuthorizationBearer => authorization(headers, "bearer"),
            TokenSource::Header(name) => match headers.get(name).map(|v| v.to_str()) {
                None => Found::Missing,
                Some(Ok(v)) if !v.trim().is_empty() => Found::Token(v.trim().to_owned()),
                Some(_) => Found::Invalid("the token header is empty or not visible ASCII"),
            },
            TokenSource::Cookie(name) => cookie(headers, name),
        };
        if !matches!(found, Found::Missing) {
            return found;
        }
    }
    Found::Missing
}

/// The credentials of `Authorization: <scheme> <token>`; another scheme
/// counts as no token.
fn authorization(headers: &HeaderMap, scheme: &str) -> Found {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Found::Missing;
    };
    if values.next().is_some() {
        return Found::Invalid("more than one Authorization header");
    }
    let Ok(value) = value.to_str() else {
        return Found::Invalid("the Authorization header is not visible ASCII");
    };
    let value = value.trim();
    let (given, rest) = value.split_once(' ').unwrap_or((value, ""));
    // RFC 9110 §11.1: the scheme is case-insensitive.
    if !given.eq_ignore_ascii_case(scheme) {
        return Found::Missing;
    }
    match rest.trim() {
        "" if scheme == "dpop" => Found::Invalid("the DPoP token is empty"),
        "" => Found::Invalid("the bearer token is empty"),
        token => Found::Token(token.to_owned()),
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Found {
    for value in headers.get_all(COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for pair in value.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                let v = v.trim().trim_matches('"');
                if k.trim() == name && !v.is_empty() {
                    return Found::Token(v.to_owned());
                }
            }
        }
    }
    Found::Missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn token(sources: &[TokenSource], pairs: &[(&str, &str)]) -> Option<String> {
        match find(sources, &headers(pairs), true) {
            Found::Token(t) => Some(t),
            Found::Dpop(t) => Some(format!("dpop: {t}")),
            Found::Missing => None,
            Found::Invalid(why) => Some(format!("invalid: {why}")),
        }
    }

    #[test]
    fn sources() {
        let bearer = [TokenSource::AuthorizationBearer];
        assert_eq!(
            token(&bearer, &[("authorization", "Bearer a.b.c")]).as_deref(),
            Some("a.b.c")
        );
        assert_eq!(
            token(&bearer, &[("authorization", "bearer  a.b.c ")]).as_deref(),
            Some("a.b.c")
        );
        assert_eq!(
            token(&bearer, &[("authorization", "Basic dXNlcjpwYXNz")]),
            None
        );
        assert_eq!(token(&bearer, &[]), None);
        assert_eq!(
            token(&bearer, &[("authorization", "DPoP d.d.d")]).as_deref(),
            Some("dpop: d.d.d")
        );
        // Without DPoP configured, the DPoP scheme is just another scheme.
        assert!(matches!(
            find(&bearer, &headers(&[("authorization", "DPoP d.d.d")]), false),
            Found::Missing
        ));
        assert!(token(&bearer, &[("authorization", "Bearer ")])
            .unwrap()
            .starts_with("invalid"));
        assert!(token(
            &bearer,
            &[("authorization", "Bearer a"), ("authorization", "Bearer b")]
        )
        .unwrap()
        .starts_with("invalid"));
        let all = [
            TokenSource::AuthorizationBearer,
            TokenSource::Header(HeaderName::from_static("x-token")),
            TokenSource::Cookie("session".into()),
        ];
        assert_eq!(
            token(&all, &[("x-token", "h.h.h")]).as_deref(),
            Some("h.h.h")
        );
        assert_eq!(
            token(&all, &[("cookie", "theme=dark; session=c.c.c")]).as_deref(),
            Some("c.c.c")
        );
        assert_eq!(
            token(
                &all,
                &[
                    ("authorization", "Bearer a.a.a"),
                    ("cookie", "session=c.c.c")
                ]
            )
            .as_deref(),
            Some("a.a.a")
        );
    }
}
