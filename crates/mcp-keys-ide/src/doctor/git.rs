//! What git knows about a config file, asked through the `git` command
//! without letting the repository run anything.
//!
//! Doctor runs over folders that nobody vouched for (every project an IDE
//! recorded, a fresh clone among them), at the app's start and hourly. Git
//! obeys the configuration of the repository it works in, and several
//! settings there name programs to run (`core.fsmonitor`, diff drivers'
//! `textconv` and `command`, `diff.external`, `gpg.program` behind
//! `log.showSignature`, hooks, a pager). So:
//! - the repository is never *discovered* by git: this module walks up to
//!   the first `.git` entry itself and names it with `--git-dir`, so a
//!   tracked folder laid out as a git directory (git's default
//!   `safe.bareRepository=all` would use it) is never taken for one;
//! - every setting that runs a program is overridden on the command line,
//!   which outranks the repository's own config, and the commands used
//!   (`ls-files`, `check-ignore`, `log -p`) are given the flags that turn
//!   the rest off;
//! - the environment's `GIT_*` variables are dropped, so nothing outside
//!   this module decides which repository or config is used.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mcp_keys_core::{Fingerprint, find_candidates};

/// Settings that name a program, each overridden to run nothing.
const NEUTRALIZED: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "diff.external=",
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "safe.bareRepository=explicit",
    "protocol.allow=never",
];

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
    let (work_tree, git_dir) = repository_of(dir)?;
    let relative = path.strip_prefix(&work_tree).ok()?;
    let git = |args: &[&str]| git(&work_tree, &git_dir, args);
    let tracked = git(&["ls-files", "--error-unmatch", "--"])
        .arg(relative)
        .status()
        .ok()?
        .success();
    let ignored = git(&["check-ignore", "-q", "--"])
        .arg(relative)
        .status()
        .ok()?
        .success();
    // `git log -S<key>` would put the key on a command line, readable by
    // every user through /proc; the patches are read instead and searched
    // here, by fingerprint.
    let log = git(&[
        "log",
        "--all",
        "-p",
        "--format=",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        "--",
    ])
    .arg(relative)
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

/// The work tree holding `dir` and its git directory: the nearest folder
/// at or above `dir` with a `.git` entry (a folder, or the file that
/// worktrees and submodules use). Only `.git` counts: a folder that merely
/// looks like a git directory is content, not a repository.
fn repository_of(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors().find_map(|folder| {
        let git_dir = folder.join(".git");
        // symlink_metadata: a `.git` that is a link is not followed out of
        // the tree.
        let metadata = std::fs::symlink_metadata(&git_dir).ok()?;
        (metadata.is_dir() || metadata.is_file()).then(|| (folder.to_path_buf(), git_dir))
    })
}

/// A `git` command on the repository at `git_dir` whose work tree is
/// `work_tree`, that never prompts, pages, takes locks or runs a program
/// the repository configures.
fn git(work_tree: &Path, git_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GIT_") {
            command.env_remove(name);
        }
    }
    let mut git_dir_arg = OsString::from("--git-dir=");
    git_dir_arg.push(git_dir);
    let mut work_tree_arg = OsString::from("--work-tree=");
    work_tree_arg.push(work_tree);
    command
        .current_dir(work_tree)
        .arg(git_dir_arg)
        .arg(work_tree_arg);
    for setting in NEUTRALIZED {
        command.args(["-c", setting]);
    }
    command
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}
