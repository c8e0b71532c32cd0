//! Binding the loopback listener and running the server.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use tokio::net::TcpListener;

use crate::guard::{self, Session};
use crate::{api, assets};

/// Requests hold a token, a key and a few rules; the library's own limits
/// (64 KiB tokens, 1 MiB key sets) fit well inside.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// One debugger: its session secrets and its routes.
pub struct Ui {
    session: Arc<Session>,
}

impl Ui {
    /// A debugger for a server listening on `port`, with fresh secrets.
    pub fn new(port: u16) -> Self {
        Ui {
            session: Session::new(port),
        }
    }

    /// The one-time URL to open.
    pub fn launch_url(&self) -> String {
        self.session.launch_url()
    }

    /// Every route, behind [`guard::check`].
    pub fn router(&self) -> Router {
        assets::routes()
            .merge(api::routes())
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .layer(middleware::from_fn_with_state(
                self.session.clone(),
                guard::check,
            ))
    }
}

/// Binds 127.0.0.1:`port` (0 picks a free port), calls `ready` with the
/// launch URL, and serves until Ctrl-C.
pub fn serve(port: u16, ready: impl FnOnce(&str)) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    rt.block_on(async move {
        // Loopback only, never 0.0.0.0: the page holds tokens and keys.
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let ui = Ui::new(listener.local_addr()?.port());
        ready(&ui.launch_url());
        axum::serve(listener, ui.router())
            .with_graceful_shutdown(async {
                // Without a signal handler the server runs until killed.
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
