//! `mcp-keys-bench` (run by `cargo xtask bench`, which installs what the
//! suites need first): performance figures held to the targets the issues
//! set, written to `target/bench/report.md` (people) and `report.json`
//! (tools), and printed.
//!
//! A bench measures, it does not judge a build: a missed target is a MISS
//! in the report, never a failed command, and no bench runs in `cargo xtask
//! test`. Every process a bench starts is stopped when it ends, on an error
//! or on Ctrl-C too. The private desktop, the child processes and
//! tauri-driver are the end-to-end harness's (`mcp-keys-e2e`), the
//! PostgreSQL cluster the key service's tests' (`mcp_keys_server::testing`),
//! the bridge suite's D-Bus session and keyring `cargo xtask bench`'s, made
//! as `cargo xtask test` makes its own.

mod app;
mod bridge;
mod command;
mod gateway;
mod interrupt;
mod logs;
mod memory;
mod oauth;
mod paths;
mod report;
mod scan;
mod seed;
mod server;
mod service;
mod session;
mod stats;
mod wrk;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, ValueEnum};

use report::Report;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask bench",
    about = "Measure performance against the issues' targets; writes target/bench/report.md \
             and report.json. A missed target is reported, never a failure."
)]
struct Cli {
    /// What to measure (repeat; default: everything).
    #[arg(value_enum)]
    suites: Vec<Suite>,
    #[command(flatten)]
    load: Load,
}

/// What can be benchmarked; each issue with a performance target adds its
/// own suite here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    /// The key service: health, MCP tools/list and key verification, cache
    /// hit and miss, and both with an OAuth access token (cache hit), on
    /// SQLite and PostgreSQL.
    Server,
    /// The IDE scan of a home with every client configured and 500 project
    /// folders, beside a `find` listing of the same files; and reading the
    /// clients' own logs in that home (one of them 1 GiB).
    Scan,
    /// The desktop app beside a minimal Tauri app: start to the Keys tab
    /// with 1,000 keys, idle memory, stripped binary size.
    App,
    /// A stdio MCP server's tools/call straight, through MCP Keys, and
    /// through supergateway, mcp-proxy and FastMCP's proxy: throughput,
    /// p50/p99, each gateway's memory.
    Gateway,
    /// `mcp-keys bridge` (stdio, key from the OS keyring) beside a direct
    /// connection to the same surface: ping p50/p99, and a keyring read.
    Bridge,
}

/// The databases the key service is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Database {
    /// A SQLite file (WAL, fully synchronous), the default store.
    Sqlite,
    /// A throwaway PostgreSQL cluster, as several instances would share.
    Postgres,
}

/// How much each suite measures: the key service's load, and how often the
/// scan and the app are run.
#[derive(Debug, Clone, Args)]
pub struct Load {
    /// Open connections, all busy all the time.
    #[arg(long, default_value_t = 8)]
    pub connections: u32,
    /// Load-generator threads (wrk).
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// Seconds each measurement runs, after its warm-up.
    #[arg(long, default_value_t = 10)]
    pub seconds: u32,
    /// Seconds of load before each measurement, not counted.
    #[arg(long, default_value_t = 2)]
    pub warmup_seconds: u32,
    /// Keys created for the cache-miss runs: enough that no key comes back
    /// within the cache's 3 s at the measured rate (the report checks it).
    #[arg(long, default_value_t = 60_000)]
    pub miss_keys: usize,
    /// Databases to measure the key service on (repeat; default all).
    #[arg(long = "database", value_enum)]
    pub databases: Vec<Database>,
    /// Measure this `mcp-keys` binary instead of building one in release
    /// (an installed build, or a quick check of the bench itself); the app
    /// suite seeds the app's data with it too.
    #[arg(long, value_name = "PATH")]
    pub server_binary: Option<std::path::PathBuf>,
    /// Timed scans of the scan suite (and `find` runs and reads of the
    /// clients' logs beside them).
    #[arg(long, default_value_t = 50)]
    pub scan_runs: usize,
    /// The app suite reports this `.deb`'s size (`cargo xtask bench` builds
    /// the packages and passes them).
    #[arg(long, value_name = "PATH")]
    pub deb: Option<std::path::PathBuf>,
    /// The app suite reports this `.rpm`'s size.
    #[arg(long, value_name = "PATH")]
    pub rpm: Option<std::path::PathBuf>,
    /// Measured launches of each app in the app suite, after one launch of
    /// each that is not counted.
    #[arg(long, default_value_t = 5)]
    pub app_runs: usize,
    /// Pings timed each way in the bridge suite (direct and through the
    /// bridge), after 200 that are not counted.
    #[arg(long, default_value_t = 2000)]
    pub bridge_requests: usize,
    /// Timed keyring reads of the bridge suite.
    #[arg(long, default_value_t = 200)]
    pub keyring_reads: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match bench(&cli.suites, &cli.load) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The chain of causes, without a backtrace: these errors say what
            // to do, and a backtrace of the bench itself would bury that.
            eprintln!("\nerror: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `suites` (all of them when empty) and writes the report.
fn bench(suites: &[Suite], load: &Load) -> Result<()> {
    let suites = if suites.is_empty() {
        Suite::value_variants().to_vec()
    } else {
        suites.to_vec()
    };
    interrupt::install()?;
    let dir = paths::target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut report = Report::new(load);
    for suite in suites {
        match suite {
            Suite::Server => server::run(load, &dir, &mut report)?,
            Suite::Scan => scan::run(load, &mut report)?,
            Suite::App => app::run(load, &dir, &mut report)?,
            Suite::Gateway => gateway::run(load, &dir, &mut report)?,
            Suite::Bridge => bridge::run(load, &dir, &mut report)?,
        }
    }
    let table = report.write(&dir)?;
    println!("\n{table}");
    eprintln!(
        "report written to {} and {}",
        dir.join("report.md").display(),
        dir.join("report.json").display()
    );
    Ok(())
}
