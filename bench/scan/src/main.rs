//! `mcp-keys-bench-scan DIR PROJECTS`: writes the scan bench's home (every
//! client configured) and `PROJECTS` project folders under `DIR` and scans
//! it once; then scans it again for each line read on stdin. Each scan
//! prints one JSON line: the keys it found, the files it could not read or
//! parse, and how long it took. `cargo xtask bench scan` drives it, one
//! scan at a time, in turn with `find`, so both see the same machine.
//!
//! A binary of its own rather than code in the bench: the bench is built in
//! the dev profile, and the scan is meant to be timed optimized, as the
//! desktop app and the `mcp-keys` CLI run it. Building this in release
//! compiles only the IDE crate and its dependencies.

mod home;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mcp_keys_ide::{DiscoverOptions, NoLookup};
use serde_json::json;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, projects] = args.as_slice() else {
        bail!("usage: mcp-keys-bench-scan DIR PROJECTS");
    };
    let projects: usize = projects.parse().context("PROJECTS: a number")?;
    let options = home::write(&PathBuf::from(dir), projects)?;
    // The first scan of the process also pays for what is built once (the
    // client registry).
    scan(&options)?;
    for line in std::io::stdin().lock().lines() {
        line?;
        scan(&options)?;
    }
    Ok(())
}

/// Scans once and prints what it found and took.
fn scan(options: &DiscoverOptions) -> Result<()> {
    let started = Instant::now();
    // Offline: no key service to ask about the keys' statuses.
    let report = mcp_keys_ide::scan(options, &NoLookup, chrono::Utc::now());
    let elapsed = started.elapsed();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}",
        json!({
            "entries": report.entries.len(),
            "problems": report.problems.len(),
            "us": elapsed.as_micros(),
        })
    )?;
    stdout.flush()?;
    Ok(())
}
