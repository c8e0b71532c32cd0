//! The `htu` comparison of RFC 9449 §4.3 step 9: the request's URI without
//! query and fragment, after RFC 3986 §6.2.2 syntax-based and §6.2.3
//! scheme-based normalisation, so that `HTTPS://AS.example:443/a/../token`
//! and `https://as.example/token` are the same target.

use crate::error::{DpopError, Error, Result};

/// The normal form of an `htu` or request URI: an absolute `http` or
/// `https` URL with scheme and host in lower case, no default port, dot
/// segments resolved, percent-encodings of unreserved characters decoded
/// and the others in upper-case hex, without userinfo, query or fragment.
pub fn normalize_htu(uri: &str) -> Result<String> {
    let mut url = url::Url::parse(uri).map_err(|_| Error::Dpop(DpopError::Uri))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::Dpop(DpopError::Uri));
    }
    // A target URI has no userinfo (RFC 9110 §4.2.4); refusing it keeps
    // `https://as.example@evil.example/` from looking like either host.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Dpop(DpopError::Uri));
    }
    url.set_query(None);
    url.set_fragment(None);
    // The url crate lower-cases scheme and host, drops the default port,
    // resolves dot segments and gives an empty path as `/`; percent-encoding
    // is left as written.
    let path = normalize_percent_encoding(url.path());
    url.set_path(&path);
    Ok(url.into())
}

/// RFC 3986 §6.2.2.1–2: `%7e` → `~` (unreserved characters decoded), other
/// escapes upper-cased (`%2f` → `%2F`).
fn normalize_percent_encoding(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escape = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| (h << 4) | l),
            _ => None,
        };
        match escape {
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') => {
                out.push(char::from(c));
                i += 3;
            }
            Some(c) => {
                out.push_str(&format!("%{c:02X}"));
                i += 3;
            }
            None => {
                out.push(char::from(b));
                i += 1;
            }
        }
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_uris_normalize_to_the_same_string() {
        let want = "https://as.example/token";
        for uri in [
            "https://as.example/token",
            "HTTPS://AS.Example/token",
            "https://as.example:443/token",
            "https://as.example/a/../token",
            "https://as.example/./token",
            "https://as.example/token?x=1",
            "https://as.example/token#frag",
            "https://as.example/%74oken",
        ] {
            assert_eq!(normalize_htu(uri).unwrap(), want, "{uri}");
        }
        assert_eq!(
            normalize_htu("http://h.example").unwrap(),
            "http://h.example/"
        );
        assert_eq!(
            normalize_htu("https://h.example/a%2fb").unwrap(),
            "https://h.example/a%2Fb"
        );
    }

    #[test]
    fn different_targets_stay_different() {
        let a = normalize_htu("https://as.example/token").unwrap();
        for uri in [
            "http://as.example/token",
            "https://as.example:8443/token",
            "https://as.example/Token",
            "https://as.example/token/",
            "https://other.example/token",
        ] {
            assert_ne!(normalize_htu(uri).unwrap(), a, "{uri}");
        }
    }

    #[test]
    fn non_http_and_userinfo_uris_are_refused() {
        for uri in [
            "ftp://as.example/token",
            "/token",
            "https://user@as.example/token",
            "https://as.example@evil.example/",
            "not a uri",
            "",
        ] {
            assert_eq!(
                normalize_htu(uri),
                Err(Error::Dpop(DpopError::Uri)),
                "{uri}"
            );
        }
    }
}
