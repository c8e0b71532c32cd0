//! Times the store operations the token endpoint makes per request, on
//! both backends: refresh rotations (sequential, and 50 concurrent families)
//! and single-use `jti` checks. Needs PostgreSQL at JOT_TEST_DATABASE_URL.
//!
//! cargo run -p jot-server --features testing --example store_bench

use std::sync::Arc;
use std::time::Instant;

use jot_server::store::{
    Digest, FamilyInfo, MintedAccess, NewRefreshToken, RotateOutcome, RotateRequest, Store,
};
use jot_server::testing::{self, TestStore};

const N: usize = 400;

fn family(id: &str, now: i64) -> (FamilyInfo, NewRefreshToken) {
    (
        FamilyInfo {
            id: id.into(),
            client_id: "c".into(),
            subject: "s".into(),
            scope: "read".into(),
            audience: "api".into(),
            created_at: now,
            expires_at: now + 86_400,
            dpop_jkt: None,
        },
        NewRefreshToken {
            digest: Digest::of(format!("{id}/0").as_bytes()),
            expires_at: now + 3_600,
            sealed_for_predecessor: vec![],
        },
    )
}

/// Rotates family `id` `n` times in a row.
async fn chain(store: Arc<dyn Store>, id: String, n: usize, now: i64) {
    let (fam, first) = family(&id, now);
    let access = MintedAccess {
        jti: format!("{id}-a0"),
        exp: now + 600,
    };
    store.create_family(&fam, &first, &access).await.unwrap();
    for i in 0..n {
        let req = RotateRequest {
            presented: Digest::of(format!("{id}/{i}").as_bytes()),
            successor: NewRefreshToken {
                digest: Digest::of(format!("{id}/{}", i + 1).as_bytes()),
                expires_at: now + 3_600,
                sealed_for_predecessor: vec![0; 60],
            },
            access: MintedAccess {
                jti: format!("{id}-a{}", i + 1),
                exp: now + 600,
            },
            client_id: "c".into(),
            now,
            grace: 0,
            dpop_jkt: None,
        };
        let out = store.rotate_refresh(&req).await.unwrap();
        assert!(matches!(out, RotateOutcome::Rotated { .. }), "{out:?}");
    }
}

async fn run(t: TestStore) {
    let now = 1_800_000_000;
    let name = t.store.backend();
    let start = Instant::now();
    chain(Arc::clone(&t.store), "seq".into(), N, now).await;
    let seq = start.elapsed();

    let start = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|f| tokio::spawn(chain(Arc::clone(&t.store), format!("par{f}"), N / 50, now)))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let par = start.elapsed();

    let start = Instant::now();
    for i in 0..N {
        assert!(t
            .store
            .consume_jti("c", &format!("j{i}"), now + 60, now)
            .await
            .unwrap());
    }
    let jti = start.elapsed();
    println!(
        "{name:<8} refresh rotation: {:>7.0}/s sequential ({:.2} ms each), {:>7.0}/s over 50 concurrent families; single-use jti: {:>7.0}/s",
        N as f64 / seq.as_secs_f64(),
        seq.as_secs_f64() * 1000.0 / N as f64,
        N as f64 / par.as_secs_f64(),
        N as f64 / jti.as_secs_f64(),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    run(testing::sqlite().await).await;
    run(testing::postgres().await).await;
}
