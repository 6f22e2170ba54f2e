//! `cargo xtask`: the project's two commands and their helpers.
//!
//! `run` and `test` each start by setting up a fresh Debian/Ubuntu machine
//! (system packages, UI dependencies, test tools), so a new clone needs nothing
//! else. Everything they install that is not a system package stays under
//! `target/`, so the next machine never depends on a cache it lacks.

mod app;
mod bench;
mod bundle;
mod checks;
mod contract;
mod icons;
mod process;
mod session;
mod system;
mod tools;
mod ui;
mod workspace;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Set up, build, run and test MCP Keys")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what is missing, build the UI and the app, and open its window.
    Run {
        /// Build and run the optimized release binary.
        #[arg(long)]
        release: bool,
    },
    /// Install what is missing, then run every check and test, stopping at the first failure.
    Test {
        /// Skip the end-to-end suite (the real app under Xvfb).
        #[arg(long)]
        no_e2e: bool,
        /// Internal: set when re-run inside the D-Bus session this command creates.
        #[arg(long, hide = true)]
        in_session: bool,
    },
    /// Measure performance against the issues' targets (the bench in bench/); writes
    /// target/bench/report.md and report.json. A missed target is reported, never a failure.
    /// `cargo xtask bench --help` lists the suites and options.
    #[command(disable_help_flag = true)]
    Bench {
        /// What to measure (server, scan, app, gateway; default: everything) and how much.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the release app and the `mcp-keys` CLI into .deb and .rpm packages
    /// (target/release/bundle).
    Bundle {
        /// Package the debug build instead (faster; what the package test installs).
        #[arg(long)]
        debug: bool,
    },
    /// Regenerate the TypeScript bindings in ui/src/bindings from the Rust types.
    Bindings,
    /// Regenerate every app icon from icons/icon.svg.
    Icons,
}

fn main() -> ExitCode {
    let result: Result<()> = match Cli::parse().command {
        Command::Run { release } => app::run(release),
        Command::Test { no_e2e, in_session } => checks::test(no_e2e, in_session),
        Command::Bench { args } => bench::bench(&args),
        Command::Bundle { debug } => bundle::bundle(!debug).map(drop),
        Command::Bindings => checks::regenerate_bindings(),
        Command::Icons => icons::generate(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The chain of causes, without a backtrace: these errors say what
            // to do, and a backtrace of xtask itself would bury that.
            eprintln!("\nerror: {error:#}");
            ExitCode::FAILURE
        }
    }
}
