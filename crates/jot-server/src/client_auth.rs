//! Client authentication at the token, introspection and revocation
//! endpoints: `client_secret_basic` and `client_secret_post` (RFC 6749
//! §2.3.1), `private_key_jwt` (RFC 7523 §2.2, in
//! [`client_assertion`](crate::client_assertion)), and the TLS client
//! certificate of the connection for clients registered for
//! `tls_client_auth` or `self_signed_tls_client_auth` (RFC 8705 §2), which
//! then send only their `client_id`.
//!
//! The secret check itself is [`Clients::authenticate`](crate::clients::Clients::authenticate): constant time,
//! and an unknown id costs and answers the same as a wrong secret
//! (`invalid_client`).

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::client_assertion;
use crate::form::Form;
use crate::mtls::ClientCert;
use crate::oauth_error::OAuthError;
use crate::state::AppState;
use crate::store::{Client, TlsClientAuth};

/// How the client presented its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// HTTP Basic (`client_secret_basic`).
    Basic,
    /// In the form body (`client_secret_post`).
    Post,
    /// A JWT signed with the client's key (`private_key_jwt`).
    PrivateKeyJwt,
    /// A certificate from `--tls-client-ca` with the registered subject
    /// (`tls_client_auth`).
    TlsClientAuth,
    /// The registered self-signed certificate (`self_signed_tls_client_auth`).
    SelfSignedTlsClientAuth,
}

impl Method {
    /// The RFC 8414 name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Basic => "client_secret_basic",
            Method::Post => "client_secret_post",
            Method::PrivateKeyJwt => "private_key_jwt",
            Method::TlsClientAuth => "tls_client_auth",
            Method::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }

    /// Whether the client proved itself with its TLS certificate: its
    /// access tokens are then bound to it (RFC 8705 §3).
    pub fn is_certificate(self) -> bool {
        matches!(
            self,
            Method::TlsClientAuth | Method::SelfSignedTlsClientAuth
        )
    }
}

/// The methods the service supports, as discovery lists them: the
/// certificate ones only when TLS is terminated here (where the
/// certificate comes from), `tls_client_auth` only with a CA to check
/// chains against.
pub fn supported(state: &AppState) -> Vec<Method> {
    let mut methods = vec![Method::Basic, Method::Post, Method::PrivateKeyJwt];
    if state.settings.tls.is_some() {
        if state.settings.tls_client_ca.is_some() {
            methods.push(Method::TlsClientAuth);
        }
        methods.push(Method::SelfSignedTlsClientAuth);
    }
    methods
}

/// Authenticates the client of a request, or answers `invalid_client`
/// (401) or `invalid_request` (several methods at once, RFC 6749 §2.3).
/// The request's log line then names the client (its id, never its
/// credentials).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    form: &Form,
    cert: &ClientCert,
) -> Result<(Client, Method), OAuthError> {
    let authenticated = identify(state, headers, form, cert).await?;
    tracing::Span::current().record("client", authenticated.0.id.as_str());
    Ok(authenticated)
}

async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    form: &Form,
    cert: &ClientCert,
) -> Result<(Client, Method), OAuthError> {
    if form.get("client_assertion").is_some() || form.get("client_assertion_type").is_some() {
        if headers.contains_key(header::AUTHORIZATION) || form.get("client_secret").is_some() {
            return Err(OAuthError::invalid_request(
                "use one client authentication method: a client assertion, HTTP Basic or client_secret",
            ));
        }
        let client = client_assertion::authenticate(state, form).await?;
        return Ok((client, Method::PrivateKeyJwt));
    }
    let clients = &state.clients;
    // RFC 8705 §2: no other credentials, the client_id, and a certificate.
    if let (None, None, Some(id), Some(cert)) = (
        headers.get(header::AUTHORIZATION),
        form.get("client_secret"),
        form.get("client_id"),
        cert.0.as_deref(),
    ) {
        return match clients.authenticate_certificate(id, cert).await? {
            Some(client) => {
                let method = match client.tls_auth {
                    Some(TlsClientAuth::SubjectDn(_)) => Method::TlsClientAuth,
                    _ => Method::SelfSignedTlsClientAuth,
                };
                Ok((client, method))
            }
            None => {
                tracing::info!(
                    method = "tls_client_auth",
                    "client authentication failed: the certificate is not the client's"
                );
                Err(OAuthError::invalid_client(false))
            }
        };
    }
    let (id, secret, method) = presented(headers, form)?;
    let basic = method == Method::Basic;
    match clients.authenticate(&id, &secret).await? {
        // A certificate client's secret is never shown; should one be
        // known anyway, it still does not stand in for the certificate.
        Some(c) if c.tls_auth.is_some() => {
            tracing::info!(
                method = method.as_str(),
                "client authentication failed: the client authenticates with its certificate"
            );
            Err(OAuthError::invalid_client(basic))
        }
        Some(c) => {
            // A client id in the body must name the same client as Basic.
            if let Some(body_id) = form.get("client_id") {
                if basic && body_id != c.id {
                    return Err(OAuthError::invalid_request(
                        "client_id in the body differs from the authenticated client",
                    ));
                }
            }
            Ok((c, method))
        }
        None => {
            tracing::info!(method = method.as_str(), "client authentication failed");
            Err(OAuthError::invalid_client(basic))
        }
    }
}

/// The client id, secret and method a request presents.
fn presented(
    headers: &HeaderMap,
    form: &Form,
) -> Result<(String, Zeroizing<String>, Method), OAuthError> {
    let authorization = headers.get(header::AUTHORIZATION);
    let in_body = form.get("client_secret").is_some();
    match authorization {
        Some(value) => {
            if in_body {
                return Err(OAuthError::invalid_request(
                    "use one client authentication method: HTTP Basic or client_secret in the body",
                ));
            }
            let (id, secret) =
                parse_basic(value.as_bytes()).ok_or(OAuthError::invalid_client(true))?;
            Ok((id, secret, Method::Basic))
        }
        None => match (form.get("client_id"), form.get("client_secret")) {
            (Some(id), Some(secret)) => Ok((
                id.to_string(),
                Zeroizing::new(secret.to_string()),
                Method::Post,
            )),
            _ => Err(OAuthError::invalid_client(false)),
        },
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1
/// form-url-encodes both halves before joining them, so a `:` inside the id
/// arrives as `%3A` and the first `:` is the separator. `None` for anything
/// else, whatever the bytes (public for the fuzz target).
pub fn parse_basic(value: &[u8]) -> Option<(String, Zeroizing<String>)> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Zeroizing::new(STANDARD.decode(rest.trim()).ok()?);
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let (id, secret) = (form_decode(id)?, Zeroizing::new(form_decode(secret)?));
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// The `application/x-www-form-urlencoded` decoding of one value: `+` is a
/// space, then percent-decoding; invalid UTF-8 is refused.
fn form_decode(s: &str) -> Option<String> {
    let spaced = Zeroizing::new(s.replace('+', " "));
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(raw)).into_bytes()
    }

    #[test]
    fn basic_halves_are_form_url_decoded() {
        let (id, secret) = parse_basic(&basic("my%3Aapp:s+e%2Bc%25")).unwrap();
        assert_eq!(id, "my:app");
        assert_eq!(secret.as_str(), "s e+c%");
        let (id, _) = parse_basic(&basic("a:b:c")).unwrap();
        assert_eq!(id, "a");
    }

    #[test]
    fn malformed_basic_is_refused() {
        for bad in [
            b"Bearer abc".to_vec(),
            b"Basic !!!".to_vec(),
            basic("no-colon"),
            basic(":secret"),
            basic("id:"),
            basic("id:%ff"),
        ] {
            assert!(
                parse_basic(&bad).is_none(),
                "{:?}",
                String::from_utf8_lossy(&bad)
            );
        }
    }
}
