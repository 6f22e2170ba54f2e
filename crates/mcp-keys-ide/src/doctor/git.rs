//! What git knows about a config file, asked through the `git` command.

use std::path::Path;
use std::process::{Command, Stdio};

use mcp_keys_core::{Fingerprint, find_candidates};

/// Git facts about one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GitFacts {
    /// The file is in the index.
    pub tracked: bool,
    /// `.gitignore` (or another exclude) covers it.
    pub ignored: bool,
    /// Which of the asked fingerprints appear in the file's history.
    pub keys_in_history: Vec<Fingerprint>,
}

/// The facts for `path`, or `None` when it is not in a git work tree or
/// git is not installed. `fingerprints` are the keys to look for in the
/// history.
pub fn facts(path: &Path, fingerprints: &[Fingerprint]) -> Option<GitFacts> {
    let dir = path.parent()?;
    let name = path.file_name()?;
    let inside = git(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .ok()?;
    if !inside.status.success() || inside.stdout.trim_ascii() != b"true" {
        return None;
    }
    let tracked = git(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .status()
        .ok()?
        .success();
    let ignored = git(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(name)
        .status()
        .ok()?
        .success();
    // `git log -S<key>` would put the key on a command line, readable by
    // every user through /proc; the patches are read instead and searched
    // here, by fingerprint.
    let log = git(dir)
        .args([
            "log",
            "--all",
            "-p",
            "--format=",
            "--no-color",
            "--no-ext-diff",
            "--",
        ])
        .arg(name)
        .output()
        .ok()?;
    let history = String::from_utf8_lossy(&log.stdout);
    let mut keys_in_history: Vec<Fingerprint> = Vec::new();
    for range in find_candidates(&history) {
        let fingerprint = Fingerprint::of(&history[range]);
        if fingerprints.contains(&fingerprint) && !keys_in_history.contains(&fingerprint) {
            keys_in_history.push(fingerprint);
        }
    }
    Some(GitFacts {
        tracked,
        ignored,
        keys_in_history,
    })
}

/// A `git` command in `dir` that never prompts, pages, or takes locks.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}
