//! The bench report: every measurement, the targets with PASS or MISS, and
//! the notes that say how to read them; as Markdown and as JSON.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::Serialize;

use super::Load;
use super::wrk::Outcome;

/// Everything one `cargo xtask bench` measured.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Seconds since the Unix epoch when the bench started.
    started_at: u64,
    /// CPUs the machine offers (load generator and service share them).
    cpus: usize,
    connections: u32,
    threads: u32,
    seconds: u32,
    warmup_seconds: u32,
    runs: Vec<Run>,
    figures: Vec<Figure>,
    ratios: Vec<Ratio>,
    targets: Vec<Target>,
    notes: Vec<String>,
}

/// One measured run of the key service under wrk's load.
#[derive(Debug, Serialize)]
pub struct Run {
    /// `server`.
    pub suite: &'static str,
    /// What it ran on (`SQLite`, `PostgreSQL`).
    pub database: String,
    /// What was requested.
    pub scenario: String,
    /// What wrk measured.
    pub outcome: Outcome,
    /// How to read this run, when it needs saying.
    pub note: Option<String>,
}

/// One measured figure of a suite that is not a load test (`scan`, `app`):
/// a time, a size or an amount of memory, usually a median of several runs.
#[derive(Debug, Serialize)]
pub struct Figure {
    /// `scan`, `app`, `gateway` or `bridge`.
    pub suite: &'static str,
    /// What was measured, on what.
    pub name: String,
    /// The figure, in `unit`.
    pub value: f64,
    /// `ms`, `MiB`, `files`, `keys` or `events`.
    pub unit: &'static str,
}

/// A figure derived from two runs, reported without a target.
#[derive(Debug, Serialize)]
pub struct Ratio {
    /// What it compares.
    pub name: String,
    /// The value, in `unit`.
    pub value: f64,
    /// `%`, `ms` or `×`.
    pub unit: &'static str,
}

/// A figure held to a target.
#[derive(Debug, Serialize)]
pub struct Target {
    /// What is measured, and where.
    pub name: String,
    /// The figure, in `unit`.
    pub value: f64,
    /// The figure must stay below this (or reach it at most, with
    /// `at_most`).
    pub limit: f64,
    /// The limit itself passes: "no more than".
    pub at_most: bool,
    /// `%`, `ms` or `×` (a ratio to a baseline).
    pub unit: &'static str,
    /// Whether it did.
    pub pass: bool,
}

impl Report {
    /// An empty report of a bench run with `load`.
    pub fn new(load: &Load) -> Self {
        Self {
            started_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs()),
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            connections: load.connections,
            threads: load.threads,
            seconds: load.seconds,
            warmup_seconds: load.warmup_seconds,
            runs: Vec::new(),
            figures: Vec::new(),
            ratios: Vec::new(),
            targets: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a run.
    pub fn run(&mut self, run: Run) {
        self.runs.push(run);
    }

    /// Adds a measured figure of the `scan` or `app` suite.
    pub fn figure(&mut self, suite: &'static str, name: String, value: f64, unit: &'static str) {
        self.figures.push(Figure {
            suite,
            name,
            value,
            unit,
        });
    }

    /// Adds a figure without a target.
    pub fn ratio(&mut self, name: String, value: f64, unit: &'static str) {
        self.ratios.push(Ratio { name, value, unit });
    }

    /// Adds a figure held to `value < limit`.
    pub fn target(&mut self, name: String, value: f64, limit: f64, unit: &'static str) {
        self.targets.push(Target {
            name,
            value,
            limit,
            unit,
            at_most: false,
            pass: value < limit,
        });
    }

    /// Adds a figure held to `value <= limit` ("no more than").
    pub fn target_at_most(&mut self, name: String, value: f64, limit: f64, unit: &'static str) {
        self.targets.push(Target {
            name,
            value,
            limit,
            unit,
            at_most: true,
            pass: value <= limit,
        });
    }

    /// Adds a note on how to read the figures (once).
    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Writes `report.md` and `report.json` into `dir`; returns the Markdown.
    pub fn write(&self, dir: &Path) -> Result<String> {
        let markdown = self.markdown();
        std::fs::write(dir.join("report.md"), &markdown)
            .with_context(|| format!("writing {}", dir.join("report.md").display()))?;
        let json = serde_json::to_string_pretty(self)?;
        std::fs::write(dir.join("report.json"), json + "\n")
            .with_context(|| format!("writing {}", dir.join("report.json").display()))?;
        Ok(markdown)
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmarks (`cargo xtask bench`)\n");
        if self.runs.is_empty() {
            let _ = writeln!(
                out,
                "{} CPUs. Started at Unix time {}.\n",
                self.cpus, self.started_at
            );
        } else {
            let _ = writeln!(
                out,
                "{} CPUs shared by the load generator and the service; wrk with {} connections \
                 on {} threads, {} s per run after {} s of warm-up. Started at Unix time {}.\n",
                self.cpus,
                self.connections,
                self.threads,
                self.seconds,
                self.warmup_seconds,
                self.started_at
            );
        }
        if !self.targets.is_empty() {
            let _ = writeln!(out, "## Targets\n");
            let _ = writeln!(out, "| Target | Figure | Limit | Result |");
            let _ = writeln!(out, "|---|---:|---:|---|");
            for target in &self.targets {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} {} | {} |",
                    target.name,
                    figure(target.value, target.unit),
                    if target.at_most { "≤" } else { "<" },
                    figure(target.limit, target.unit),
                    if target.pass { "PASS" } else { "MISS" }
                );
            }
            out.push('\n');
        }
        if !self.ratios.is_empty() {
            let _ = writeln!(out, "## Other comparisons\n");
            let _ = writeln!(out, "| Comparison | Figure |");
            let _ = writeln!(out, "|---|---:|");
            for ratio in &self.ratios {
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    ratio.name,
                    figure(ratio.value, ratio.unit)
                );
            }
            out.push('\n');
        }
        if !self.figures.is_empty() {
            let _ = writeln!(out, "## Measurements\n");
            let _ = writeln!(out, "| Suite | Measurement | Figure |");
            let _ = writeln!(out, "|---|---|---:|");
            for f in &self.figures {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    f.suite,
                    f.name,
                    figure(f.value, f.unit)
                );
            }
            out.push('\n');
        }
        if !self.runs.is_empty() {
            self.runs_table(&mut out);
        }
        let notes: Vec<String> = self
            .runs
            .iter()
            .filter_map(|run| {
                run.note
                    .as_ref()
                    .map(|note| format!("\\* {}, {}: {note}", run.database, run.scenario))
            })
            .chain(self.notes.iter().cloned())
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(out, "## Notes\n");
            for note in notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    /// The key service's runs under wrk.
    fn runs_table(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "## Under load (the key service on each database; the gateway bench on each route)\n"
        );
        let _ = writeln!(
            out,
            "| Suite | On | Request | req/s | p50 ms | p99 ms | server p50 ms | server p99 ms | errors |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|");
        for run in &self.runs {
            let o = &run.outcome;
            let server = |micros: i64| {
                if o.server_count == 0 {
                    "–".to_owned()
                } else {
                    format!("{:.3}", micros as f64 / 1000.0)
                }
            };
            let _ = writeln!(
                out,
                "| {} | {} | {}{} | {:.0} | {:.3} | {:.3} | {} | {} | {} |",
                run.suite,
                run.database,
                run.scenario,
                if run.note.is_some() { " *" } else { "" },
                o.throughput(),
                o.latency_p50_us / 1000.0,
                o.latency_p99_us / 1000.0,
                server(o.server_p50_us),
                server(o.server_p99_us),
                o.errors()
            );
        }
        out.push('\n');
    }
}

/// The machine's load average over 1, 5 and 15 minutes (`0.52 0.58 0.59`),
/// to say in a note how busy it was: on a shared machine, the figures move
/// with it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn figure(value: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{value:+.1} %"),
        "ms" => format!("{value:.3} ms"),
        "×" => format!("{value:.2}×"),
        "MiB" => format!("{value:.1} MiB"),
        "files" | "keys" | "events" => format!("{value:.0} {unit}"),
        _ => format!("{value:.2} {unit}"),
    }
}
