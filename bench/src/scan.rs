//! The IDE scan's bench: a home with every client configured and
//! 500 project folders (written by `bench/scan`), scanned again and again
//! with a warm cache, beside `find` over the same files. Each scan is
//! followed by a read of the clients' own logs in that home ([`logs`]).
//!
//! Target: a scan under 100 ms. The scan runs in `mcp-keys-bench-scan`,
//! built in release as the app ships it (the bench itself is a dev build).
//! `find` is the floor of any scan: it only lists the files, where the scan
//! also opens, reads and parses each one and looks for keys in it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{Guard, spawn};
use serde::Deserialize;

use super::logs::{self, LogsRead};
use super::report::{Report, load_average};
use super::stats::{median, percentile};
use super::{Load, interrupt};
use crate::{command, paths};

/// Project folders in the bench home, as the bench's target sets it.
const PROJECTS: usize = 500;

/// The project configs each bench project holds (Claude Code, Cursor,
/// VS Code, Codex).
const CONFIGS_PER_PROJECT: usize = 4;

/// The scan is held to this.
const TARGET_MS: f64 = 100.0;

/// What `mcp-keys-bench-scan` prints for each scan.
#[derive(Debug, Deserialize)]
struct Scanned {
    /// Keys the scan found.
    entries: usize,
    /// Files it could not read or parse.
    problems: usize,
    /// How long it took.
    us: u64,
    /// The read of the clients' logs that followed it.
    logs: LogsRead,
}

/// Writes the bench home, times the scan and `find` in turn, and reports.
pub fn run(load: &Load, report: &mut Report) -> Result<()> {
    eprintln!("\n==> bench: IDE scan of a home and {PROJECTS} projects");
    let helper = build()?;
    let fixture = Fixture::new()?;
    let load_before = load_average();
    let mut scanner = Scanner::start(&helper, &fixture.0)?;
    // Written, then scanned once: the process's first scan.
    let first = scanner.next()?;
    // A scan that found nothing would be fast and mean nothing.
    if first.problems > 0 || first.entries < PROJECTS * CONFIGS_PER_PROJECT {
        bail!(
            "the scan found {} keys with {} unreadable files in the bench home; expected at \
             least {} keys and no problem",
            first.entries,
            first.problems,
            PROJECTS * CONFIGS_PER_PROJECT
        );
    }
    first.logs.check()?;
    let list = Find {
        root: &fixture.0,
        read: false,
    };
    let read = Find {
        root: &fixture.0,
        read: true,
    };
    let (files, bytes) = list.files()?;
    let (mut scans, mut listing, mut reading) = (Vec::new(), Vec::new(), Vec::new());
    let mut log_reads = Vec::new();
    for _ in 0..load.scan_runs {
        interrupt::check()?;
        let scanned = scanner.scan()?;
        if scanned.entries != first.entries {
            bail!(
                "a scan found {} keys, the first {}",
                scanned.entries,
                first.entries
            );
        }
        scanned.logs.check()?;
        scans.push(scanned.us as f64 / 1000.0);
        log_reads.push(scanned.logs.ms());
        listing.push(list.time(files)?);
        reading.push(read.time(bytes)?);
    }
    drop(scanner);

    let scan_median = median(&scans);
    eprintln!(
        "    scan: median {scan_median:.1} ms, p95 {:.1} ms, first {:.1} ms; find: median \
         {:.1} ms ({files} files)",
        percentile(&scans, 0.95),
        first.us as f64 / 1000.0,
        median(&listing)
    );
    report.target(
        format!("IDE scan of a home with every client + {PROJECTS} projects (median)"),
        scan_median,
        TARGET_MS,
        "ms",
    );
    report.ratio(
        format!("IDE scan vs `find` listing the same {files} files (medians)"),
        scan_median / median(&listing).max(f64::MIN_POSITIVE),
        "×",
    );
    report.ratio(
        format!("IDE scan vs `find` reading the same {files} files with cat (medians)"),
        scan_median / median(&reading).max(f64::MIN_POSITIVE),
        "×",
    );
    for (name, value, unit) in [
        (
            "Config files in the bench home".to_owned(),
            files as f64,
            "files",
        ),
        (
            "Keys the scan found".to_owned(),
            first.entries as f64,
            "keys",
        ),
        (
            "IDE scan, first in its process".to_owned(),
            first.us as f64 / 1000.0,
            "ms",
        ),
        (
            format!("IDE scan, median of {}", scans.len()),
            scan_median,
            "ms",
        ),
        (
            format!("IDE scan, p95 of {}", scans.len()),
            percentile(&scans, 0.95),
            "ms",
        ),
        (
            "`find DIR -type f -name <configs>`, median".to_owned(),
            median(&listing),
            "ms",
        ),
        (
            "`find DIR -type f -name <configs> -exec cat {} +`, median".to_owned(),
            median(&reading),
            "ms",
        ),
    ] {
        report.figure("scan", name, value, unit);
    }
    report.note(format!(
        "Scan: the bench home holds one config for each client under `home/` ({} files) and \
         {CONFIGS_PER_PROJECT} project configs in each of {PROJECTS} folders under `projects/`, \
         and the clients' logs, so `find DIR -type f` given the configs' names lists exactly \
         the files the scan reads. find \
         only walks the directories and prints the names; the scan looks up each client's \
         known paths (it never walks), then opens, reads and parses each config (JSON, JSONC, \
         TOML, YAML) and finds each key in it (prefix, fingerprint, byte span). All run with a \
         warm page cache; find's times include starting its process, the scan's do not. The \
         scan is a release build; its first run in a process also loads the client registry. \
         Each scan is followed by one find of each kind, so all three see the same machine; \
         its load average was {load_before} before and {} after.",
        files.saturating_sub(PROJECTS * CONFIGS_PER_PROJECT),
        load_average()
    ));
    logs::report(&first.logs, &log_reads, report);
    Ok(())
}

/// `cargo build --release -p mcp-keys-bench-scan`; the binary's path.
fn build() -> Result<PathBuf> {
    command::run(Command::new("cargo").args([
        "build",
        "--release",
        "--package",
        "mcp-keys-bench-scan",
    ]))?;
    Ok(paths::release_binary("mcp-keys-bench-scan"))
}

/// `mcp-keys-bench-scan` on the bench home, scanning once per request.
struct Scanner {
    guard: Guard,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Scanner {
    /// Starts it on `dir`: it writes the bench home there and scans it once.
    fn start(helper: &Path, dir: &Path) -> Result<Self> {
        let mut guard = spawn(
            "mcp-keys-bench-scan",
            Command::new(helper)
                .arg(dir)
                .arg(PROJECTS.to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        )?;
        let child = guard.child_mut();
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("mcp-keys-bench-scan has no pipes");
        };
        Ok(Self {
            guard,
            input,
            output: BufReader::new(output),
        })
    }

    /// Asks for one more scan and reads it.
    fn scan(&mut self) -> Result<Scanned> {
        self.input.write_all(b"\n")?;
        self.input.flush()?;
        self.next()
    }

    /// Reads the next scan's line.
    fn next(&mut self) -> Result<Scanned> {
        let mut line = String::new();
        self.output.read_line(&mut line)?;
        if line.is_empty() {
            self.guard.ensure_running()?;
            bail!("mcp-keys-bench-scan printed nothing");
        }
        serde_json::from_str(&line).with_context(|| format!("mcp-keys-bench-scan printed {line}"))
    }
}

/// The bench home, in a fresh temporary folder removed when dropped.
struct Fixture(PathBuf);

impl Fixture {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("mcp-keys-bench-scan-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        Ok(Self(dir))
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names of the bench home's config files (its other files are the
/// clients' logs, which the scan does not read).
const CONFIG_NAMES: [&str; 3] = ["*.json", "*.toml", "*.yaml"];

/// `find ROOT -type f` over the config files, listing them or (`read`)
/// printing their bytes.
struct Find<'a> {
    root: &'a Path,
    read: bool,
}

impl Find<'_> {
    fn command(&self) -> Command {
        let mut command = Command::new("find");
        command.arg(self.root).args(["-type", "f", "("]);
        for (index, name) in CONFIG_NAMES.iter().enumerate() {
            if index > 0 {
                command.arg("-o");
            }
            command.args(["-name", name]);
        }
        command.arg(")");
        if self.read {
            command.args(["-exec", "cat", "{}", "+"]);
        }
        command.stdin(Stdio::null()).stderr(Stdio::null());
        command
    }

    /// The files listed and the bytes they hold.
    fn files(&self) -> Result<(usize, usize)> {
        let output = self.command().output().context("cannot run find")?;
        if !output.status.success() {
            bail!("find {} failed ({})", self.root.display(), output.status);
        }
        let files = output
            .stdout
            .split(|&byte| byte == b'\n')
            .filter(|line| !line.is_empty());
        let mut count = 0;
        let mut bytes = 0;
        for file in files {
            count += 1;
            let path = Path::new(std::str::from_utf8(file)?);
            bytes += path.metadata()?.len() as usize;
        }
        Ok((count, bytes))
    }

    /// Runs it once; its time in ms. `expected` is the number of lines
    /// (listing) or bytes (reading) it must print, so a failed run is not
    /// timed as a fast one.
    fn time(&self, expected: usize) -> Result<f64> {
        let started = Instant::now();
        let output = self.command().output().context("cannot run find")?;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let printed = if self.read {
            output.stdout.len()
        } else {
            output.stdout.iter().filter(|&&byte| byte == b'\n').count()
        };
        if !output.status.success() || printed != expected {
            bail!(
                "{:?} printed {printed} {} instead of {expected} ({})",
                self.command(),
                if self.read { "bytes" } else { "lines" },
                output.status
            );
        }
        Ok(elapsed)
    }
}
