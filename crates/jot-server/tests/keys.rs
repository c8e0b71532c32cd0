//! The signing-key lifecycle against a real store, on both backends, with
//! a fake clock: which keys the JWKS holds and which one signs, at each step.

use std::sync::Arc;
use std::time::Duration;

use jot::jwks::LocalKeySet;
use jot::jwt::{self, Claims, Validation};
use jot::Algorithm;
use jot_server::both_backends;
use jot_server::keys::{ActiveKeys, Kek, KeyManager, KeyPolicy};
use jot_server::store::KeyState;
use jot_server::testing::{reopen, TestStore};
use jot_server::{Error, FakeClock};

const T0: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn kek(byte: u8) -> Kek {
    Kek::from_bytes(&[byte; 32]).unwrap()
}

async fn manager(t: &TestStore, clock: &FakeClock, policy: KeyPolicy) -> KeyManager {
    KeyManager::new(
        Arc::clone(&t.store),
        kek(1),
        policy,
        Arc::new(clock.clone()),
    )
    .await
    .unwrap()
}

fn published(keys: &ActiveKeys) -> Vec<String> {
    let mut kids: Vec<_> = keys
        .jwks
        .keys
        .iter()
        .filter_map(|k| k.kid.clone())
        .collect();
    kids.sort();
    kids
}

fn states(keys: &ActiveKeys) -> Vec<(String, KeyState)> {
    keys.keys.iter().map(|k| (k.kid.clone(), k.state)).collect()
}

fn sign(keys: &ActiveKeys) -> String {
    jwt::Builder::new()
        .subject("alice")
        .expires_in(Duration::from_secs(DAY as u64))
        .sign(&keys.signers[0].key)
        .unwrap()
}

/// Verifies with what a verifier holding `keys`' JWKS would accept.
fn verifies(token: &str, keys: &ActiveKeys) -> bool {
    let set = LocalKeySet::from_jwks(&keys.jwks, &[Algorithm::ES256]).unwrap();
    jwt::verify::<Claims>(token, &set, &Validation::new()).is_ok()
}

async fn lifecycle_with_fake_clock(t: TestStore) {
    let clock = FakeClock::new(T0);
    let m = manager(&t, &clock, KeyPolicy::default()).await;

    // First start: one key, signing at once.
    assert!(m.maintain().await.unwrap());
    assert!(!m.maintain().await.unwrap(), "nothing more is due");
    let start = m.load().await.unwrap();
    assert_eq!(start.signers.len(), 1);
    let k1 = start.signers[0].kid.clone();
    assert_eq!(states(&start), [(k1.clone(), KeyState::Current)]);
    assert_eq!(published(&start), vec![k1.clone()]);
    // kid is the RFC 7638 thumbprint of the published key.
    let jwk = &start.jwks.keys[0];
    assert_eq!(jwk.thumbprint(jot::jwk::ThumbprintHash::Sha256), k1);
    assert!(!jwk.is_private());
    assert_eq!(jwk.alg.as_deref(), Some("ES256"));
    let old_token = sign(&start);

    // An hour before the period ends, the successor is published, not used.
    clock.set(T0 + 30 * DAY - 3_600 - 1);
    assert!(!m.maintain().await.unwrap());
    clock.set(T0 + 30 * DAY - 3_600);
    assert!(m.maintain().await.unwrap());
    let ahead = m.load().await.unwrap();
    assert_eq!(ahead.signers[0].kid, k1);
    let k2 = ahead
        .keys
        .iter()
        .find(|k| k.state == KeyState::Next)
        .expect("a next key")
        .kid
        .clone();
    assert_eq!(published(&ahead).len(), 2);
    assert!(published(&ahead).contains(&k2));

    // At the end of the period it takes over; the old key stays published.
    clock.set(T0 + 30 * DAY);
    assert!(m.maintain().await.unwrap());
    let rotated = m.load().await.unwrap();
    assert_eq!(rotated.signers[0].kid, k2);
    assert_eq!(
        states(&rotated),
        [
            (k1.clone(), KeyState::Retired),
            (k2.clone(), KeyState::Current)
        ]
    );
    assert!(
        verifies(&old_token, &rotated),
        "a token signed before still verifies"
    );
    assert!(verifies(&sign(&rotated), &rotated));

    // The retired key goes once its last token has expired plus max-age.
    let gone = T0 + 30 * DAY + DAY + 300;
    clock.set(gone - 1);
    assert!(!m.maintain().await.unwrap());
    clock.set(gone);
    assert!(m.maintain().await.unwrap());
    let removed = m.load().await.unwrap();
    assert_eq!(published(&removed), vec![k2.clone()]);
    assert!(!verifies(&old_token, &removed));

    // And the next period's successor arrives on schedule.
    clock.set(T0 + 60 * DAY - 3_600);
    assert!(m.maintain().await.unwrap());
    assert_eq!(m.load().await.unwrap().jwks.keys.len(), 2);
}
both_backends!(lifecycle, lifecycle_with_fake_clock);

/// The clock jumps a year ahead (a VM resumed, a wrong clock corrected),
/// then back. Rotation still goes through every state in order: a key
/// signs only after it has been published for the publish-ahead time, the
/// old key signs until then, there is never a moment without a signing key,
/// and stepping back undoes nothing.
async fn rotation_survives_clock_jumps(t: TestStore) {
    let clock = FakeClock::new(T0);
    let m = manager(&t, &clock, KeyPolicy::default()).await;
    assert!(m.maintain().await.unwrap());
    let k1 = m.load().await.unwrap().signers[0].kid.clone();

    // A year later in one step, with maintenance run until nothing is due.
    clock.set(T0 + 365 * DAY);
    let mut seen_next = std::collections::BTreeSet::new();
    for _ in 0..10 {
        let changed = m.maintain().await.unwrap();
        let keys = m.load().await.unwrap();
        assert_eq!(keys.signers.len(), 1, "exactly one signing key");
        let signer = &keys.signers[0].kid;
        assert!(
            signer == &k1 || seen_next.contains(signer),
            "{signer} signs without having been published first"
        );
        for k in keys.keys.iter().filter(|k| k.state == KeyState::Next) {
            seen_next.insert(k.kid.clone());
        }
        assert!(verifies(&sign(&keys), &keys));
        if !changed {
            break;
        }
    }
    let after_jump = m.load().await.unwrap();
    assert_eq!(
        after_jump.signers[0].kid, k1,
        "the old key signs until its successor has been published long enough"
    );
    let k2 = seen_next
        .iter()
        .next()
        .expect("a successor published")
        .clone();
    assert!(published(&after_jump).contains(&k2));

    // Publish-ahead later the successor takes over.
    clock.set(T0 + 365 * DAY + 3_600);
    assert!(m.maintain().await.unwrap());
    let rotated = m.load().await.unwrap();
    assert_eq!(rotated.signers[0].kid, k2);
    let token = sign(&rotated);

    // Back by ten days: nothing reverts, the new key keeps signing and its
    // tokens keep verifying.
    clock.set(T0 + 355 * DAY);
    m.maintain().await.unwrap();
    let back = m.load().await.unwrap();
    assert_eq!(back.signers[0].kid, k2);
    assert_eq!(states(&back), states(&rotated));
    assert!(verifies(&token, &back));
}
both_backends!(clock_jumps, rotation_survives_clock_jumps);

async fn two_replicas_rotate_once(t: TestStore) {
    let clock = FakeClock::new(T0);
    let a = manager(&t, &clock, KeyPolicy::default()).await;
    let other = reopen(&t).await;
    let b = KeyManager::new(other, kek(1), KeyPolicy::default(), Arc::new(clock.clone()))
        .await
        .unwrap();
    let (ra, rb) = tokio::join!(a.maintain(), b.maintain());
    assert_eq!(u8::from(ra.unwrap()) + u8::from(rb.unwrap()), 1);
    clock.set(T0 + 30 * DAY - 3_600);
    let (ra, rb) = tokio::join!(a.maintain(), b.maintain());
    assert_eq!(u8::from(ra.unwrap()) + u8::from(rb.unwrap()), 1);
    let ring = a.load().await.unwrap();
    assert_eq!(ring.keys.len(), 2, "one next key, not two");
    // Both replicas sign with the same key.
    assert_eq!(ring.signers[0].kid, b.load().await.unwrap().signers[0].kid);
}
both_backends!(replicas, two_replicas_rotate_once);

async fn manual_rotate_and_retire(t: TestStore) {
    let clock = FakeClock::new(T0);
    let policy = KeyPolicy {
        algorithms: vec![Algorithm::ES256, Algorithm::EdDSA],
        ..KeyPolicy::default()
    };
    let m = manager(&t, &clock, policy).await;
    m.maintain().await.unwrap();
    let first = m.load().await.unwrap();
    assert_eq!(
        first.signers.iter().map(|s| s.alg).collect::<Vec<_>>(),
        [Algorithm::ES256, Algorithm::EdDSA]
    );
    clock.advance(Duration::from_secs(60));
    m.rotate_now(Some(Algorithm::ES256)).await.unwrap();
    let after = m.load().await.unwrap();
    assert_ne!(after.signers[0].kid, first.signers[0].kid);
    assert_eq!(
        after.signers[1].kid, first.signers[1].kid,
        "EdDSA untouched"
    );
    assert_eq!(after.jwks.keys.len(), 3);

    m.retire(&after.signers[1].kid).await.unwrap();
    let retired = m.load().await.unwrap();
    assert_ne!(retired.signers[1].kid, after.signers[1].kid);
    assert_eq!(retired.signers.len(), 2, "still a signer per algorithm");
    let err = m.retire(&after.signers[1].kid).await.unwrap_err();
    assert!(err.to_string().contains("already retired"), "{err}");
    let err = m.retire("no-such-kid").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}
both_backends!(manual, manual_rotate_and_retire);

async fn wrong_kek_is_refused(t: TestStore) {
    let clock = FakeClock::new(T0);
    manager(&t, &clock, KeyPolicy::default())
        .await
        .maintain()
        .await
        .unwrap();
    let err = KeyManager::new(
        Arc::clone(&t.store),
        kek(2),
        KeyPolicy::default(),
        Arc::new(clock.clone()),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::WrongKek), "{err}");
    assert!(err.to_string().contains("JOT_KEK"), "{err}");
}
both_backends!(wrong_kek, wrong_kek_is_refused);

#[test]
fn policies_that_would_break_verifiers_are_refused() {
    let short = KeyPolicy {
        publish_ahead: Duration::from_secs(60),
        jwks_max_age: Duration::from_secs(300),
        ..KeyPolicy::default()
    };
    assert!(short
        .validate()
        .unwrap_err()
        .to_string()
        .contains("max-age"));
    let hmac = KeyPolicy {
        algorithms: vec![Algorithm::HS256],
        ..KeyPolicy::default()
    };
    assert!(hmac
        .validate()
        .unwrap_err()
        .to_string()
        .contains("symmetric"));
    KeyPolicy::default().validate().unwrap();
}

async fn background_maintenance(t: TestStore) {
    use jot_server::maintenance;
    let clock = FakeClock::new(T0);
    let m = manager(&t, &clock, KeyPolicy::default()).await;
    t.store
        .deny_access_token("soon-expired", T0 + 5, T0)
        .await
        .unwrap();
    clock.set(T0 + 10);
    let task = maintenance::spawn(
        Arc::clone(&t.store),
        m.clone(),
        Arc::new(clock.clone()),
        Duration::from_millis(50),
    );
    let start = std::time::Instant::now();
    // The first round makes the signing key and purges the expired entry.
    loop {
        let ring = t.store.key_ring().await.unwrap();
        let purged = t.store.revocations_since(0, 10).await.unwrap().is_empty();
        if ring.keys.len() == 1 && purged {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "maintenance did not run"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Later rounds apply the schedule as the clock moves (the key was
    // made at T0 + 10).
    clock.set(T0 + 10 + 30 * DAY - 3_600);
    loop {
        if t.store.key_ring().await.unwrap().keys.len() == 2 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the next key did not appear"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
}
both_backends!(maintenance_task, background_maintenance);
