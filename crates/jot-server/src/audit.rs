//! Security-relevant changes as events of their own log target,
//! `jot::audit`, so an operator can send them to an audit trail apart from
//! request logs (`JOT_LOG=jot::audit=info` keeps only them). Each event says
//! what changed (`event`) and names the records by id: client ids, key ids
//! (thumbprints), refresh-family ids, subjects. None carries a secret, a
//! token or key material.
//!
//! Who made the change is `by`: `"cli"` for `jot client`/`jot keys`/
//! `jot sessions` on the store, `"schedule"` for the rotation schedule, or
//! the authenticated client's id for a change made over HTTP.

use crate::keys::lifecycle::Step;

/// A client was registered.
pub fn client_added(id: &str, by: &str) {
    tracing::info!(target: "jot::audit", event = "client_added", client = id, by);
}

/// A client was removed.
pub fn client_removed(id: &str, by: &str) {
    tracing::info!(target: "jot::audit", event = "client_removed", client = id, by);
}

/// A client's secret was replaced (the old one stopped working).
pub fn client_secret_rotated(id: &str, by: &str) {
    tracing::info!(target: "jot::audit", event = "client_secret_rotated", client = id, by);
}

/// The signing-key ring changed: a key created, moved to another state
/// (next, current, retired) or no longer published.
pub fn key_ring_changed(step: &Step, by: &str) {
    match step {
        Step::Create { alg, state } => tracing::info!(
            target: "jot::audit",
            event = "signing_key_created",
            alg = alg.name(),
            state = ?state,
            by
        ),
        Step::SetState { kid, to } => tracing::info!(
            target: "jot::audit",
            event = "signing_key_state_changed",
            kid = kid.as_str(),
            state = ?to,
            by
        ),
        Step::Remove { kid } => tracing::info!(
            target: "jot::audit",
            event = "signing_key_unpublished",
            kid = kid.as_str(),
            by
        ),
    }
}

/// A rotated refresh token was presented again: its whole family (and the
/// family's live access tokens) is revoked.
pub fn refresh_reuse_detected(family: &str, client: &str) {
    tracing::warn!(
        target: "jot::audit",
        event = "refresh_reuse_detected",
        family,
        client,
        "refresh token reused: family revoked"
    );
}

/// A client revoked a refresh-token family (RFC 7009).
pub fn refresh_family_revoked(family: &str, by: &str) {
    tracing::info!(target: "jot::audit", event = "refresh_family_revoked", family, by);
}

/// Every token of a subject issued until now was revoked ("log out
/// everywhere").
pub fn subject_logged_out(subject: &str, families: u64, by: &str) {
    tracing::info!(
        target: "jot::audit",
        event = "subject_logged_out",
        subject,
        families,
        by
    );
}
