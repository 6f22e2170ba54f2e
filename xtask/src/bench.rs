//! `cargo xtask bench ARGS`: installs what the suites named in ARGS need
//! (system packages, tauri-driver, the UI the app embeds), then runs the
//! bench, the `mcp-keys-bench` package in `bench/`, with ARGS.

use crate::{bundle, system, tools, ui};
use anyhow::Result;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The bench's suites (`Suite` in bench/src/main.rs). A bare argument names
/// one; none named means all of them, as the bench itself reads it.
const SUITES: [&str; 4] = ["server", "scan", "app", "gateway"];

/// Sets up what the suites need and becomes the bench.
pub fn bench(given: &[String]) -> Result<()> {
    let mut args: Vec<std::ffi::OsString> = given.iter().map(Into::into).collect();
    let help = given.iter().any(|arg| arg == "--help" || arg == "-h");
    let named: Vec<&str> = given
        .iter()
        .map(String::as_str)
        .filter(|arg| SUITES.contains(arg))
        .collect();
    let runs = |suite: &str| !help && (named.is_empty() || named.contains(&suite));
    if runs("server") || runs("gateway") {
        system::ensure(system::Needs::Bench)?;
    }
    if runs("app") {
        system::ensure(system::Needs::BenchApp)?;
        // Where the bench finds it (target/tools), as the end-to-end tests do.
        tools::tauri_driver()?;
        // The app embeds ui/dist when it compiles.
        ui::install()?;
        ui::build()?;
        // What people download, reported beside the app's binary.
        let packages = bundle::build(true)?;
        args.extend([
            "--deb".into(),
            packages.deb.into_os_string(),
            "--rpm".into(),
            packages.rpm.into_os_string(),
        ]);
    }
    let mut cargo = Command::new("cargo");
    cargo
        .args(["run", "--package", "mcp-keys-bench", "--"])
        .args(&args);
    let shown: Vec<_> = args.iter().map(|arg| arg.to_string_lossy()).collect();
    eprintln!(
        "$ cargo run --package mcp-keys-bench -- {}",
        shown.join(" ")
    );
    // In place of this process, so that Ctrl-C reaches the bench alone and
    // it stops the servers it started (and xtask does not exit before it).
    Err(cargo.exec().into())
}
