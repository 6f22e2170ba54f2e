//! The facts behind the reminders: keys from every saved connection (the
//! local cache when a server is out of reach), the store's rotation
//! policy, rotation facts, mutes, snoozes and latest IDE scan.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use mcp_keys_client::{KeyMetadata, SurfaceFilter};
use mcp_keys_store::{Connection, ScanResult};
use serde::Serialize;
use ts_rs::TS;

use super::{KnownKey, Reminder, ReminderFacts, TrackedLeak, find_due};
use crate::ide::scan_results;
use crate::{Error, KeyServices, Manager, ScanOptions, Session};

/// What is due, and which connections could only be read from the cache.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DueReport {
    /// Every key and reason that needs attention, most urgent first.
    pub reminders: Vec<Reminder>,
    /// Connections whose server could not be read; their keys come from
    /// the local cache.
    pub unreachable: Vec<UnreachableConnection>,
    /// How many key services were read (fresh or from the cache): 0 means
    /// no reminder could be found at all, which the caller should say.
    pub services: usize,
}

/// A saved connection whose server could not be read.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnreachableConnection {
    /// The connection's id.
    pub connection_id: String,
    /// Its name.
    pub name: String,
    /// Why, in words.
    pub message: String,
}

impl Manager {
    /// Runs doctor over the IDE configs of `options` first, then finds what
    /// is due with its plaintext keys in git-tracked files and its fresh
    /// view of which config holds which key (`revoked_key_in_use`). The
    /// stored scan is read for the configs outside `options` and left as it
    /// is: it belongs to the scans the user asked for (the IDEs page's
    /// project folders, which a background run does not know). A doctor
    /// that fails is logged and the stored scan is used alone.
    pub async fn due_reminders_after_doctor(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
        now: DateTime<Utc>,
    ) -> Result<DueReport, Error> {
        let (leaks, fresh) = match self.inspect_ide(options, services).await {
            Ok(inspection) => (
                TrackedLeak::from_findings(&inspection.doctor(now).findings, now),
                scan_results(&inspection.entries(now), now),
            ),
            Err(error) => {
                tracing::warn!(%error, "reminders use the last IDE scan: doctor failed");
                (Vec::new(), Vec::new())
            }
        };
        self.due_reminders_with(services, now, &leaks, fresh).await
    }

    /// What is due at `now` across `services`. A saved connection's server
    /// out of reach is read from the cache instead and named in
    /// [`DueReport::unreachable`] (a `--server` service has no cache). `leaks` are doctor's plaintext keys in
    /// git-tracked files, when the caller ran it (the store's scan results
    /// do not say whether a file is tracked).
    pub async fn due_reminders(
        &self,
        services: KeyServices<'_>,
        now: DateTime<Utc>,
        leaks: &[TrackedLeak],
    ) -> Result<DueReport, Error> {
        self.due_reminders_with(services, now, leaks, Vec::new())
            .await
    }

    /// [`Manager::due_reminders`] with `fresh` scan results, which replace
    /// the stored ones of the same configs.
    async fn due_reminders_with(
        &self,
        services: KeyServices<'_>,
        now: DateTime<Utc>,
        leaks: &[TrackedLeak],
        fresh: Vec<ScanResult>,
    ) -> Result<DueReport, Error> {
        let mut keys = Vec::new();
        let mut unreachable = Vec::new();
        if let KeyServices::Only(session) = services {
            let id = session
                .connection_id()
                .map_or_else(|| session.label(), str::to_owned);
            match session_keys(session, now).await {
                Ok(found) => keys.extend(found.into_iter().map(|key| KnownKey {
                    connection_id: id.clone(),
                    key,
                })),
                Err(error) => {
                    let cached = match session.connection_id() {
                        Some(connection_id) => self.cached_keys(connection_id).await?,
                        None => Vec::new(),
                    };
                    unreachable.push(UnreachableConnection {
                        connection_id: id.clone(),
                        name: session.label(),
                        message: error.to_string(),
                    });
                    keys.extend(cached.into_iter().map(|key| KnownKey {
                        connection_id: id.clone(),
                        key,
                    }));
                }
            }
        }
        let saved = match services {
            KeyServices::Saved => self.store().list_connections().await?,
            KeyServices::Only(_) => Vec::new(),
        };
        let services = saved.len() + usize::from(matches!(services, KeyServices::Only(_)));
        for connection in saved {
            let fresh = self.fresh_keys(&connection, now).await;
            let found = match fresh {
                Ok(found) => found,
                Err(error) => {
                    tracing::info!(
                        connection = %connection.name,
                        %error,
                        "reminders use the cached keys of an unreachable connection"
                    );
                    unreachable.push(UnreachableConnection {
                        connection_id: connection.id.clone(),
                        name: connection.name.clone(),
                        message: error.to_string(),
                    });
                    self.cached_keys(&connection.id).await?
                }
            };
            keys.extend(found.into_iter().map(|key| KnownKey {
                connection_id: connection.id.clone(),
                key,
            }));
        }
        let store = self.store();
        let states = store.list_reminder_states().await?;
        // A key muted before it was ever notified has no state row: ask
        // about every key at hand as well.
        let mut muted: HashSet<String> = states
            .iter()
            .filter(|state| state.muted)
            .map(|state| state.key_id.clone())
            .collect();
        for known in &keys {
            if !muted.contains(&known.key.id) && store.reminders_muted(&known.key.id).await? {
                muted.insert(known.key.id.clone());
            }
        }
        let rotations = store.list_key_rotations().await?;
        let mut scans: Vec<ScanResult> = store
            .list_scan_results()
            .await?
            .into_iter()
            .filter(|stored| {
                !fresh
                    .iter()
                    .any(|result| result.config_path == stored.config_path)
            })
            .collect();
        scans.extend(fresh);
        let facts = ReminderFacts {
            keys: &keys,
            policy: store.rotation_policy().await?,
            rotations: &rotations,
            scans: &scans,
            leaks,
            muted: &muted,
        };
        let snoozed: HashMap<&str, DateTime<Utc>> = states
            .iter()
            .filter_map(|state| Some((state.key_id.as_str(), state.snoozed_until?)))
            .filter(|(_, until)| *until > now)
            .collect();
        let mut reminders = find_due(&facts, now);
        for reminder in &mut reminders {
            reminder.snoozed_until = snoozed.get(reminder.due.key_id.as_str()).copied();
        }
        Ok(DueReport {
            reminders,
            unreachable,
            services,
        })
    }

    /// Every key of a connection, fresh from its server; the cache follows.
    async fn fresh_keys(
        &self,
        connection: &Connection,
        now: DateTime<Utc>,
    ) -> Result<Vec<KeyMetadata>, Error> {
        let session = self.session_with(connection.clone()).await?;
        session_keys(&session, now).await
    }

    /// The keys last cached for a connection; rows of an older app version
    /// that no longer parse are skipped.
    async fn cached_keys(&self, connection_id: &str) -> Result<Vec<KeyMetadata>, Error> {
        Ok(self
            .store()
            .cached_keys(connection_id, None)
            .await?
            .into_iter()
            .filter_map(|entity| serde_json::from_value(entity.data).ok())
            .collect())
    }
}

/// Every key of the session's service, fresh (a saved connection's cache
/// follows).
async fn session_keys(session: &Session, now: DateTime<Utc>) -> Result<Vec<KeyMetadata>, Error> {
    let surfaces = session
        .client()
        .list_surfaces_all(&SurfaceFilter::default())
        .await?;
    let mut keys = Vec::new();
    for surface in surfaces {
        let full = session
            .surface(&surface.product_id, &surface.id, now)
            .await?;
        keys.extend(full.keys.into_iter().map(|mut key| {
            // Older servers leave the parents out of a key's answer.
            if key.surface_id.is_empty() {
                key.surface_id.clone_from(&full.id);
            }
            if key.product_id.is_empty() {
                key.product_id.clone_from(&full.product_id);
            }
            key
        }));
    }
    Ok(keys)
}
