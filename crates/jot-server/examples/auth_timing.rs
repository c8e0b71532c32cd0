//! Does the token endpoint's answer time tell an unknown client id from a
//! known one with a wrong secret (issue 14, "Timing")? Both must be the same
//! 401 after the same work: `Clients::authenticate` compares the presented
//! secret's digest with a decoy digest when the id is unknown.
//!
//! Runs `jot serve` in-process on a fresh SQLite store and sends the two
//! kinds of request alternately over loopback, N of each. Prints the median
//! of each kind and the run's noise: how far apart the medians of the even
//! and the odd requests of one kind are. The two kinds are indistinguishable
//! in this run when their medians differ by less than that noise.
//!
//! cargo run -p jot-server --release --features testing --example auth_timing [-- N]

use std::sync::Arc;
use std::time::{Duration, Instant};

use jot_server::keys::Kek;
use jot_server::settings::Settings;
use jot_server::store::{Client, Digest, Grant};
use jot_server::{testing, Clock, SystemClock};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median of the requests at even positions and at odd ones.
fn halves(v: &[f64]) -> (f64, f64) {
    let mut even: Vec<f64> = v.iter().step_by(2).copied().collect();
    let mut odd: Vec<f64> = v.iter().skip(1).step_by(2).copied().collect();
    (median(&mut even), median(&mut odd))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(4_000);
    let t = testing::sqlite().await;
    let now = SystemClock.now();
    t.store
        .create_client(&Client {
            id: "svc".into(),
            secret_digest: Digest::of(b"the-right-secret"),
            scopes: vec!["read".into()],
            audiences: vec!["api".into()],
            grants: vec![Grant::ClientCredentials],
            token_ttl: 300,
            jwks: None,
            jwks_uri: None,
            admin: false,
            created_at: now,
            secret_rotated_at: now,
            tls_auth: None,
        })
        .await
        .unwrap();
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        rate_limit_address: 0,
        rate_limit_client: 0,
        ..Settings::default()
    };
    let server = jot_server::app::start(
        Arc::clone(&t.store),
        Kek::from_bytes(&[7; 32]).unwrap(),
        settings,
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let url = format!("http://{}/oauth2/token", server.addr);
    let http = reqwest::Client::new();
    let request = |id: &'static str| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let start = Instant::now();
            let r = http
                .post(&url)
                .basic_auth(id, Some("a-wrong-secret"))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
            r.bytes().await.unwrap();
            start.elapsed()
        }
    };
    for _ in 0..500 {
        request("nosuch").await;
        request("svc").await;
    }
    let (mut unknown, mut wrong) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    for i in 0..n {
        // Alternate which kind goes first, so neither always follows the other.
        if i % 2 == 0 {
            unknown.push(micros(request("nosuch").await));
            wrong.push(micros(request("svc").await));
        } else {
            wrong.push(micros(request("svc").await));
            unknown.push(micros(request("nosuch").await));
        }
    }
    let (u_even, u_odd) = halves(&unknown);
    let (w_even, w_odd) = halves(&wrong);
    let noise = (u_even - u_odd).abs().max((w_even - w_odd).abs());
    let (u, w) = (median(&mut unknown), median(&mut wrong));
    let cores = std::thread::available_parallelism().map_or(0, |c| c.get());
    println!("{n} requests of each kind, alternating, over loopback, {cores} CPUs");
    println!("| request | median | even / odd medians |");
    println!("|---|---:|---:|");
    println!("| unknown client id | {u:.1} µs | {u_even:.1} / {u_odd:.1} µs |");
    println!("| known id, wrong secret | {w:.1} µs | {w_even:.1} / {w_odd:.1} µs |");
    println!(
        "difference {:.1} µs, noise {noise:.1} µs: {}",
        (u - w).abs(),
        if (u - w).abs() < noise {
            "within the noise"
        } else {
            "LARGER than the noise"
        }
    );
    server.shutdown().await.unwrap();
}
