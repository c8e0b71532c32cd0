//! Revocations reach every replica's in-memory view through the feed, on
//! both backends; the propagation time is measured against the 1 s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jot_server::both_backends;
use jot_server::revocation::RevocationView;
use jot_server::store::{Digest, FamilyInfo, MintedAccess, NewRefreshToken};
use jot_server::testing::{reopen, TestStore};
use jot_server::{Clock, SystemClock};

async fn wait_until(view: &RevocationView, check: impl Fn(&RevocationView) -> bool) -> Duration {
    let start = Instant::now();
    while !check(view) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "not seen within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    start.elapsed()
}

async fn propagates_within_a_second(t: TestStore) {
    let now = SystemClock.now();
    let a = Arc::clone(&t.store);
    // Replica B: its own connection pool, its own view, polling.
    let b = reopen(&t).await;
    a.deny_access_token("before-start", now + 600, now)
        .await
        .unwrap();
    let view = RevocationView::load(b, now).await.unwrap();
    assert!(
        view.is_revoked(Some("before-start"), None, None, now),
        "a new replica loads the feed"
    );
    let poller = view.spawn(Duration::from_millis(250), Arc::new(SystemClock));

    let started = Instant::now();
    a.deny_access_token("jti-1", now + 600, now).await.unwrap();
    let waited = wait_until(&view, |v| v.is_revoked(Some("jti-1"), None, None, now)).await;
    let jti_latency = started.elapsed();
    assert!(waited < Duration::from_secs(1), "{waited:?}");

    let started = Instant::now();
    a.revoke_subject("alice", now).await.unwrap();
    wait_until(&view, |v| v.is_revoked(None, Some("alice"), Some(now), now)).await;
    let sub_latency = started.elapsed();
    assert!(sub_latency < Duration::from_secs(1), "{sub_latency:?}");
    assert!(
        !view.is_revoked(None, Some("alice"), Some(now + 1), now + 1),
        "issued after the cut-off"
    );
    assert!(!view.is_revoked(Some("jti-2"), Some("bob"), Some(now), now));
    // Denied tokens stop mattering once expired.
    assert!(!view.is_revoked(Some("jti-1"), None, None, now + 600));
    poller.abort();
    println!(
        "{} revocation seen by the other replica after: jti {jti_latency:?}, subject {sub_latency:?} (poll 250 ms)",
        t.store.backend()
    );
}
both_backends!(propagation, propagates_within_a_second);

async fn family_reuse_reaches_other_replicas(t: TestStore) {
    let now = SystemClock.now();
    let b = reopen(&t).await;
    let view = RevocationView::load(b, now).await.unwrap();
    let family = FamilyInfo {
        id: "fam".into(),
        client_id: "c".into(),
        subject: "carol".into(),
        scope: "read".into(),
        audience: "api".into(),
        created_at: now,
        expires_at: now + 86_400,
        dpop_jkt: None,
    };
    let first = NewRefreshToken {
        digest: Digest::of(b"rt0"),
        expires_at: now + 3_600,
        sealed_for_predecessor: vec![],
    };
    let access = MintedAccess {
        jti: "at-0".into(),
        exp: now + 600,
    };
    t.store
        .create_family(&family, &first, &access)
        .await
        .unwrap();
    assert!(t
        .store
        .revoke_refresh_token(&first.digest, "c", now)
        .await
        .unwrap());
    let before = view.version();
    assert_eq!(view.refresh(now).await.unwrap(), 1);
    assert!(view.version() > before);
    assert!(view.is_revoked(Some("at-0"), Some("carol"), Some(now), now));
    assert_eq!(view.refresh(now).await.unwrap(), 0, "nothing new");
}
both_backends!(family, family_reuse_reaches_other_replicas);
