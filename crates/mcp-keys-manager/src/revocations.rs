//! Degraded rolls finished on time: a server without the roll route
//! (Runtype) got a new key and still accepts the old one, which this
//! machine promised to revoke when the grace period ends. The CLI does it
//! on its next command; the app on its scheduler, through this.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::{Error, Manager};

/// What [`Manager::complete_due_revocations`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompletedRevocations {
    /// Old keys revoked now.
    pub done: usize,
    /// Connections that could not be reached or refused; their revocations
    /// stay pending for the next try.
    pub failed: Vec<String>,
    /// When the next pending revocation is due, if any.
    pub next_at: Option<DateTime<Utc>>,
}

impl Manager {
    /// Revokes every old key whose grace period has ended, on every saved
    /// connection that has one due. A connection that fails keeps its
    /// revocations pending (and is named); the others go on.
    pub async fn complete_due_revocations(
        &self,
        now: DateTime<Utc>,
    ) -> Result<CompletedRevocations, Error> {
        let due = self.store().due_revocations(now).await?;
        let connections: BTreeSet<String> = due
            .into_iter()
            .map(|pending| pending.connection_id)
            .collect();
        let mut completed = CompletedRevocations::default();
        for connection in connections {
            let result = match self.session(Some(&connection)).await {
                Ok(session) => session.complete_due_revocations(now).await,
                Err(error) => Err(error),
            };
            match result {
                Ok(done) => completed.done += done,
                Err(error) => {
                    tracing::warn!(%error, connection, "pending revocations stay pending");
                    completed.failed.push(connection);
                }
            }
        }
        completed.next_at = self
            .store()
            .list_pending_revocations()
            .await?
            .into_iter()
            .map(|pending| pending.revoke_at)
            .find(|at| *at > now);
        Ok(completed)
    }
}
