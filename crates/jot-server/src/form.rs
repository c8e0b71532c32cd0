//! The `application/x-www-form-urlencoded` bodies of the OAuth endpoints.
//!
//! Parsed pair by pair rather than into a struct, because RFC 6749 §3.2
//! forbids a parameter to appear twice and a struct deserializer silently
//! keeps one of them; and a parameter without a value counts as omitted
//! (RFC 6749 §3.1).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::oauth_error::OAuthError;

/// A form body whose parameters each appear at most once.
#[derive(Default)]
pub struct Form(HashMap<String, String>);

// Parameters hold client secrets, refresh tokens and assertions: Debug
// lists only their names.
impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Form {
    /// Parses a form body.
    pub fn parse(body: &[u8]) -> Result<Form, OAuthError> {
        let mut params = HashMap::new();
        for (name, value) in form_urlencoded::parse(body) {
            if params.contains_key(name.as_ref()) {
                return Err(OAuthError::invalid_request(format!(
                    "parameter {} appears more than once",
                    printable(&name)
                )));
            }
            params.insert(name.into_owned(), value.into_owned());
        }
        // After the duplicate check: `a=&a=x` is still a repeat.
        params.retain(|_, v| !v.is_empty());
        Ok(Form(params))
    }

    /// A parameter's value; `None` if absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every parameter with a value, in no particular order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A parameter that must be present.
    pub fn require(&self, name: &'static str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {name}")))
    }
}

/// A parameter name fit for an error message: short and printable (it
/// comes from the request).
fn printable(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect()
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &S) -> Result<Self, OAuthError> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(OAuthError::invalid_request(
                "the body must be application/x-www-form-urlencoded",
            ));
        }
        // The body cap is a layer; an over-long body fails here.
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| OAuthError::too_large())?;
        Form::parse(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_parameter_is_invalid_request_even_if_empty() {
        for body in ["a=1&a=2", "a=&a=x", "scope=x&b=2&scope=x"] {
            let err = Form::parse(body.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "invalid_request", "{body}");
        }
    }

    #[test]
    fn empty_values_count_as_omitted_and_values_are_decoded() {
        let f = Form::parse(b"a=&b=x+y%2Bz").unwrap();
        assert_eq!(f.get("a"), None);
        assert_eq!(f.get("b"), Some("x y+z"));
        assert_eq!(f.require("a").unwrap_err().code(), "invalid_request");
        assert!(!format!("{f:?}").contains("x y"));
    }
}
