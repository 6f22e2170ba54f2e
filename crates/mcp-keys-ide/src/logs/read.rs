//! Finding and reading every client's logs (DESIGN §10): the registry's
//! patterns expanded under the home, cache and Codex folders, newest files
//! first, each read only at its recent end.
//!
//! The cost is bounded whatever the home holds: only the folders a pattern
//! names are listed ([`walk`]), at most [`MAX_FILES_PER_CLIENT`] files of
//! a client are opened, a text log is read only in its last
//! [`MAX_TAIL_BYTES`](super::tail::MAX_TAIL_BYTES) and Codex's database
//! only in its last [`MAX_ROWS`](super::codex::MAX_ROWS) matching rows. Logs
//! are only read: files are opened read-only, the database with SQLite's
//! read-only flag, and nothing is created beside them.

mod walk;

use std::ffi::OsString;
use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use super::{ClientLogEvent, ClientLogs, LogEvent, LogSourceRead, UnreadableLog};
use super::{claude_code, codex, copilot, tail};
use crate::registry::{self, ClientId, LogFormat, LogSource, log_root_dir, split_log_pattern};
use crate::{DiscoverOptions, Error};

/// The most log files read per client, the newest: Copilot writes one per
/// process and Claude Code one per server per connection, so a busy day
/// leaves dozens; the newest hold the failures worth reporting, and 64
/// tails of at most 1 MiB keep a doctor run short.
pub const MAX_FILES_PER_CLIENT: usize = 64;

/// Reads the logs of every client the registry knows a log source for,
/// keeping the events at or after `since`, oldest first.
pub fn read_client_logs(options: &DiscoverOptions, since: DateTime<Utc>) -> ClientLogs {
    let mut logs = ClientLogs::default();
    for spec in registry::clients() {
        for source in &spec.logs {
            let (read, events) = read_source(spec.id, source, options, since);
            logs.sources.push(read);
            logs.events.extend(events);
        }
    }
    logs.events.retain(|event| event.event.at >= since);
    // Stable: events of the same instant keep the registry's and the
    // files' order.
    logs.events.sort_by_key(|event| event.event.at);
    logs
}

/// What one log source of `client` holds.
fn read_source(
    client: ClientId,
    source: &LogSource,
    options: &DiscoverOptions,
    since: DateTime<Utc>,
) -> (LogSourceRead, Vec<ClientLogEvent>) {
    let place = source.place(options.os);
    let mut read = LogSourceRead {
        client,
        files: Vec::new(),
        unreadable: Vec::new(),
        no_log: None,
        measured: place.is_some_and(|place| place.measured),
    };
    if source.format == LogFormat::None {
        read.no_log = Some(
            source
                .reason
                .clone()
                .unwrap_or_else(|| "writes no log file about its MCP servers".to_owned()),
        );
        return (read, Vec::new());
    }
    let Some((root, rel)) = place.and_then(|place| split_log_pattern(&place.pattern)) else {
        // The registry's tests keep every place of a source with a format
        // understood; an OS without one is an OS nobody has looked at.
        read.no_log = Some("where it logs on this system is not known".to_owned());
        return (read, Vec::new());
    };
    let root = log_root_dir(root, &options.home, options.os, |name| {
        options.env.get(name).map(OsString::from)
    });
    let (mut candidates, unreadable) = walk::matching_files(&root, rel);
    read.unreadable = unreadable;
    if source.format == LogFormat::CodexLogsSqlite {
        for candidate in &mut candidates {
            candidate.modified = walk::sqlite_modified(candidate);
        }
    }
    let since_time = SystemTime::from(since);
    candidates.retain(|candidate| candidate.modified >= since_time);
    // Newest first; the walk's sorted order breaks ties.
    candidates.sort_by_key(|candidate| std::cmp::Reverse(candidate.modified));
    candidates.truncate(MAX_FILES_PER_CLIENT);

    let mut events = Vec::new();
    for candidate in candidates {
        match read_file(source, &candidate.path) {
            Ok(found) => {
                read.files.push(candidate.path.display().to_string());
                events.extend(found.into_iter().map(|event| ClientLogEvent {
                    client,
                    log_path: candidate.path.clone(),
                    event,
                }));
            }
            Err(error) => read.unreadable.push(UnreadableLog {
                path: candidate.path.display().to_string(),
                message: plain_message(&error),
            }),
        }
    }
    (read, events)
}

/// The events of one log file of `source`'s format.
fn read_file(source: &LogSource, path: &Path) -> crate::Result<Vec<LogEvent>> {
    match source.format {
        LogFormat::ClaudeCodeMcpJsonl => {
            // The server's name is only in the folder's name.
            let server = path
                .parent()
                .and_then(Path::file_name)
                .and_then(|name| name.to_str())
                .and_then(claude_code::server_from_dir);
            Ok(claude_code::parse(&tail::read_tail(path)?.text, server))
        }
        LogFormat::CopilotProcessLog => Ok(copilot::parse(&tail::read_tail(path)?.text)),
        LogFormat::CodexLogsSqlite => {
            let table = source
                .table
                .as_deref()
                .ok_or_else(|| Error::Registry("the Codex log source names no table".to_owned()))?;
            Ok(codex::events(&codex::read_rows(path, table)?))
        }
        LogFormat::None => Ok(Vec::new()),
    }
}

/// Why a file could not be read, in the words of the system or of SQLite
/// (`Permission denied (os error 13)`, `file is not a database`): the path
/// is beside it in [`UnreadableLog`].
fn plain_message(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}
