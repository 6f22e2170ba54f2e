//! The refusals a key service recorded for keys found in IDE configs
//! (`auth_failed` audit events), for `client_log_auth_failure` (DESIGN §10).

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use mcp_keys_client::{EventFilter, EventType};
use mcp_keys_ide::{Finding, FindingCode, KnownKey, ServiceFailure};
use mcp_keys_store::AuditFilter;

use super::{KeyServices, ScanOptions};
use crate::{Error, Manager, Session};

/// How many of a key's latest local audit entries are searched for its
/// revocation.
const REVOKER_LOOKBACK: u32 = 20;

impl Manager {
    /// Names who revoked each revoked key of `known`, where this machine's
    /// audit log recorded the revocation (the app or the CLI here).
    pub(super) async fn name_revokers<'a>(&self, known: impl Iterator<Item = &'a mut KnownKey>) {
        for key in known.filter(|key| !key.is_active) {
            let filter = AuditFilter {
                key_id: Some(key.key_id.clone()),
                limit: Some(REVOKER_LOOKBACK),
                ..AuditFilter::default()
            };
            let Ok(entries) = self.store().list_audit(&filter).await else {
                continue;
            };
            key.revoked_by = entries
                .iter()
                .find(|entry| entry.action == "key.revoke")
                .map(|entry| match entry.actor.split_whitespace().next() {
                    Some("app") => "from the app on this machine".to_owned(),
                    Some("cli") => "with the mcp-keys command on this machine".to_owned(),
                    _ => format!("by {} on this machine", entry.actor),
                });
        }
    }

    /// The authentication failures the clients' logs and the services'
    /// audits recorded lately (`client_log_auth_failure` findings), for the
    /// app's notifications. Unlike `doctor`, the stored scan is left alone.
    pub async fn client_log_failures(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Finding>, Error> {
        let inspection = self.inspect_ide_with_logs(options, services).await?;
        Ok(inspection
            .log_findings(now)
            .into_iter()
            .filter(|finding| finding.code == FindingCode::ClientLogAuthFailure)
            .collect())
    }
}

impl Session {
    /// The refusals of `keys` this service recorded at or after `since`.
    /// A service without the events route, or one that fails, gives none:
    /// the clients' own logs still speak.
    pub(crate) async fn recent_failures<'a>(
        &self,
        keys: impl Iterator<Item = &'a KnownKey>,
        since: DateTime<Utc>,
    ) -> Vec<ServiceFailure> {
        let mut surfaces = BTreeSet::new();
        let mut key_ids = HashSet::new();
        for key in keys {
            surfaces.insert(key.surface_id.clone());
            key_ids.insert(key.key_id.clone());
        }
        let mut failures = Vec::new();
        for surface_id in surfaces {
            let filter = EventFilter {
                surface_id: Some(surface_id),
                kind: Some(EventType::AuthFailed),
                since: Some(since),
                ..EventFilter::default()
            };
            let events = match self.client.list_events_all(&filter).await {
                Ok(events) => events,
                Err(error) => {
                    tracing::debug!(%error, "no audit events for the client-log findings");
                    continue;
                }
            };
            failures.extend(events.into_iter().filter_map(|event| {
                let key_id = event.key_id?;
                (event.kind == EventType::AuthFailed && key_ids.contains(&key_id)).then(|| {
                    ServiceFailure {
                        key_id,
                        reason: event.reason,
                        at: event.created_at,
                        count: event.count.unwrap_or(1),
                        client: event.client,
                        capability: event.capability,
                    }
                })
            }));
        }
        failures
    }
}
