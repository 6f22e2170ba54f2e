//! The record of the last migration and its undo: which files changed,
//! their content after the migration (a SHA-256) and their backups. The
//! record holds no key; the backups do (they are the configs as they were),
//! so they are private, as a roll's are, and deleted once restored. A new
//! migration that changes files replaces the record and deletes the
//! backups of the one before, which can no longer be undone; backups left
//! behind are pruned with the other undated ones after
//! [`mcp_keys_ide::edit::UNDATED_BACKUP_DAYS`] days.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mcp_keys_ide::edit::{content_hash, write_atomic};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::MigrationUndo;
use crate::Error;

/// The record's file name, beside the database.
pub(super) const FILE_NAME: &str = "last-migration.json";

/// The last migration.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    migrated_at: DateTime<Utc>,
    files: Vec<RecordedFile>,
}

/// One file a migration changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecordedFile {
    /// The config as found (as reported).
    pub config_path: String,
    /// The file written (a symlink's target).
    pub written: PathBuf,
    /// Its copy before the migration.
    pub backup: PathBuf,
    /// SHA-256 (hex) of its content after the migration.
    pub sha256: String,
}

impl RecordedFile {
    pub fn new(config_path: String, written: PathBuf, backup: PathBuf, after: &[u8]) -> Self {
        Self {
            config_path,
            written,
            backup,
            sha256: hex(&content_hash(after)),
        }
    }
}

/// What `migrate --undo` did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UndoOutcome {
    /// Its content before the migration is back, byte for byte.
    Restored,
    /// It changed since the migration (a client or a person wrote it): it
    /// was left, and its backup kept.
    ChangedSince,
    /// It no longer exists: nothing was written.
    Missing,
    /// Its backup is gone (pruned, or deleted by hand).
    BackupMissing,
    /// Reading or writing failed.
    Failed,
}

/// One file of the last migration, after `migrate --undo`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UndoneFile {
    /// The config, as the migration reported it.
    pub config_path: String,
    /// What was done.
    pub outcome: UndoOutcome,
    /// The backup, when it was kept (not restored).
    pub backup: Option<String>,
    /// Why it was not restored.
    pub message: Option<String>,
}

fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| {
        Error::Ide(mcp_keys_ide::Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Writes a copy of `bytes`, the content of `config` before its first
/// change, into `dir` (created 0700), readable by the user only. Named as
/// a roll's backups are, so the same pruning applies.
pub(super) fn backup(dir: &Path, config: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    fs::create_dir_all(dir).map_err(io("creating", dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(io("setting permissions of", dir))?;
    }
    let name = config
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path_hash = content_hash(config.to_string_lossy().as_bytes());
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let backup = dir.join(format!(
        "{name}.{stamp}.{}.bak",
        hex(&path_hash).get(..8).unwrap_or_default()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&backup).map_err(io("creating", &backup))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io("writing", &backup));
    if written.is_err() {
        let _ = fs::remove_file(&backup);
    }
    written.map(|()| backup)
}

/// Makes `files` the last migration, in place of the one before (whose
/// backups are deleted: it can no longer be undone).
pub(super) fn replace(
    path: &Path,
    files: Vec<RecordedFile>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if let Ok(Some(previous)) = load(path) {
        for file in previous.files {
            if !files.iter().any(|new| new.backup == file.backup) {
                let _ = fs::remove_file(&file.backup);
            }
        }
    }
    save(
        path,
        &Record {
            migrated_at: now,
            files,
        },
    )
}

fn load(path: &Path) -> Result<Option<Record>, Error> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io("reading", path)(source)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|error| {
        Error::Invalid(format!(
            "{} is not a migration record: {error}",
            path.display()
        ))
    })
}

/// Writes the record atomically; a new file is created 0600.
fn save(path: &Path, record: &Record) -> Result<(), Error> {
    let json = serde_json::to_vec_pretty(record)
        .map_err(|error| Error::Invalid(format!("the migration record: {error}")))?;
    write_atomic(path, &json, None)?;
    Ok(())
}

/// Restores each file of the record at `path` that is unchanged since the
/// migration; the record keeps the files that were not restored.
pub(super) fn undo(path: &Path) -> Result<MigrationUndo, Error> {
    let Some(record) = load(path)? else {
        return Err(Error::Invalid(
            "there is no migration to undo: `mcp-keys migrate` records the files it changes"
                .to_owned(),
        ));
    };
    let mut files = Vec::new();
    let mut remaining = Vec::new();
    for file in record.files {
        let undone = restore(&file);
        if undone.outcome != UndoOutcome::Restored {
            remaining.push(file);
        }
        files.push(undone);
    }
    if remaining.is_empty() {
        fs::remove_file(path).map_err(io("removing", path))?;
    } else {
        save(
            path,
            &Record {
                migrated_at: record.migrated_at,
                files: remaining,
            },
        )?;
    }
    Ok(MigrationUndo { files })
}

/// Puts `file` back from its backup if its content is the migration's.
fn restore(file: &RecordedFile) -> UndoneFile {
    let report = |outcome, message: Option<String>| UndoneFile {
        config_path: file.config_path.clone(),
        outcome,
        backup: (outcome != UndoOutcome::Restored).then(|| file.backup.display().to_string()),
        message,
    };
    let current = match fs::read(&file.written) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return report(
                UndoOutcome::Missing,
                Some("the config no longer exists; its backup is kept".to_owned()),
            );
        }
        Err(error) => {
            return report(
                UndoOutcome::Failed,
                Some(format!("the config could not be read: {error}")),
            );
        }
    };
    let hash = content_hash(&current);
    if hex(&hash) != file.sha256 {
        return report(
            UndoOutcome::ChangedSince,
            Some(
                "the config changed since the migration (a client or a person wrote it), so it \
                 was left; its content before the migration is in the backup"
                    .to_owned(),
            ),
        );
    }
    let original = match fs::read(&file.backup) {
        Ok(bytes) => bytes,
        Err(error) => {
            return report(
                UndoOutcome::BackupMissing,
                Some(format!("the backup could not be read: {error}")),
            );
        }
    };
    if let Err(error) = write_atomic(&file.written, &original, Some(hash)) {
        return report(UndoOutcome::Failed, Some(error.to_string()));
    }
    // Restored: the copy would only be one more place that holds the key.
    let _ = fs::remove_file(&file.backup);
    report(UndoOutcome::Restored, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_restores_an_unchanged_file_and_leaves_one_changed_since() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(io("creating", Path::new("tmp")))?;
        let backups = dir.path().join("backups");
        let record = dir.path().join(FILE_NAME);
        let mut files = Vec::new();
        for name in ["a.json", "b.json"] {
            let config = dir.path().join(name);
            fs::write(&config, b"before").map_err(io("writing", &config))?;
            let copy = backup(&backups, &config, b"before")?;
            fs::write(&config, b"after").map_err(io("writing", &config))?;
            files.push(RecordedFile::new(name.to_owned(), config, copy, b"after"));
        }
        let changed = dir.path().join("b.json");
        fs::write(&changed, b"a client wrote this").map_err(io("writing", &changed))?;
        replace(&record, files, Utc::now())?;

        let undone = undo(&record)?;
        let outcomes: Vec<UndoOutcome> = undone.files.iter().map(|file| file.outcome).collect();
        assert_eq!(outcomes, [UndoOutcome::Restored, UndoOutcome::ChangedSince]);
        assert_eq!(
            fs::read(dir.path().join("a.json")).ok().as_deref(),
            Some(&b"before"[..])
        );
        assert_eq!(
            fs::read(&changed).ok().as_deref(),
            Some(&b"a client wrote this"[..]),
            "a file changed since is left as it is"
        );
        let left = fs::read_dir(&backups)
            .map_err(io("listing", &backups))?
            .count();
        assert_eq!(
            left, 1,
            "the restored file's backup is deleted, the other kept"
        );
        assert!(record.exists(), "the record keeps the file not restored");
        Ok(())
    }
}
