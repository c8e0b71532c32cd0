//! The SQLite store's disk fails under a running `jot serve` (issue 14,
//! "Faults"): it fills up, or its filesystem turns read-only. Requests that
//! must write are answered 503 `temporarily_unavailable` with `Retry-After`
//! (RFC 6749 §5.2), never 500; requests that only read keep working; the
//! file passes `PRAGMA integrity_check` afterwards, and nothing a failed
//! request attempted took effect (the refresh token it presented still
//! rotates once the disk is back).
//!
//! Real filesystems, made and mounted here, which needs root (the project's
//! machines and CI run as root). Where mounting is impossible the tests
//! fail, saying why, unless `JOT_TEST_NO_MOUNT=1` asks to skip them: a skip
//! is never silent.
//!
//! Why these two faults and not `chmod`: permissions and `chattr +i` are
//! checked when a file is opened, and SQLite keeps its files open, so
//! neither stops a running server's writes (and root ignores modes anyway).
//! A filesystem cannot be remounted read-only while a file on it is open for
//! writing (`EBUSY`). What does turn a live database read-only is the
//! kernel's emergency remount after an I/O error (ext4 `errors=remount-ro`),
//! which the read-only test triggers through ext4's `trigger_fs_error`. That
//! state is sticky until the filesystem is unmounted (this kernel marks it
//! `emergency_ro` and refuses a remount read-write), so recovering from it
//! takes a restart: the test stops the server, checks and remounts the
//! filesystem, and starts a new server on the same file. A full disk clears
//! by itself when space is freed, and there the same server recovers.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use jot_server::store::{Grant, SqliteStore, Store};
use serde_json::Value;
use sqlx::{Connection, SqliteConnection};

/// A filesystem mounted for one test, unmounted when the test ends.
struct Mount {
    dir: tempfile::TempDir,
    mounted: bool,
}

/// Runs a command, `Err` with its output when it fails.
fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Mount {
    /// Mounts with `mount ARGS DIR`, or says why it cannot: `None` when the
    /// run asked to skip such tests, a panic otherwise.
    fn new(args: &[&str]) -> Option<Mount> {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().to_str().unwrap().to_string();
        let mut all = args.to_vec();
        all.push(&target);
        match run("mount", &all) {
            Ok(_) => Some(Mount { dir, mounted: true }),
            Err(e) if std::env::var("JOT_TEST_NO_MOUNT").as_deref() == Ok("1") => {
                eprintln!("SKIPPED (JOT_TEST_NO_MOUNT=1): cannot mount a test filesystem: {e}");
                None
            }
            Err(e) => panic!(
                "cannot mount a test filesystem ({e}); these tests need root. \
                 Set JOT_TEST_NO_MOUNT=1 to skip them explicitly"
            ),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn unmount(&mut self) {
        if self.mounted {
            run("umount", &[self.path().to_str().unwrap()]).unwrap();
            self.mounted = false;
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if self.mounted {
            // Lazy: a failed test may still hold files open on it.
            let _ = run("umount", &["-l", self.path().to_str().unwrap()]);
        }
    }
}

struct Service {
    server: jot_server::app::Running,
    store: Arc<SqliteStore>,
    http: reqwest::Client,
}

/// An answer: status, JSON body, `Retry-After`.
type Answer = (u16, Value, Option<String>);

impl Service {
    /// A server over the SQLite file at `db`, with client "app" (jwt-bearer,
    /// refresh, client credentials) and a trusted backend for jwt-bearer.
    async fn start(db: &Path, backend: &common::Backend, first: bool) -> Service {
        let store = Arc::new(SqliteStore::open(db).await.unwrap());
        if first {
            store
                .create_client(&common::client(
                    "app",
                    &[
                        Grant::JwtBearer,
                        Grant::RefreshToken,
                        Grant::ClientCredentials,
                    ],
                ))
                .await
                .unwrap();
        }
        let server = jot_server::app::start(
            Arc::clone(&store) as Arc<dyn Store>,
            common::kek(),
            backend.settings.clone(),
            Arc::new(jot_server::SystemClock),
        )
        .await
        .unwrap();
        Service {
            server,
            store,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let r = self
            .http
            .post(format!("http://{}{path}", self.server.addr))
            .basic_auth("app", Some(common::basic_part(common::SECRET)))
            .form(form)
            .send()
            .await
            .unwrap();
        common::status_json_retry(r).await
    }

    /// Starts a refresh family (a write).
    async fn family(&self, backend: &common::Backend, sub: &str) -> Answer {
        let a = common::assertion(&backend.key, &self.server.issuer, sub);
        self.post(
            "/oauth2/token",
            &[("grant_type", common::BEARER), ("assertion", &a)],
        )
        .await
    }

    /// Rotates a refresh token (a write).
    async fn refresh(&self, token: &str) -> Answer {
        self.post(
            "/oauth2/token",
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await
    }

    /// Issues a client-credentials access token (reads only).
    async fn cc(&self) -> Answer {
        self.post("/oauth2/token", &[("grant_type", "client_credentials")])
            .await
    }

    async fn introspect(&self, token: &str) -> Answer {
        self.post("/oauth2/introspect", &[("token", token)]).await
    }

    async fn stop(self) {
        self.server.shutdown().await.unwrap();
        self.store.close().await;
    }
}

fn refresh_token(answer: &Answer) -> String {
    assert_eq!(answer.0, 200, "{}", answer.1);
    answer.1["refresh_token"].as_str().unwrap().to_string()
}

/// A write refused for want of a working disk: 503, RFC 6749 §5.2 body,
/// `Retry-After`.
fn assert_unavailable(answer: &Answer) {
    let (status, body, retry_after) = answer;
    assert_eq!(*status, 503, "{body}");
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
    assert_eq!(retry_after.as_deref(), Some("1"), "{body}");
}

/// While the disk fails: rotating `refresh` and starting a family are 503
/// (each time), and what only reads the store, issuing a client-credentials
/// token and introspecting `access`, still works.
async fn writes_refused_reads_served(
    svc: &Service,
    backend: &common::Backend,
    refresh: &str,
    access: &str,
) {
    for _ in 0..3 {
        assert_unavailable(&svc.refresh(refresh).await);
        assert_unavailable(&svc.family(backend, "bob").await);
    }
    let cc = svc.cc().await;
    assert_eq!(cc.0, 200, "{}", cc.1);
    let intro = svc.introspect(access).await;
    assert_eq!(intro.0, 200, "{}", intro.1);
    assert_eq!(intro.1["active"], true, "{}", intro.1);
}

async fn integrity_check(db: &Path) -> String {
    let mut conn = SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    let result: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    result
}

/// Fills the filesystem at `dir` until a write fails for want of space;
/// returns the file that holds the filler.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0xa5u8; 64 * 1024];
    let mut written = 0usize;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n,
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    // The last chunk may have stopped short of the very end.
    while f.write(&[0xa5]).is_ok_and(|n| n == 1) {
        written += 1;
    }
    let _ = f.sync_all();
    assert!(
        written > 0,
        "nothing could be written: not a test of a full disk"
    );
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_is_503_for_writes_reads_go_on_and_the_same_server_recovers() {
    let Some(mount) = Mount::new(&["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs"]) else {
        return;
    };
    let db = mount.path().join("data").join("jot.db");
    let backend = common::backend();
    let svc = Service::start(&db, &backend, true).await;

    let first = svc.family(&backend, "alice").await;
    let mut current = refresh_token(&first);
    let access = first.1["access_token"].as_str().unwrap().to_string();
    current = refresh_token(&svc.refresh(&current).await);

    let filler = fill(mount.path());

    // Pages SQLite already holds (the WAL's last page) may take one more
    // small write; the disk is full once a rotation is refused. Every
    // answer until then is a success or a clean 503.
    let mut refused = None;
    for _ in 0..20 {
        let answer = svc.refresh(&current).await;
        if answer.0 == 200 {
            current = refresh_token(&answer);
            continue;
        }
        assert_unavailable(&answer);
        refused = Some(answer);
        break;
    }
    assert!(refused.is_some(), "20 rotations succeeded on a full disk");
    // Every write keeps failing cleanly while the disk is full; reads go on.
    writes_refused_reads_served(&svc, &backend, &current, &access).await;

    // Space again: the same server rotates the token the refused requests
    // presented (they consumed nothing), and starts families again.
    std::fs::remove_file(&filler).unwrap();
    let next = refresh_token(&svc.refresh(&current).await);
    refresh_token(&svc.refresh(&next).await);
    refresh_token(&svc.family(&backend, "bob").await);
    // The rotated token is now a reuse, as it would have been without the
    // fault (no state skipped or lost).
    let reuse = svc.refresh(&current).await;
    assert_eq!(reuse.0, 400, "{}", reuse.1);
    assert_eq!(reuse.1["error"], "invalid_grant", "{}", reuse.1);

    svc.stop().await;
    assert_eq!(integrity_check(&db).await, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_read_only_filesystem_is_503_for_writes_reads_go_on_and_a_restart_recovers() {
    let work = tempfile::tempdir().unwrap();
    let image = work.path().join("fs.img");
    let image = image.to_str().unwrap();
    std::fs::File::create(image)
        .unwrap()
        .set_len(32 << 20)
        .unwrap();
    run("mkfs.ext4", &["-q", "-F", image]).unwrap();
    let opts = "loop,errors=remount-ro";
    let Some(mut mount) = Mount::new(&["-o", opts, image]) else {
        return;
    };
    let db = mount.path().join("data").join("jot.db");
    let backend = common::backend();
    let svc = Service::start(&db, &backend, true).await;

    let first = svc.family(&backend, "alice").await;
    let access = first.1["access_token"].as_str().unwrap().to_string();
    let rotated = refresh_token(&first);
    let current = refresh_token(&svc.refresh(&rotated).await);

    // An I/O error as the kernel sees one: ext4 remounts read-only under
    // the open database.
    let source = run(
        "findmnt",
        &["-no", "SOURCE", mount.path().to_str().unwrap()],
    )
    .unwrap();
    let device = Path::new(&source).file_name().unwrap().to_str().unwrap();
    std::fs::write(format!("/sys/fs/ext4/{device}/trigger_fs_error"), "1").unwrap();
    let options = run(
        "findmnt",
        &["-no", "OPTIONS", mount.path().to_str().unwrap()],
    )
    .unwrap();
    // Older kernels set the mount read-only (`ro,…`); newer ones keep
    // `rw` and mark the filesystem `emergency_ro`. Either way no write
    // reaches it.
    let read_only = options.starts_with("ro") || options.split(',').any(|o| o == "emergency_ro");
    assert!(read_only, "still writable: {options}");
    assert!(
        std::fs::write(mount.path().join("probe"), b"x").is_err(),
        "a new file could be written: {options}"
    );

    writes_refused_reads_served(&svc, &backend, &current, &access).await;

    // The fault clears only by unmounting: stop, check, remount, restart.
    svc.stop().await;
    mount.unmount();
    // e2fsck exits 1 when it corrected something (the error flag the
    // trigger set), which is expected; 4 and above are real failures.
    let fsck = Command::new("e2fsck")
        .args(["-fy", image])
        .output()
        .unwrap();
    assert!(
        fsck.status.code().is_some_and(|c| c < 4),
        "e2fsck: {}",
        String::from_utf8_lossy(&fsck.stdout)
    );
    run(
        "mount",
        &["-o", opts, image, mount.path().to_str().unwrap()],
    )
    .unwrap();
    mount.mounted = true;
    assert_eq!(integrity_check(&db).await, "ok");

    let svc = Service::start(&db, &backend, false).await;
    // The refused requests consumed nothing: the token they presented
    // rotates now, and the one rotated before the fault is a reuse.
    let next = refresh_token(&svc.refresh(&current).await);
    refresh_token(&svc.refresh(&next).await);
    let reuse = svc.refresh(&rotated).await;
    assert_eq!(reuse.0, 400, "{}", reuse.1);
    refresh_token(&svc.family(&backend, "bob").await);
    svc.stop().await;
    assert_eq!(integrity_check(&db).await, "ok");
}
