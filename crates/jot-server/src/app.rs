//! Building and running the service: the state built once, the routes of
//! every resource, the tower layers (body cap, timeout, per-request spans),
//! the background key-ring refresh, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::routing::MethodRouter;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clients::Clients;
use crate::clock::{SharedClock, SystemClock};
use crate::dpop::{self, Dpop};
use crate::error::{Error, Result};
use crate::forward_auth::TokenCache;
use crate::keys::{Kek, KekSource, KeyManager};
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::refresh::RefreshTokens;
use crate::revocation::{self, RevocationView};
use crate::settings::{ServeArgs, Settings};
use crate::state::{AppState, KeyCache, TrustedIssuer};
use crate::store::Store;
use crate::{
    forward_auth, health, introspect, jwks, maintenance, metadata, metrics, openapi, revoke,
    sessions, token,
};

/// A route: its path (axum's syntax) and its method handlers. Each module
/// hands out its own; [`paths`] lists them for the OpenAPI test, so a
/// route cannot be served without the test seeing it.
pub type Route = (&'static str, MethodRouter<AppState>);

fn routes() -> Vec<Route> {
    [
        token::routes(),
        introspect::routes(),
        revoke::routes(),
        sessions::routes(),
        forward_auth::routes(),
        jwks::routes(),
        metadata::routes(),
        health::routes(),
        metrics::routes(),
        openapi::routes(),
    ]
    .concat()
}

/// The path of every route the service answers, in axum's syntax
/// (`/auth/{*rest}`).
pub fn paths() -> Vec<&'static str> {
    routes().into_iter().map(|(path, _)| path).collect()
}

/// Every route of the service, with its layers, over `state`.
pub fn router(state: AppState) -> Router {
    let settings = Arc::clone(&state.settings);
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, method)| {
            router.route(path, method)
        })
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state.metrics),
            metrics::track,
        ))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        // The span names the method and path only (query strings and
        // headers may carry tokens or credentials), and the client once it
        // has authenticated; its closing event is the request's log line
        // with status and latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        client = tracing::field::Empty
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// A running service (tests start several; `jot serve` one).
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its issuer URL.
    pub issuer: String,
    /// Its shared state.
    pub state: AppState,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    background: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting connections, lets requests in flight finish, and
    /// waits for the server to end.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        self.wait().await
    }

    /// Waits until the server ends (after [`Running::stop_handle`] fires).
    async fn wait(self) -> Result<()> {
        for task in &self.background {
            task.abort();
        }
        match self.server.await {
            Ok(r) => r.map_err(|e| Error::io("serving", e)),
            Err(e) => Err(Error::Config(format!("server task failed: {e}"))),
        }
    }

    /// A handle that starts a graceful shutdown when sent `true`.
    pub fn stop_handle(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Builds the state over an open store and starts serving on
/// `settings.listen` (port 0: any free port).
pub async fn start(
    store: Arc<dyn Store>,
    kek: Kek,
    settings: Settings,
    clock: SharedClock,
) -> Result<Running> {
    // A bad certificate or key stops the start before anything listens.
    let tls = match &settings.tls {
        Some(files) => Some(crate::tls::server_config(
            &files.cert,
            &files.key,
            settings.tls_client_ca.as_deref(),
        )?),
        None => None,
    };
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|e| Error::io(format!("listening on {}", settings.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the bound address", e))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let issuer = settings
        .issuer
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{addr}"));
    let trusted = settings
        .trusted_issuers
        .iter()
        .map(TrustedIssuer::load)
        .collect::<Result<Vec<_>>>()?;
    let nonce_secret = settings
        .dpop_nonce
        .then(|| kek.derive(dpop::NONCE_SECRET_PURPOSE));
    let dpop = Dpop::new(
        &crate::state::asymmetric_algorithms(),
        settings.leeway,
        nonce_secret.as_ref().map(|s| &s[..]),
    )?;
    // PostgreSQL is the store several replicas share: a proof accepted by
    // one must be refused by the others, so the replay store is the
    // database. SQLite serves one process, whose memory is enough, and a
    // write per proof there would cost an fsync (see store::sqlite).
    let dpop = Arc::new(if store.backend() == "postgres" {
        dpop.with_shared_replay(Arc::clone(&store))
    } else {
        dpop
    });
    let key_manager = KeyManager::new(
        Arc::clone(&store),
        kek,
        settings.keys.clone(),
        clock.clone(),
    )
    .await?;
    // The first start of a store creates its keys before serving.
    key_manager.maintain().await?;
    let keys = KeyCache::load(&key_manager).await?;
    let refresh = RefreshTokens::new(Arc::clone(&store), clock.clone(), settings.refresh);
    let clients =
        Clients::new(Arc::clone(&store), clock.clone()).with_cache(crate::clients::CACHE_TTL);
    let revoked = RevocationView::load(Arc::clone(&store), clock.now()).await?;
    let token_cache = Arc::new(TokenCache::new(settings.auth_cache_entries));
    let rate_limits = Arc::new(RateLimits::new(
        settings.rate_limit_address,
        settings.rate_limit_client,
    ));
    let state = AppState {
        token_cache,
        metrics: Metrics::new(),
        client_keys: Arc::default(),
        rate_limits,
        dpop,
        settings: Arc::new(settings),
        issuer: Arc::from(issuer.as_str()),
        store,
        clock,
        key_manager,
        keys,
        clients,
        revoked,
        refresh,
        trusted: Arc::new(trusted),
    };
    let background = vec![
        maintenance::spawn(
            Arc::clone(&state.store),
            state.key_manager.clone(),
            state.clock.clone(),
            maintenance::DEFAULT_INTERVAL,
        ),
        tokio::spawn(refresh_keys(state.clone())),
        state
            .revoked
            .spawn(revocation::DEFAULT_POLL_INTERVAL, state.clock.clone()),
        state.rate_limits.spawn_pruning(Duration::from_secs(60)),
    ];
    let (stop, stopped) = watch::channel(false);
    let app = router(state.clone());
    let server = tokio::spawn(crate::listen::serve(
        listener,
        tls,
        app,
        state.settings.idle_timeout,
        stopped,
    ));
    tracing::info!(%addr, %issuer, tls = state.settings.tls.is_some(), backend = state.store.backend(), "jot serve listening");
    Ok(Running {
        addr,
        issuer,
        state,
        stop,
        server,
        background,
    })
}

/// Every `key_refresh`: picks up the ring changes of any replica (rotation
/// steps themselves are the maintenance task's).
async fn refresh_keys(state: AppState) {
    let mut tick = tokio::time::interval(state.settings.key_refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(e) = state.keys.refresh(&state.key_manager).await {
            tracing::warn!(code = e.code(), error = %e, "reloading the signing keys failed");
        }
    }
}

/// `jot serve`: opens the store the arguments name, starts, and runs until
/// SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn run(args: ServeArgs) -> Result<()> {
    let settings = Settings::resolve(&args)?;
    let store = crate::store::open(&args.store).await?;
    let (kek, source) = Kek::load(&args.store)?;
    if let KekSource::Generated(path) = &source {
        tracing::warn!(path = %path.display(), "generated a new key-encryption key");
    }
    if args.check {
        return check(store, kek, &settings).await;
    }
    let running = start(store, kek, settings, Arc::new(SystemClock)).await?;
    tracing::info!(
        "first token: `jot client add demo --audience api://demo` prints a secret; then \
         `curl -s -u demo:SECRET -d grant_type=client_credentials {}/oauth2/token`",
        running.issuer
    );
    let stop = running.stop_handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop.send(true);
    });
    running.wait().await
}

/// `jot serve --check`: everything start-up does short of listening.
async fn check(store: Arc<dyn Store>, kek: Kek, settings: &Settings) -> Result<()> {
    for t in &settings.trusted_issuers {
        TrustedIssuer::load(t)?;
    }
    let manager = KeyManager::new(
        Arc::clone(&store),
        kek,
        settings.keys.clone(),
        Arc::new(SystemClock),
    )
    .await?;
    manager.maintain().await?;
    let keys = manager.load().await?;
    let clients = store.list_clients().await?.len();
    println!(
        "ok: {} store, {} client(s), {} published key(s), signing with {}; would listen on {}",
        store.backend(),
        clients,
        keys.keys.len(),
        keys.signers
            .iter()
            .map(|s| s.alg.name())
            .collect::<Vec<_>>()
            .join(", "),
        settings.listen
    );
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
