//! The clients' own MCP logs (DESIGN §10): where they are is registry data
//! ([`crate::registry::LogSource`]); this module reads only the recent end of
//! a log ([`tail`]) and turns its lines into [`LogEvent`]s, one parser per
//! log format. Every parser takes untrusted text and never panics; a line it
//! does not recognise is no event, not an error. Codex's log is a SQLite
//! database, read with a bounded query ([`codex::read_rows`]) instead of
//! [`tail`]. [`read_client_logs`] finds and reads every client's logs;
//! `doctor` ties their events to configs and keys
//! (`crate::doctor::client_log_findings`).

pub mod claude_code;
pub mod codex;
pub mod copilot;
mod read;
pub mod tail;

pub use read::{MAX_FILES_PER_CLIENT, read_client_logs};

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ClientId;

/// How far back doctor and the app look for authentication failures, in
/// the clients' logs and in the key services' audits.
pub const RECENT_FAILURES: chrono::TimeDelta = chrono::TimeDelta::days(2);

/// What an event of a client log says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEventKind {
    /// The server refused the client's credential when it connected.
    AuthFailure,
    /// A tool call was refused after the connection was made (the key was
    /// revoked or changed mid-session).
    ToolCallRefused,
    /// The client reported the server as needing authentication (it gave up
    /// or deferred OAuth).
    NeedsAuth,
    /// The client started a browser OAuth flow for the server.
    OAuthStarted,
    /// A browser OAuth flow the client started failed or was aborted.
    OAuthFailed,
}

/// One authentication-related line of a client log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// When the client wrote it.
    pub at: DateTime<Utc>,
    /// The server's config name, when the line (or the log's path) names it.
    pub server: Option<String>,
    /// The HTTP status, when the line states it.
    pub status: Option<u16>,
    /// The refusal's code as the line gives it: the challenge's `error`
    /// (`invalid_token`, `insufficient_scope`) for Copilot; none of the
    /// measured Claude Code lines has one.
    pub reason: Option<String>,
    /// The server's own words (the challenge's `error_description`), or the
    /// client's when the server's are not in the log.
    pub description: Option<String>,
    /// What happened.
    pub kind: LogEventKind,
    /// The folder the client ran in, when the line records it (Claude
    /// Code's `cwd`): which project's config the server came from.
    pub cwd: Option<String>,
}

/// One event of a client's log, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientLogEvent {
    /// The client that wrote the log.
    pub client: ClientId,
    /// The log file.
    pub log_path: PathBuf,
    /// What it says.
    pub event: LogEvent,
}

/// What reading every client's logs found (DESIGN §10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientLogs {
    /// The authentication events, oldest first.
    pub events: Vec<ClientLogEvent>,
    /// Per client with a log source in the registry: what was read, or why
    /// nothing was.
    pub sources: Vec<LogSourceRead>,
}

/// What was read of one client's logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogSourceRead {
    /// The client.
    pub client: ClientId,
    /// The log files read (their recent end only).
    pub files: Vec<String>,
    /// Log files that exist but could not be read, with why.
    pub unreadable: Vec<UnreadableLog>,
    /// Why the client has no log to read (it writes none), when so.
    pub no_log: Option<String>,
    /// Whether the log's place was seen on a real run of the client on this
    /// OS (false: taken from documentation or by analogy).
    pub measured: bool,
}

/// A log file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnreadableLog {
    /// The file.
    pub path: String,
    /// Why it could not be read.
    pub message: String,
}

/// Parses an RFC 3339 timestamp into UTC.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The three-digit status after `marker` in `text` (`"(HTTP "` → `401`).
fn status_after(text: &str, marker: &str) -> Option<u16> {
    let (_, rest) = text.split_once(marker)?;
    let digits = rest.get(..3)?;
    if digits.bytes().all(|byte| byte.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// The value of `name="..."` in a challenge (`error="invalid_token"`),
/// taken where `name` is not the tail of a longer parameter name.
fn quoted_param(message: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = message.get(from..)?.find(name) {
        let at = from + found;
        let whole_name = message
            .get(..at)?
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_ascii_alphanumeric() && before != '_');
        let after = message.get(at + name.len()..)?;
        if whole_name && let Some(value) = after.strip_prefix('"') {
            // Copilot writes the header unescaped on this line, so the
            // value ends at the next double quote.
            return value.split_once('"').map(|(value, _)| value.to_owned());
        }
        from = at + name.len();
    }
    None
}
