//! `mcp-keys migrate [--home DIR] [--project DIR]... [--dry-run]` and
//! `mcp-keys migrate --undo`: the literal keys of IDE configs into keyring
//! slots, their entries rewritten to name the slots (DESIGN §8). The report
//! goes to stdout (JSON with `--json`); it never holds a key.

use chrono::Utc;
use clap::Args;
use mcp_keys_manager::{
    KeyServices, MigrateOptions, MigratedEntry, Migration, MigrationUndo, Outcome, UndoOutcome,
};

use crate::cli::IdeArgs;
use crate::commands::scan::{short_path, warn_about};
use crate::context::Context;
use crate::output::printable;

/// Options of `mcp-keys migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Where to look for IDE configs.
    #[command(flatten)]
    pub places: IdeArgs,
    /// Print the plan without writing anything: no config, no keyring slot.
    #[arg(long)]
    pub dry_run: bool,
    /// Put back the files the last migrate changed, from their backups,
    /// where nobody changed them since (the slots stay).
    #[arg(long, conflicts_with_all = ["dry_run", "home", "projects"])]
    pub undo: bool,
}

/// `mcp-keys migrate`.
pub async fn run(context: &Context, args: MigrateArgs) -> anyhow::Result<()> {
    if args.undo {
        return undo(context).await;
    }
    let options = args.places.options()?;
    let session = context.named_session().await?;
    let program = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|error| anyhow::anyhow!("cannot tell where mcp-keys is installed: {error}"))?;
    let migration = context
        .manager
        .migrate(
            &options,
            KeyServices::from(session.as_ref()),
            &MigrateOptions {
                dry_run: args.dry_run,
                program,
            },
            Utc::now(),
        )
        .await?;
    warn_about(&migration.unreachable);
    for problem in &migration.problems {
        eprintln!(
            "warning: {}: {}",
            printable(problem.config_path.as_deref().unwrap_or("?"), false),
            printable(&problem.message, false)
        );
    }
    if context.output.json {
        context.output.json(&migration)?;
    } else {
        print(context, &migration, &options.home.display().to_string())?;
    }
    let unmigrated = migration.unmigrated();
    if unmigrated > 0 {
        anyhow::bail!(
            "{unmigrated} identified key(s) {} not migrated: see why above",
            if migration.dry_run {
                "would be"
            } else {
                "were"
            }
        );
    }
    Ok(())
}

/// The report for people: one block per config.
fn print(context: &Context, migration: &Migration, home: &str) -> anyhow::Result<()> {
    let output = &context.output;
    if migration.configs.is_empty() {
        return output.line("No literal MCP key found in any IDE config.");
    }
    for config in &migration.configs {
        let clients: Vec<&str> = config
            .clients
            .iter()
            .map(|client| client.as_str())
            .collect();
        output.line(&format!(
            "{} ({})",
            short_path(&config.config_path, home),
            clients.join(", ")
        ))?;
        for entry in &config.entries {
            output.line(&format!("  {}", describe(entry)))?;
            if let Some(message) = &entry.message {
                output.line(&format!("      {message}"))?;
            }
            if !entry.dropped_fields.is_empty() {
                output.line(&format!(
                    "      {} fields the new entry has not: {}",
                    if migration.dry_run {
                        "would drop"
                    } else {
                        "dropped"
                    },
                    entry.dropped_fields.join(", ")
                ))?;
            }
        }
        if let Some(backup) = &config.backup {
            output.line(&format!("  backup: {backup}"))?;
        }
    }
    let runs: Vec<&MigratedEntry> = migration
        .entries()
        .filter(|entry| entry.env_var.is_some() && entry.outcome != Outcome::Left)
        .collect();
    for entry in runs {
        output.line(&format!(
            "Start {} with the key of its slot: mcp-keys run --slot {} -- COMMAND",
            entry.client,
            entry.slot.as_deref().unwrap_or("NAME")
        ))?;
    }
    if migration.dry_run {
        output.line("Dry run: nothing was written.")?;
    } else if migration.record.is_some() {
        if !migration.restart.is_empty() {
            let restart: Vec<&str> = migration
                .restart
                .iter()
                .map(|client| client.as_str())
                .collect();
            output.line(&format!(
                "Restart (or reload the servers of): {}",
                restart.join(", ")
            ))?;
        }
        output.line("Undo with `mcp-keys migrate --undo`.")?;
    }
    Ok(())
}

/// One entry in a line: server, key, and what became of it.
fn describe(entry: &MigratedEntry) -> String {
    let key = format!("{}…", entry.key_prefix);
    let became = |verb: &str| {
        format!(
            "{verb} {} through {}, keyring slot {}",
            entry.server_name,
            entry.via.map_or("?", |via| via.as_str()),
            entry.slot.as_deref().unwrap_or("?"),
        )
    };
    match entry.outcome {
        Outcome::Migrated => format!("{} ({key})", became("migrated")),
        Outcome::Planned => format!("{} ({key})", became("would migrate")),
        Outcome::Left => format!(
            "left {} ({key}, {})",
            entry.server_name,
            entry
                .reason
                .map_or_else(String::new, |reason| wire(&reason))
        ),
        Outcome::Failed => format!("FAILED {} ({key})", entry.server_name),
    }
}

/// `mcp-keys migrate --undo`.
async fn undo(context: &Context) -> anyhow::Result<()> {
    let undone: MigrationUndo = context.manager.undo_migration().await?;
    if context.output.json {
        context.output.json(&undone)?;
    } else {
        for file in &undone.files {
            let line = match file.outcome {
                UndoOutcome::Restored => format!("restored {}", file.config_path),
                _ => format!(
                    "left {} ({}): {}",
                    file.config_path,
                    wire(&file.outcome),
                    file.message.as_deref().unwrap_or_default()
                ),
            };
            context.output.line(&line)?;
        }
    }
    let left = undone.not_restored();
    if left > 0 {
        anyhow::bail!("{left} file(s) were not restored: see above");
    }
    Ok(())
}

/// A value's JSON string form (`changed_since`, `tracked_by_git`).
fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}
