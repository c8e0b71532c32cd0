//! `GET /openapi.json`: an OpenAPI 3.1 document of every endpoint, for
//! client generators and for schemathesis (`scripts/schemathesis.sh`), which
//! sends it generated and malformed requests and checks each answer against
//! it.
//!
//! The document is built from the `#[utoipa::path]` annotations below, one
//! per route and method. They live here rather than on the handlers because
//! the handlers parse their forms pair by pair ([`crate::form::Form`]) and
//! answer through their own `IntoResponse` types: the request and response
//! shapes below are the description, the handlers the behaviour, and the
//! schemathesis run holds the two together. `tests/openapi.rs` checks that
//! every route of [`crate::app::paths`], and every method it answers, is
//! here.

use std::sync::OnceLock;

use axum::routing::get;
use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::app::Route;

/// The endpoint's path.
pub const PATH: &str = "/openapi.json";

/// The document's route.
pub fn routes() -> Vec<Route> {
    vec![(PATH, get(|| async { Json(document()) }))]
}

/// The OpenAPI document (built once: it depends on nothing at run time).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jot serve",
        description = "The jot token service: OAuth 2.0 token, introspection and revocation \
                       endpoints, forward authentication for API gateways, and the keys and \
                       metadata that resource servers read. Every error of the OAuth endpoints \
                       is an RFC 6749 §5.2 JSON body."
    ),
    paths(
        paths::token,
        paths::introspect,
        paths::revoke,
        paths::revoke_sessions,
        paths::auth_get,
        paths::auth_post,
        paths::auth_put,
        paths::auth_delete,
        paths::auth_patch,
        paths::auth_options,
        paths::auth_below_get,
        paths::auth_below_post,
        paths::auth_below_put,
        paths::auth_below_delete,
        paths::auth_below_patch,
        paths::auth_below_options,
        paths::jwks,
        paths::oauth_metadata,
        paths::openid_metadata,
        paths::healthz,
        paths::readyz,
        paths::metrics,
        paths::openapi,
    ),
    components(schemas(
        TokenForm,
        GrantType,
        IntrospectForm,
        RevokeForm,
        SessionsForm,
        TokenResponse,
        Introspection,
        SessionsRevoked,
        OAuthErrorBody,
        ErrorCode,
        JwkSet,
        Metadata,
    )),
    modifiers(&Security),
)]
struct ApiDoc;

/// The `securitySchemes` the annotations name.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "client_secret_basic: client_id and client_secret, each \
                         form-urlencoded (RFC 6749 §2.3.1). Instead, a client may send \
                         client_id and client_secret (client_secret_post) or \
                         client_assertion (private_key_jwt) in the form.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "access_token",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token of this service, as `Bearer` or, when it is \
                         DPoP-bound, as `DPoP` with a `DPoP` proof header (RFC 9449).",
                    ))
                    .build(),
            ),
        );
    }
}

/// A form of an endpoint that authenticates the client: its own fields, then
/// client authentication in the body (instead of HTTP Basic).
macro_rules! client_form {
    ($(#[$doc:meta])* struct $name:ident { $($fields:tt)* }) => {
        $(#[$doc])*
        #[derive(ToSchema)]
        #[allow(dead_code)] // a description of the form, which is parsed pair by pair
        struct $name {
            $($fields)*
            /// client_secret_post (with `client_secret`), or the asserting client.
            #[schema(nullable = false)]
            client_id: Option<String>,
            /// client_secret_post.
            #[schema(nullable = false)]
            client_secret: Option<String>,
            /// private_key_jwt (RFC 7523 §2.2): a JWT signed with the client's key.
            #[schema(nullable = false)]
            client_assertion: Option<String>,
            /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
            #[schema(nullable = false)]
            client_assertion_type: Option<String>,
        }
    };
}

client_form! {
    /// The token request (RFC 6749 §4.4, §6; RFC 7523 §2.1; RFC 8693 §2.1).
    /// Each parameter at most once (RFC 6749 §3.2); an empty value counts as
    /// absent.
    struct TokenForm {
        grant_type: GrantType,
        /// Space-separated scopes, among the client's; all of them when absent.
        #[schema(nullable = false)]
        scope: Option<String>,
        /// The audience (RFC 8707), among the client's; its first when absent.
        #[schema(nullable = false)]
        resource: Option<String>,
        /// The same as `resource`; both must agree when both are given.
        #[schema(nullable = false)]
        audience: Option<String>,
        /// `refresh_token` grant: the refresh token to rotate.
        #[schema(nullable = false)]
        refresh_token: Option<String>,
        /// `jwt-bearer` grant: the signed assertion of a trusted issuer.
        #[schema(nullable = false)]
        assertion: Option<String>,
        /// `token-exchange` grant: the token to exchange.
        #[schema(nullable = false)]
        subject_token: Option<String>,
        /// `token-exchange` grant: its type URN.
        #[schema(nullable = false)]
        subject_token_type: Option<String>,
        /// `token-exchange` grant: the acting party's token.
        #[schema(nullable = false)]
        actor_token: Option<String>,
        /// `token-exchange` grant: its type URN.
        #[schema(nullable = false)]
        actor_token_type: Option<String>,
    }
}

/// The grants the token endpoint implements.
#[derive(ToSchema)]
#[allow(dead_code)] // a description of the form
enum GrantType {
    #[serde(rename = "client_credentials")]
    ClientCredentials,
    #[serde(rename = "refresh_token")]
    RefreshToken,
    #[serde(rename = "urn:ietf:params:oauth:grant-type:jwt-bearer")]
    JwtBearer,
    #[serde(rename = "urn:ietf:params:oauth:grant-type:token-exchange")]
    TokenExchange,
}

client_form! {
    /// An introspection request (RFC 7662 §2.1).
    struct IntrospectForm {
        /// The access or refresh token.
        token: String,
        /// Only a hint: the two kinds are told apart by their shape.
        #[schema(nullable = false)]
        token_type_hint: Option<String>,
    }
}

client_form! {
    /// A revocation request (RFC 7009 §2.1).
    struct RevokeForm {
        /// The access or refresh token to revoke.
        token: String,
        /// `access_token` or `refresh_token`; any other is `unsupported_token_type`.
        #[schema(nullable = false)]
        token_type_hint: Option<String>,
    }
}

client_form! {
    /// Logging a subject out everywhere.
    struct SessionsForm {
        /// The subject whose refresh families and access tokens are revoked.
        sub: String,
    }
}

/// A token response (RFC 6749 §5.1).
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::token's response
struct TokenResponse {
    /// An RFC 9068 JWT access token.
    access_token: String,
    /// `Bearer`, or `DPoP` for a DPoP-bound token.
    token_type: String,
    /// Seconds until the access token expires.
    expires_in: i64,
    /// The granted scopes, space-separated.
    scope: String,
    /// With the `refresh_token` grant (and a client allowed it).
    refresh_token: Option<String>,
    /// Token exchange only (RFC 8693 §2.2.1).
    issued_token_type: Option<String>,
}

/// An introspection response (RFC 7662 §2.2): `{"active": false}` alone for
/// a token that is not active, or not the requester's to see.
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::introspect's response
struct Introspection {
    active: bool,
    scope: Option<String>,
    client_id: Option<String>,
    sub: Option<String>,
    /// One string for one audience, else an array.
    #[schema(schema_with = audience)]
    aud: Option<String>,
    iss: Option<String>,
    iat: Option<i64>,
    exp: Option<i64>,
    jti: Option<String>,
    /// `Bearer` or `DPoP`, for access tokens.
    token_type: Option<String>,
    /// `{"jkt": …}` of a DPoP-bound access token (RFC 7800).
    #[schema(value_type = Option<Object>)]
    cnf: Option<String>,
    /// `access_token` or `refresh_token`.
    token_use: Option<String>,
}

fn audience() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
    let string = || ObjectBuilder::new().schema_type(Type::String);
    Schema::OneOf(
        OneOfBuilder::new()
            .item(string())
            .item(ArrayBuilder::new().items(string()))
            .build(),
    )
}

/// What `POST /admin/sessions/revoke` did.
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::sessions's response
struct SessionsRevoked {
    sub: String,
    /// Access tokens of the subject issued before this time (Unix seconds)
    /// are revoked.
    revoked_before: i64,
    refresh_families_revoked: u64,
}

/// An error response (RFC 6749 §5.2).
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::oauth_error's response
struct OAuthErrorBody {
    error: ErrorCode,
    /// For the developer; never a secret.
    error_description: Option<String>,
}

/// The error codes the OAuth endpoints answer.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // the wire names of crate::oauth_error's codes
enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    InvalidTarget,
    UnsupportedTokenType,
    AccessDenied,
    TemporarilyUnavailable,
    InvalidDpopProof,
    UseDpopNonce,
    ServerError,
}

/// The public signing keys (RFC 7517 §5).
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::jwks's response
struct JwkSet {
    #[schema(value_type = Vec<Object>)]
    keys: Vec<String>,
}

/// Authorization server metadata (RFC 8414 §2); further members may appear.
#[derive(ToSchema)]
#[allow(dead_code)] // a description of crate::metadata's response
struct Metadata {
    issuer: String,
    token_endpoint: String,
    jwks_uri: String,
    introspection_endpoint: String,
    revocation_endpoint: String,
    grant_types_supported: Vec<String>,
    token_endpoint_auth_methods_supported: Vec<String>,
}

/// The operations, one function each (utoipa describes functions; these
/// are never called: the handlers are in the modules the routes name).
#[allow(dead_code)]
mod paths {
    use super::{
        IntrospectForm, Introspection, JwkSet, Metadata, OAuthErrorBody, RevokeForm, SessionsForm,
        SessionsRevoked, TokenForm, TokenResponse,
    };

    const FORM: &str = "application/x-www-form-urlencoded";

    /// The token endpoint.
    ///
    /// Authenticates the client (HTTP Basic, or `client_id`/`client_secret` or
    /// `client_assertion` in the form), then runs the grant it asks for. A
    /// `DPoP` proof header binds the access token to the proof's key (RFC 9449).
    #[utoipa::path(
        post,
        path = "/oauth2/token",
        tag = "oauth",
        request_body(content = TokenForm, content_type = FORM),
        params(
            ("DPoP" = Option<String>, Header, nullable = false, description = "A DPoP proof JWT (RFC 9449 §4)"),
        ),
        security(("client_basic" = []), ()),
        responses(
            (status = 200, description = "Tokens issued", body = TokenResponse,
             headers(
                ("Cache-Control" = String, description = "no-store"),
                ("DPoP-Nonce" = Option<String>, description = "The next DPoP nonce, when nonces are required"),
             )),
            (status = 400, description = "A malformed request, or a grant, scope, audience or DPoP proof that is refused", body = OAuthErrorBody,
             headers(("DPoP-Nonce" = Option<String>, description = "With use_dpop_nonce: the nonce to use"))),
            (status = 401, description = "invalid_client: client authentication failed", body = OAuthErrorBody,
             headers(("WWW-Authenticate" = Option<String>, description = "A Basic challenge when the client tried HTTP Basic"))),
            (status = 413, description = "invalid_request: the body is over the size cap", body = OAuthErrorBody),
            (status = 429, description = "temporarily_unavailable: over a rate limit", body = OAuthErrorBody,
             headers(("Retry-After" = u64, description = "Seconds to wait"))),
            (status = 503, description = "temporarily_unavailable: the store is out of reach", body = OAuthErrorBody,
             headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub fn token() {}

    /// Token introspection (RFC 7662).
    #[utoipa::path(
        post,
        path = "/oauth2/introspect",
        tag = "oauth",
        request_body(content = IntrospectForm, content_type = FORM),
        security(("client_basic" = []), ()),
        responses(
            (status = 200, description = "What the client may learn about the token", body = Introspection),
            (status = 400, description = "A malformed request", body = OAuthErrorBody),
            (status = 401, description = "invalid_client: client authentication failed", body = OAuthErrorBody,
             headers(("WWW-Authenticate" = Option<String>, description = "A Basic challenge when the client tried HTTP Basic"))),
            (status = 413, description = "invalid_request: the body is over the size cap", body = OAuthErrorBody),
            (status = 503, description = "temporarily_unavailable: the store is out of reach", body = OAuthErrorBody,
             headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub fn introspect() {}

    /// Token revocation (RFC 7009): a refresh token revokes its family.
    #[utoipa::path(
        post,
        path = "/oauth2/revoke",
        tag = "oauth",
        request_body(content = RevokeForm, content_type = FORM),
        security(("client_basic" = []), ()),
        responses(
            (status = 200, description = "Revoked, or was not a usable token of this client (RFC 7009 §2.2); no body"),
            (status = 400, description = "A malformed request, unsupported_token_type, or another client's token (unauthorized_client)", body = OAuthErrorBody),
            (status = 401, description = "invalid_client: client authentication failed", body = OAuthErrorBody,
             headers(("WWW-Authenticate" = Option<String>, description = "A Basic challenge when the client tried HTTP Basic"))),
            (status = 413, description = "invalid_request: the body is over the size cap", body = OAuthErrorBody),
            (status = 503, description = "temporarily_unavailable: the store is out of reach", body = OAuthErrorBody,
             headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub fn revoke() {}

    /// Logs a subject out everywhere (admin clients only).
    #[utoipa::path(
        post,
        path = "/admin/sessions/revoke",
        tag = "admin",
        request_body(content = SessionsForm, content_type = FORM),
        security(("client_basic" = []), ()),
        responses(
            (status = 200, description = "The subject's sessions are revoked", body = SessionsRevoked),
            (status = 400, description = "A malformed request", body = OAuthErrorBody),
            (status = 401, description = "invalid_client: client authentication failed", body = OAuthErrorBody,
             headers(("WWW-Authenticate" = Option<String>, description = "A Basic challenge when the client tried HTTP Basic"))),
            (status = 403, description = "access_denied: not an admin client", body = OAuthErrorBody),
            (status = 413, description = "invalid_request: the body is over the size cap", body = OAuthErrorBody),
            (status = 503, description = "temporarily_unavailable: the store is out of reach", body = OAuthErrorBody,
             headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub fn revoke_sessions() {}

    /// Declares one method of forward authentication (every method gets the
    /// same answer: gateways forward the client's).
    macro_rules! forward_auth {
        ($name:ident, $method:ident, $path:literal, $($param:tt)*) => {
            /// Forward authentication for API gateways.
            ///
            /// Checks the access token of `Authorization` (`Bearer`, or `DPoP`
            /// with a `DPoP` proof) against the route's requirements: an
            /// audience (`aud` query parameter on `/auth` or
            /// `X-Auth-Require-Audience`) and scopes (`scope` or
            /// `X-Auth-Require-Scope`). No body in any answer.
            #[utoipa::path(
                $method,
                path = $path,
                tag = "forward-auth",
                params(
                    $($param)*
                    ("X-Auth-Require-Audience" = Option<String>, Header, nullable = false, description = "An audience the token must name"),
                    ("X-Auth-Require-Scope" = Option<String>, Header, nullable = false, description = "Space-separated scopes the token must have"),
                    ("DPoP" = Option<String>, Header, nullable = false, description = "A DPoP proof of the client's original request"),
                    ("X-Forwarded-Method" = Option<String>, Header, nullable = false, description = "The original request's method"),
                    ("X-Original-URL" = Option<String>, Header, nullable = false, description = "The original request's URL"),
                ),
                security(("access_token" = []), ()),
                responses(
                    (status = 200, description = "Allowed",
                     headers(
                        ("X-Auth-Subject" = String, description = "The token's sub"),
                        ("X-Auth-Client" = String, description = "The token's client_id"),
                        ("X-Auth-Scope" = String, description = "The token's scope"),
                     )),
                    (status = 400, description = "The route's requirements are missing or malformed (gateway misconfiguration)",
                     headers(("WWW-Authenticate" = String, description = "error=\"invalid_request\""))),
                    (status = 401, description = "No token, or not one good for this route",
                     headers(
                        ("WWW-Authenticate" = String, description = "A Bearer or DPoP challenge (RFC 6750 §3)"),
                        ("DPoP-Nonce" = Option<String>, description = "With use_dpop_nonce (--dpop-nonce): the nonce the retried proof must carry"),
                     )),
                    (status = 403, description = "insufficient_scope",
                     headers(("WWW-Authenticate" = String, description = "error=\"insufficient_scope\" with the scopes"))),
                )
            )]
            pub fn $name() {}
        };
    }

    forward_auth!(auth_get, get, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(auth_post, post, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(auth_put, put, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(auth_delete, delete, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(auth_patch, patch, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(auth_options, options, "/auth", ("aud" = Option<String>, Query, nullable = false, description = "The route's audience"), ("scope" = Option<String>, Query, nullable = false, description = "Space-separated scopes the route needs"),);
    forward_auth!(
        auth_below_get,
        get,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );
    forward_auth!(
        auth_below_post,
        post,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );
    forward_auth!(
        auth_below_put,
        put,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );
    forward_auth!(
        auth_below_delete,
        delete,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );
    forward_auth!(
        auth_below_patch,
        patch,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );
    forward_auth!(
        auth_below_options,
        options,
        "/auth/{rest}",
        (
            "rest" = String,
            Path,
            description = "The client's path (Envoy appends it)"
        ),
    );

    /// The public keys that verify this service's tokens.
    #[utoipa::path(
        get,
        path = "/.well-known/jwks.json",
        tag = "discovery",
        params(("If-None-Match" = Option<String>, Header, nullable = false, description = "The ETag of a copy held")),
        responses(
            (status = 200, description = "The key set", body = JwkSet,
             content_type = "application/jwk-set+json",
             headers(
                ("ETag" = String, description = "The key set's version"),
                ("Cache-Control" = String, description = "public, max-age=…"),
             )),
            (status = 304, description = "The held copy is current"),
        )
    )]
    pub fn jwks() {}

    /// Authorization server metadata (RFC 8414).
    #[utoipa::path(
        get,
        path = "/.well-known/oauth-authorization-server",
        tag = "discovery",
        responses((status = 200, description = "The metadata", body = Metadata))
    )]
    pub fn oauth_metadata() {}

    /// The same metadata at the OpenID Connect discovery path.
    #[utoipa::path(
        get,
        path = "/.well-known/openid-configuration",
        tag = "discovery",
        responses((status = 200, description = "The metadata", body = Metadata))
    )]
    pub fn openid_metadata() {}

    /// Liveness: the process answers.
    #[utoipa::path(
        get,
        path = "/healthz",
        tag = "operations",
        responses((status = 200, description = "ok", body = String, content_type = "text/plain"))
    )]
    pub fn healthz() {}

    /// Readiness: the store answers and a signing key is current.
    #[utoipa::path(
        get,
        path = "/readyz",
        tag = "operations",
        responses(
            (status = 200, description = "ready", body = String, content_type = "text/plain"),
            (status = 503, description = "Not ready, and why", body = String, content_type = "text/plain"),
        )
    )]
    pub fn readyz() {}

    /// Counters and latency histograms.
    #[utoipa::path(
        get,
        path = "/metrics",
        tag = "operations",
        responses((status = 200, description = "OpenMetrics text", body = String,
                   content_type = "application/openmetrics-text"))
    )]
    pub fn metrics() {}

    /// This document.
    #[utoipa::path(
        get,
        path = "/openapi.json",
        tag = "discovery",
        responses((status = 200, description = "The OpenAPI document", body = Object))
    )]
    pub fn openapi() {}
}

#[cfg(test)]
mod tests {
    use crate::oauth_error::OAuthError;

    #[test]
    fn every_oauth_error_code_is_in_the_document() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let codes = &doc["components"]["schemas"]["ErrorCode"]["enum"];
        for e in [
            OAuthError::invalid_request(""),
            OAuthError::invalid_client(true),
            OAuthError::invalid_grant(""),
            OAuthError::unauthorized_client(""),
            OAuthError::unsupported_grant_type(),
            OAuthError::invalid_scope(""),
            OAuthError::invalid_target(""),
            OAuthError::unsupported_token_type(),
            OAuthError::access_denied(""),
            OAuthError::rate_limited(1),
            OAuthError::invalid_dpop_proof(""),
            OAuthError::use_dpop_nonce(String::new()),
            OAuthError::server_error(),
            OAuthError::unavailable(),
            OAuthError::too_large(),
        ] {
            assert!(
                codes.as_array().unwrap().iter().any(|c| c == e.code()),
                "{} is not among {codes}",
                e.code()
            );
        }
    }
}
