//! Where a shell sets an environment variable: the startup files of the
//! common shells and systemd's environment.d, read line by line (never
//! run), so a roll can say which line still holds the old key.

use std::fs;
use std::path::{Path, PathBuf};

use crate::registry::Os;

/// Startup files under the home folder that set variables for every session.
const HOME_FILES: [&str; 9] = [
    ".profile",
    ".bash_profile",
    ".bash_login",
    ".bashrc",
    ".zshenv",
    ".zprofile",
    ".zshrc",
    ".config/fish/config.fish",
    ".pam_environment",
];

/// Folders under the home folder whose `*.conf` files set variables
/// (systemd's user environment).
const HOME_DIRS: [&str; 1] = [".config/environment.d"];

/// Files in a project folder that tools such as direnv load.
const PROJECT_FILES: [&str; 2] = [".envrc", ".env"];

/// The largest file read: startup files are small.
const MAX_SIZE: u64 = 1024 * 1024;

/// One line that sets a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The file.
    pub path: PathBuf,
    /// The line, 1-based.
    pub line: usize,
}

impl std::fmt::Display for Assignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// The lines of the startup files under `home` (and `.envrc`/`.env` of
/// `projects`) that set `variable`: `NAME=…`, `export NAME=…`,
/// `declare -x NAME=…`, fish's `set -gx NAME …`. Windows keeps variables in
/// the registry: nothing is found there.
pub fn assignments(home: &Path, projects: &[PathBuf], os: Os, variable: &str) -> Vec<Assignment> {
    if os == Os::Windows {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = HOME_FILES.iter().map(|rel| home.join(rel)).collect();
    for dir in HOME_DIRS {
        if let Ok(entries) = fs::read_dir(home.join(dir)) {
            let mut confs: Vec<PathBuf> = entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "conf"))
                .collect();
            confs.sort();
            files.extend(confs);
        }
    }
    for project in projects {
        files.extend(PROJECT_FILES.iter().map(|rel| project.join(rel)));
    }
    let mut found = Vec::new();
    for path in files {
        let Ok(metadata) = fs::metadata(&path) else {
            continue;
        };
        if !metadata.is_file() || metadata.len() > MAX_SIZE {
            continue;
        }
        let Ok(bytes) = fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (index, line) in text.lines().enumerate() {
            if sets(line, variable) {
                found.push(Assignment {
                    path: path.clone(),
                    line: index + 1,
                });
            }
        }
    }
    found
}

/// Whether `line` assigns `variable` in one of the usual forms.
fn sets(line: &str, variable: &str) -> bool {
    let mut rest = line.trim_start();
    for prefix in ["export ", "declare -x ", "typeset -x ", "setenv "] {
        if let Some(after) = rest.strip_prefix(prefix) {
            rest = after.trim_start();
            if prefix == "setenv " {
                return rest
                    .strip_prefix(variable)
                    .is_some_and(|after| after.starts_with([' ', '\t']));
            }
        }
    }
    if let Some(after) = rest.strip_prefix("set ") {
        // fish: set [-gx|-Ux|-x ...] NAME value
        return after
            .split_whitespace()
            .find(|word| !word.starts_with('-'))
            .is_some_and(|name| name == variable);
    }
    rest.strip_prefix(variable)
        .is_some_and(|after| after.starts_with('=') || after.trim_start().starts_with("DEFAULT="))
}

#[cfg(test)]
mod tests {
    use super::sets;

    #[test]
    fn the_usual_assignment_forms_are_recognised_and_lookalikes_are_not() {
        for line in [
            "export MK_KEY=mcp_dev_x",
            "  export MK_KEY=\"mcp_dev_x\"",
            "MK_KEY=mcp_dev_x",
            "declare -x MK_KEY=\"x\"",
            "set -gx MK_KEY mcp_dev_x",
            "set -Ux MK_KEY mcp_dev_x",
            "setenv MK_KEY mcp_dev_x",
            "MK_KEY DEFAULT=mcp_dev_x",
        ] {
            assert!(sets(line, "MK_KEY"), "{line}");
        }
        for line in [
            "export MK_KEY_OLD=x",
            "# nothing here",
            "echo $MK_KEY",
            "MY_MK_KEY=x",
        ] {
            assert!(!sets(line, "MK_KEY"), "{line}");
        }
    }
}
