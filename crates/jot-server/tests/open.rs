//! Opening the store the flags select: the embedded default is created on
//! first start (directory 0700, WAL mode, migrations applied) and reopened
//! as it was; a URL of another scheme is a clear configuration error.

use jot_server::config::StoreOptions;
use jot_server::store::{self, SqliteStore};
use jot_server::Error;

#[tokio::test]
async fn the_embedded_store_is_created_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("jot-data");
    let opts = StoreOptions::embedded(&data);
    let s = store::open(&opts).await.unwrap();
    assert_eq!(s.backend(), "sqlite");
    s.deny_access_token("j", 2_000_000_000, 1_000)
        .await
        .unwrap();
    drop(s);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let again = SqliteStore::open(&data.join("jot.db")).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    use jot_server::Store;
    assert!(
        again.is_access_token_denied("j", 1_000).await.unwrap(),
        "data kept"
    );
}

#[tokio::test]
async fn other_database_schemes_are_refused() {
    let mut opts = StoreOptions::embedded("unused");
    opts.database = Some("mysql://u:pw@h/db".into());
    let err = store::open(&opts).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    assert!(!err.to_string().contains("pw"), "{err}");
}
