//! The scope and audience a token request asks for, checked against what
//! the client (or the refresh family) may have.

use crate::form::Form;
use crate::oauth_error::OAuthError;

/// The scope to grant: the requested one if every token of it is among
/// `allowed`, or all of `allowed` when none is requested (RFC 6749 §3.3).
pub fn scope<S: AsRef<str>>(form: &Form, allowed: &[S]) -> Result<String, OAuthError> {
    let Some(requested) = form.get("scope") else {
        return Ok(join(allowed.iter().map(AsRef::as_ref)));
    };
    let mut granted: Vec<&str> = Vec::new();
    for s in requested.split(' ') {
        // scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), one space between.
        if s.is_empty()
            || !s
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) && b != 0x5c)
        {
            return Err(OAuthError::invalid_scope("scope is malformed"));
        }
        if !allowed.iter().any(|a| a.as_ref() == s) {
            return Err(OAuthError::invalid_scope(format!(
                "scope {s} is not allowed for this client"
            )));
        }
        if !granted.contains(&s) {
            granted.push(s);
        }
    }
    Ok(join(granted.into_iter()))
}

fn join<'a>(scopes: impl Iterator<Item = &'a str>) -> String {
    scopes.collect::<Vec<_>>().join(" ")
}

/// The audience to grant: `resource` (RFC 8707) or `audience`, which must
/// be one of `allowed`; the client's first audience when neither is given.
pub fn audience(form: &Form, allowed: &[String]) -> Result<String, OAuthError> {
    let requested = match (form.get("resource"), form.get("audience")) {
        (Some(r), Some(a)) if r != a => {
            return Err(OAuthError::invalid_target(
                "resource and audience name different targets",
            ))
        }
        (Some(r), _) => Some(r),
        (None, a) => a,
    };
    match requested {
        Some(r) if allowed.iter().any(|a| a == r) => Ok(r.to_string()),
        Some(_) => Err(OAuthError::invalid_target(
            "the requested resource is not among this client's audiences",
        )),
        None => allowed
            .first()
            .cloned()
            .ok_or_else(|| OAuthError::invalid_target("this client has no audience")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Form {
        Form::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn scope_is_a_subset_of_the_allowed_or_all_of_it() {
        let allowed = ["read", "write"];
        assert_eq!(scope(&form(""), &allowed).unwrap(), "read write");
        assert_eq!(scope(&form("scope=write"), &allowed).unwrap(), "write");
        assert_eq!(
            scope(&form("scope=write+write"), &allowed).unwrap(),
            "write"
        );
        for bad in [
            "scope=admin",
            "scope=read++write",
            "scope=%22q%22",
            "scope=a%5Cb",
        ] {
            assert_eq!(
                scope(&form(bad), &allowed).unwrap_err().code(),
                "invalid_scope",
                "{bad}"
            );
        }
    }

    #[test]
    fn audience_is_one_of_the_allowed() {
        let allowed = vec!["api://a".to_string(), "api://b".to_string()];
        assert_eq!(audience(&form(""), &allowed).unwrap(), "api://a");
        assert_eq!(
            audience(&form("resource=api://b"), &allowed).unwrap(),
            "api://b"
        );
        assert_eq!(
            audience(&form("audience=api://b"), &allowed).unwrap(),
            "api://b"
        );
        for bad in ["resource=api://c", "resource=api://a&audience=api://b"] {
            assert_eq!(
                audience(&form(bad), &allowed).unwrap_err().code(),
                "invalid_target"
            );
        }
        assert_eq!(
            audience(&form(""), &[]).unwrap_err().code(),
            "invalid_target"
        );
    }
}
