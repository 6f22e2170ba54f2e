//! `cargo xtask test`: every check and test, in order, stopping at the first red.

use crate::{bundle, contract, process, session, system, tools, ui, workspace};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Sets the machine up, then runs everything inside a private D-Bus session.
pub fn test(no_e2e: bool, in_session: bool) -> Result<()> {
    if !in_session {
        system::ensure(system::Needs::Test)?;
        ui::install()?;
        if !no_e2e {
            tools::tauri_driver()?;
        }
        let mut args = vec!["test", "--in-session"];
        if no_e2e {
            args.push("--no-e2e");
        }
        return session::rerun_inside(&args);
    }
    session::unlock_keyring()?;
    let started = Instant::now();
    step("format", || {
        process::run(Command::new("cargo").args(["fmt", "--all", "--check"]))
    })?;
    // The app embeds ui/dist at compile time, so the UI is built before any Rust.
    step("UI build", ui::build)?;
    step("clippy", || {
        process::run(Command::new("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("dependency direction", dependency_direction)?;
    step("TypeScript bindings are current", bindings_are_current)?;
    step("every binding is used", contract::bindings_used)?;
    step(
        "every command is granted and called",
        contract::commands_agree,
    )?;
    step("Rust tests", || {
        // Built with the whole workspace, the end-to-end tests included, so
        // every test binary shares one feature set and compiles once.
        process::run(tools::nextest()?.args([
            "run",
            "--workspace",
            "--no-fail-fast",
            "-E",
            "not package(mcp-keys-e2e)",
        ]))?;
        process::run(Command::new("cargo").args(["test", "--workspace", "--doc"]))
    })?;
    step("UI tests", ui::test)?;
    step("fuzz targets build", fuzz_targets_build)?;
    if !no_e2e {
        step("end-to-end", end_to_end)?;
    }
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// `cargo xtask bindings`: rewrites ui/src/bindings from the Rust types,
/// removing files of types that no longer exist.
pub fn regenerate_bindings() -> Result<()> {
    let dir = workspace::root().join("ui/src/bindings");
    export_bindings(&dir)
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    f().with_context(|| format!("step failed: {name}"))?;
    eprintln!("==> {name}: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// Nothing under `crates/` may depend on Tauri (STYLE 1): the desktop shell
/// and the CLI are glue over the same core. Each folder there is a package
/// of the same name.
fn dependency_direction() -> Result<()> {
    let mut crates = Vec::new();
    for entry in std::fs::read_dir(workspace::root().join("crates"))? {
        let dir = entry?.path();
        if dir.join("Cargo.toml").is_file() {
            crates.extend(
                dir.file_name()
                    .map(|name| name.to_string_lossy().into_owned()),
            );
        }
    }
    for krate in &crates {
        let tree = process::output(Command::new("cargo").args([
            "tree",
            "--package",
            krate,
            "--edges",
            "normal",
            "--prefix",
            "none",
        ]))
        .with_context(|| format!("cargo tree failed for {krate}"))?;
        if tree.lines().any(|line| line.starts_with("tauri")) {
            bail!("{krate} depends on tauri; crates under crates/ must not (STYLE 1)");
        }
    }
    Ok(())
}

/// Exports the bindings into a scratch folder and compares it, file by file,
/// with the committed ones: a changed, missing or extra file is stale.
fn bindings_are_current() -> Result<()> {
    let fresh = workspace::target_dir().join("bindings-check");
    export_bindings(&fresh)?;
    let committed = workspace::root().join("ui/src/bindings");
    let (want, have) = (read_dir_files(&fresh)?, read_dir_files(&committed)?);
    if want != have {
        let names = want
            .keys()
            .chain(have.keys())
            .filter(|name| want.get(*name) != have.get(*name))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>();
        bail!(
            "ui/src/bindings is stale ({}): run `cargo xtask bindings` and commit the result",
            names.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn export_bindings(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    // ts-rs writes each `#[ts(export)]` type from a generated test named
    // `export_bindings_*`, into the folder named by TS_RS_EXPORT_DIR at run time.
    process::run(
        Command::new("cargo")
            .args([
                "test",
                "--workspace",
                "--exclude",
                "mcp-keys-e2e",
                "--lib",
                "--quiet",
            ])
            .args(["--", "export_bindings"])
            .env("TS_RS_EXPORT_DIR", dir),
    )
}

fn read_dir_files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            files.insert(name.unwrap_or_default(), std::fs::read(&path)?);
        }
    }
    Ok(files)
}

/// The fuzz targets live in their own workspace (cargo-fuzz layout); CI only
/// builds them, running them is by hand (`cargo fuzz run <target>`).
fn fuzz_targets_build() -> Result<()> {
    let root = workspace::root();
    for manifest in std::fs::read_dir(root.join("crates"))? {
        let manifest = manifest?.path().join("fuzz/Cargo.toml");
        if manifest.is_file() {
            process::run(
                Command::new("cargo")
                    .args(["build", "--locked", "--manifest-path"])
                    .arg(&manifest)
                    .arg("--target-dir")
                    .arg(workspace::target_dir().join("fuzz")),
            )?;
        }
    }
    Ok(())
}

/// Builds the real app and its packages, and drives it under Xvfb through
/// tauri-driver; the package test installs the packages.
fn end_to_end() -> Result<()> {
    let driver = tools::tauri_driver()?;
    let packages = bundle::build(false)?;
    process::run(
        tools::nextest()?
            .args([
                "run",
                "--workspace",
                "--no-fail-fast",
                "-E",
                "package(mcp-keys-e2e)",
            ])
            .env("MCP_KEYS_APP", workspace::app_binary(false))
            .env("TAURI_DRIVER", driver)
            .env("MCP_KEYS_DEB", packages.deb)
            .env("MCP_KEYS_RPM", packages.rpm),
    )
}
