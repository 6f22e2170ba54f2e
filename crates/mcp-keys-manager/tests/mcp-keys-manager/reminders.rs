//! Rotation reminders: the due-date logic with an injected clock
//! (`due`), the notification plan and its claims in a real SQLite store
//! (`notifications`), and the facts gathered from a real key service or,
//! offline, from the cache (`gather`). The helpers they share are here.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mcp_keys_client::{Client, KeyMetadata, NewKey, NewSurface};
use mcp_keys_core::Sensitive;
use mcp_keys_manager::{
    Actor, DueReminder, GenerateKey, KeyServices, KnownKey, Manager, Reminder, ReminderFacts,
    Snooze, TrackedLeak, find_due, rotation_due_at,
};
use mcp_keys_server::testing::TestService;
use mcp_keys_store::{
    ConnectionKind, KeyRotation, MemorySecrets, NewConnection, ReminderReason, RotationPeriod,
    RotationPolicy, ScanResult, SecretStore, Store,
};
use serde_json::json;
use tempfile::TempDir;

const POLICY: RotationPolicy = RotationPolicy {
    production_days: 90,
    development_days: 180,
};

/// A fixed "now" for every test.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// A production key created at `created_at`, as a server describes it.
fn key(id: &str, name: &str, created_at: DateTime<Utc>) -> KnownKey {
    known(json!({
        "id": id,
        "surfaceId": "srf_1",
        "productId": "prd_1",
        "name": name,
        "keyPrefix": format!("mcp_prod_{id}"),
        "keyHint": "abcd",
        "environment": "production",
        "createdAt": created_at,
    }))
}

fn known(value: serde_json::Value) -> KnownKey {
    let key: KeyMetadata = serde_json::from_value(value).unwrap_or_else(|error| {
        panic!("test key metadata does not parse: {error}");
    });
    KnownKey {
        connection_id: "conn_1".to_owned(),
        key,
    }
}

fn with(mut known: KnownKey, change: impl FnOnce(&mut KeyMetadata)) -> KnownKey {
    change(&mut known.key);
    known
}

#[derive(Default)]
struct Facts {
    keys: Vec<KnownKey>,
    rotations: Vec<KeyRotation>,
    scans: Vec<ScanResult>,
    leaks: Vec<TrackedLeak>,
    muted: HashSet<String>,
}

impl Facts {
    fn keys(keys: Vec<KnownKey>) -> Self {
        Self {
            keys,
            ..Self::default()
        }
    }

    fn due(&self, now: DateTime<Utc>) -> Vec<(String, ReminderReason)> {
        self.reminders(now)
            .into_iter()
            .map(|reminder| (reminder.due.key_id, reminder.due.reason))
            .collect()
    }

    fn reminders(&self, now: DateTime<Utc>) -> Vec<Reminder> {
        find_due(
            &ReminderFacts {
                keys: &self.keys,
                policy: POLICY,
                rotations: &self.rotations,
                scans: &self.scans,
                leaks: &self.leaks,
                muted: &self.muted,
            },
            now,
        )
    }
}

fn due(id: &str, reason: ReminderReason) -> (String, ReminderReason) {
    (id.to_owned(), reason)
}

fn scan(key_id: Option<&str>, prefix: &str, status: &str) -> ScanResult {
    ScanResult {
        client: "cursor".to_owned(),
        config_path: "/home/me/.cursor/mcp.json".to_owned(),
        scope: "global".to_owned(),
        server_name: "docs".to_owned(),
        url: Some("http://127.0.0.1:7410/mcp".to_owned()),
        key_prefix: Some(prefix.to_owned()),
        fingerprint: None,
        key_id: key_id.map(str::to_owned),
        surface_id: None,
        status: status.to_owned(),
        scanned_at: now() - TimeDelta::hours(1),
    }
}

/// A manager over a fresh store file, with tokens in memory.
struct Local {
    manager: Manager,
    secrets: Arc<MemorySecrets>,
    dir: TempDir,
}

impl Local {
    async fn new() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        Self::open(dir).await
    }

    async fn open(dir: TempDir) -> Result<Self> {
        let store = Store::open(&dir.path().join("mcp-keys.db")).await?;
        let secrets = Arc::new(MemorySecrets::new());
        let manager = Manager::new(store, secrets.clone(), Actor::App);
        Ok(Self {
            manager,
            secrets,
            dir,
        })
    }

    /// A second manager on the same database file, as the CLI beside the app.
    async fn beside(&self) -> Result<Manager> {
        let store = Store::open(&self.dir.path().join("mcp-keys.db")).await?;
        Ok(Manager::new(
            store,
            Arc::new(MemorySecrets::new()),
            Actor::Cli,
        ))
    }
}

fn overdue(ids: &[&str]) -> Vec<Reminder> {
    Facts::keys(
        ids.iter()
            .map(|id| key(id, &format!("Key {id}"), now() - days(100)))
            .collect(),
    )
    .reminders(now())
}

mod due;
mod gather;
mod notifications;
