//! Expanding a log pattern of the registry (`claude-cli-nodejs/*/mcp-logs-{server}/*.jsonl`)
//! under its root folder: only the folders the pattern names are listed,
//! one level per segment, so the walk never descends further than the
//! pattern does, however large the home is.
//!
//! A symbolic link is followed only when it resolves inside the root
//! (`~/.copilot` linked into a dotfiles folder under the home is read; a
//! link out of the root is not), and only regular files are logs: a FIFO
//! or a device named like a log would block or never end.

use std::fs::{self, Metadata};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::logs::UnreadableLog;

/// What `*` and `{server}` stand for in a segment.
const WILDCARDS: [(&str, usize); 2] = [("*", 0), ("{server}", 1)];

/// A file the pattern matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The file, as reached from the root (links not resolved).
    pub path: PathBuf,
    /// When it was last written.
    pub modified: SystemTime,
}

/// The regular files under `root` that `rel` matches, and the folders and
/// files that exist but could not be looked at, with why. A root or folder
/// that does not exist is no files, not an error.
pub fn matching_files(root: &Path, rel: &str) -> (Vec<Candidate>, Vec<UnreadableLog>) {
    let mut unreadable = Vec::new();
    let Ok(real_root) = fs::canonicalize(root) else {
        return (Vec::new(), unreadable);
    };
    let walk = Walk {
        real_root: &real_root,
    };
    let segments: Vec<&str> = rel
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    let Some((last, folders)) = segments.split_last() else {
        return (Vec::new(), unreadable);
    };
    let mut dirs = vec![root.to_path_buf()];
    for segment in folders {
        let mut next = Vec::new();
        for dir in &dirs {
            for path in walk.children(dir, segment, &mut unreadable) {
                if let Some(metadata) = walk.resolve(&path, &mut unreadable)
                    && metadata.is_dir()
                {
                    next.push(path);
                }
            }
        }
        dirs = next;
    }
    let mut files = Vec::new();
    for dir in &dirs {
        for path in walk.children(dir, last, &mut unreadable) {
            if let Some(metadata) = walk.resolve(&path, &mut unreadable)
                && metadata.is_file()
            {
                // A file system without modification times sorts the file
                // last and keeps it out of a recent window: nothing says
                // it is recent.
                let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.push(Candidate { path, modified });
            }
        }
    }
    (files, unreadable)
}

/// When the candidate's database or `SQLite`'s write-ahead log beside it
/// (`<path>-wal`) was last written, whichever is later: Codex's rows stay
/// in the WAL until a checkpoint, so the database file's own time can be
/// days old while it holds a refusal of a minute ago.
pub fn sqlite_modified(candidate: &Candidate) -> SystemTime {
    let mut wal = candidate.path.clone().into_os_string();
    wal.push("-wal");
    fs::metadata(PathBuf::from(wal))
        .and_then(|metadata| metadata.modified())
        .map_or(candidate.modified, |wal| wal.max(candidate.modified))
}

/// The walk of one pattern under one root.
struct Walk<'a> {
    /// The root with every link resolved: a link is followed only to a
    /// place under it.
    real_root: &'a Path,
}

impl Walk<'_> {
    /// The entries of `dir` that `segment` names: the one path of a plain
    /// segment, or the listed names that a segment with wildcards matches.
    fn children(
        &self,
        dir: &Path,
        segment: &str,
        unreadable: &mut Vec<UnreadableLog>,
    ) -> Vec<PathBuf> {
        if !WILDCARDS
            .iter()
            .any(|(wildcard, _)| segment.contains(wildcard))
        {
            return vec![dir.join(segment)];
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                note(dir, &error, unreadable);
                return Vec::new();
            }
        };
        let mut children: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| segment_matches(segment, name))
            })
            .map(|entry| entry.path())
            .collect();
        // The listing's order is the file system's; a sorted one keeps
        // reports and ties between equal times the same from run to run.
        children.sort();
        children
    }

    /// The metadata of what `path` is, through a link only when the link
    /// resolves under the root; `None` when it does not exist or is a link
    /// out of the root.
    fn resolve(&self, path: &Path, unreadable: &mut Vec<UnreadableLog>) -> Option<Metadata> {
        let link = match fs::symlink_metadata(path) {
            Ok(link) => link,
            Err(error) => {
                note(path, &error, unreadable);
                return None;
            }
        };
        if !link.file_type().is_symlink() {
            return Some(link);
        }
        // A dangling link or a loop is nothing to read, as a missing file.
        let real = fs::canonicalize(path).ok()?;
        if !real.starts_with(self.real_root) {
            return None;
        }
        fs::metadata(&real).ok()
    }
}

/// Records `path` as unreadable, unless the error only says it is not there.
fn note(path: &Path, error: &std::io::Error, unreadable: &mut Vec<UnreadableLog>) {
    if matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) {
        return;
    }
    unreadable.push(UnreadableLog {
        path: path.display().to_string(),
        message: error.to_string(),
    });
}

/// Whether `name` matches one segment of a pattern: `*` stands for any
/// text (empty too), `{server}` for any text of at least one character,
/// everything else for itself.
pub fn segment_matches(segment: &str, name: &str) -> bool {
    // The literal pieces and, before each piece but the first, the least
    // length of the wildcard in front of it.
    let mut pieces: Vec<(usize, &str)> = Vec::new();
    let mut rest = segment;
    let mut before = 0;
    loop {
        let next = WILDCARDS
            .iter()
            .filter_map(|&(wildcard, least)| {
                rest.find(wildcard).map(|at| (at, wildcard.len(), least))
            })
            .min();
        let Some((at, len, least)) = next else {
            pieces.push((before, rest));
            break;
        };
        pieces.push((before, rest.get(..at).unwrap_or_default()));
        before = least;
        rest = rest.get(at + len..).unwrap_or_default();
    }
    let Some(((_, first), tail)) = pieces.split_first() else {
        return false;
    };
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    let Some(((least_last, last), middle)) = tail.split_last() else {
        // No wildcard: the name is the segment.
        return remaining.is_empty();
    };
    // Leftmost matches of the middle pieces leave the most room for the
    // rest; each wildcard first takes the characters it needs.
    for &(least, piece) in middle {
        let Some(skipped) = skip_chars(remaining, least) else {
            return false;
        };
        let Some(at) = skipped.find(piece) else {
            return false;
        };
        remaining = skipped.get(at + piece.len()..).unwrap_or_default();
    }
    // What is left after the last wildcard's least characters ends with
    // the last piece: the wildcard took those characters and any between.
    skip_chars(remaining, *least_last).is_some_and(|skipped| skipped.ends_with(last))
}

/// `text` without its first `count` characters, if it has that many.
fn skip_chars(text: &str, count: usize) -> Option<&str> {
    let mut chars = text.chars();
    for _ in 0..count {
        chars.next()?;
    }
    Some(chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_matches_any_text_within_the_segment() {
        assert!(segment_matches("*.jsonl", "2026-12-06T07-47-51-619Z.jsonl"));
        assert!(segment_matches("*.jsonl", ".jsonl"));
        assert!(!segment_matches("*.jsonl", "x.jsonl.bak"));
        assert!(segment_matches(
            "process-*.log",
            "process-1796543477000-42.log"
        ));
        assert!(!segment_matches("process-*.log", "other-1.log"));
        assert!(segment_matches("logs_*.sqlite", "logs_2.sqlite"));
        assert!(!segment_matches("logs_*.sqlite", "logs_2.sqlite-wal"));
        assert!(segment_matches("*", "-tmp-proj"));
        assert!(segment_matches("a*b*c", "abc"));
        assert!(segment_matches("a*b*c", "aXbYbZc"));
        assert!(!segment_matches("a*b*c", "acb"));
    }

    #[test]
    fn a_server_placeholder_needs_at_least_one_character() {
        assert!(segment_matches("mcp-logs-{server}", "mcp-logs-docs"));
        assert!(!segment_matches("mcp-logs-{server}", "mcp-logs-"));
        assert!(!segment_matches("mcp-logs-{server}", "mcp-logs"));
        assert!(segment_matches("{server}.log", "é.log"));
        assert!(!segment_matches("{server}.log", ".log"));
    }

    #[test]
    fn a_plain_segment_matches_only_itself() {
        assert!(segment_matches("logs", "logs"));
        assert!(!segment_matches("logs", "logs2"));
        assert!(!segment_matches("logs", "xlogs"));
    }

    #[cfg(unix)]
    #[test]
    fn only_the_named_folders_are_listed_and_links_out_of_the_root_are_not_followed()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("cache");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("c/slug/mcp-logs-docs"))?;
        fs::create_dir_all(outside.join("mcp-logs-evil"))?;
        fs::create_dir_all(root.join("c/slug/deeper/mcp-logs-deep"))?;
        fs::write(root.join("c/slug/mcp-logs-docs/a.jsonl"), "")?;
        fs::write(root.join("c/slug/mcp-logs-docs/a.txt"), "")?;
        fs::write(outside.join("mcp-logs-evil/b.jsonl"), "")?;
        fs::write(root.join("c/slug/deeper/mcp-logs-deep/c.jsonl"), "")?;
        std::os::unix::fs::symlink(
            outside.join("mcp-logs-evil"),
            root.join("c/slug/mcp-logs-out"),
        )?;
        // A link that stays inside the root is followed.
        std::os::unix::fs::symlink(
            root.join("c/slug/mcp-logs-docs"),
            root.join("c/slug/mcp-logs-in"),
        )?;
        let (files, unreadable) = matching_files(&root, "c/*/mcp-logs-{server}/*.jsonl");
        let names: Vec<PathBuf> = files
            .iter()
            .filter_map(|file| file.path.strip_prefix(&root).ok().map(Path::to_path_buf))
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("c/slug/mcp-logs-docs/a.jsonl"),
                PathBuf::from("c/slug/mcp-logs-in/a.jsonl")
            ]
        );
        assert_eq!(unreadable, Vec::new());
        Ok(())
    }

    #[test]
    fn a_missing_root_or_folder_is_no_files() {
        let (files, unreadable) = matching_files(
            Path::new("/nonexistent/mcp-keys-test"),
            ".copilot/logs/*.log",
        );
        assert!(files.is_empty() && unreadable.is_empty());
    }
}
