//! Python software from PyPI (an MCP SDK, an MCP server), each in a private
//! virtualenv under `target/py`, pinned, installed on first use.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::paths::target_dir;

/// The virtualenv `target/py/<name>` with `requirement` (`mcp==2.3.0`)
/// installed, created on first use. Idempotent and safe for concurrent
/// tests: a file lock serialises the setup, and a marker file naming the
/// requirement says it is complete. Needs python3 with venv (Debian package
/// python3-venv) and PyPI.
pub fn pip_venv(name: &str, requirement: &str) -> Result<PathBuf> {
    let dir = target_dir().join("py").join(name);
    let marker = dir.join(".installed");
    let current =
        || std::fs::read_to_string(&marker).is_ok_and(|installed| installed == requirement);
    if current() {
        return Ok(dir);
    }
    std::fs::create_dir_all(dir.parent().context("venv folder")?)?;
    let lock = File::create(dir.with_extension("lock"))?;
    lock.lock()?;
    if current() {
        return Ok(dir);
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&dir))
        .context("creating a virtualenv (Debian package python3-venv)")?;
    run(Command::new(dir.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        requirement,
    ]))
    .with_context(|| format!("installing {requirement} from PyPI"))?;
    std::fs::write(&marker, requirement)?;
    Ok(dir)
}

fn run(command: &mut Command) -> Result<()> {
    let status = command.stdin(Stdio::null()).status()?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}
