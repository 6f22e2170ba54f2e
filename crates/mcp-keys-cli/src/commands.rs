//! One module per group of subcommands; each function parses nothing and
//! decides little: it calls the manager and prints what came back.

mod connections;
mod doctor;
pub mod install;
mod keys;
mod login;
pub mod migrate;
mod oauth;
mod products;
pub mod reminders;
mod scan;
mod secrets;
pub mod slots;
pub mod surfaces;
mod tokens;
pub(crate) mod upstream;

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::serve;

/// Prints a manual or a script. Piped into `head` or a pager that quits
/// early, what was not read is not missed (unlike a key, which these
/// commands never print), so a closed pipe is no failure.
fn print_all(text: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs the command of `cli`.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics when a write fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mcp-keys", &mut script);
            Ok(print_all(&script)?)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            Ok(print_all(&page)?)
        }
        Command::Login(args) => login::run(&Context::open(cli.global).await?, args).await,
        Command::Connections(command) => {
            connections::run(&Context::open(cli.global).await?, command).await
        }
        Command::Products(command) => {
            products::run(&Context::open(cli.global).await?, command).await
        }
        Command::Surfaces(command) => {
            surfaces::run(&Context::open(cli.global).await?, command).await
        }
        Command::Scan(args) => {
            let context = Context::open(cli.global).await?;
            scan::run(&context, &args.options()?).await?;
            Ok(())
        }
        Command::Doctor(args) => {
            let context = Context::open(cli.global).await?;
            let report = doctor::run(&context, &args.options()?).await?;
            if doctor::has_errors(&report) {
                anyhow::bail!("doctor found errors: see the findings above");
            }
            Ok(())
        }
        Command::Reminders(args) => {
            let context = Context::open(cli.global).await?;
            reminders::run(&context, args).await
        }
        Command::Keys(command) => keys::run(&Context::open(cli.global).await?, command).await,
        Command::Oauth(command) => oauth::run(&Context::open(cli.global).await?, command).await,
        Command::Tokens(command) => tokens::run(&Context::open(cli.global).await?, command).await,
        Command::Secrets(command) => secrets::run(&Context::open(cli.global).await?, command),
        Command::Headers(args) => slots::headers(&Context::open(cli.global).await?, args).await,
        Command::Bridge(args) => slots::bridge(&Context::open(cli.global).await?, args).await,
        Command::Run(args) => slots::run(&Context::open(cli.global).await?, args).await,
        Command::Slots(command) => slots::slots(&Context::open(cli.global).await?, command).await,
        Command::Migrate(args) => migrate::run(&Context::open(cli.global).await?, args).await,
    }
}
