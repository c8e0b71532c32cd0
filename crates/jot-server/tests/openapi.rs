//! `GET /openapi.json` describes every route the service answers, with
//! every method it answers there, and nothing it does not: a route added
//! without its description (or a description left behind by a removed
//! route) fails here. The routes come from `app::paths()`, the list the
//! router itself is built from; the methods are probed (axum answers 405
//! to a method a route does not have).

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

/// The methods probed. HEAD is left out: every GET route answers it (HTTP
/// semantics, as axum implements them) and the document need not say so.
const METHODS: [Method; 6] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
    Method::OPTIONS,
];

/// axum's catch-all `{*rest}` is an ordinary `{rest}` in OpenAPI.
fn openapi_path(route: &str) -> String {
    route.replace("{*", "{")
}

/// A request path for a route: each parameter `x`.
fn concrete(route: &str) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        out.push('x');
        rest = &rest[open + rest[open..].find('}').unwrap() + 1..];
    }
    out + rest
}

#[tokio::test]
async fn every_route_and_method_is_in_the_document_and_nothing_else() {
    let h = start(jot_server::testing::sqlite().await, settings()).await;
    let r = h.http.get(h.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let documented = doc["paths"].as_object().unwrap();

    let routes = jot_server::app::paths();
    assert!(routes.len() >= 12, "{routes:?}");
    for route in &routes {
        let path = openapi_path(route);
        let item = documented
            .get(&path)
            .unwrap_or_else(|| panic!("{route} is served but /openapi.json lacks {path}"));
        for method in METHODS {
            let status = h
                .http
                .request(method.clone(), h.url(&concrete(route)))
                .send()
                .await
                .unwrap()
                .status();
            let answered = status != reqwest::StatusCode::METHOD_NOT_ALLOWED;
            let described = item.get(method.as_str().to_lowercase()).is_some();
            assert_eq!(
                answered, described,
                "{method} {route}: answered {status}, described in /openapi.json: {described}"
            );
        }
    }
    for path in documented.keys() {
        assert!(
            routes.iter().any(|r| openapi_path(r) == *path),
            "/openapi.json describes {path}, which is not a route"
        );
    }
}
