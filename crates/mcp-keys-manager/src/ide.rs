//! IDE configs and the key services (DESIGN §5 `scan` / `doctor`):
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
use mcp_keys_core::Fingerprint;
use mcp_keys_ide::logs::{ClientLogs, LogSourceRead, RECENT_FAILURES, read_client_logs};
use mcp_keys_ide::{
    Collected, DiscoverOptions, DoctorReport, Finding, FindingCode, KeyLookup, KeyStatus, KnownKey,
    ScanEntry, ServiceFailure, Severity, client_log_findings, collect, doctor, sort_findings,
};
use mcp_keys_store::ScanResult;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Manager, Session};

mod failures;
mod fix;
mod identify;
mod roll;
mod slot_keys;

pub use roll::{ConfigRollReport, ConfigUpdate, RolledWithConfigs, VariableUpdate};

/// Where to look for IDE configs (`--home`, `--project`).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
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

    /// The home folder of the user running MCP Keys (the one lookup of it
    /// that the app and the CLI share), and `projects`.
    pub fn for_user(projects: Vec<PathBuf>) -> Result<Self, Error> {
        let home = dirs::home_dir().ok_or(Error::NoHome)?;
        Ok(Self { home, projects })
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

/// The key services that identify the keys found in IDE configs.
#[derive(Debug, Clone, Copy)]
pub enum KeyServices<'a> {
    /// Every saved connection, in turn (the app; the CLI without
    /// `--server`, `--connection` or `MCP_KEYS_TOKEN`).
    Saved,
    /// The one service the command line names (`--server` with
    /// `MCP_KEYS_TOKEN`, or `--connection`).
    Only(&'a Session),
}

impl<'a> From<Option<&'a Session>> for KeyServices<'a> {
    /// The session the command line named, else every saved connection.
    fn from(session: Option<&'a Session>) -> Self {
        session.map_or(Self::Saved, Self::Only)
    }
}

impl Session {
    /// How this session's service is named in messages: its saved
    /// connection's name, or its URL.
    pub fn label(&self) -> String {
        match self.connection() {
            Some(connection) => connection.name.clone(),
            None => self
                .client
                .base_url()
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
        }
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
    /// What was read of each client's logs, or why nothing was (DESIGN §10).
    pub logs: Vec<LogSourceRead>,
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
    /// The services that answered.
    pub asked: Vec<String>,
    /// What the clients' own logs say (DESIGN §10).
    pub logs: ClientLogs,
    /// The refusals of found keys that their services recorded lately.
    pub failures: Vec<ServiceFailure>,
}

impl Inspection {
    /// The scan entries at `now`; an `unknown` key says why (a keyring
    /// slot that could not be read already does).
    pub fn entries(&self, now: DateTime<Utc>) -> Vec<ScanEntry> {
        let mut entries = self.collected.entries(&self.known, now);
        for entry in &mut entries {
            let unknown = entry.status == KeyStatus::Unknown
                || entry.resolved_status == Some(KeyStatus::Unknown);
            if unknown && entry.status_reason.is_none() {
                entry.status_reason = Some(self.why_unknown());
            }
        }
        entries
    }

    /// The findings at `now`, with one `key_not_identified` per key that no
    /// service could identify.
    pub fn doctor(&self, now: DateTime<Utc>) -> DoctorReport {
        let mut report = doctor(&self.collected, &self.known as &dyn KeyLookup, now);
        report.findings.extend(self.log_findings(now));
        let mut seen = std::collections::BTreeSet::new();
        for entry in self.entries(now) {
            let (Some(prefix), Some(reason)) = (&entry.key_prefix, &entry.status_reason) else {
                continue;
            };
            if !seen.insert(prefix.clone()) {
                continue;
            }
            report.findings.push(Finding {
                severity: Severity::Warning,
                code: FindingCode::KeyNotIdentified,
                client: Some(entry.client),
                config_path: Some(entry.config_path.clone()),
                key_prefix: Some(prefix.clone()),
                message: format!(
                    "The key {prefix} (server \"{}\" of {}) could not be identified, so whether it is revoked or expired was not checked: {reason}",
                    entry.server_name, entry.client
                ),
                fix: "Connect MCP Keys to the key service that issued it: `mcp-keys login --server URL`, or run this command with --server URL and MCP_KEYS_TOKEN.".to_owned(),
                detail: mcp_keys_ide::FindingDetail::default(),
            });
        }
        sort_findings(&mut report.findings);
        report
    }

    /// The findings of the clients' logs and the services' audits alone
    /// (`client_log_auth_failure`, `client_log_unreadable`).
    pub fn log_findings(&self, now: DateTime<Utc>) -> Vec<Finding> {
        client_log_findings(
            &self.collected,
            &self.known as &dyn KeyLookup,
            &self.logs,
            &self.failures,
            now,
        )
    }

    /// Why a key of our format has no status: which services were asked.
    pub fn why_unknown(&self) -> String {
        let failed: Vec<String> = self
            .unreachable
            .iter()
            .map(|failed| {
                format!(
                    "{} could not be asked ({})",
                    failed.connection, failed.message
                )
            })
            .collect();
        match (self.asked.is_empty(), failed.is_empty()) {
            (true, true) => {
                "no key service was asked: no connection is saved and no --server was given."
                    .to_owned()
            }
            (true, false) => format!("{}.", failed.join("; ")),
            (false, true) => format!(
                "no key service asked knows it ({}): another service issued it, or it was deleted.",
                self.asked.join(", ")
            ),
            (false, false) => format!(
                "not known to {}; {}.",
                self.asked.join(", "),
                failed.join("; ")
            ),
        }
    }
}

impl Manager {
    /// Reads the IDE configs under `options` and asks `services` which keys
    /// they hold.
    pub async fn inspect_ide(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
    ) -> Result<Inspection, Error> {
        self.inspect(options, services, None).await
    }

    /// [`Manager::inspect_ide`], and also the clients' logs and the
    /// services' refusals of the keys found, since [`RECENT_FAILURES`] ago
    /// (DESIGN §10).
    pub async fn inspect_ide_with_logs(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
    ) -> Result<Inspection, Error> {
        self.inspect(options, services, Some(Utc::now() - RECENT_FAILURES))
            .await
    }

    /// Reads the configs, and with `failures_since` the logs and refusals.
    async fn inspect(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
        failures_since: Option<DateTime<Utc>>,
    ) -> Result<Inspection, Error> {
        self.prune_backups().await;
        let mut discover = options.discover();
        let slots = self.store().list_slots().await.unwrap_or_else(|error| {
            tracing::warn!(%error, "could not list the keyring slots; configs that name one show it as unreadable");
            Vec::new()
        });
        let manager = self.clone();
        // Discovery, parsing and the clients' logs read files, and each slot
        // is a keyring round trip: keep them off the async workers.
        let (collected, logs) = tokio::task::spawn_blocking(move || {
            discover.slots = slot_keys::read(manager.secrets(), &slots);
            let logs = failures_since
                .map(|since| read_client_logs(&discover, since))
                .unwrap_or_default();
            (collect(&discover), logs)
        })
        .await
        .map_err(Error::stopped("the config scan"))?;
        let mut identified = self.identify(&collected, services, failures_since).await?;
        if failures_since.is_some() {
            self.name_revokers(identified.known.values_mut()).await;
        }
        Ok(Inspection {
            collected,
            known: identified.known,
            unreachable: identified.unreachable,
            asked: identified.asked,
            logs,
            failures: identified.failures,
        })
    }

    /// `mcp-keys scan`: which IDE config uses which key. The result replaces
    /// the stored scan ("Used by", the revoke dialog).
    pub async fn scan(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
        now: DateTime<Utc>,
    ) -> Result<IdeScan, Error> {
        let inspection = self.inspect_ide(options, services).await?;
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
        services: KeyServices<'_>,
        now: DateTime<Utc>,
    ) -> Result<IdeDoctor, Error> {
        let inspection = self.inspect_ide_with_logs(options, services).await?;
        self.save_scan(&inspection.entries(now), now).await?;
        Ok(IdeDoctor {
            findings: inspection.doctor(now).findings,
            logs: inspection.logs.sources.clone(),
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
        let results = scan_results(entries, now);
        Ok(self.store().replace_scan_results(&results, now).await?)
    }
}

/// The stored form of scan entries (the store keeps plain strings).
pub(crate) fn scan_results(entries: &[ScanEntry], now: DateTime<Utc>) -> Vec<ScanResult> {
    entries
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
