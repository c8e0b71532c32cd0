//! Accepting connections, plain or TLS ([`Terminator`]), and serving HTTP/1.1
//! on them until shutdown, when the requests in flight finish.
//!
//! HTTP/1.1 only: gateways' auth subrequests and OAuth clients speak it.
//! hyper's HTTP/2 server takes no idle or header-read timeout (only PING
//! keep-alive, which a live client answers), and telling h2c from HTTP/1.1
//! means waiting for the first bytes with no timer at all: the hole the idle
//! timeout below closes.
//!
//! What `axum::serve` leaves to the caller, set here:
//!
//! - `TCP_NODELAY`: Nagle's algorithm would hold an answer back while an
//!   earlier one on the connection is unacknowledged, 40 ms stalls for a
//!   gateway that pipelines its checks or for TLS records written in two
//!   parts;
//! - the idle timeout (`--idle-timeout`): a connection must send the whole
//!   head of its next request within it, counted from when it opened or from
//!   its previous answer, or it is closed. Without one, a client that opens
//!   connections and sends nothing, or a header a byte at a time, holds a
//!   socket and a task each for ever (slowloris).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::mtls::PeerCertificate;
use crate::tls::Terminator;

/// Serves `app` on `listener` (over TLS with `tls`) until `stopped` turns
/// true, then waits for the connections in flight to finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<Terminator>,
    app: Router,
    idle_timeout: Duration,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    // hyper starts this timer when a connection opens and again after each
    // answer, and stops it when a request head is complete.
    http.timer(TokioTimer::new())
        .header_read_timeout(idle_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop_requested(&mut stopped) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: back off, as
                // axum::serve does, instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "setting TCP_NODELAY failed");
        }
        let connection = Connection {
            http: http.clone(),
            app: app.clone(),
            peer,
            watcher: graceful.watcher(),
        };
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection.run(tcp, None).await,
                Some(tls) => {
                    if let Some((stream, cert)) = tls.handshake(tcp, peer).await {
                        connection.run(stream, cert.map(Arc::new)).await;
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One accepted connection, before its first request.
struct Connection {
    http: http1::Builder,
    app: Router,
    peer: SocketAddr,
    watcher: Watcher,
}

impl Connection {
    /// Serves the connection's requests until it closes (or shutdown has
    /// drained it).
    async fn run<I>(self, io: I, cert: Option<Arc<PeerCertificate>>)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let peer = self.peer;
        let service = hyper_util::service::TowerToHyperService::new(self.app.map_request(
            move |mut req: Request<Incoming>| {
                // What `into_make_service_with_connect_info` would give: the
                // peer, the key of the per-address rate limit.
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                // The connection's certificate, for every request on it.
                if let Some(cert) = &cert {
                    req.extensions_mut().insert(Arc::clone(cert));
                }
                req
            },
        ));
        let conn = self.http.serve_connection(TokioIo::new(io), service);
        if let Err(e) = self.watcher.watch(conn).await {
            // A timed-out idle connection ends here too: not an error of
            // the service.
            tracing::debug!(%peer, error = %e, "connection ended with an error");
        }
    }
}

async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}
