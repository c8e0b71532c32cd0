//! The DPoP replay store shared by replicas (RFC 9449 §11.1, issue 15): two
//! `jot serve` replicas on one PostgreSQL database. A proof accepted by one
//! is refused by the other, at the token endpoint and at `/auth`; the
//! janitor purges expired entries in bounded batches and never a live one;
//! and when the store cannot be asked, a proof is answered 503, never
//! accepted unrecorded.

mod common;

use std::sync::Arc;

use common::*;
use jot::dpop::ProofBuilder;
use jot::key::{self, SigningKey};
use jot::Algorithm;
use jot_server::app::{self, Running};
use jot_server::store::{purge_all, Grant, PgStore};
use jot_server::testing::open_pg_schema;
use jot_server::{Clock, SystemClock};
use serde_json::Value;

const ISSUER: &str = "http://jot.test";
const ITEMS: &str = "https://api.example/items";

struct Pair {
    a: Harness,
    b: Running,
    /// B's own store (its pool), to take it away.
    b_store: PgStore,
}

async fn pair() -> Pair {
    let t = jot_server::testing::postgres().await;
    let schema = t.pg_schema.clone().unwrap();
    let mut s = settings();
    // Replicas share one issuer, so one token endpoint URL for proofs.
    s.issuer = Some(ISSUER.into());
    let b_store = open_pg_schema(&schema).await;
    let a = start(t, s.clone()).await;
    let b = app::start(Arc::new(b_store.clone()), kek(), s, Arc::new(SystemClock))
        .await
        .unwrap();
    a.add_client("svc", &[Grant::ClientCredentials]).await;
    Pair { a, b, b_store }
}

fn dpop_key() -> SigningKey {
    SigningKey::from_jwk(
        &key::generate_for(Algorithm::ES256).unwrap(),
        Algorithm::ES256,
    )
    .unwrap()
}

fn token_proof(key: &SigningKey) -> String {
    ProofBuilder::new("POST", format!("{ISSUER}/oauth2/token"))
        .sign(key)
        .unwrap()
}

impl Pair {
    fn base(&self, on_b: bool) -> String {
        if on_b {
            format!("http://{}", self.b.addr)
        } else {
            self.a.base.clone()
        }
    }

    /// A client-credentials request with one `DPoP` proof.
    async fn token(&self, on_b: bool, proof: &str) -> (u16, Value) {
        let r = self
            .a
            .http
            .post(format!("{}/oauth2/token", self.base(on_b)))
            .basic_auth("svc", Some(basic_part(SECRET)))
            .header("DPoP", proof)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// `/auth` for `GET ITEMS` (Traefik's headers) with a bound token and
    /// its proof.
    async fn auth_response(&self, on_b: bool, token: &str, proof: &str) -> reqwest::Response {
        dpop_auth(&self.a.http, &self.base(on_b), token, proof).await
    }

    async fn auth(&self, on_b: bool, token: &str, proof: &str) -> u16 {
        self.auth_response(on_b, token, proof)
            .await
            .status()
            .as_u16()
    }
}

fn resource_proof(key: &SigningKey, token: &str) -> String {
    ProofBuilder::new("GET", ITEMS)
        .access_token(token)
        .sign(key)
        .unwrap()
}

async fn stored_proofs(store: &PgStore) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM dpop_proofs")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_proof_accepted_by_one_replica_is_refused_by_the_other() {
    let p = pair().await;
    assert!(p.a.server.state.dpop.shared_replay());
    let key = dpop_key();

    // Token endpoint, both ways round.
    for (first, second) in [(false, true), (true, false)] {
        let proof = token_proof(&key);
        let (status, body) = p.token(first, &proof).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "DPoP");
        let (status, body) = p.token(second, &proof).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid_dpop_proof", "{body}");
    }

    // /auth: the bound token's proof passes at A, and is a replay at B.
    let (_, body) = p.token(false, &token_proof(&key)).await;
    let token = body["access_token"].as_str().unwrap().to_string();
    let proof = resource_proof(&key, &token);
    assert_eq!(p.auth(false, &token, &proof).await, 200);
    assert_eq!(p.auth(true, &token, &proof).await, 401);
    let fresh = resource_proof(&key, &token);
    assert_eq!(p.auth(true, &token, &fresh).await, 200);
    assert_eq!(p.auth(false, &token, &fresh).await, 401);
    // Five proofs accepted, each stored once.
    assert_eq!(stored_proofs(&p.b_store).await, 5);

    p.b.shutdown().await.unwrap();
    p.a.server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_janitor_purges_expired_proofs_in_batches_and_never_a_live_one() {
    let p = pair().await;
    let key = dpop_key();
    let live = token_proof(&key);
    assert_eq!(p.token(false, &live).await.0, 200);

    // Expired entries beside the live one: ids as the store sees them.
    let store = &p.a.store;
    let now = SystemClock.now();
    for n in 0..25u8 {
        assert!(store.first_dpop_use(&[n; 32], now - 1, now).await.unwrap());
    }
    // An expired entry does not count as seen (the proof itself would be
    // refused as too old by then anyway).
    assert!(store
        .first_dpop_use(&[0; 32], now + 600, now)
        .await
        .unwrap());
    assert!(!store
        .first_dpop_use(&[0; 32], now + 600, now)
        .await
        .unwrap());
    assert!(store
        .first_dpop_use(&[0; 32], now - 1, now + 600)
        .await
        .unwrap());

    // Batches of 10 rows: three batches for 25 expired entries.
    let purged = purge_all(store.as_ref(), now, 10, 100).await.unwrap();
    assert_eq!(purged.dpop_proofs, 25, "{purged:?}");
    assert_eq!(stored_proofs(&p.b_store).await, 1);
    // The live proof is still remembered by both replicas.
    assert_eq!(p.token(false, &live).await.0, 400);
    assert_eq!(p.token(true, &live).await.0, 400);
    // A round limited to one batch leaves the rest for the next round.
    for n in 0..25u8 {
        assert!(store.first_dpop_use(&[n; 32], now - 1, now).await.unwrap());
    }
    let one = purge_all(store.as_ref(), now, 10, 1).await.unwrap();
    assert_eq!((one.dpop_proofs, one.more), (10, true), "{one:?}");

    // Once the proof's lifetime is over, it goes too.
    let later = now + 3600;
    purge_all(store.as_ref(), later, 10, 100).await.unwrap();
    assert_eq!(stored_proofs(&p.b_store).await, 0);

    p.b.shutdown().await.unwrap();
    p.a.server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_proof_is_503_not_accepted_while_the_store_is_away() {
    let p = pair().await;
    let key = dpop_key();
    let (_, body) = p.token(false, &token_proof(&key)).await;
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        p.auth(true, &token, &resource_proof(&key, &token)).await,
        200
    );

    // B loses its store. `/auth` verifies the token from memory (keys and
    // revocations are cached), so only the replay check needs the store:
    // a valid, fresh proof must not pass unrecorded.
    p.b_store.pool().close().await;
    let proof = resource_proof(&key, &token);
    let r = p.auth_response(true, &token, &proof).await;
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    // The proof was not recorded, so A (whose store works) accepts it once.
    assert_eq!(p.auth(false, &token, &proof).await, 200);
    assert_eq!(p.auth(false, &token, &proof).await, 401);
    // Token endpoint: 503 in the RFC 6749 §5.2 shape.
    let (status, body) = p.token(true, &token_proof(&key)).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");

    p.a.server.shutdown().await.unwrap();
}
