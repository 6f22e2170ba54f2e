//! `mcp-keys`: every MCP Keys operation from the command line. Glue over the
//! core crates (STYLE 3/4): the manager does the work, this binary parses,
//! prints, and turns failures into documented exit codes.

mod cli;
mod commands;
mod context;
mod exit;
mod output;
mod serve;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The service logs what it does; a command only warns, so its stderr
    // stays for what people need to read. RUST_LOG overrides both.
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            EnvFilter::new(format!(
                "{default_level},{}",
                mcp_keys_server::LOG_DIRECTIVES
            ))
        }))
        // Logs go to stderr, so stdout stays for what a command prints.
        .with_writer(std::io::stderr)
        // Colors only on a terminal: a log file or a journal gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(commands::run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the cause chain on one line. No message of ours
            // or of the crates below holds a key or a token.
            // A server's message is printed too: made printable.
            eprintln!("error: {}", output::printable(&format!("{error:#}"), true));
            Exit::of(&error).into()
        }
    }
}
