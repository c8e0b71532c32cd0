//! Client registration and refresh tokens as the token endpoint uses them,
//! on both backends.

use std::sync::Arc;
use std::time::Duration;

use jot_server::both_backends;
use jot_server::clients::{Clients, NewClient};
use jot_server::refresh::{RefreshPolicy, RefreshTokens, Refreshed};
use jot_server::store::{Grant, MintedAccess, TlsClientAuth};
use jot_server::testing::TestStore;
use jot_server::{Error, FakeClock};

const T0: i64 = 1_800_000_000;

fn new_client(id: &str) -> NewClient {
    NewClient {
        id: id.into(),
        scopes: vec!["read".into()],
        audiences: vec!["api://x".into()],
        grants: vec![],
        token_ttl: Duration::from_secs(300),
        jwks: None,
        jwks_uri: None,
        admin: false,
        tls_auth: None,
    }
}

async fn client_secrets(t: TestStore) {
    let clock = FakeClock::new(T0);
    // With the service's cache: a rotation made through it must not leave
    // the old secret working.
    let clients = Clients::new(Arc::clone(&t.store), Arc::new(clock.clone()))
        .with_cache(jot_server::clients::CACHE_TTL);
    let (client, secret) = clients.add(new_client("billing")).await.unwrap();
    let secret = secret.expect("a secret client is shown its secret");
    assert_eq!(client.grants, [Grant::ClientCredentials]);
    assert_eq!(client.token_ttl, 300);
    let stored = t.store.client("billing").await.unwrap().unwrap();
    assert_eq!(stored, client);
    assert_ne!(
        stored.secret_digest.as_bytes().as_slice(),
        secret.expose().as_bytes()
    );

    let ok = clients
        .authenticate("billing", secret.expose())
        .await
        .unwrap();
    assert_eq!(ok.map(|c| c.id), Some("billing".into()));
    assert!(clients
        .authenticate("billing", "wrong")
        .await
        .unwrap()
        .is_none());
    assert!(clients
        .authenticate("nobody", secret.expose())
        .await
        .unwrap()
        .is_none());

    let err = clients.add(new_client("billing")).await.unwrap_err();
    assert!(matches!(err, Error::Exists { .. }), "{err}");
    let err = clients.add(new_client("has space")).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");

    clock.advance(Duration::from_secs(10));
    let fresh = clients.rotate_secret("billing").await.unwrap();
    assert!(clients
        .authenticate("billing", secret.expose())
        .await
        .unwrap()
        .is_none());
    assert!(clients
        .authenticate("billing", fresh.expose())
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        t.store
            .client("billing")
            .await
            .unwrap()
            .unwrap()
            .secret_rotated_at,
        T0 + 10
    );
    assert!(matches!(
        clients.rotate_secret("nobody").await.unwrap_err(),
        Error::NotFound { .. }
    ));
}
both_backends!(secrets, client_secrets);

/// Clients registered for TLS client authentication (RFC 8705): no secret
/// to show or rotate, the subject DN stored in its canonical form.
async fn certificate_clients(t: TestStore) {
    let clients = Clients::new(Arc::clone(&t.store), Arc::new(FakeClock::new(T0)));
    let mut new = new_client("ledger");
    new.tls_auth = Some(TlsClientAuth::SubjectDn("cn = ledger, o=Example".into()));
    let (client, secret) = clients.add(new).await.unwrap();
    assert!(secret.is_none(), "a certificate client was shown a secret");
    assert_eq!(
        client.tls_auth,
        Some(TlsClientAuth::SubjectDn("CN=ledger,O=Example".into()))
    );
    assert_eq!(t.store.client("ledger").await.unwrap(), Some(client));
    let err = clients.rotate_secret("ledger").await.unwrap_err();
    assert!(err.to_string().contains("no secret"), "{err}");

    let mut bad = new_client("bad-dn");
    bad.tls_auth = Some(TlsClientAuth::SubjectDn("not a DN".into()));
    assert!(matches!(clients.add(bad).await, Err(Error::Config(_))));
    let mut both = new_client("both");
    both.tls_auth = Some(TlsClientAuth::SelfSigned {
        x5t_s256: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".into(),
    });
    both.jwks_uri = Some("https://c.example/jwks".into());
    assert!(matches!(clients.add(both).await, Err(Error::Config(_))));
    assert_eq!(t.store.client("both").await.unwrap(), None);
}

both_backends!(certificates, certificate_clients);

fn access(jti: &str, clock: &FakeClock) -> MintedAccess {
    use jot_server::Clock;
    MintedAccess {
        jti: jti.into(),
        exp: clock.now() + 600,
    }
}

async fn refresh_tokens_rotate_and_replay(t: TestStore) {
    let clock = FakeClock::new(T0);
    let policy = RefreshPolicy {
        ttl: Duration::from_secs(3_600),
        max_lifetime: Duration::from_secs(86_400),
        grace: Duration::from_secs(10),
    };
    let tokens = RefreshTokens::new(Arc::clone(&t.store), Arc::new(clock.clone()), policy);
    let first = tokens
        .start_family("c", "alice", "read", "api://x", &access("a0", &clock), None)
        .await
        .unwrap();
    assert_eq!(first.expires_at, T0 + 3_600);
    assert_eq!(first.family.expires_at, T0 + 86_400);

    clock.advance(Duration::from_secs(5));
    let Refreshed::Issued(second) = tokens
        .refresh(&first.token, "c", &access("a1", &clock), None)
        .await
        .unwrap()
    else {
        panic!("rotation")
    };
    assert_ne!(*second.token, *first.token);
    assert_eq!(second.expires_at, T0 + 5 + 3_600);
    // The response got lost; the retry within the grace window gets the
    // very same successor.
    clock.advance(Duration::from_secs(9));
    let Refreshed::Issued(again) = tokens
        .refresh(&first.token, "c", &access("a2", &clock), None)
        .await
        .unwrap()
    else {
        panic!("replay")
    };
    assert_eq!(*again.token, *second.token);
    // Too late now: reuse, and the family is gone.
    clock.advance(Duration::from_secs(1));
    let out = tokens
        .refresh(&first.token, "c", &access("a3", &clock), None)
        .await
        .unwrap();
    assert!(matches!(out, Refreshed::Reused(_)), "{out:?}");
    let out = tokens
        .refresh(&second.token, "c", &access("a4", &clock), None)
        .await
        .unwrap();
    assert!(matches!(out, Refreshed::Revoked), "{out:?}");
    let out = tokens
        .refresh("never-issued", "c", &access("a5", &clock), None)
        .await
        .unwrap();
    assert!(matches!(out, Refreshed::Unknown), "{out:?}");
    assert!(t.store.is_access_token_denied("a2", T0 + 20).await.unwrap());
}
both_backends!(refresh, refresh_tokens_rotate_and_replay);
