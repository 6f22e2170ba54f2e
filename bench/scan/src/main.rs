//! `mcp-keys-bench-scan DIR PROJECTS`: writes the scan bench's home (every
//! client configured, and the clients' own logs, one of them 1 GiB) and
//! `PROJECTS` project folders under `DIR`, then scans it and reads the
//! clients' logs once; then does both again for each line read on stdin.
//! Each round prints one JSON line: the keys the scan found, the files it
//! could not read or parse, how long it took, and what reading the logs
//! found and took. `cargo xtask bench scan` drives it, one round at a time,
//! in turn with `find`, so all see the same machine.
//!
//! A binary of its own rather than code in the bench: the bench is built in
//! the dev profile, and the scan is meant to be timed optimized, as the
//! desktop app and the `mcp-keys` CLI run it. Building this in release
//! compiles only the IDE crate and its dependencies.

mod home;
mod logs;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::Utc;
use mcp_keys_ide::logs::{RECENT_FAILURES, read_client_logs};
use mcp_keys_ide::{DiscoverOptions, NoLookup};
use serde_json::{Value, json};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, projects] = args.as_slice() else {
        bail!("usage: mcp-keys-bench-scan DIR PROJECTS");
    };
    let projects: usize = projects.parse().context("PROJECTS: a number")?;
    let options = home::write(&PathBuf::from(dir), projects)?;
    let written = logs::write(&options.home, Utc::now())?;
    // The first round of the process also pays for what is built once (the
    // client registry).
    round(&options, written.files)?;
    for line in std::io::stdin().lock().lines() {
        line?;
        round(&options, written.files)?;
    }
    Ok(())
}

/// Scans once, reads the logs once, and prints what each found and took.
fn round(options: &DiscoverOptions, log_files: usize) -> Result<()> {
    let started = Instant::now();
    // Offline: no key service to ask about the keys' statuses.
    let report = mcp_keys_ide::scan(options, &NoLookup, Utc::now());
    let scanned = started.elapsed();
    // What a doctor run adds: the clients' logs of the last two days.
    let started = Instant::now();
    let logs = read_client_logs(options, Utc::now() - RECENT_FAILURES);
    let read = started.elapsed();
    let count = |pick: fn(&mcp_keys_ide::logs::LogSourceRead) -> usize| -> usize {
        logs.sources.iter().map(pick).sum()
    };
    let line: Value = json!({
        "entries": report.entries.len(),
        "problems": report.problems.len(),
        "us": scanned.as_micros(),
        "logs": {
            "written": log_files,
            "files": count(|source| source.files.len()),
            "unreadable": count(|source| source.unreadable.len()),
            "events": logs.events.len(),
            "us": read.as_micros(),
        },
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    Ok(())
}
