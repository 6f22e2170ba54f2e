//! The web UI: its npm dependencies, build and tests.

use crate::{process, workspace};
use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::Command;

fn dir() -> PathBuf {
    workspace::root().join("ui")
}

fn npm() -> Command {
    let mut command = Command::new("npm");
    command.current_dir(dir()).args(["--no-fund", "--no-audit"]);
    command
}

/// Installs the locked dependencies when `node_modules` is missing or older
/// than `package-lock.json`.
pub fn install() -> Result<()> {
    if !process::on_path("npm") {
        bail!(
            "npm is missing: install Node.js 20.19 or newer (on Debian/Ubuntu: \
             `apt-get install nodejs npm`, or from https://nodejs.org)"
        );
    }
    let lock = dir().join("package-lock.json");
    let installed = dir().join("node_modules/.package-lock.json");
    let fresh = match (installed.metadata(), lock.metadata()) {
        (Ok(installed), Ok(lock)) => match (installed.modified(), lock.modified()) {
            (Ok(installed), Ok(lock)) => installed >= lock,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    process::run(npm().arg("ci"))
}

/// Builds the UI into `ui/dist`, which the app embeds.
pub fn build() -> Result<()> {
    process::run(npm().args(["run", "build"]))
}

/// Checks the UI's formatting and types, then runs its Vitest tests.
pub fn test() -> Result<()> {
    process::run(npm().args(["run", "format:check"]))?;
    process::run(npm().args(["run", "typecheck"]))?;
    process::run(npm().args(["test"]))
}
