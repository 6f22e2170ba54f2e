//! Test tools installed from crates.io into `target/tools`, so they belong to
//! this checkout and never to a cache the next machine would lack.

use crate::{process, workspace};
use anyhow::Result;
use std::path::PathBuf;
use std::process::Command;

/// tauri-driver's 3.0 alphas are on crates.io already; the app is Tauri 2.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// Path to tauri-driver, installed first if missing.
pub fn tauri_driver() -> Result<PathBuf> {
    let bin = workspace::tools_dir().join("bin/tauri-driver");
    let current = process::output(Command::new(&bin).arg("--version"))
        .is_some_and(|version| version.contains(TAURI_DRIVER_VERSION));
    if !current {
        cargo_install("tauri-driver", TAURI_DRIVER_VERSION)?;
    }
    Ok(bin)
}

/// A command that runs cargo-nextest: the machine's own when present,
/// otherwise one installed into `target/tools`.
pub fn nextest() -> Result<Command> {
    if process::output(Command::new("cargo").args(["nextest", "--version"])).is_some() {
        let mut command = Command::new("cargo");
        command.arg("nextest");
        return Ok(command);
    }
    let bin = workspace::tools_dir().join("bin/cargo-nextest");
    if !bin.is_file() {
        cargo_install("cargo-nextest", "0.9")?;
    }
    let mut command = Command::new(bin);
    command.arg("nextest");
    Ok(command)
}

fn cargo_install(krate: &str, version: &str) -> Result<()> {
    process::run(
        Command::new("cargo")
            .args(["install", "--locked", krate, "--version", version, "--root"])
            .arg(workspace::tools_dir())
            // Its own build folder: installing must not invalidate the workspace's.
            .arg("--target-dir")
            .arg(workspace::target_dir().join("tools-build")),
    )
}
