//! `mcp-keys scan [--home DIR] [--project DIR]...`: which IDE config uses
//! which key (DESIGN §5).

use chrono::Utc;
use mcp_keys_manager::mcp_keys_ide::{KeyStatus, ScanEntry};
use mcp_keys_manager::{IdeScan, KeyServices, ScanOptions, UnidentifiedConnection};

use crate::context::Context;
use crate::output::{Styled, printable};

/// Scans, saves the result for the app's "Used by", and prints it: the
/// DESIGN §5 array with `--json`, else a table. Files that could not be read
/// and connections that could not be asked go to stderr, so stdout stays the
/// documented shape. Returns the scan for the caller's exit code.
pub async fn run(context: &Context, options: &ScanOptions) -> anyhow::Result<IdeScan> {
    let output = &context.output;
    let session = context.named_session().await?;
    let services = KeyServices::from(session.as_ref());
    let scan = context.manager.scan(options, services, Utc::now()).await?;
    warn_about(&scan.unreachable);
    warn_unidentified(&scan.entries);
    for problem in &scan.problems {
        eprintln!(
            "warning: {}: {}",
            problem.config_path.as_deref().unwrap_or("?"),
            problem.message
        );
    }
    if output.json {
        output.json(&scan.entries)?;
        return Ok(scan);
    }
    let home = options.home.display().to_string();
    output.table(
        &["CLIENT", "CONFIG", "SERVER", "KEY", "STATUS"],
        scan.entries.iter().map(|entry| row(entry, &home)).collect(),
        "No MCP key found in any IDE config.",
    )?;
    Ok(scan)
}

/// Says which connections could not identify keys (their keys show as
/// `unknown`).
pub(crate) fn warn_about(unreachable: &[UnidentifiedConnection]) {
    for connection in unreachable {
        eprintln!(
            "warning: connection {:?} could not identify keys: {}",
            connection.connection, connection.message
        );
    }
}

/// Says once that keys have no status, and why (which services were
/// asked): an `unknown` is never silent. The JSON has it in `statusReason`.
pub(crate) fn warn_unidentified(entries: &[ScanEntry]) {
    let unknown: Vec<&ScanEntry> = entries
        .iter()
        .filter(|entry| entry.status_reason.is_some())
        .collect();
    if let Some(reason) = unknown
        .first()
        .and_then(|entry| entry.status_reason.as_deref())
    {
        eprintln!(
            "warning: {} key occurrence(s) could not be identified: {}",
            unknown.len(),
            printable(reason, false)
        );
    }
}

/// `path` with the home folder shown as `~`.
pub(crate) fn short_path(path: &str, home: &str) -> String {
    match path.strip_prefix(home) {
        Some(rest) if !home.is_empty() => format!("~{rest}"),
        _ => path.to_owned(),
    }
}

fn row(entry: &ScanEntry, home: &str) -> Vec<Styled> {
    let key = match (&entry.env_var, &entry.key_prefix) {
        (Some(variable), Some(prefix)) => format!("${variable} ({prefix}…)"),
        (Some(variable), None) => format!("${variable}"),
        (None, Some(prefix)) => format!("{prefix}…"),
        (None, None) => String::new(),
    };
    vec![
        entry.client.as_str().into(),
        short_path(&entry.config_path, home).into(),
        entry.server_name.clone().into(),
        key.into(),
        status(entry),
    ]
}

fn status(entry: &ScanEntry) -> Styled {
    let text = match entry.status {
        KeyStatus::EnvReference => match entry.resolved_status {
            Some(resolved) => format!("env_reference → {}", name(resolved)),
            None => "env_reference (unset)".to_owned(),
        },
        status => name(status).to_owned(),
    };
    match entry.resolved_status.unwrap_or(entry.status) {
        KeyStatus::Active => Styled::good(text),
        KeyStatus::Revoked | KeyStatus::Expired | KeyStatus::ChecksumError => Styled::bad(text),
        KeyStatus::Unknown | KeyStatus::Foreign | KeyStatus::EnvReference => Styled::warn(text),
    }
}

fn name(status: KeyStatus) -> &'static str {
    match status {
        KeyStatus::Active => "active",
        KeyStatus::Revoked => "revoked",
        KeyStatus::Expired => "expired",
        KeyStatus::Unknown => "unknown",
        KeyStatus::ChecksumError => "checksum_error",
        KeyStatus::Foreign => "foreign",
        KeyStatus::EnvReference => "env_reference",
    }
}
