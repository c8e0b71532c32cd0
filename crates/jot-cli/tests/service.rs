//! `jot client`, `jot keys` and `jot sessions` against a real store, on
//! SQLite (--data-dir) and PostgreSQL (--database), checked through the
//! service crate's own view of the store.

use std::sync::Arc;

use jot_server::both_backends;
use jot_server::clients::Clients;
use jot_server::testing::{pg_url_for_schema, TestStore};
use jot_server::SystemClock;
use serde_json::Value;

mod common;
use common::jot;

/// `jot ARGS` on the test's store; returns (exit code, stdout, stderr).
fn run(t: &TestStore, args: &[&str]) -> (i32, String, String) {
    let mut cmd = jot();
    cmd.args(args)
        .env_remove("JOT_KEK")
        .env_remove("JOT_DATABASE");
    // On PostgreSQL the KEK comes from a file, as replicas sharing one
    // database would share it.
    let kek_dir = tempfile::tempdir().unwrap();
    match (&t.pg_schema, &t.data_dir) {
        (Some(schema), _) => {
            let kek = kek_dir.path().join("kek");
            std::fs::write(&kek, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n").unwrap();
            cmd.arg("--database").arg(pg_url_for_schema(schema));
            cmd.arg("--kek-file").arg(&kek);
        }
        (None, Some(dir)) => {
            cmd.arg("--data-dir").arg(dir);
        }
        _ => unreachable!(),
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ok(t: &TestStore, args: &[&str]) -> String {
    let (code, out, err) = run(t, args);
    assert_eq!(code, 0, "jot {args:?}\nstdout: {out}\nstderr: {err}");
    out
}

async fn clients(t: TestStore) {
    let out = ok(
        &t,
        &[
            "client",
            "add",
            "billing",
            "--scope",
            "read write",
            "--audience",
            "api://billing",
            "--token-ttl",
            "5m",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let secret = v["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(v["client_id"], "billing");
    assert_eq!(secret.len(), 43);

    // The printed secret is the one the service accepts.
    let clients = Clients::new(Arc::clone(&t.store), Arc::new(SystemClock));
    let c = clients
        .authenticate("billing", &secret)
        .await
        .unwrap()
        .expect("accepted");
    assert_eq!(c.scopes, ["read", "write"]);
    assert_eq!(c.token_ttl, 300);

    let shown: Value =
        serde_json::from_str(&ok(&t, &["client", "show", "billing", "--json"])).unwrap();
    assert_eq!(shown["audiences"], serde_json::json!(["api://billing"]));
    assert_eq!(shown["token_ttl"], "5m");
    assert!(!shown.to_string().contains(&secret));

    let (code, _, err) = run(&t, &["client", "add", "billing", "--audience", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");

    ok(
        &t,
        &[
            "client",
            "add",
            "web",
            "--audience",
            "api://app",
            "--grant",
            "jwt-bearer",
            "--grant",
            "refresh_token",
        ],
    );
    let list = ok(&t, &["client", "list"]);
    assert!(list.contains("billing") && list.contains("web"), "{list}");
    let listed: Value = serde_json::from_str(&ok(&t, &["client", "list", "--json"])).unwrap();
    assert_eq!(
        listed[1]["grants"],
        serde_json::json!([
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "refresh_token"
        ])
    );

    let out = ok(&t, &["client", "rotate-secret", "billing", "--json"]);
    let fresh = serde_json::from_str::<Value>(&out).unwrap()["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(clients
        .authenticate("billing", &secret)
        .await
        .unwrap()
        .is_none());
    assert!(clients
        .authenticate("billing", &fresh)
        .await
        .unwrap()
        .is_some());

    ok(&t, &["client", "remove", "billing"]);
    let (code, _, err) = run(&t, &["client", "show", "billing"]);
    assert_eq!(code, 2);
    assert!(err.contains("no client"), "{err}");
    assert!(t.store.client("billing").await.unwrap().is_none());
}
both_backends!(client_commands, clients);

async fn keys(t: TestStore) {
    let out = ok(&t, &["keys", "rotate", "--signing-alg", "ES256,EdDSA"]);
    assert!(
        out.contains("ES256 now signs with") && out.contains("EdDSA now signs with"),
        "{out}"
    );
    let list: Value = serde_json::from_str(&ok(&t, &["keys", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let current = ok(&t, &["keys", "list", "--state", "current", "--quiet"]);
    let kids: Vec<&str> = current.lines().collect();
    assert_eq!(kids.len(), 2);

    ok(
        &t,
        &["keys", "retire", kids[0], "--signing-alg", "ES256,EdDSA"],
    );
    let ring = t.store.key_ring().await.unwrap();
    assert_eq!(ring.keys.len(), 3);
    let retired: Vec<_> = ring
        .keys
        .iter()
        .filter(|k| k.state.as_str() == "retired")
        .collect();
    assert_eq!(retired.len(), 1);
    assert_eq!(retired[0].kid, kids[0]);

    // A kid may start with '-' (1 in 32 thumbprints): still a kid.
    let (code, _, err) = run(&t, &["keys", "retire", "-no-such-kid"]);
    assert_eq!(code, 2);
    assert!(err.contains("no key"), "{err}");
    let (code, _, err) = run(&t, &["keys", "retire", "no-such-kid"]);
    assert_eq!(code, 2);
    assert!(err.contains("no key"), "{err}");
}
both_backends!(keys_commands, keys);

async fn wrong_kek(t: TestStore) {
    ok(&t, &["keys", "rotate"]);
    let mut cmd = jot();
    cmd.args(["keys", "rotate"])
        .env("JOT_KEK", "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI");
    match (&t.pg_schema, &t.data_dir) {
        (Some(schema), _) => cmd.arg("--database").arg(pg_url_for_schema(schema)),
        (None, Some(dir)) => cmd.arg("--data-dir").arg(dir),
        _ => unreachable!(),
    };
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key-encryption key does not decrypt"), "{err}");
}
both_backends!(kek_mismatch, wrong_kek);

async fn sessions(t: TestStore) {
    let out = ok(&t, &["sessions", "revoke", "--sub", "alice"]);
    assert!(out.contains("\"alice\""), "{out}");
    let cutoff = t
        .store
        .subject_cutoff("alice")
        .await
        .unwrap()
        .expect("a cut-off");
    assert!(cutoff > 1_700_000_000);
    assert_eq!(t.store.subject_cutoff("bob").await.unwrap(), None);
}
both_backends!(sessions_commands, sessions);

#[test]
fn an_unreachable_database_is_one_clear_error() {
    let out = jot()
        .args([
            "client",
            "list",
            "--database",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("jot: error: store:"), "{err}");
}

#[test]
fn the_embedded_store_is_created_with_a_private_kek() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = jot()
        .args(["keys", "rotate", "--data-dir"])
        .arg(&data)
        .env_remove("JOT_KEK")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("generated a key-encryption key"));
    assert!(data.join("jot.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("kek"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
