//! The storage contract, run on SQLite and on PostgreSQL alike.

use std::collections::BTreeSet;
use std::sync::Arc;

use jot_server::both_backends;
use jot_server::store::*;
use jot_server::testing::TestStore;
use jot_server::Error;

const T0: i64 = 1_800_000_000;

fn client(id: &str, secret: &[u8]) -> Client {
    Client {
        id: id.into(),
        secret_digest: Digest::of(secret),
        scopes: vec!["read".into(), "write".into()],
        audiences: vec!["api://x".into()],
        grants: vec![Grant::ClientCredentials, Grant::RefreshToken],
        token_ttl: 600,
        jwks: None,
        jwks_uri: Some("https://c.example/jwks".into()),
        // Both values, so the round trip shows the column is stored.
        admin: id.starts_with('a'),
        created_at: T0,
        secret_rotated_at: T0,
        // Each kind on some client, so the round trip shows the columns.
        tls_auth: match id.as_bytes().first() {
            Some(b'b') => Some(TlsClientAuth::SubjectDn("CN=b,O=Example".into())),
            Some(b'c') => Some(TlsClientAuth::SelfSigned {
                x5t_s256: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".into(),
            }),
            _ => None,
        },
    }
}

async fn clients_round_trip(t: TestStore) {
    let s = &t.store;
    let b = client("b-svc", b"secret-b");
    s.create_client(&b).await.unwrap();
    s.create_client(&client("a-svc", b"secret-a"))
        .await
        .unwrap();
    assert_eq!(s.client("b-svc").await.unwrap(), Some(b.clone()));
    assert!(s.client("a-svc").await.unwrap().unwrap().admin);
    let c = client("c-svc", b"secret-c");
    s.create_client(&c).await.unwrap();
    assert_eq!(s.client("c-svc").await.unwrap(), Some(c));
    assert!(s.remove_client("c-svc").await.unwrap());
    assert_eq!(s.client("nobody").await.unwrap(), None);
    let err = s
        .create_client(&client("b-svc", b"other"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Exists { kind: "client", .. }), "{err}");
    let ids: Vec<_> = s
        .list_clients()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["a-svc", "b-svc"]);

    assert!(s
        .set_client_secret("b-svc", Digest::of(b"new"), T0 + 5)
        .await
        .unwrap());
    let after = s.client("b-svc").await.unwrap().unwrap();
    assert_eq!(after.secret_digest, Digest::of(b"new"));
    assert_eq!(after.secret_rotated_at, T0 + 5);
    assert_eq!(after.created_at, T0);
    assert!(!s
        .set_client_secret("nobody", Digest::of(b"x"), T0)
        .await
        .unwrap());

    // Removing a client ends its refresh families at once.
    let (fam, first) = family("f-b", "b-svc", "alice", T0, 3600);
    s.create_family(&fam, &first, &access("at-1", T0 + 600))
        .await
        .unwrap();
    assert!(s.remove_client("b-svc").await.unwrap());
    assert!(!s.remove_client("b-svc").await.unwrap());
    assert_eq!(s.client("b-svc").await.unwrap(), None);
    assert_eq!(s.refresh_token(&first.digest).await.unwrap(), None);
}
both_backends!(clients, clients_round_trip);

/// The digest-only read authentication makes first: the stored digest for
/// a known id, the caller's decoy for an unknown one.
async fn secret_digest_or_decoy(t: TestStore) {
    let s = &t.store;
    let decoy = Digest::of(b"decoy");
    let c = client("known", b"the-secret");
    s.create_client(&c).await.unwrap();
    assert_eq!(
        s.client_secret_digest("known", &decoy).await.unwrap(),
        c.secret_digest
    );
    assert_eq!(
        s.client_secret_digest("unknown", &decoy).await.unwrap(),
        decoy
    );
}
both_backends!(secret_digest, secret_digest_or_decoy);

fn key(kid: &str, state: KeyState, at: i64) -> StoredKey {
    StoredKey {
        kid: kid.into(),
        alg: "ES256".into(),
        state,
        created_at: at,
        activated_at: None,
        retired_at: None,
        public_jwk: format!(r#"{{"kid":"{kid}"}}"#),
        private_sealed: vec![1, 2, 3, kid.len() as u8],
    }
}

async fn key_ring_changes(t: TestStore) {
    let s = &t.store;
    let empty = s.key_ring().await.unwrap();
    assert_eq!(
        empty,
        KeyRing {
            epoch: 0,
            keys: vec![]
        }
    );
    assert!(s
        .commit_key_changes(0, &[KeyChange::Insert(key("k1", KeyState::Next, T0))])
        .await
        .unwrap());
    assert_eq!(s.key_epoch().await.unwrap(), 1);
    // A batch decided on a stale epoch changes nothing.
    assert!(!s
        .commit_key_changes(0, &[KeyChange::Insert(key("k2", KeyState::Next, T0))])
        .await
        .unwrap());
    let changes = [
        KeyChange::SetState {
            kid: "k1".into(),
            to: KeyState::Current,
            at: T0 + 10,
        },
        KeyChange::Insert(key("k2", KeyState::Next, T0 + 10)),
    ];
    assert!(s.commit_key_changes(1, &changes).await.unwrap());
    let ring = s.key_ring().await.unwrap();
    assert_eq!(ring.epoch, 2);
    assert_eq!(ring.keys.len(), 2);
    assert_eq!(ring.keys[0].kid, "k1");
    assert_eq!(ring.keys[0].state, KeyState::Current);
    assert_eq!(ring.keys[0].activated_at, Some(T0 + 10));
    assert_eq!(ring.keys[0].private_sealed, vec![1, 2, 3, 2]);
    assert_eq!(ring.keys[1], key("k2", KeyState::Next, T0 + 10));

    // One bad change fails the whole batch, epoch included.
    let bad = [
        KeyChange::SetState {
            kid: "k1".into(),
            to: KeyState::Retired,
            at: T0 + 20,
        },
        KeyChange::Remove { kid: "nope".into() },
    ];
    let err = s.commit_key_changes(2, &bad).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { kind: "key", .. }), "{err}");
    assert_eq!(s.key_ring().await.unwrap(), ring);

    let retire = [
        KeyChange::SetState {
            kid: "k1".into(),
            to: KeyState::Retired,
            at: T0 + 20,
        },
        KeyChange::SetState {
            kid: "k2".into(),
            to: KeyState::Current,
            at: T0 + 20,
        },
    ];
    assert!(s.commit_key_changes(2, &retire).await.unwrap());
    assert!(s
        .commit_key_changes(3, &[KeyChange::Remove { kid: "k1".into() }])
        .await
        .unwrap());
    let ring = s.key_ring().await.unwrap();
    assert_eq!(ring.epoch, 4);
    assert_eq!(ring.keys.len(), 1);
    assert_eq!(ring.keys[0].state, KeyState::Current);
}
both_backends!(key_ring, key_ring_changes);

async fn one_replica_wins_a_key_step(t: TestStore) {
    let s = &t.store;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let s = Arc::clone(s);
            tokio::spawn(async move {
                let k = key(&format!("k{i}"), KeyState::Next, T0);
                s.commit_key_changes(0, &[KeyChange::Insert(k)])
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        won += usize::from(task.await.unwrap());
    }
    assert_eq!(won, 1);
    let ring = s.key_ring().await.unwrap();
    assert_eq!((ring.epoch, ring.keys.len()), (1, 1));
}
both_backends!(key_step_race, one_replica_wins_a_key_step);

async fn kek_check_keeps_the_first(t: TestStore) {
    let s = &t.store;
    assert_eq!(s.kek_check(b"first").await.unwrap(), b"first");
    assert_eq!(s.kek_check(b"second").await.unwrap(), b"first");
}
both_backends!(kek_check, kek_check_keeps_the_first);

fn family(
    id: &str,
    client: &str,
    sub: &str,
    now: i64,
    lifetime: i64,
) -> (FamilyInfo, NewRefreshToken) {
    (
        FamilyInfo {
            id: id.into(),
            client_id: client.into(),
            subject: sub.into(),
            scope: "read".into(),
            audience: "api://x".into(),
            created_at: now,
            expires_at: now + lifetime,
            dpop_jkt: None,
        },
        NewRefreshToken {
            digest: Digest::of(format!("{id}-rt0").as_bytes()),
            expires_at: now + 3600,
            sealed_for_predecessor: vec![],
        },
    )
}

fn access(jti: &str, exp: i64) -> MintedAccess {
    MintedAccess {
        jti: jti.into(),
        exp,
    }
}

fn rotate(presented: &Digest, next: &str, now: i64, grace: i64) -> RotateRequest {
    RotateRequest {
        presented: *presented,
        successor: NewRefreshToken {
            digest: Digest::of(next.as_bytes()),
            expires_at: now + 3600,
            sealed_for_predecessor: format!("sealed:{next}").into_bytes(),
        },
        access: access(&format!("at-{next}"), now + 600),
        client_id: "c".into(),
        now,
        grace,
        dpop_jkt: None,
    }
}

async fn refresh_rotation_and_reuse(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "alice", T0, 86_400);
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();

    let out = s
        .rotate_refresh(&rotate(&first.digest, "rt1", T0 + 10, 0))
        .await
        .unwrap();
    let RotateOutcome::Rotated {
        family: got,
        expires_at,
    } = out
    else {
        panic!("expected Rotated, got {out:?}")
    };
    assert_eq!(got.subject, "alice");
    assert_eq!(expires_at, T0 + 10 + 3600);
    let rt1 = Digest::of(b"rt1");
    let out = s
        .rotate_refresh(&rotate(&rt1, "rt2", T0 + 20, 0))
        .await
        .unwrap();
    assert!(matches!(out, RotateOutcome::Rotated { .. }), "{out:?}");

    let info = s.refresh_token(&rt1).await.unwrap().unwrap();
    assert_eq!(info.used_at, Some(T0 + 20));
    assert!(!info.is_active(T0 + 21));
    let rt2 = Digest::of(b"rt2");
    assert!(s
        .refresh_token(&rt2)
        .await
        .unwrap()
        .unwrap()
        .is_active(T0 + 21));

    let before = s.revocation_version().await.unwrap();
    // rt1 again: a reuse. The family dies with every live access token.
    let out = s
        .rotate_refresh(&rotate(&rt1, "rt-evil", T0 + 30, 0))
        .await
        .unwrap();
    assert!(matches!(out, RotateOutcome::Reused { .. }), "{out:?}");
    for jti in ["at-0", "at-rt1", "at-rt2"] {
        assert!(
            s.is_access_token_denied(jti, T0 + 31).await.unwrap(),
            "{jti}"
        );
    }
    assert!(!s
        .is_access_token_denied("at-rt-evil", T0 + 31)
        .await
        .unwrap());
    let feed = s.revocations_since(before, 100).await.unwrap();
    let jtis: BTreeSet<_> = feed
        .iter()
        .map(|r| match &r.kind {
            RevocationKind::AccessToken { jti, .. } => jti.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        jtis,
        BTreeSet::from(["at-0".into(), "at-rt1".into(), "at-rt2".into()])
    );
    assert!(s.revocation_version().await.unwrap() > before);

    // The legitimate holder's newest token is dead too.
    let out = s
        .rotate_refresh(&rotate(&rt2, "rt3", T0 + 40, 0))
        .await
        .unwrap();
    assert_eq!(out, RotateOutcome::Revoked);
    assert!(s
        .refresh_token(&rt2)
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    assert!(s
        .refresh_token(&Digest::of(b"rt-evil"))
        .await
        .unwrap()
        .is_none());
}
both_backends!(refresh_reuse, refresh_rotation_and_reuse);

async fn refresh_unknown_expired_and_other_client(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "alice", T0, 5000);
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();

    let out = s
        .rotate_refresh(&rotate(&Digest::of(b"never"), "x", T0, 0))
        .await
        .unwrap();
    assert_eq!(out, RotateOutcome::Unknown);
    let mut other = rotate(&first.digest, "x", T0 + 1, 0);
    other.client_id = "someone-else".into();
    assert_eq!(
        s.rotate_refresh(&other).await.unwrap(),
        RotateOutcome::Unknown
    );
    // Past the sliding end (3600 s): expired, and nothing changed.
    let out = s
        .rotate_refresh(&rotate(&first.digest, "x", T0 + 3600, 0))
        .await
        .unwrap();
    assert_eq!(out, RotateOutcome::Expired);
    assert_eq!(
        s.refresh_token(&first.digest)
            .await
            .unwrap()
            .unwrap()
            .used_at,
        None
    );

    // Sliding rotation keeps going, but never past the family's absolute end.
    let out = s
        .rotate_refresh(&rotate(&first.digest, "r1", T0 + 3000, 0))
        .await
        .unwrap();
    let RotateOutcome::Rotated { expires_at, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(expires_at, T0 + 5000, "capped at the family's end");
    let out = s
        .rotate_refresh(&rotate(&Digest::of(b"r1"), "r2", T0 + 5000, 0))
        .await
        .unwrap();
    assert_eq!(out, RotateOutcome::Expired);
}
both_backends!(refresh_edges, refresh_unknown_expired_and_other_client);

async fn dpop_bound_family_rotates_only_for_its_key(t: TestStore) {
    let s = &t.store;
    let (mut fam, first) = family("fam", "c", "alice", T0, 86_400);
    fam.dpop_jkt = Some("key-a".into());
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();
    let info = s.refresh_token(&first.digest).await.unwrap().unwrap();
    assert_eq!(info.family.dpop_jkt.as_deref(), Some("key-a"));

    // No key, or another key: WrongKey, and the token is not consumed.
    for jkt in [None, Some("key-b")] {
        let mut req = rotate(&first.digest, "rt1", T0 + 10, 0);
        req.dpop_jkt = jkt.map(Into::into);
        assert_eq!(
            s.rotate_refresh(&req).await.unwrap(),
            RotateOutcome::WrongKey,
            "{jkt:?}"
        );
    }
    let info = s.refresh_token(&first.digest).await.unwrap().unwrap();
    assert!(info.used_at.is_none() && info.revoked_at.is_none());
    // The family's key: rotated, and the family (with its key) comes back.
    let mut req = rotate(&first.digest, "rt1", T0 + 20, 0);
    req.dpop_jkt = Some("key-a".into());
    let out = s.rotate_refresh(&req).await.unwrap();
    let RotateOutcome::Rotated { family: got, .. } = out else {
        panic!("expected Rotated, got {out:?}")
    };
    assert_eq!(got.dpop_jkt.as_deref(), Some("key-a"));
    // A used token presented without the key does not revoke the family
    // (whoever lacks the key cannot end the holder's session).
    let out = s
        .rotate_refresh(&rotate(&first.digest, "rt2", T0 + 30, 0))
        .await
        .unwrap();
    assert_eq!(out, RotateOutcome::WrongKey);
    let next = s.refresh_token(&Digest::of(b"rt1")).await.unwrap().unwrap();
    assert!(next.revoked_at.is_none());
    // An unbound family rotates with or without a key.
    let (fam, first) = family("free", "c", "bob", T0, 86_400);
    s.create_family(&fam, &first, &access("at-f", T0 + 600))
        .await
        .unwrap();
    let mut req = rotate(&first.digest, "free-1", T0 + 10, 0);
    req.dpop_jkt = Some("key-a".into());
    assert!(matches!(
        s.rotate_refresh(&req).await.unwrap(),
        RotateOutcome::Rotated { .. }
    ));
}
both_backends!(refresh_dpop, dpop_bound_family_rotates_only_for_its_key);

async fn refresh_grace_window(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "bob", T0, 86_400);
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();
    let out = s
        .rotate_refresh(&rotate(&first.digest, "rt1", T0, 30))
        .await
        .unwrap();
    assert!(matches!(out, RotateOutcome::Rotated { .. }));
    // A retry within the window gets the same successor, sealed.
    let out = s
        .rotate_refresh(&rotate(&first.digest, "rt1-bis", T0 + 29, 30))
        .await
        .unwrap();
    let RotateOutcome::Replayed {
        sealed_successor,
        expires_at,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(sealed_successor, b"sealed:rt1");
    assert_eq!(expires_at, T0 + 3600);
    assert!(s
        .refresh_token(&Digest::of(b"rt1-bis"))
        .await
        .unwrap()
        .is_none());
    assert!(!s.is_access_token_denied("at-0", T0 + 29).await.unwrap());
    // After it, a reuse.
    let out = s
        .rotate_refresh(&rotate(&first.digest, "rt1-ter", T0 + 30, 30))
        .await
        .unwrap();
    assert!(matches!(out, RotateOutcome::Reused { .. }), "{out:?}");
    // The replayed response's access token was recorded, so it is denied too.
    assert!(s
        .is_access_token_denied("at-rt1-bis", T0 + 31)
        .await
        .unwrap());
}
both_backends!(refresh_grace, refresh_grace_window);

/// The clock steps back (an NTP correction, a restored VM) between a
/// rotation and a second use of the rotated token. The second use is still
/// a reuse: with no grace window (the default) a used token must never be
/// answered with its successor, whatever the clock says; with one, a use
/// "from the future" is not within it either.
async fn reuse_after_the_clock_steps_back(t: TestStore) {
    let s = &t.store;
    for (id, grace) in [("no-grace", 0), ("grace", 30)] {
        let (fam, first) = family(id, "c", "carol", T0, 86_400);
        s.create_family(&fam, &first, &access(&format!("at-{id}"), T0 + 600))
            .await
            .unwrap();
        let out = s
            .rotate_refresh(&rotate(&first.digest, &format!("{id}-1"), T0 + 100, grace))
            .await
            .unwrap();
        assert!(matches!(out, RotateOutcome::Rotated { .. }), "{out:?}");
        // Ten seconds earlier than the rotation, by the clock.
        let out = s
            .rotate_refresh(&rotate(&first.digest, &format!("{id}-2"), T0 + 90, grace))
            .await
            .unwrap();
        assert!(
            matches!(out, RotateOutcome::Reused { .. }),
            "grace {grace}: {out:?}"
        );
        // The family is gone: its newest token no longer rotates.
        let out = s
            .rotate_refresh(&rotate(
                &Digest::of(format!("{id}-1").as_bytes()),
                &format!("{id}-3"),
                T0 + 110,
                grace,
            ))
            .await
            .unwrap();
        assert_eq!(out, RotateOutcome::Revoked, "grace {grace}");
    }
}
both_backends!(refresh_clock_back, reuse_after_the_clock_steps_back);

async fn fifty_concurrent_rotations_one_success(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "carol", T0, 86_400);
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let s = Arc::clone(s);
            let req = rotate(&first.digest, &format!("succ-{i}"), T0 + 5, 0);
            tokio::spawn(async move { s.rotate_refresh(&req).await.unwrap() })
        })
        .collect();
    let mut rotated = 0;
    let mut other = 0;
    for task in tasks {
        match task.await.unwrap() {
            RotateOutcome::Rotated { .. } => rotated += 1,
            RotateOutcome::Reused { .. } | RotateOutcome::Revoked => other += 1,
            out => panic!("unexpected {out:?}"),
        }
    }
    assert_eq!((rotated, other), (1, 49));
}
both_backends!(refresh_race, fifty_concurrent_rotations_one_success);

async fn revoking_a_refresh_token(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "dave", T0, 86_400);
    s.create_family(&fam, &first, &access("at-0", T0 + 600))
        .await
        .unwrap();
    assert!(!s
        .revoke_refresh_token(&first.digest, "other", T0 + 1)
        .await
        .unwrap());
    assert!(!s
        .revoke_refresh_token(&Digest::of(b"x"), "c", T0 + 1)
        .await
        .unwrap());
    assert!(s
        .revoke_refresh_token(&first.digest, "c", T0 + 1)
        .await
        .unwrap());
    assert!(!s
        .revoke_refresh_token(&first.digest, "c", T0 + 2)
        .await
        .unwrap());
    assert!(s.is_access_token_denied("at-0", T0 + 2).await.unwrap());
    let info = s.refresh_token(&first.digest).await.unwrap().unwrap();
    assert_eq!(info.revoked_at, Some(T0 + 1));
    assert!(!info.is_active(T0 + 2));
}
both_backends!(refresh_revoke, revoking_a_refresh_token);

async fn denylist_and_feed(t: TestStore) {
    let s = &t.store;
    assert_eq!(s.revocation_version().await.unwrap(), 0);
    s.deny_access_token("j1", T0 + 100, T0).await.unwrap();
    s.deny_access_token("j1", T0 + 100, T0).await.unwrap();
    s.deny_access_token("old", T0 - 1, T0).await.unwrap();
    s.deny_access_token("j2", T0 + 50, T0).await.unwrap();
    assert!(s.is_access_token_denied("j1", T0 + 99).await.unwrap());
    assert!(!s.is_access_token_denied("j1", T0 + 100).await.unwrap());
    assert!(!s.is_access_token_denied("old", T0).await.unwrap());
    let feed = s.revocations_since(0, 10).await.unwrap();
    assert_eq!(feed.len(), 2, "{feed:?}");
    assert_eq!(
        feed[0].kind,
        RevocationKind::AccessToken {
            jti: "j1".into(),
            exp: T0 + 100
        }
    );
    assert_eq!(
        feed[1].kind,
        RevocationKind::AccessToken {
            jti: "j2".into(),
            exp: T0 + 50
        }
    );
    assert!(feed[0].seq < feed[1].seq);
    assert_eq!(s.revocation_version().await.unwrap(), feed[1].seq);
    assert_eq!(
        s.revocations_since(feed[0].seq, 10).await.unwrap(),
        feed[1..]
    );
    assert_eq!(s.revocations_since(0, 1).await.unwrap(), feed[..1]);

    let purged = s.purge_expired(T0 + 60, 1_000).await.unwrap();
    assert_eq!(purged.denylist, 1);
    assert_eq!(s.revocations_since(0, 10).await.unwrap(), feed[..1]);
    assert!(s.is_access_token_denied("j1", T0 + 60).await.unwrap());
}
both_backends!(denylist, denylist_and_feed);

async fn feed_readers_miss_nothing(t: TestStore) {
    let s = &t.store;
    let writers: Vec<_> = (0..60)
        .map(|i| {
            let s = Arc::clone(s);
            tokio::spawn(async move {
                s.deny_access_token(&format!("j{i}"), T0 + 100, T0)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let reader = {
        let s = Arc::clone(s);
        tokio::spawn(async move {
            let (mut last, mut seen) = (0, BTreeSet::new());
            while seen.len() < 60 {
                for r in s.revocations_since(last, 7).await.unwrap() {
                    assert!(r.seq > last);
                    last = r.seq;
                    seen.insert(r.seq);
                }
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = tokio::time::timeout(std::time::Duration::from_secs(20), reader)
        .await
        .expect("the reader saw every entry")
        .unwrap();
    let all: BTreeSet<_> = s
        .revocations_since(0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seen, all);
}
both_backends!(feed_order, feed_readers_miss_nothing);

async fn subject_cutoffs(t: TestStore) {
    let s = &t.store;
    let (f1, r1) = family("f1", "c", "erin", T0, 86_400);
    let (f2, r2) = family("f2", "c", "frank", T0, 86_400);
    s.create_family(&f1, &r1, &access("a1", T0 + 600))
        .await
        .unwrap();
    s.create_family(&f2, &r2, &access("a2", T0 + 600))
        .await
        .unwrap();
    assert_eq!(s.subject_cutoff("erin").await.unwrap(), None);
    assert_eq!(s.revoke_subject("erin", T0 + 10).await.unwrap(), 1);
    assert_eq!(s.subject_cutoff("erin").await.unwrap(), Some(T0 + 10));
    // Never lowered.
    assert_eq!(s.revoke_subject("erin", T0 + 5).await.unwrap(), 0);
    assert_eq!(s.subject_cutoff("erin").await.unwrap(), Some(T0 + 10));
    assert_eq!(
        s.rotate_refresh(&rotate(&r1.digest, "x", T0 + 11, 0))
            .await
            .unwrap(),
        RotateOutcome::Revoked
    );
    assert!(matches!(
        s.rotate_refresh(&rotate(&r2.digest, "y", T0 + 11, 0))
            .await
            .unwrap(),
        RotateOutcome::Rotated { .. }
    ));
    let feed = s.revocations_since(0, 10).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(
        feed[0].kind,
        RevocationKind::Subject {
            subject: "erin".into(),
            before: T0 + 10
        }
    );
    // Cut-offs survive purging: a new replica rebuilds from the feed.
    s.purge_expired(T0 + 1_000_000, 1_000).await.unwrap();
    assert_eq!(s.revocations_since(0, 10).await.unwrap(), feed);
}
both_backends!(subjects, subject_cutoffs);

async fn single_use_jtis(t: TestStore) {
    let s = &t.store;
    assert!(s.consume_jti("client-a", "j", T0 + 60, T0).await.unwrap());
    assert!(!s
        .consume_jti("client-a", "j", T0 + 60, T0 + 59)
        .await
        .unwrap());
    assert!(s.consume_jti("client-b", "j", T0 + 60, T0).await.unwrap());
    // Once its exp has passed the assertion is dead anyway; the id is free.
    assert!(s
        .consume_jti("client-a", "j", T0 + 200, T0 + 60)
        .await
        .unwrap());
    assert!(!s
        .consume_jti("client-a", "j", T0 + 200, T0 + 61)
        .await
        .unwrap());
    let purged = s.purge_expired(T0 + 100, 1_000).await.unwrap();
    assert_eq!(purged.jtis, 1);

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let s = Arc::clone(s);
            tokio::spawn(async move {
                s.consume_jti("client-c", "race", T0 + 60, T0)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut firsts = 0;
    for task in tasks {
        firsts += usize::from(task.await.unwrap());
    }
    assert_eq!(firsts, 1);
}
both_backends!(jtis, single_use_jtis);

async fn purge_removes_dead_refresh_state(t: TestStore) {
    let s = &t.store;
    let (fam, first) = family("fam", "c", "gus", T0, 7200);
    s.create_family(&fam, &first, &access("a", T0 + 600))
        .await
        .unwrap();
    assert_eq!(
        s.purge_expired(T0 + 10, 1_000).await.unwrap(),
        Purged::default()
    );
    assert!(s.refresh_token(&first.digest).await.unwrap().is_some());
    let purged = s.purge_expired(T0 + 7200, 1_000).await.unwrap();
    assert_eq!(purged.refresh, 2, "the token and its family");
    assert!(s.refresh_token(&first.digest).await.unwrap().is_none());
    s.ping().await.unwrap();
}
both_backends!(purge, purge_removes_dead_refresh_state);

/// The janitor (issue 14): expired rows go in batches of a bounded size,
/// however many there are, and nothing live goes with them.
async fn janitor_batches_never_take_a_live_row(t: TestStore) {
    let s = &t.store;
    let now = T0 + 200;
    let mut live = Vec::new();
    let mut dead = Vec::new();
    for i in 0..25 {
        // Ten families ended at T0 + 100; fifteen run for a day more.
        let lifetime = if i < 10 { 100 } else { 100_000 };
        let (fam, first) = family(&format!("fam{i}"), "c", "hal", T0, lifetime);
        s.create_family(&fam, &first, &access(&format!("at{i}"), T0 + 600))
            .await
            .unwrap();
        if i < 10 { &mut dead } else { &mut live }.push(first.digest);
    }
    for i in 0..12 {
        let exp = if i < 7 { T0 + 50 } else { T0 + 10_000 };
        s.deny_access_token(&format!("denied{i}"), exp, T0)
            .await
            .unwrap();
    }

    // One batch of 3: no table loses more than 3 rows (the refresh count
    // adds tokens, which end with their family, and families), and it says
    // there is more.
    let first = s.purge_expired(now, 3).await.unwrap();
    assert_eq!(first.denylist, 3);
    assert!((3..=6).contains(&first.refresh), "{first:?}");
    assert!(first.more);
    let dead_left = {
        let mut n = 0;
        for digest in &dead {
            n += usize::from(s.refresh_token(digest).await.unwrap().is_some());
        }
        n
    };
    assert!(dead_left >= 4, "one batch took {} of 10", 10 - dead_left);

    let rest = purge_all(s.as_ref(), now, 3, 100).await.unwrap();
    assert_eq!(first.denylist + rest.denylist, 7);
    assert!(!rest.more);
    for digest in &dead {
        assert!(s.refresh_token(digest).await.unwrap().is_none());
    }
    for digest in &live {
        let info = s
            .refresh_token(digest)
            .await
            .unwrap()
            .expect("a live token");
        assert!(info.is_active(now));
    }
    for i in 7..12 {
        assert!(s
            .is_access_token_denied(&format!("denied{i}"), now)
            .await
            .unwrap());
    }
    // Nothing left to do.
    assert_eq!(s.purge_expired(now, 3).await.unwrap(), Purged::default());
}
both_backends!(janitor, janitor_batches_never_take_a_live_row);

async fn concurrent_logouts_and_rotations(t: TestStore) {
    let s = &t.store;
    for i in 0..10 {
        let (fam, first) = family(&format!("f{i:02}"), "c", "henry", T0, 86_400);
        s.create_family(&fam, &first, &access(&format!("a{i}"), T0 + 600))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..10 {
        let s2 = Arc::clone(s);
        tasks.push(tokio::spawn(async move {
            s2.revoke_subject("henry", T0 + 10 + i).await.map(drop)
        }));
        let s2 = Arc::clone(s);
        let digest = Digest::of(format!("f{i:02}-rt0").as_bytes());
        tasks.push(tokio::spawn(async move {
            s2.rotate_refresh(&rotate(&digest, &format!("n{i}"), T0 + 10, 0))
                .await
                .map(drop)
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("no deadlock, no failure");
    }
    assert_eq!(s.subject_cutoff("henry").await.unwrap(), Some(T0 + 19));
    for i in 0..10 {
        let digest = Digest::of(format!("f{i:02}-rt0").as_bytes());
        let info = s.refresh_token(&digest).await.unwrap().unwrap();
        assert!(info.revoked_at.is_some(), "family {i} revoked");
    }
}
both_backends!(logout_race, concurrent_logouts_and_rotations);
