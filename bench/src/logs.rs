//! The clients' own logs in the scan suite (DESIGN §10, issue 18): what
//! reading every client's logs adds to a doctor run, timed in the same
//! optimized helper and the same rounds as the scan (`scan.rs`), on the
//! same home, which also holds the logs of Claude Code (hundreds of
//! per-connection files), Copilot (one process log grown to 1 GiB) and
//! Codex (a log database of 100,000 rows).
//!
//! Target: under 50 ms, only the tail of the 1 GiB log being read.

use anyhow::{Result, bail};
use serde::Deserialize;

use super::report::Report;
use super::stats::{median, percentile};

/// Reading the logs is held to this, median and p99.
const TARGET_MS: f64 = 50.0;

/// What `mcp-keys-bench-scan` prints for each read of the logs.
#[derive(Debug, Deserialize)]
pub struct LogsRead {
    /// Log files the helper wrote into the home.
    pub written: usize,
    /// Log files the reader read.
    pub files: usize,
    /// Log files it could not read.
    pub unreadable: usize,
    /// Authentication events it found.
    pub events: usize,
    /// How long it took.
    pub us: u64,
}

impl LogsRead {
    /// The time, in ms.
    pub fn ms(&self) -> f64 {
        self.us as f64 / 1000.0
    }

    /// Fails unless the read found events in every log and read them all:
    /// a read that found nothing would be fast and mean nothing.
    pub fn check(&self) -> Result<()> {
        if self.unreadable > 0 || self.files == 0 || self.events == 0 {
            bail!(
                "reading the clients' logs read {} files, found {} events and {} unreadable \
                 files in the bench home; expected events and no unreadable file",
                self.files,
                self.events,
                self.unreadable
            );
        }
        Ok(())
    }
}

/// Reports the reads: `first` is the process's first, `times` the timed
/// ones (ms).
pub fn report(first: &LogsRead, times: &[f64], report: &mut Report) {
    let (median, p99) = (median(times), percentile(times, 0.99));
    eprintln!(
        "    clients' logs: median {median:.1} ms, p99 {p99:.1} ms, first {:.1} ms ({} of {} \
         files read, {} events)",
        first.ms(),
        first.files,
        first.written,
        first.events
    );
    for (statistic, value) in [("median", median), ("p99", p99)] {
        report.target(
            format!("Reading every client's logs, with a 1 GiB log ({statistic})"),
            value,
            TARGET_MS,
            "ms",
        );
    }
    for (name, value, unit) in [
        (
            "Client log files in the bench home".to_owned(),
            first.written as f64,
            "files",
        ),
        (
            "Client log files read (the newest of each client)".to_owned(),
            first.files as f64,
            "files",
        ),
        (
            "Authentication events in the clients' logs".to_owned(),
            first.events as f64,
            "events",
        ),
        (
            "Reading the clients' logs, first in its process".to_owned(),
            first.ms(),
            "ms",
        ),
        (
            format!("Reading the clients' logs, median of {}", times.len()),
            median,
            "ms",
        ),
        (
            format!("Reading the clients' logs, p99 of {}", times.len()),
            p99,
            "ms",
        ),
    ] {
        report.figure("scan", name, value, unit);
    }
    report.note(
        "Clients' logs: the bench home also holds Claude Code's logs (20 projects × 3 servers × \
         10 connection attempts, one file each), 31 Copilot process logs, one of them 1 GiB \
         (sparse, with 2 MiB of real lines at its end), and Codex's logs_2.sqlite with 100,000 \
         rows, all written in the hour before the bench, with refusals in each. \
         `read_client_logs` lists only the folders the registry's patterns name, opens the \
         newest files of each client up to its limit, reads the last 1 MiB of each text log \
         and the matching rows among the last 20,000 of the database, and parses them. It runs in the same \
         optimized helper as the scan, right after each scan, with a warm page cache. The \
         log files are not config files: `find` is given only the configs' names (*.json, \
         *.toml, *.yaml), so its figures stay comparable with the scan's.",
    );
}
