//! The scan: every key occurrence in every config found, with its status
//! (DESIGN §5 `scan --json`).

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::ops::Range;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use mcp_keys_core::Fingerprint;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::copies::{CopiedKey, find_copied_keys};
use crate::discover::{ConfigFile, DiscoverOptions, discover};
use crate::extract::{Found, KeyFacts, KeyKind, ServerItem, extract_with_slots};
use crate::lookup::{KeyLookup, KnownKey};
use crate::syntax;
use crate::{ClientId, Finding, FindingCode, Scope, Severity};

/// The status of an occurrence (DESIGN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyStatus {
    /// A connected service accepts it.
    Active,
    /// Revoked.
    Revoked,
    /// Past its expiry.
    Expired,
    /// Our format, but no connected service knows it.
    Unknown,
    /// Our shape with a wrong check character: a typo.
    ChecksumError,
    /// Another issuer's `mcp_` key.
    Foreign,
    /// The config refers to a variable instead of holding a key.
    EnvReference,
}

/// Where the key of an occurrence lives (DESIGN §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyStorage {
    /// Written in the config file.
    Config,
    /// In an OS keyring slot that the config names.
    Keyring,
    /// In an environment variable that the config refers to.
    Environment,
}

/// Byte range of a key in its file, for edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ByteSpan {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl From<Range<usize>> for ByteSpan {
    fn from(range: Range<usize>) -> Self {
        Self {
            start: range.start,
            end: range.end,
        }
    }
}

impl From<ByteSpan> for Range<usize> {
    fn from(span: ByteSpan) -> Self {
        span.start..span.end
    }
}

/// One key occurrence (DESIGN §5 `scan --json`, plus where it is for edits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScanEntry {
    /// The client that reads the config.
    pub client: ClientId,
    /// The config file as found.
    pub config_path: String,
    /// Global or project.
    pub scope: Scope,
    /// The server entry's name.
    pub server_name: String,
    /// The server's URL, when it has one.
    pub url: Option<String>,
    /// The key's public prefix (of the variable's value for references).
    pub key_prefix: Option<String>,
    /// The key's fingerprint (of the variable's value for references).
    #[ts(type = "string | null")]
    pub fingerprint: Option<Fingerprint>,
    /// The key id, when a service knows the key.
    pub key_id: Option<String>,
    /// The surface id, when a service knows the key.
    pub surface_id: Option<String>,
    /// The status; for a keyring slot, its key's status.
    pub status: KeyStatus,
    /// Why the status is `unknown` (or the variable's value unknown): which
    /// key services were asked, or that none could be, or that a keyring
    /// slot could not be read.
    pub status_reason: Option<String>,
    /// Where the key lives: in the config, a keyring slot or a variable.
    pub storage: KeyStorage,
    /// The keyring slot the config names, for `keyring`.
    pub slot: Option<String>,
    /// The variable referred to, for `env_reference` (and a keyring slot
    /// reached through `mcp-keys run`).
    pub env_var: Option<String>,
    /// The status of the variable's value, when it is set and holds a key.
    pub resolved_status: Option<KeyStatus>,
    /// Where in the server entry (`headers.Authorization`).
    pub field: String,
    /// The key's bytes in the file, for plaintext keys.
    pub span: Option<ByteSpan>,
}

/// A key occurrence with everything doctor needs.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The config file.
    pub file: ConfigFile,
    /// What was found, and where in the server entry.
    pub item: ServerItem,
}

impl Occurrence {
    /// The key this occurrence stands for: the plaintext key, or the key in
    /// the referenced variable or keyring slot.
    pub fn key(&self) -> Option<&KeyFacts> {
        match &self.item.found {
            Found::Plaintext { key, .. } => Some(key),
            Found::EnvReference { resolved, .. } | Found::Slot { resolved, .. } => {
                resolved.as_ref()
            }
        }
    }

    /// Whether the key is written in the file.
    pub fn is_plaintext(&self) -> bool {
        matches!(self.item.found, Found::Plaintext { .. })
    }

    /// The keyring slot the config names, when it names one.
    pub fn slot(&self) -> Option<&str> {
        match &self.item.found {
            Found::Slot { slot, .. } => Some(slot),
            Found::Plaintext { .. } | Found::EnvReference { .. } => None,
        }
    }
}

/// Everything read from disk, before any key service is asked.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Every occurrence.
    pub occurrences: Vec<Occurrence>,
    /// Files that could not be used.
    pub problems: Vec<Finding>,
    /// The project folders looked at.
    pub projects: Vec<PathBuf>,
    /// Every config file read, parsed or not.
    pub files: Vec<ConfigFile>,
    /// Keys in files the clients wrote themselves (not configs).
    pub copies: Vec<CopiedKey>,
}

impl Collected {
    /// The fingerprints of the keys of our format, to send to
    /// `POST /v1/keys/identify` (no secret leaves the machine).
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        let mut seen = BTreeSet::new();
        self.occurrences
            .iter()
            .filter_map(Occurrence::key)
            .filter(|key| matches!(key.kind, KeyKind::Valid(_)))
            .filter(|key| seen.insert(key.fingerprint.to_string()))
            .map(|key| key.fingerprint)
            .collect()
    }

    /// The scan entries, statuses taken from `lookup` at time `now`.
    pub fn entries(&self, lookup: &dyn KeyLookup, now: DateTime<Utc>) -> Vec<ScanEntry> {
        self.occurrences
            .iter()
            .map(|occurrence| entry(occurrence, lookup, now))
            .collect()
    }
}

/// The status of a key by itself (not a reference).
pub fn key_status(key: &KeyFacts, known: Option<&KnownKey>, now: DateTime<Utc>) -> KeyStatus {
    match key.kind {
        KeyKind::ChecksumError => KeyStatus::ChecksumError,
        KeyKind::Foreign => KeyStatus::Foreign,
        KeyKind::Valid(_) => match known {
            None => KeyStatus::Unknown,
            Some(known) if known.revoked_at.is_some() => KeyStatus::Revoked,
            Some(known) if known.expires_at.is_some_and(|at| at <= now) => KeyStatus::Expired,
            Some(known) if !known.is_active => KeyStatus::Revoked,
            Some(_) => KeyStatus::Active,
        },
    }
}

fn entry(occurrence: &Occurrence, lookup: &dyn KeyLookup, now: DateTime<Utc>) -> ScanEntry {
    let key = occurrence.key();
    let known = key
        .filter(|key| matches!(key.kind, KeyKind::Valid(_)))
        .and_then(|key| lookup.lookup(&key.fingerprint));
    let own_status = key.map(|key| key_status(key, known.as_ref(), now));
    let mut status_reason = None;
    let (status, storage, env_var, resolved_status, span) = match &occurrence.item.found {
        Found::Plaintext { span, .. } => (
            own_status.unwrap_or(KeyStatus::Unknown),
            KeyStorage::Config,
            None,
            None,
            Some(ByteSpan::from(span.clone())),
        ),
        Found::EnvReference { variable, .. } => (
            KeyStatus::EnvReference,
            KeyStorage::Environment,
            Some(variable.clone()),
            own_status,
            None,
        ),
        Found::Slot { slot, variable, .. } => {
            if key.is_none() {
                status_reason = Some(slot_unread(slot, occurrence.file.client));
            }
            (
                own_status.unwrap_or(KeyStatus::Unknown),
                KeyStorage::Keyring,
                variable.clone(),
                None,
                None,
            )
        }
    };
    ScanEntry {
        client: occurrence.file.client,
        config_path: occurrence.file.path.display().to_string(),
        scope: occurrence.file.scope,
        server_name: occurrence.item.server_name.clone(),
        url: occurrence.item.url.clone(),
        key_prefix: key.map(|key| key.key_prefix.clone()),
        fingerprint: key.map(|key| key.fingerprint),
        key_id: known.as_ref().map(|known| known.key_id.clone()),
        surface_id: known.as_ref().map(|known| known.surface_id.clone()),
        status,
        status_reason,
        storage,
        slot: occurrence.slot().map(str::to_owned),
        env_var,
        resolved_status,
        field: occurrence.item.field.clone(),
        span,
    }
}

/// Why a slot's key is unknown: the caller could not read the slot.
fn slot_unread(slot: &str, client: ClientId) -> String {
    format!(
        "the keyring slot {slot} could not be read: it is missing from the OS keyring (or the keyring is locked), so {client} gets no key through it. See the slots with `mcp-keys slots list`; install the key again with `mcp-keys keys install KEY_ID --client {client}`."
    )
}

/// Discovers and reads every config; no network.
pub fn collect(options: &DiscoverOptions) -> Collected {
    let discovery = discover(options);
    let mut collected = Collected {
        problems: discovery.problems,
        projects: discovery.projects,
        ..Collected::default()
    };
    // One parse per file even when several locations share it (~/.claude.json).
    let mut parsed: HashMap<PathBuf, Result<(String, syntax::Node), ()>> = HashMap::new();
    for file in discovery.files {
        let (Some(spec), Some(location)) = (file.spec(), file.location()) else {
            continue;
        };
        let outcome = parsed.entry(file.target.clone()).or_insert_with(|| {
            let text = match fs::read(&file.target) {
                Ok(bytes) if is_utf16(&bytes) => {
                    collected.problems.push(problem(
                        &file,
                        FindingCode::UnparseableConfig,
                        "This config is encoded as UTF-16, which MCP Keys does not read or edit, so its keys are unknown.".to_owned(),
                        "Save the file as UTF-8 (every client reads UTF-8), then scan again.",
                    ));
                    return Err(());
                }
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(error) => {
                    collected.problems.push(problem(
                        &file,
                        FindingCode::UnreadableConfig,
                        format!("This config exists but cannot be read ({error}), so its keys are unknown."),
                        "Check the file's owner and permissions (it should be readable by you only).",
                    ));
                    return Err(());
                }
            };
            match syntax::parse(file.format, &text) {
                Ok(node) => Ok((text, node)),
                Err(message) => {
                    collected.problems.push(problem(
                        &file,
                        FindingCode::UnparseableConfig,
                        format!(
                            "This config is not valid {} ({message}); {} ignores it or fails to start, and its keys cannot be checked.",
                            file.format.as_str(),
                            spec.name
                        ),
                        "Fix the syntax at the position given (or restore the client's backup); MCP Keys never edits a file it cannot parse.",
                    ));
                    Err(())
                }
            }
        });
        if let Ok((text, node)) = outcome {
            for item in extract_with_slots(spec, location, node, text, &options.env, &options.slots)
            {
                collected.occurrences.push(Occurrence {
                    file: file.clone(),
                    item,
                });
            }
        }
        collected.files.push(file);
    }
    collected.copies = find_copied_keys(options);
    collected
}

/// Whether `bytes` start with a UTF-16 byte-order mark (either order).
fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

fn problem(file: &ConfigFile, code: FindingCode, message: String, fix: &str) -> Finding {
    Finding {
        severity: Severity::Error,
        code,
        client: Some(file.client),
        config_path: Some(file.path.display().to_string()),
        key_prefix: None,
        message,
        fix: fix.to_owned(),
        detail: crate::FindingDetail::default(),
    }
}

/// What `scan` prints: the entries, and the files that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanReport {
    /// One entry per key occurrence.
    pub entries: Vec<ScanEntry>,
    /// Unreadable, unparseable, too large or broken-link files.
    pub problems: Vec<Finding>,
}

/// Discovers, reads and classifies in one call.
pub fn scan(options: &DiscoverOptions, lookup: &dyn KeyLookup, now: DateTime<Utc>) -> ScanReport {
    let collected = collect(options);
    ScanReport {
        entries: collected.entries(lookup, now),
        problems: collected.problems,
    }
}
