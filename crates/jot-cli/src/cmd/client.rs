//! `jot client add|list|show|remove|rotate-secret`.

use jot::jwk::JwkSet;
use jot_server::clients::{Clients, NewClient, Secret};
use jot_server::store::{Client, TlsClientAuth};
use serde_json::{json, Value};

use super::store::{block_on, clock, failure, lifetime, open, time};
use crate::cli::{AuthMethod, ClientAddArgs, ClientListArgs, ClientNameArgs};
use crate::error::{Failure, Result};

pub fn add(a: ClientAddArgs) -> Result<u8> {
    let jwks = match &a.jwks {
        Some(path) => {
            let text = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("--jwks {}: {e}", path.display())))?;
            // Parsed now so a bad set is refused here, not at the first
            // token request.
            JwkSet::from_json(&text, &Default::default())
                .map_err(|e| Failure::config("--jwks", &e))?;
            Some(String::from_utf8_lossy(&text).into_owned())
        }
        None => None,
    };
    if let Some(uri) = &a.jwks_uri {
        if !uri.starts_with("https://") {
            return Err(Failure::usage("--jwks-uri must be an https:// URL"));
        }
    }
    let tls_auth = tls_auth(&a)?;
    let scopes = a
        .scopes
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_owned)
        .collect();
    let new = NewClient {
        id: a.name,
        scopes,
        audiences: a.audiences,
        grants: a.grants,
        token_ttl: a.token_ttl,
        jwks,
        jwks_uri: a.jwks_uri,
        admin: a.admin,
        tls_auth,
    };
    let (client, secret) = block_on(async {
        let store = open(&a.store).await?;
        Clients::new(store, clock()).add(new).await.map_err(failure)
    })?;
    jot_server::audit::client_added(&client.id, "cli");
    match (secret, &client.tls_auth) {
        (Some(secret), _) => {
            let note = format!(
                "The secret is shown only now: store it. `jot client rotate-secret {}` replaces it.",
                client.id
            );
            print_secret(&client.id, &secret, a.json, &note);
        }
        (None, auth) => {
            let method = auth.as_ref().map_or("", TlsClientAuth::method);
            if a.json {
                println!(
                    "{}",
                    json!({"client_id": client.id, "token_endpoint_auth_method": method})
                );
            } else {
                println!("client_id:     {}", client.id);
                println!("auth method:   {method} (no secret: its certificate authenticates it)");
            }
        }
    }
    Ok(0)
}

/// What `--auth` with `--tls-subject` / `--cert` registers.
fn tls_auth(a: &ClientAddArgs) -> Result<Option<TlsClientAuth>> {
    match (a.auth, &a.tls_subject, &a.cert) {
        (AuthMethod::ClientSecret, None, None) => Ok(None),
        (AuthMethod::TlsClientAuth, Some(dn), None) => {
            Ok(Some(TlsClientAuth::SubjectDn(dn.clone())))
        }
        (AuthMethod::SelfSignedTlsClientAuth, None, Some(path)) => {
            let pem = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("--cert {}: {e}", path.display())))?;
            let x5t_s256 = jot_server::mtls::registered_thumbprint(&pem).ok_or_else(|| {
                Failure::usage(format!(
                    "--cert {}: no PEM X.509 certificate in the file",
                    path.display()
                ))
            })?;
            Ok(Some(TlsClientAuth::SelfSigned { x5t_s256 }))
        }
        _ => Err(Failure::usage(
            "--auth tls_client_auth goes with --tls-subject, --auth self_signed_tls_client_auth with --cert, and neither flag with another method",
        )),
    }
}

pub fn list(a: ClientListArgs) -> Result<u8> {
    let clients = block_on(async {
        let store = open(&a.store).await?;
        store.list_clients().await.map_err(failure)
    })?;
    if a.json {
        println!("{}", Value::Array(clients.iter().map(describe).collect()));
        return Ok(0);
    }
    println!(
        "{:<24} {:<8} {:<32} {:<24} GRANTS",
        "CLIENT_ID", "TTL", "SCOPES", "AUDIENCES"
    );
    for c in &clients {
        println!(
            "{:<24} {:<8} {:<32} {:<24} {}",
            c.id,
            lifetime(c.token_ttl),
            c.scopes.join(" "),
            c.audiences.join(" "),
            c.grants
                .iter()
                .map(|g| g.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    Ok(0)
}

pub fn show(a: ClientNameArgs) -> Result<u8> {
    let client = block_on(async {
        let store = open(&a.store).await?;
        store.client(&a.name).await.map_err(failure)
    })?
    .ok_or_else(|| not_found(&a.name))?;
    let d = describe(&client);
    if a.json {
        println!("{d}");
    } else if let Value::Object(m) = d {
        for (k, v) in m {
            let v = match v {
                Value::Null => continue,
                Value::String(s) => s,
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().unwrap_or_default().to_owned())
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.to_string(),
            };
            println!("{k:<18} {v}");
        }
    }
    Ok(0)
}

pub fn remove(a: ClientNameArgs) -> Result<u8> {
    let removed = block_on(async {
        let store = open(&a.store).await?;
        store.remove_client(&a.name).await.map_err(failure)
    })?;
    if !removed {
        return Err(not_found(&a.name));
    }
    jot_server::audit::client_removed(&a.name, "cli");
    if a.json {
        println!("{}", json!({"removed": a.name}));
    } else {
        println!("removed client {}", a.name);
    }
    Ok(0)
}

pub fn rotate_secret(a: ClientNameArgs) -> Result<u8> {
    let secret = block_on(async {
        let store = open(&a.store).await?;
        Clients::new(store, clock())
            .rotate_secret(&a.name)
            .await
            .map_err(failure)
    })?;
    jot_server::audit::client_secret_rotated(&a.name, "cli");
    let note = "The old secret no longer works; the new one is shown only now.";
    print_secret(&a.name, &secret, a.json, note);
    Ok(0)
}

/// Prints a client's id and secret: the only time the secret is shown.
/// The note goes to stderr, so stdout holds only what a script captures.
fn print_secret(id: &str, secret: &Secret, json: bool, note: &str) {
    if json {
        println!(
            "{}",
            json!({"client_id": id, "client_secret": secret.expose()})
        );
    } else {
        println!("client_id:     {id}");
        println!("client_secret: {}", secret.expose());
        eprintln!("{note}");
    }
}

fn not_found(name: &str) -> Failure {
    Failure::usage(format!("no client {name:?}")).hint("`jot client list` shows the clients")
}

/// A client's settings; never the secret's digest (useless to show, and
/// one less thing to leak).
fn describe(c: &Client) -> Value {
    json!({
        "client_id": c.id,
        "scopes": c.scopes,
        "audiences": c.audiences,
        "grants": c.grants.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "token_ttl": lifetime(c.token_ttl),
        "jwks": c.jwks.is_some(),
        "jwks_uri": c.jwks_uri,
        "admin": c.admin,
        "token_endpoint_auth_method": c.tls_auth.as_ref().map(TlsClientAuth::method),
        "tls_client_auth_subject_dn": match &c.tls_auth {
            Some(TlsClientAuth::SubjectDn(dn)) => Some(dn),
            _ => None,
        },
        "tls_client_certificate_x5t#S256": match &c.tls_auth {
            Some(TlsClientAuth::SelfSigned { x5t_s256 }) => Some(x5t_s256),
            _ => None,
        },
        "created_at": time(c.created_at),
        "secret_rotated_at": time(c.secret_rotated_at),
    })
}
