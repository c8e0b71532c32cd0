//! `jot sessions revoke --sub S`: log a subject out everywhere.

use super::store::{block_on, failure, now, open, time};
use crate::cli::SessionsRevokeArgs;
use crate::error::Result;

pub fn revoke(a: SessionsRevokeArgs) -> Result<u8> {
    let at = now();
    let families = block_on(async {
        let store = open(&a.store).await?;
        store.revoke_subject(&a.subject, at).await.map_err(failure)
    })?;
    jot_server::audit::subject_logged_out(&a.subject, families, "cli");
    println!(
        "revoked every token of {:?} issued at or before {} ({families} refresh token famil{})",
        a.subject,
        time(at),
        if families == 1 { "y" } else { "ies" }
    );
    Ok(0)
}
