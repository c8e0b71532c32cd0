//! `jot keys list|rotate|retire`: the token service's signing keys.

use jot_server::config::{KeyOptions, StoreOptions};
use jot_server::keys::{KekSource, KeyManager};
use jot_server::store::StoredKey;
use serde_json::{json, Value};

use super::store::{block_on, clock, failure, open, time};
use crate::cli::{KeysListArgs, KeysRetireArgs, KeysRotateArgs};
use crate::error::Result;

pub fn list(a: KeysListArgs) -> Result<u8> {
    // Listing needs no KEK: it shows only public metadata.
    let ring = block_on(async {
        let store = open(&a.store).await?;
        store.key_ring().await.map_err(failure)
    })?;
    let keys: Vec<&StoredKey> = ring
        .keys
        .iter()
        .filter(|k| a.state.as_deref().is_none_or(|s| k.state.as_str() == s))
        .collect();
    if a.quiet {
        for k in keys {
            println!("{}", k.kid);
        }
    } else if a.json {
        println!(
            "{}",
            Value::Array(keys.iter().map(|k| describe(k)).collect())
        );
    } else {
        println!(
            "{:<44} {:<6} {:<8} {:<21} SINCE",
            "KID", "ALG", "STATE", "CREATED"
        );
        for k in keys {
            let since = k.retired_at.or(k.activated_at).unwrap_or(k.created_at);
            println!(
                "{:<44} {:<6} {:<8} {:<21} {}",
                k.kid,
                k.alg,
                k.state.as_str(),
                time(k.created_at),
                time(since)
            );
        }
    }
    Ok(0)
}

pub fn rotate(a: KeysRotateArgs) -> Result<u8> {
    let keys = block_on(async {
        let m = manager(&a.store, &a.keys).await?;
        m.rotate_now(a.alg).await.map_err(failure)?;
        m.load().await.map_err(failure)
    })?;
    for s in &keys.signers {
        println!("{} now signs with {}", s.alg.name(), s.kid);
    }
    Ok(0)
}

pub fn retire(a: KeysRetireArgs) -> Result<u8> {
    let keys = block_on(async {
        let m = manager(&a.store, &a.keys).await?;
        m.retire(&a.kid).await.map_err(failure)?;
        m.load().await.map_err(failure)
    })?;
    println!(
        "retired {} (published until its tokens have expired)",
        a.kid
    );
    for s in &keys.signers {
        println!("{} now signs with {}", s.alg.name(), s.kid);
    }
    Ok(0)
}

async fn manager(store: &StoreOptions, keys: &KeyOptions) -> Result<KeyManager> {
    let m = KeyManager::open(open(store).await?, store, keys, clock())
        .await
        .map_err(failure)?;
    if let Some(KekSource::Generated(path)) = m.kek_source() {
        eprintln!(
            "generated a key-encryption key in {} (mode 0600): keep it with the store, \
             the signing keys cannot be read without it",
            path.display()
        );
    }
    Ok(m)
}

fn describe(k: &StoredKey) -> Value {
    json!({
        "kid": k.kid,
        "alg": k.alg,
        "state": k.state.as_str(),
        "created_at": time(k.created_at),
        "activated_at": k.activated_at.map(time),
        "retired_at": k.retired_at.map(time),
    })
}
