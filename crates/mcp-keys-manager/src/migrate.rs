//! `mcp-keys migrate` (DESIGN §8): the literal keys that a scan finds and a
//! key service identifies as active move into keyring slots, and each of
//! their config entries is rewritten by the installer
//! ([`Session::install_key`]) to the client's keyring-backed form, the rest
//! of the file byte for byte. Every other literal key is left as it is and
//! the report says why, with what to do instead.
//!
//! The key for the slot is read from the config itself, at the byte span
//! the scan found, and goes nowhere else: not into the report, a log or an
//! error. Each file is copied to the backup folder before its first change
//! (0600 in a 0700 folder, as a roll's backups), and the last migration's
//! files, their content hashes and backups are recorded in
//! `last-migration.json` beside the database (0600, no key in it), so
//! [`Manager::undo_migration`] can put back exactly the files nobody
//! changed since.

mod decide;
mod entry;
mod record;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mcp_keys_client::Surface;
use mcp_keys_core::{ApiKey, Fingerprint};
use mcp_keys_ide::install::{AfterRoll, Via, after_roll, default_via};
use mcp_keys_ide::{
    ClientId, Finding, FindingCode, Found, KeyStatus, Occurrence, ScanEntry, Scope,
};
use mcp_keys_store::SlotName;
use serde::Serialize;
use ts_rs::TS;

use crate::ide::{KeyServices, ScanOptions, UnidentifiedConnection};
use crate::{Error, InstallTarget, Manager, Session};

pub use decide::LeftReason;
pub use record::{UndoOutcome, UndoneFile};

/// How to migrate.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// Only say what would be done: nothing is written, to a config or to
    /// the keyring.
    pub dry_run: bool,
    /// The `mcp-keys` program the rewritten configs run (`headers`,
    /// `bridge`).
    pub program: PathBuf,
}

/// What became of one literal key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    /// It is in a slot and the entry names the slot.
    Migrated,
    /// It would be migrated (`--dry-run`).
    Planned,
    /// It was left in the config, for the reason given.
    Left,
    /// Its migration was tried and failed; the entry is as it was.
    Failed,
}

/// One literal key of a config and what became of it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MigratedEntry {
    /// The client whose entry it is.
    pub client: ClientId,
    /// The config file, as found.
    pub config_path: String,
    /// Global or project.
    pub scope: Scope,
    /// The server entry's name.
    pub server_name: String,
    /// Where in the entry the key was (`headers.Authorization`).
    pub field: String,
    /// The key's public prefix.
    pub key_prefix: String,
    /// The key's id, when a key service identified it.
    pub key_id: Option<String>,
    /// The key's status, as `scan` reports it.
    pub status: KeyStatus,
    /// What became of it.
    pub outcome: Outcome,
    /// The mechanism the entry now uses (or would).
    pub via: Option<Via>,
    /// The keyring slot that holds the key (or would).
    pub slot: Option<String>,
    /// The variable `mcp-keys run --slot` sets, for `env`.
    pub env_var: Option<String>,
    /// What the client needs after a roll of the key.
    pub after_roll: Option<AfterRoll>,
    /// Fields of the old entry that the rewrite could not keep (an extra
    /// header where the keyring-backed form has no headers, as a bridge).
    pub dropped_fields: Vec<String>,
    /// Why it was left, for [`Outcome::Left`].
    pub reason: Option<LeftReason>,
    /// Why it was left or failed, and what to do instead.
    pub message: Option<String>,
}

/// One config file and its literal keys.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MigratedConfig {
    /// The file, as found.
    pub config_path: String,
    /// Every client that reads it.
    pub clients: Vec<ClientId>,
    /// Whether the file was rewritten.
    pub changed: bool,
    /// The copy of the file before its first change.
    pub backup: Option<String>,
    /// Its literal keys.
    pub entries: Vec<MigratedEntry>,
}

/// What `migrate` did, or would do.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Migration {
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
    /// Every config that holds a literal key.
    pub configs: Vec<MigratedConfig>,
    /// The clients whose configs changed: they read them at start.
    pub restart: Vec<ClientId>,
    /// The record `migrate --undo` reads, when a file changed.
    pub record: Option<String>,
    /// Config files that could not be read (their keys are not known).
    pub problems: Vec<Finding>,
    /// Key services that could not identify keys.
    pub unreachable: Vec<UnidentifiedConnection>,
}

impl Migration {
    /// Every entry, config by config.
    pub fn entries(&self) -> impl Iterator<Item = &MigratedEntry> {
        self.configs.iter().flat_map(|config| &config.entries)
    }

    /// How many identified keys were not (or would not be) migrated: the
    /// exit code is non-zero when there are any. A key no service knows,
    /// or another issuer's, is reported but not counted.
    pub fn unmigrated(&self) -> usize {
        self.entries()
            .filter(|entry| {
                entry.key_id.is_some() && matches!(entry.outcome, Outcome::Left | Outcome::Failed)
            })
            .count()
    }
}

/// What `migrate --undo` did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MigrationUndo {
    /// Each file the last migration changed.
    pub files: Vec<UndoneFile>,
}

impl MigrationUndo {
    /// How many files were not restored.
    pub fn not_restored(&self) -> usize {
        self.files
            .iter()
            .filter(|file| file.outcome != UndoOutcome::Restored)
            .count()
    }
}

/// A literal key found, with what the scan says of it.
struct Literal<'a> {
    occurrence: &'a Occurrence,
    entry: ScanEntry,
    span: std::ops::Range<usize>,
    fingerprint: Fingerprint,
}

/// The migration of one entry, decided.
struct Plan {
    session: usize,
    surface: Surface,
    key_id: String,
    via: Via,
    slot: SlotName,
}

impl Manager {
    /// `mcp-keys migrate`: moves every active, identified literal key under
    /// `options` into a keyring slot and rewrites its entry to name the
    /// slot (see the module's documentation). A failure with one entry is
    /// reported and the others still go on.
    pub async fn migrate(
        &self,
        options: &ScanOptions,
        services: KeyServices<'_>,
        migrate: &MigrateOptions,
        now: DateTime<Utc>,
    ) -> Result<Migration, Error> {
        let inspection = self.inspect_ide(options, services).await?;
        let entries = inspection.entries(now);
        let literals: Vec<Literal<'_>> = inspection
            .collected
            .occurrences
            .iter()
            .zip(entries)
            .filter_map(|(occurrence, entry)| match &occurrence.item.found {
                Found::Plaintext { key, span } => Some(Literal {
                    occurrence,
                    entry,
                    span: span.clone(),
                    fingerprint: key.fingerprint,
                }),
                _ => None,
            })
            .collect();
        let active: Vec<Fingerprint> = literals
            .iter()
            .filter(|literal| literal.entry.status == KeyStatus::Active)
            .map(|literal| literal.fingerprint)
            .collect();
        let tracked = if active.is_empty() {
            BTreeSet::new()
        } else {
            // Doctor asks git, which takes a while in a large repository.
            let inspection = inspection.clone();
            tokio::task::spawn_blocking(move || tracked_by_git(&inspection.doctor(now).findings))
                .await
                .map_err(Error::stopped("the git check"))?
        };
        let sessions = Sessions::open(self, services, &active, &inspection).await?;
        let mut slots_taken: HashMap<String, String> = self
            .store()
            .list_slots()
            .await?
            .into_iter()
            .map(|slot| (slot.name.to_string(), slot.key_id))
            .collect();
        let mut surfaces: HashMap<(usize, String), Result<Surface, String>> = HashMap::new();
        let mut files: Vec<(PathBuf, Vec<&Literal<'_>>)> = Vec::new();
        for literal in &literals {
            let target = &literal.occurrence.file.target;
            match files.iter_mut().find(|(path, _)| path == target) {
                Some((_, group)) => group.push(literal),
                None => files.push((target.clone(), vec![literal])),
            }
        }
        let mut configs = Vec::new();
        let mut recorded = Vec::new();
        for (target, group) in files {
            let clients = clients_of(&inspection.collected.files, &target);
            let text = std::fs::read(&target)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let mut reports = Vec::new();
            let mut plans = Vec::new();
            for literal in &group {
                let mut report = entry_report(literal);
                let decided = self
                    .decide(
                        literal,
                        &group,
                        &clients,
                        text.as_deref(),
                        &tracked,
                        &sessions,
                        &mut surfaces,
                        &mut slots_taken,
                        options,
                        now,
                    )
                    .await;
                match decided {
                    Decided::Go(plan) => {
                        report.outcome = Outcome::Planned;
                        report.via = Some(plan.via);
                        report.slot = Some(plan.slot.to_string());
                        report.env_var = (plan.via == Via::Env).then(|| plan.slot.env_var());
                        report.after_roll = Some(after_roll(plan.via));
                        if let (Some(text), Some(location)) =
                            (text.as_deref(), literal.occurrence.file.location())
                        {
                            report.dropped_fields = entry::dropped_fields(
                                literal.occurrence.file.client,
                                location,
                                text,
                                &literal.entry,
                                plan.via,
                                &plan.slot,
                            );
                        }
                        plans.push((reports.len(), *plan));
                    }
                    Decided::Leave(reason, message) => {
                        report.outcome = Outcome::Left;
                        report.reason = Some(reason);
                        report.message = Some(message);
                    }
                    Decided::Fail(message) => {
                        report.outcome = Outcome::Failed;
                        report.message = Some(message);
                    }
                }
                reports.push(report);
            }
            let mut config = MigratedConfig {
                config_path: group
                    .first()
                    .map(|literal| literal.entry.config_path.clone())
                    .unwrap_or_else(|| target.display().to_string()),
                clients,
                changed: false,
                backup: None,
                entries: Vec::new(),
            };
            if !migrate.dry_run && !plans.is_empty() {
                let written = self
                    .apply(
                        &target,
                        &group,
                        plans,
                        &mut reports,
                        &sessions,
                        options,
                        migrate,
                        now,
                    )
                    .await;
                if let Some(file) = written {
                    config.changed = true;
                    config.backup = Some(file.backup.display().to_string());
                    recorded.push(file);
                }
            }
            config.entries = reports;
            configs.push(config);
        }
        let record = if recorded.is_empty() {
            None
        } else {
            let path = self.migration_record_path();
            record::replace(&path, recorded, now)?;
            Some(path.display().to_string())
        };
        let restart = configs
            .iter()
            .flat_map(|config| &config.entries)
            .filter(|entry| entry.outcome == Outcome::Migrated)
            .map(|entry| entry.client)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Ok(Migration {
            dry_run: migrate.dry_run,
            configs,
            restart,
            record,
            problems: inspection.collected.problems.clone(),
            unreachable: inspection.unreachable.clone(),
        })
    }

    /// `mcp-keys migrate --undo`: puts back each file of the last migration
    /// that nobody changed since (by content hash), from its backup, and
    /// deletes that backup. A file changed since is reported and left; the
    /// slots stay (a slot no config names is harmless; `slots delete`
    /// removes it).
    pub async fn undo_migration(&self) -> Result<MigrationUndo, Error> {
        let path = self.migration_record_path();
        tokio::task::spawn_blocking(move || record::undo(&path))
            .await
            .map_err(Error::stopped("the undo"))?
    }

    /// `last-migration.json`, beside the database and the backups.
    fn migration_record_path(&self) -> PathBuf {
        self.backup_dir().with_file_name(record::FILE_NAME)
    }

    /// Whether and how `literal` can be migrated.
    #[allow(clippy::too_many_arguments)] // One call site; a struct would only rename them.
    async fn decide(
        &self,
        literal: &Literal<'_>,
        group: &[&Literal<'_>],
        clients: &[ClientId],
        text: Option<&str>,
        tracked: &BTreeSet<(String, String)>,
        sessions: &Sessions,
        surfaces: &mut HashMap<(usize, String), Result<Surface, String>>,
        slots_taken: &mut HashMap<String, String>,
        options: &ScanOptions,
        now: DateTime<Utc>,
    ) -> Decided {
        let entry = &literal.entry;
        let file = &literal.occurrence.file;
        if let Some((reason, message)) = decide::by_status(entry) {
            return Decided::Leave(reason, message);
        }
        let (Some(key_id), Some(surface_id)) = (&entry.key_id, &entry.surface_id) else {
            return Decided::Leave(
                LeftReason::Unidentified,
                "no key service said which surface the key is for".to_owned(),
            );
        };
        let checks = decide::Place {
            literal_field: &entry.field,
            file,
            clients,
            tracked: tracked.contains(&(
                entry.config_path.clone(),
                entry.key_prefix.clone().unwrap_or_default(),
            )),
            home: &options.home,
        };
        if let Some((reason, message)) = checks.check(key_id, &entry.server_name) {
            return Decided::Leave(reason, message);
        }
        let Some(text) = text else {
            return Decided::Fail(format!(
                "{} could not be read again as UTF-8 text",
                entry.config_path
            ));
        };
        let Some(location) = file.location() else {
            return Decided::Fail("the registry has no such location".to_owned());
        };
        match entry::shape(file.client, location, text, &entry.server_name) {
            entry::Shape::Remote => {}
            entry::Shape::Stdio(command) => {
                return Decided::Leave(
                    LeftReason::StdioServer,
                    decide::stdio_message(&entry.field, &command),
                );
            }
            entry::Shape::Missing => {
                return Decided::Fail(format!(
                    "the entry {:?} is no longer in {}: scan again",
                    entry.server_name, entry.config_path
                ));
            }
        }
        let others = group.iter().any(|other| {
            other.occurrence.file.location == file.location
                && other.entry.server_name == entry.server_name
                && other.fingerprint != literal.fingerprint
        });
        if others {
            return Decided::Leave(
                LeftReason::SeveralKeys,
                "the entry holds more than one key, and a slot holds one: keep one key in it and migrate again"
                    .to_owned(),
            );
        }
        let Some(session) = sessions.of(&literal.fingerprint) else {
            return Decided::Fail(
                "the key service that identified the key could not be reached again".to_owned(),
            );
        };
        let Some(product_id) = sessions.product_of(&literal.fingerprint) else {
            return Decided::Fail("the key service did not say the key's product".to_owned());
        };
        let cache = (session, surface_id.clone());
        if !surfaces.contains_key(&cache) {
            let read = match sessions.get(session) {
                Some(found) => found
                    .surface(product_id, surface_id, now)
                    .await
                    .map_err(|error| error.to_string()),
                None => Err("no session".to_owned()),
            };
            surfaces.insert(cache.clone(), read);
        }
        let surface = match surfaces
            .get(&cache)
            .cloned()
            .unwrap_or_else(|| Err("no surface".to_owned()))
        {
            Ok(surface) => surface,
            Err(error) => {
                return Decided::Fail(format!("the key's surface could not be read: {error}"));
            }
        };
        let Some(surface_url) = surface.url.as_deref() else {
            return Decided::Leave(
                LeftReason::NoEndpoint,
                format!(
                    "the surface {:?} has no MCP endpoint URL for a slot to connect to",
                    surface.name
                ),
            );
        };
        if !decide::same_url(entry.url.as_deref(), surface_url) {
            return Decided::Leave(
                LeftReason::UrlMismatch,
                decide::url_message(entry.url.as_deref(), surface_url),
            );
        }
        let via = default_via(file.client);
        let slot = SlotName::slug(&[file.client.as_str(), &entry.server_name]);
        if let Some(holder) = slots_taken.get(slot.as_str())
            && holder != key_id
        {
            return Decided::Leave(LeftReason::SlotTaken, decide::slot_message(&slot, holder));
        }
        slots_taken.insert(slot.to_string(), key_id.clone());
        Decided::Go(Box::new(Plan {
            session,
            surface,
            key_id: key_id.clone(),
            via,
            slot,
        }))
    }

    /// Migrates the planned entries of the file `target`: a backup first,
    /// then one install per entry. The written file's record, when it
    /// changed.
    #[allow(clippy::too_many_arguments)] // One call site; a struct would only rename them.
    async fn apply(
        &self,
        target: &Path,
        group: &[&Literal<'_>],
        plans: Vec<(usize, Plan)>,
        reports: &mut [MigratedEntry],
        sessions: &Sessions,
        options: &ScanOptions,
        migrate: &MigrateOptions,
        now: DateTime<Utc>,
    ) -> Option<record::RecordedFile> {
        let fail = |reports: &mut [MigratedEntry], index: usize, message: String| {
            if let Some(report) = reports.get_mut(index) {
                report.outcome = Outcome::Failed;
                report.message = Some(message);
            }
        };
        let bytes = match std::fs::read(target) {
            Ok(bytes) => bytes,
            Err(error) => {
                for (index, _) in &plans {
                    fail(
                        reports,
                        *index,
                        format!("the config could not be read: {error}"),
                    );
                }
                return None;
            }
        };
        // Every key is read before the first rewrite moves the others.
        let mut keyed = Vec::new();
        for (index, plan) in plans {
            match group.get(index).map(|literal| key_at(&bytes, literal)) {
                Some(Ok(key)) => keyed.push((index, plan, key)),
                Some(Err(message)) => fail(reports, index, message),
                None => fail(reports, index, "internal: no such entry".to_owned()),
            }
        }
        if keyed.is_empty() {
            return None;
        }
        let backup = match record::backup(&self.backup_dir(), target, &bytes) {
            Ok(backup) => backup,
            Err(error) => {
                for (index, _, _) in &keyed {
                    fail(
                        reports,
                        *index,
                        format!("no backup could be made, so nothing was changed: {error}"),
                    );
                }
                return None;
            }
        };
        for (index, plan, key) in keyed {
            let Some(literal) = group.get(index) else {
                continue;
            };
            let file = &literal.occurrence.file;
            let install = InstallTarget {
                client: file.client,
                via: Some(plan.via),
                scope: file.scope,
                home: options.home.clone(),
                project: file.project.clone(),
                server_name: Some(literal.entry.server_name.clone()),
                program: migrate.program.clone(),
            };
            let Some(session) = sessions.get(plan.session) else {
                continue;
            };
            let installed = session
                .install_key(&plan.surface, &plan.key_id, &key, &install, now)
                .await;
            match installed {
                Ok(_) if entry::still_holds(target, file, &literal.entry.server_name, &key) => {
                    fail(
                        reports,
                        index,
                        "the entry was rewritten but could not be confirmed free of the key: \
                         check it by hand"
                            .to_owned(),
                    );
                }
                Ok(_) => {
                    if let Some(report) = reports.get_mut(index) {
                        report.outcome = Outcome::Migrated;
                    }
                }
                Err(error) => fail(reports, index, error.to_string()),
            }
        }
        match std::fs::read(target) {
            Ok(after) if after != bytes => Some(record::RecordedFile::new(
                reports
                    .first()
                    .map(|report| report.config_path.clone())
                    .unwrap_or_default(),
                target.to_path_buf(),
                backup,
                &after,
            )),
            _ => {
                // Nothing changed: the copy would only be one more place
                // that holds the key.
                let _ = std::fs::remove_file(&backup);
                None
            }
        }
    }
}

/// The decision for one literal key.
enum Decided {
    Go(Box<Plan>),
    Leave(LeftReason, String),
    Fail(String),
}

/// The report of `literal` before anything is decided.
fn entry_report(literal: &Literal<'_>) -> MigratedEntry {
    let entry = &literal.entry;
    MigratedEntry {
        client: entry.client,
        config_path: entry.config_path.clone(),
        scope: entry.scope,
        server_name: entry.server_name.clone(),
        field: entry.field.clone(),
        key_prefix: entry.key_prefix.clone().unwrap_or_default(),
        key_id: entry.key_id.clone(),
        status: entry.status,
        outcome: Outcome::Left,
        via: None,
        slot: None,
        env_var: None,
        after_roll: None,
        dropped_fields: Vec::new(),
        reason: None,
        message: None,
    }
}

/// The key at the scan's span of `literal`, checked against its
/// fingerprint (the file may have changed since the scan).
fn key_at(bytes: &[u8], literal: &Literal<'_>) -> Result<ApiKey, String> {
    let changed = || "the config changed since it was scanned: run migrate again".to_owned();
    let text = bytes
        .get(literal.span.clone())
        .and_then(|raw| std::str::from_utf8(raw).ok())
        .ok_or_else(changed)?;
    let key = ApiKey::parse(text).map_err(|_| changed())?;
    if key.fingerprint() == literal.fingerprint {
        Ok(key)
    } else {
        Err(changed())
    }
}

/// Every client that reads the file `target`.
fn clients_of(files: &[mcp_keys_ide::ConfigFile], target: &Path) -> Vec<ClientId> {
    let mut clients = Vec::new();
    for file in files.iter().filter(|file| file.target == target) {
        if !clients.contains(&file.client) {
            clients.push(file.client);
        }
    }
    clients
}

/// `(config path, key prefix)` of each literal key that git holds.
fn tracked_by_git(findings: &[Finding]) -> BTreeSet<(String, String)> {
    findings
        .iter()
        .filter(|finding| finding.code == FindingCode::PlaintextKeyTrackedByGit)
        .filter_map(|finding| Some((finding.config_path.clone()?, finding.key_prefix.clone()?)))
        .collect()
}

/// The key services to migrate with, and which one knows each key.
struct Sessions {
    sessions: Vec<Session>,
    /// Fingerprint → (session, product id).
    owners: HashMap<Fingerprint, (usize, String)>,
}

impl Sessions {
    /// The session that identified each of `fingerprints`: the one named,
    /// or the first saved connection that knows it.
    async fn open(
        manager: &Manager,
        services: KeyServices<'_>,
        fingerprints: &[Fingerprint],
        inspection: &crate::Inspection,
    ) -> Result<Self, Error> {
        let mut sessions = Sessions {
            sessions: Vec::new(),
            owners: HashMap::new(),
        };
        if fingerprints.is_empty() {
            return Ok(sessions);
        }
        let candidates = match services {
            KeyServices::Only(session) => vec![session.clone()],
            KeyServices::Saved => {
                let mut opened = Vec::new();
                for connection in manager.store().list_connections().await? {
                    if let Ok(session) = manager.session_with(connection).await {
                        opened.push(session);
                    }
                }
                opened
            }
        };
        let prefixes: HashMap<Fingerprint, String> = inspection
            .collected
            .occurrences
            .iter()
            .filter_map(Occurrence::key)
            .map(|key| (key.fingerprint, key.key_prefix.clone()))
            .collect();
        for session in candidates {
            let remaining: Vec<Fingerprint> = fingerprints
                .iter()
                .filter(|fingerprint| !sessions.owners.contains_key(*fingerprint))
                .copied()
                .collect();
            if remaining.is_empty() {
                break;
            }
            let Ok(known) = session.known_keys(&remaining, &prefixes).await else {
                continue;
            };
            let index = sessions.sessions.len();
            for (fingerprint, key) in known {
                sessions.owners.insert(fingerprint, (index, key.product_id));
            }
            sessions.sessions.push(session);
        }
        Ok(sessions)
    }

    fn of(&self, fingerprint: &Fingerprint) -> Option<usize> {
        self.owners.get(fingerprint).map(|(index, _)| *index)
    }

    fn product_of(&self, fingerprint: &Fingerprint) -> Option<&str> {
        self.owners
            .get(fingerprint)
            .map(|(_, product)| product.as_str())
    }

    fn get(&self, index: usize) -> Option<&Session> {
        self.sessions.get(index)
    }
}
