//! A debugger's router driven in-process, with the browser's headers.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use jot_ui::Ui;
use tower::ServiceExt;

pub const PORT: u16 = 47_001;
pub const HOST: &str = "127.0.0.1:47001";
pub const ORIGIN: &str = "http://127.0.0.1:47001";

pub struct Client {
    pub ui: Ui,
    pub cookie: String,
}

impl Client {
    /// A debugger whose launch URL has been visited once.
    pub async fn launched() -> Client {
        let ui = Ui::new(PORT);
        let res = send(&ui, get(&launch_path(&ui)).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let set = res.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        let cookie = set.split(';').next().unwrap().to_owned();
        Client { ui, cookie }
    }

    /// A POST to the API as the page makes it.
    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let req = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = send(&self.ui, req).await;
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }
}

/// The path and query of the launch URL.
pub fn launch_path(ui: &Ui) -> String {
    let url = ui.launch_url();
    url.strip_prefix(ORIGIN).unwrap().to_owned()
}

pub fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path).header(header::HOST, HOST)
}

pub async fn send(ui: &Ui, req: Request<Body>) -> Response<Body> {
    ui.router().oneshot(req).await.unwrap()
}
