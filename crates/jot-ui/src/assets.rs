//! The page: every file embedded in the binary at compile time, so nothing
//! is fetched from anywhere at run time and nothing is built at build time.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// (path under /, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    ("index.html", HTML, include_bytes!("../assets/index.html")),
    ("style.css", CSS, include_bytes!("../assets/style.css")),
    ("js/main.js", JS, include_bytes!("../assets/js/main.js")),
    ("js/api.js", JS, include_bytes!("../assets/js/api.js")),
    (
        "js/decoder.js",
        JS,
        include_bytes!("../assets/js/decoder.js"),
    ),
    (
        "js/verifier.js",
        JS,
        include_bytes!("../assets/js/verifier.js"),
    ),
    ("js/lint.js", JS, include_bytes!("../assets/js/lint.js")),
    (
        "js/decrypt.js",
        JS,
        include_bytes!("../assets/js/decrypt.js"),
    ),
    (
        "js/encoder.js",
        JS,
        include_bytes!("../assets/js/encoder.js"),
    ),
    ("js/keys.js", JS, include_bytes!("../assets/js/keys.js")),
    ("js/notes.js", JS, include_bytes!("../assets/js/notes.js")),
    ("favicon.svg", SVG, include_bytes!("../assets/favicon.svg")),
];

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

pub fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { file("index.html") }))
        .route(
            "/{*path}",
            get(|Path(p): Path<String>| async move { file(&p) }),
        )
}

fn file(path: &str) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, bytes)) => ([(header::CONTENT_TYPE, *mime)], *bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}
