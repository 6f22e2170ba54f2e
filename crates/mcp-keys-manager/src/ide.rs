//! IDE configs and the key services (issue 5, DESIGN §5 `scan` / `doctor`):
//! the configs [`mcp_keys_ide`] finds are matched against every saved
//! connection, the result is kept in the local store for "Used by" and the
//! revoke dialog, and a roll can rewrite every config that held the old key.
//!
//! Only fingerprints leave the machine (`POST /v1/keys/identify`); a server
//! without that route is matched through this app's cache of its keys by
//! public prefix.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mcp_keys_client::KeyMetadata;
use mcp_keys_core::Fingerprint;
use mcp_keys_ide::{
    Collected, DiscoverOptions, DoctorReport, Finding, KeyLookup, KnownKey, ScanEntry,
    SurfaceFacts, SurfaceStatus, collect, doctor,
};
use mcp_keys_store::ScanResult;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Manager, Session};

mod fix;
mod roll;

pub use roll::{ConfigRollReport, ConfigUpdate, RolledWithConfigs};

/// Where to look for IDE configs (`--home`, `--project`).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScanOptions {
    /// The home folder whose known config paths are read.
    #[ts(type = "string")]
    pub home: PathBuf,
    /// Project folders to read besides the ones the clients recorded.
    #[ts(type = "Array<string>")]
    pub projects: Vec<PathBuf>,
}

impl ScanOptions {
    /// The user's home folder and no extra project.
    pub fn for_home(home: impl Into<PathBuf>) -> Self {
        Self {
            home: home.into(),
            projects: Vec::new(),
        }
    }

    /// What to watch to see these configs change (the app's file watching).
    pub fn watch_plan(&self) -> mcp_keys_ide::WatchPlan {
        mcp_keys_ide::WatchPlan::new(&self.discover())
    }

    fn discover(&self) -> DiscoverOptions {
        let mut options = DiscoverOptions::new(&self.home);
        options.projects.clone_from(&self.projects);
        options
    }
}

/// A saved connection that could not say which keys it knows: its keys show
/// as `unknown` (or come from the local cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnidentifiedConnection {
    /// The connection's name.
    pub connection: String,
    /// Why, in words.
    pub message: String,
}

/// What `scan` shows: every key occurrence with its status, the files that
/// could not be used, and the connections that could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IdeScan {
    /// One entry per key occurrence (DESIGN §5 `scan --json`).
    pub entries: Vec<ScanEntry>,
    /// Unreadable, unparseable, too large or broken-link files.
    pub problems: Vec<Finding>,
    /// Connections whose keys could not be identified.
    pub unreachable: Vec<UnidentifiedConnection>,
}

/// What `doctor` shows: the findings, and the connections that could not be
/// asked (their keys' findings may be missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IdeDoctor {
    /// Every finding, most severe first (DESIGN §5 `doctor --json`).
    pub findings: Vec<Finding>,
    /// Connections whose keys could not be identified.
    pub unreachable: Vec<UnidentifiedConnection>,
}

/// The configs read and what the key services said about their keys.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// Everything read from disk.
    pub collected: Collected,
    /// What the services know, by fingerprint.
    pub known: HashMap<Fingerprint, KnownKey>,
    /// Connections that could not be asked.
    pub unreachable: Vec<UnidentifiedConnection>,
}

impl Inspection {
    /// The scan entries at `now`.
    pub fn entries(&self, now: DateTime<Utc>) -> Vec<ScanEntry> {
        self.collected.entries(&self.known, now)
    }

    /// The findings at `now`.
    pub fn doctor(&self, now: DateTime<Utc>) -> DoctorReport {
        doctor(&self.collected, &self.known as &dyn KeyLookup, now)
    }
}

impl Manager {
    /// Reads the IDE configs under `options` and asks every saved connection
    /// which keys they hold.
    pub async fn inspect_ide(&self, options: &ScanOptions) -> Result<Inspection, Error> {
        self.prune_backups().await;
        let discover = options.discover();
        // Discovery and parsing read files: keep them off the async workers.
        let collected = tokio::task::spawn_blocking(move || collect(&discover))
            .await
            .map_err(|error| Error::Invalid(format!("the config scan stopped: {error}")))?;
        let (known, unreachable) = self.identify(&collected).await?;
        Ok(Inspection {
            collected,
            known,
            unreachable,
        })
    }

    /// `mcp-keys scan`: which IDE config uses which key. The result replaces
    /// the stored scan ("Used by", the revoke dialog).
    pub async fn scan(&self, options: &ScanOptions, now: DateTime<Utc>) -> Result<IdeScan, Error> {
        let inspection = self.inspect_ide(options).await?;
        let entries = inspection.entries(now);
        self.save_scan(&entries, now).await?;
        Ok(IdeScan {
            entries,
            problems: inspection.collected.problems,
            unreachable: inspection.unreachable,
        })
    }

    /// `mcp-keys doctor`: why a client would get 401/403, leaks, and fixes.
    /// Also refreshes the stored scan, since it has read everything anyway.
    pub async fn doctor(
        &self,
        options: &ScanOptions,
        now: DateTime<Utc>,
    ) -> Result<IdeDoctor, Error> {
        let inspection = self.inspect_ide(options).await?;
        self.save_scan(&inspection.entries(now), now).await?;
        Ok(IdeDoctor {
            findings: inspection.doctor(now).findings,
            unreachable: inspection.unreachable,
        })
    }

    /// The configs of the latest scan that hold the key `key_id` ("Used by",
    /// the configs a revocation breaks).
    pub async fn key_usage(&self, key_id: &str) -> Result<Vec<ScanResult>, Error> {
        Ok(self
            .store()
            .list_scan_results()
            .await?
            .into_iter()
            .filter(|result| result.key_id.as_deref() == Some(key_id))
            .collect())
    }

    /// Where restorable copies of edited configs go: `backups/` beside the
    /// database.
    pub fn backup_dir(&self) -> PathBuf {
        self.store()
            .path()
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("backups")
    }

    /// Deletes the config backups whose key is no longer valid (each scan,
    /// doctor run and roll does, so none outlives its key for long).
    pub(crate) async fn prune_backups(&self) {
        let dir = self.backup_dir();
        let pruned = tokio::task::spawn_blocking(move || {
            mcp_keys_ide::edit::prune_backups(&dir, Utc::now())
        })
        .await
        .unwrap_or(0);
        if pruned > 0 {
            tracing::info!(pruned, "deleted config backups of keys no longer valid");
        }
    }

    async fn save_scan(&self, entries: &[ScanEntry], now: DateTime<Utc>) -> Result<(), Error> {
        let results: Vec<ScanResult> = entries
            .iter()
            .map(|entry| ScanResult {
                client: wire(&entry.client),
                config_path: entry.config_path.clone(),
                scope: wire(&entry.scope),
                server_name: entry.server_name.clone(),
                url: entry.url.clone(),
                key_prefix: entry.key_prefix.clone(),
                fingerprint: entry.fingerprint.map(|fingerprint| fingerprint.to_string()),
                key_id: entry.key_id.clone(),
                surface_id: entry.surface_id.clone(),
                status: wire(&entry.status),
                scanned_at: now,
            })
            .collect();
        Ok(self.store().replace_scan_results(&results, now).await?)
    }

    /// Asks each saved connection in turn about the fingerprints no earlier
    /// one knew. A connection that fails is reported, not fatal: the scan of
    /// the files is still worth showing.
    async fn identify(
        &self,
        collected: &Collected,
    ) -> Result<(HashMap<Fingerprint, KnownKey>, Vec<UnidentifiedConnection>), Error> {
        let mut known = HashMap::new();
        let mut unreachable = Vec::new();
        let fingerprints = collected.fingerprints();
        if fingerprints.is_empty() {
            return Ok((known, unreachable));
        }
        let prefixes = prefixes(collected);
        for connection in self.store().list_connections().await? {
            let remaining: Vec<Fingerprint> = fingerprints
                .iter()
                .filter(|fingerprint| !known.contains_key(*fingerprint))
                .copied()
                .collect();
            if remaining.is_empty() {
                break;
            }
            let name = connection.name.clone();
            let answer = match self.session_with(connection).await {
                Ok(session) => session.known_keys(&remaining, &prefixes).await,
                Err(error) => Err(error),
            };
            match answer {
                Ok(found) => known.extend(found),
                Err(error) => unreachable.push(UnidentifiedConnection {
                    connection: name,
                    message: error.to_string(),
                }),
            }
        }
        Ok((known, unreachable))
    }
}

impl Session {
    /// What this service knows about `fingerprints`, with each key's surface.
    /// `prefixes` gives the public prefix of each fingerprint, for services
    /// without the identify route (matched in the local cache of their keys).
    pub async fn known_keys(
        &self,
        fingerprints: &[Fingerprint],
        prefixes: &HashMap<Fingerprint, String>,
    ) -> Result<HashMap<Fingerprint, KnownKey>, Error> {
        let keys: Vec<(Fingerprint, KeyMetadata)> = match self.client.identify(fingerprints).await {
            Ok(identified) => identified
                .into_iter()
                .filter_map(|answer| answer.key.map(|key| (answer.fingerprint, key)))
                .collect(),
            Err(mcp_keys_client::Error::Unsupported { .. }) => {
                self.cached_matches(fingerprints, prefixes).await?
            }
            Err(error) => return Err(error.into()),
        };
        let mut surfaces: HashMap<String, Option<SurfaceFacts>> = HashMap::new();
        let mut known = HashMap::new();
        for (fingerprint, key) in keys {
            if !surfaces.contains_key(&key.surface_id) {
                let facts = self.surface_facts(&key.product_id, &key.surface_id).await;
                surfaces.insert(key.surface_id.clone(), facts);
            }
            let surface = surfaces.get(&key.surface_id).cloned().flatten();
            known.insert(
                fingerprint,
                KnownKey {
                    key_id: key.id,
                    surface_id: key.surface_id,
                    product_id: key.product_id,
                    environment: key.environment,
                    scopes: key.scopes,
                    is_active: key.is_active,
                    revoked_at: key.revoked_at,
                    expires_at: key.expires_at,
                    surface,
                },
            );
        }
        Ok(known)
    }

    /// Keys of this connection's cache whose public prefix matches one of
    /// `fingerprints`' (the prefix holds the key id, so it is one key).
    async fn cached_matches(
        &self,
        fingerprints: &[Fingerprint],
        prefixes: &HashMap<Fingerprint, String>,
    ) -> Result<Vec<(Fingerprint, KeyMetadata)>, Error> {
        let Some(connection_id) = self.connection_id() else {
            return Ok(Vec::new());
        };
        let cached: Vec<KeyMetadata> = self
            .manager
            .store()
            .cached_keys(connection_id, None)
            .await?
            .into_iter()
            .filter_map(|entity| serde_json::from_value(entity.data).ok())
            .collect();
        Ok(fingerprints
            .iter()
            .filter_map(|fingerprint| {
                let prefix = prefixes.get(fingerprint)?;
                let key = cached.iter().find(|key| &key.key_prefix == prefix)?;
                Some((*fingerprint, key.clone()))
            })
            .collect())
    }

    /// The surface's status, environment and tools, for doctor's
    /// environment, scope and inactive checks. Unknown when it cannot be
    /// fetched: those checks are then skipped rather than guessed.
    async fn surface_facts(&self, product_id: &str, surface_id: &str) -> Option<SurfaceFacts> {
        match self.client.get_surface(product_id, surface_id).await {
            Ok(surface) => Some(SurfaceFacts {
                status: match surface.status {
                    mcp_keys_client::SurfaceStatus::Inactive => SurfaceStatus::Inactive,
                    _ => SurfaceStatus::Active,
                },
                environment: surface.environment,
                url: surface.url,
                capabilities: surface
                    .items
                    .into_iter()
                    .map(|item| item.capability_name)
                    .collect(),
            }),
            Err(error) => {
                tracing::warn!(%error, surface_id, "could not read the surface of a configured key");
                None
            }
        }
    }
}

/// The public prefix of each fingerprint found.
fn prefixes(collected: &Collected) -> HashMap<Fingerprint, String> {
    collected
        .occurrences
        .iter()
        .filter_map(|occurrence| occurrence.key())
        .map(|key| (key.fingerprint, key.key_prefix.clone()))
        .collect()
}

/// A value's JSON string form (`claude-code`, `project`, `env_reference`),
/// as the store keeps plain strings.
fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
