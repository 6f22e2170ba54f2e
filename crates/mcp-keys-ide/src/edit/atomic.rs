//! Atomic replacement of a file, with a concurrent-change check.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// SHA-256 of `bytes`, to notice that a file changed.
pub fn content_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Replaces `path` (a regular file, not a link) with `contents` atomically.
/// With `expected`, the current content must still hash to it right before
/// the rename, or [`Error::ConcurrentChange`] is returned and `path` is left
/// alone. Permissions of the old file are kept.
pub fn write_atomic(path: &Path, contents: &[u8], expected: Option<[u8; 32]>) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(dir, &name);
    let temp = dir.join(format!(
        "{}{}-{}{TEMP_SUFFIX}",
        temp_prefix(&name),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let permissions = fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions());
    let result = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(contents).map_err(io("writing", &temp))?;
        if let Some(permissions) = &permissions {
            fs::set_permissions(&temp, permissions.clone())
                .map_err(io("setting permissions of", &temp))?;
        }
        file.sync_all().map_err(io("syncing", &temp))?;
        drop(file);
        if let Some(expected) = expected {
            let now = fs::read(path).map_err(io("re-reading", path))?;
            if content_hash(&now) != expected {
                return Err(Error::ConcurrentChange(path.to_path_buf()));
            }
        }
        fs::rename(&temp, path).map_err(io("renaming over", path))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        // Best effort: the temp file holds a key; do not leave it behind.
        let _ = fs::remove_file(&temp);
    }
    result
}

/// The temporary files of a write to `name` are `.{name}.mcp-keys-{pid}-{n}.tmp`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.mcp-keys-")
}

const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files a killed write to `name` left in `dir`
/// (they may hold a key): those of a process that no longer runs. Best
/// effort; a file that cannot be removed is left for the next write.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|file_name| file_name.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid, &entry) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid`, which wrote the temporary file `entry`, may still
/// be writing it. Linux answers exactly; elsewhere a file untouched for an
/// hour is taken as abandoned.
fn process_runs(pid: u32, entry: &fs::DirEntry) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    entry
        .metadata()
        .and_then(|metadata| metadata.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(3600))
}

/// Creates a new file that only the user can read (the content may be a key).
fn create_private(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(io("creating", path))
}

/// Creates `path` with `contents`, failing if it exists.
pub fn create_new(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    let mut file = options.open(path).map_err(io("creating", path))?;
    file.write_all(contents).map_err(io("writing", path))?;
    file.sync_all().map_err(io("syncing", path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes a restorable copy of `bytes` (the old content of `path`) into
/// `backup_dir`, readable by the user only. With `expires`, the name says
/// when [`prune_backups`] deletes it: `….until-<unix seconds>.bak`.
pub fn backup(
    path: &Path,
    bytes: &[u8],
    backup_dir: &Path,
    expires: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<PathBuf> {
    fs::create_dir_all(backup_dir).map_err(io("creating", backup_dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(backup_dir, fs::Permissions::from_mode(0o700))
            .map_err(io("setting permissions of", backup_dir))?;
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path_hash = content_hash(path.to_string_lossy().as_bytes());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let until = expires.map_or(String::new(), |at| {
        format!("{UNTIL}{}", at.timestamp().max(0))
    });
    let backup = backup_dir.join(format!(
        "{name}.{stamp}.{:02x}{:02x}{:02x}{:02x}{until}{BACKUP_SUFFIX}",
        path_hash[0], path_hash[1], path_hash[2], path_hash[3]
    ));
    let mut file = create_private(&backup)?;
    file.write_all(bytes).map_err(io("writing", &backup))?;
    file.sync_all().map_err(io("syncing", &backup))?;
    Ok(backup)
}

/// What ends a backup's name.
const BACKUP_SUFFIX: &str = ".bak";

/// Before the expiry (unix seconds) in a backup's name.
const UNTIL: &str = ".until-";

/// Deletes the backups in `backup_dir` whose key is no longer valid: those
/// whose expiry has passed, and undated ones older than
/// [`super::UNDATED_BACKUP_DAYS`]. Returns how many were deleted. Best
/// effort: a backup that cannot be deleted stays for the next time.
pub fn prune_backups(backup_dir: &Path, now: chrono::DateTime<chrono::Utc>) -> usize {
    let Ok(entries) = fs::read_dir(backup_dir) else {
        return 0;
    };
    let undated_limit = std::time::Duration::from_secs(
        u64::try_from(super::UNDATED_BACKUP_DAYS).unwrap_or(30) * 24 * 3600,
    );
    let mut deleted = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(BACKUP_SUFFIX) else {
            continue;
        };
        let expired = match stem.rsplit_once(UNTIL) {
            Some((_, seconds)) => seconds
                .parse::<i64>()
                .is_ok_and(|seconds| seconds <= now.timestamp()),
            None => entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > undated_limit),
        };
        if expired && fs::remove_file(entry.path()).is_ok() {
            deleted += 1;
        }
    }
    deleted
}

/// Narrows `path` to its owner (0600) when every user may read it; whether
/// it did. The file now holds a fresh key.
pub fn narrow_if_world_readable(path: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(io("reading the permissions of", path))?
            .permissions()
            .mode();
        if mode & 0o004 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))
                .map_err(io("narrowing the permissions of", path))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(false)
}

/// Makes a rename in `dir` durable. Windows has no directory handles to sync.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|handle| handle.sync_all())
            .map_err(io("syncing folder", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
