//! A request whose client goes away is dropped mid-flight by hyper, and the
//! store call it was awaiting with it, at whatever point that call had
//! reached. The load script found one such point that broke the service:
//! a write dropped right after SQLite's `BEGIN IMMEDIATE` ran, but before
//! sqlx handed back the transaction, left a pooled connection inside a
//! transaction nobody could end. It held the write lock, and every later
//! write failed (`attempted to call begin_with at non-zero transaction
//! depth`, answered 500) until a restart.
//!
//! These tests drop write calls at random points, thousands of times, and
//! then require the store to take writes as before, on both backends.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use jot_server::both_backends;
use jot_server::testing::TestStore;

const T0: i64 = 1_800_000_000;
const DROPS: u64 = 3000;

/// Polls `work` `polls` times, spinning up to ~200 µs after each poll so
/// that the database's own threads move on meanwhile, then drops it if it
/// has not finished.
async fn drop_midway<F: Future>(work: F, polls: u64, spin: u64) {
    let mut work = pin!(work);
    for _ in 0..polls {
        let ready = std::future::poll_fn(|cx| Poll::Ready(work.as_mut().poll(cx).is_ready())).await;
        if ready {
            return;
        }
        let until = Instant::now() + Duration::from_micros(spin);
        while Instant::now() < until {
            std::hint::spin_loop();
        }
    }
}

async fn writes_survive_dropped_writes(t: TestStore) {
    let s = &t.store;
    // A small deterministic generator: the run is the same every time.
    let mut n: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..DROPS {
        n = n
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let polls = 1 + (n >> 60);
        let spin = (n >> 33) % 200;
        drop_midway(s.revoke_subject(&format!("user-{i}"), T0), polls, spin).await;
    }
    // Every connection of the pool must still write: more writes than
    // connections, each given far longer than a write takes.
    for i in 0..32 {
        let write = tokio::time::timeout(
            Duration::from_secs(5),
            s.revoke_subject(&format!("after-{i}"), T0),
        )
        .await;
        match write {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("write {i} after the dropped writes failed: {e}"),
            Err(_) => panic!("write {i} after the dropped writes did not finish in 5 s"),
        }
    }
}
both_backends!(dropped_writes, writes_survive_dropped_writes);
