//! `cargo xtask bench ARGS`: installs what the suites named in ARGS need
//! (system packages, tauri-driver, the UI the app embeds, a D-Bus session
//! with a keyring), then runs the bench, the `mcp-keys-bench` package in
//! `bench/`, with ARGS.

use crate::{bundle, session, system, tools, ui, workspace};
use anyhow::{Context, Result};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The bench's suites (`Suite` in bench/src/main.rs). A bare argument names
/// one; none named means all of them, as the bench itself reads it.
const SUITES: [&str; 5] = ["server", "scan", "app", "gateway", "bridge"];

/// Set in the D-Bus session this command re-runs itself in for the bridge
/// suite; the suite refuses to run without it (`SESSION_VAR` in
/// bench/src/bridge.rs), since it writes a slot into the keyring.
const SESSION_VAR: &str = "MCP_KEYS_BENCH_SESSION";

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
    // First, before anything is built: the re-run does the rest.
    if runs("bridge") {
        if std::env::var_os(SESSION_VAR).is_none() {
            // The D-Bus session and gnome-keyring are among the app
            // bench's packages.
            system::ensure(system::Needs::BenchApp)?;
            return rerun_in_session(given);
        }
        session::unlock_keyring()?;
    }
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

/// Re-runs `cargo xtask bench ARGS` inside a new D-Bus session, where the
/// bridge suite finds the keyring (unlocked by the re-run), as `cargo xtask
/// test` does (session.rs), but in folders of its own under
/// `target/bench-session`, so a test run's keyring is never cleared under
/// it: the keyring's data folder fresh for the run (a keyring keeps the
/// password it was first created with), and a private runtime folder, so
/// the keyring daemon never meets the user's own.
fn rerun_in_session(given: &[String]) -> Result<()> {
    let home = workspace::target_dir().join("bench-session");
    if home.exists() {
        std::fs::remove_dir_all(&home).with_context(|| format!("clearing {}", home.display()))?;
    }
    for dir in ["data", "runtime"] {
        std::fs::create_dir_all(home.join(dir))?;
    }
    std::fs::set_permissions(home.join("runtime"), std::fs::Permissions::from_mode(0o700))?;
    let me = std::env::current_exe().context("locating the xtask binary")?;
    let mut command = Command::new("dbus-run-session");
    command
        .arg("--")
        .arg(me)
        .arg("bench")
        .args(given)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("runtime"))
        .env(SESSION_VAR, "1");
    eprintln!(
        "$ dbus-run-session -- cargo xtask bench {}",
        given.join(" ")
    );
    // In place of this process, as the bench itself is below.
    Err(command.exec().into())
}
