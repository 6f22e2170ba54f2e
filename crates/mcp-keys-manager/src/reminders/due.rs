//! What is due, from facts and a time: no I/O, no clock of its own.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use mcp_keys_client::KeyMetadata;
use mcp_keys_ide::{Finding, FindingCode};
use mcp_keys_store::{KeyRotation, ReminderReason, RotationPeriod, RotationPolicy, ScanResult};

use super::{DueReminder, Reminder};

/// How many days before its rotation is due a key is reminded about.
pub const ROTATION_WARNING_DAYS: i64 = 7;

/// How many days before it expires a key is reminded about.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// A key as one saved connection (or its cache) described it.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownKey {
    /// The saved connection it was read from.
    pub connection_id: String,
    /// Its metadata.
    pub key: KeyMetadata,
}

/// A plaintext key found in a file tracked by git (doctor's
/// `plaintext_key_tracked_by_git`): only its public prefix, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedLeak {
    /// `mcp_<env>_<id>` of the key.
    pub key_prefix: String,
    /// The file it was found in.
    pub config_path: String,
    /// When it was found.
    pub found_at: DateTime<Utc>,
}

impl TrackedLeak {
    /// The `plaintext_key_tracked_by_git` findings of doctor, found at `now`.
    pub fn from_findings(findings: &[Finding], now: DateTime<Utc>) -> Vec<Self> {
        findings
            .iter()
            .filter(|finding| finding.code == FindingCode::PlaintextKeyTrackedByGit)
            .filter_map(|finding| {
                Some(Self {
                    key_prefix: finding.key_prefix.clone()?,
                    config_path: finding.config_path.clone().unwrap_or_default(),
                    found_at: now,
                })
            })
            .collect()
    }
}

/// Everything [`find_due`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct ReminderFacts<'a> {
    /// The keys of every connection.
    pub keys: &'a [KnownKey],
    /// The default rotation periods.
    pub policy: RotationPolicy,
    /// Per-key overrides and the start of each key's period.
    pub rotations: &'a [KeyRotation],
    /// The latest IDE scan.
    pub scans: &'a [ScanResult],
    /// Plaintext keys in git-tracked files.
    pub leaks: &'a [TrackedLeak],
    /// Keys the user asked never to be reminded about: left out entirely.
    pub muted: &'a HashSet<String>,
}

/// Every reason a key needs attention at `now`, one row per key and
/// reason, most urgent first, then by when it is due.
pub fn find_due(facts: &ReminderFacts<'_>, now: DateTime<Utc>) -> Vec<Reminder> {
    let rotations: HashMap<&str, &KeyRotation> = facts
        .rotations
        .iter()
        .map(|rotation| (rotation.key_id.as_str(), rotation))
        .collect();
    let mut found = Vec::new();
    for known in facts.keys {
        let key = &known.key;
        if !is_usable(key, now) || superseded(key, facts.keys) {
            continue;
        }
        let rotation = rotations.get(key.id.as_str()).copied();
        if let Some(due_at) = rotation_due_at(key, rotation, &facts.policy) {
            if now > due_at {
                found.push(row(known, ReminderReason::RotationOverdue, due_at));
            } else if now >= due_at - TimeDelta::days(ROTATION_WARNING_DAYS) {
                found.push(row(known, ReminderReason::RotationDue, due_at));
            }
        }
        if let Some(expires_at) = key.expires_at
            && expires_at <= now + TimeDelta::days(EXPIRY_WARNING_DAYS)
        {
            found.push(row(known, ReminderReason::Expiring, expires_at));
        }
    }
    found.extend(revoked_in_use(facts, now));
    found.extend(leaked(facts));
    found.retain(|reminder| !facts.muted.contains(&reminder.due.key_id));
    found.sort_by(|a, b| {
        urgency(a.due.reason)
            .cmp(&urgency(b.due.reason))
            .then(a.due.due_at.cmp(&b.due.due_at))
            .then(a.due.key_id.cmp(&b.due.key_id))
    });
    found
}

/// When `key` is due for rotation: its own period (`rotation`) or its
/// environment's default, from its last roll or its creation; `None` for a
/// key never to be rotated. The one rule the reminders and the app's Keys
/// table both follow.
pub fn rotation_due_at(
    key: &KeyMetadata,
    rotation: Option<&KeyRotation>,
    policy: &RotationPolicy,
) -> Option<DateTime<Utc>> {
    let days = match rotation.and_then(|rotation| rotation.rotate_every) {
        Some(RotationPeriod::Days(days)) => days,
        Some(RotationPeriod::Never) => return None,
        None => policy.days_for(key.environment),
    };
    let anchor = rotation
        .and_then(|rotation| rotation.anchor_at)
        .unwrap_or(key.created_at);
    Some(anchor + TimeDelta::days(i64::from(days)))
}

/// Lower is more urgent: a key that already fails or has leaked comes
/// before one that merely should be rolled.
pub(crate) fn urgency(reason: ReminderReason) -> u8 {
    match reason {
        ReminderReason::PlaintextKeyTrackedByGit => 0,
        ReminderReason::RevokedKeyInUse => 1,
        ReminderReason::Expiring => 2,
        ReminderReason::RotationOverdue => 3,
        ReminderReason::RotationDue => 4,
    }
}

/// Accepted at `now`: not revoked, not expired. Judged from the times as
/// well as the server's flag, because `now` may not be the server's now.
fn is_usable(key: &KeyMetadata, now: DateTime<Utc>) -> bool {
    key.is_active && key.revoked_at.is_none() && key.expires_at.is_none_or(|at| at > now)
}

/// A roll keeps the name and surface: an older key with a newer namesake
/// on its surface is the old half of a roll, expiring on purpose at the end
/// of its grace period, and is not reminded about.
fn superseded(key: &KeyMetadata, keys: &[KnownKey]) -> bool {
    keys.iter().any(|other| {
        other.key.id != key.id
            && other.key.surface_id == key.surface_id
            && other.key.name == key.name
            && other.key.created_at > key.created_at
            && other.key.revoked_at.is_none()
    })
}

fn row(known: &KnownKey, reason: ReminderReason, due_at: DateTime<Utc>) -> Reminder {
    let key = &known.key;
    Reminder {
        due: DueReminder {
            key_id: key.id.clone(),
            key_prefix: key.key_prefix.clone(),
            name: key.name.clone(),
            surface_id: non_empty(&key.surface_id),
            reason,
            due_at,
        },
        connection_id: Some(known.connection_id.clone()),
        product_id: non_empty(&key.product_id),
        snoozed_until: None,
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// The key id inside `mcp_<env>_<id>`.
fn id_of_prefix(prefix: &str) -> Option<&str> {
    prefix
        .strip_prefix("mcp_")
        .and_then(|rest| rest.split_once('_'))
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty())
}

fn find_known<'a>(
    keys: &'a [KnownKey],
    key_id: Option<&str>,
    prefix: Option<&str>,
) -> Option<&'a KnownKey> {
    keys.iter().find(|known| {
        key_id.is_some_and(|id| id == known.key.id)
            || prefix.is_some_and(|prefix| !prefix.is_empty() && prefix == known.key.key_prefix)
    })
}

/// Revoked or expired keys still in an IDE config: the scan's own verdict,
/// or a key the scan identified that a connection says is no longer usable.
/// One row per key, however many configs hold it.
fn revoked_in_use(facts: &ReminderFacts<'_>, now: DateTime<Utc>) -> Vec<Reminder> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for scan in facts.scans {
        let known = find_known(
            facts.keys,
            scan.key_id.as_deref(),
            scan.key_prefix.as_deref(),
        );
        let dead_by_scan = matches!(scan.status.as_str(), "revoked" | "expired");
        let dead_by_server = known.is_some_and(|known| !is_usable(&known.key, now));
        if !(dead_by_scan || dead_by_server) {
            continue;
        }
        let reminder = match known {
            Some(known) => {
                let key = &known.key;
                let since = key
                    .revoked_at
                    .or(key.expires_at.filter(|at| *at <= now))
                    .unwrap_or(scan.scanned_at);
                row(known, ReminderReason::RevokedKeyInUse, since)
            }
            None => {
                let prefix = scan.key_prefix.clone().unwrap_or_default();
                let Some(key_id) = scan
                    .key_id
                    .clone()
                    .or_else(|| id_of_prefix(&prefix).map(str::to_owned))
                else {
                    continue;
                };
                Reminder {
                    due: DueReminder {
                        key_id,
                        key_prefix: prefix,
                        name: format!("{} in {}", scan.server_name, scan.client),
                        surface_id: scan.surface_id.clone(),
                        reason: ReminderReason::RevokedKeyInUse,
                        due_at: scan.scanned_at,
                    },
                    connection_id: None,
                    product_id: None,
                    snoozed_until: None,
                }
            }
        };
        if seen.insert(reminder.due.key_id.clone()) {
            rows.push(reminder);
        }
    }
    rows
}

/// Plaintext keys in git-tracked files, one row per key.
fn leaked(facts: &ReminderFacts<'_>) -> Vec<Reminder> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for leak in facts.leaks {
        let reminder = match find_known(facts.keys, None, Some(&leak.key_prefix)) {
            Some(known) => row(
                known,
                ReminderReason::PlaintextKeyTrackedByGit,
                leak.found_at,
            ),
            None => {
                let Some(key_id) = id_of_prefix(&leak.key_prefix) else {
                    continue;
                };
                Reminder {
                    due: DueReminder {
                        key_id: key_id.to_owned(),
                        key_prefix: leak.key_prefix.clone(),
                        name: format!("key in {}", leak.config_path),
                        surface_id: None,
                        reason: ReminderReason::PlaintextKeyTrackedByGit,
                        due_at: leak.found_at,
                    },
                    connection_id: None,
                    product_id: None,
                    snoozed_until: None,
                }
            }
        };
        if seen.insert(reminder.due.key_id.clone()) {
            rows.push(reminder);
        }
    }
    rows
}
