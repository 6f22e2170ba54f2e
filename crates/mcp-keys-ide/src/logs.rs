//! The clients' own MCP logs (DESIGN §10): where they are is registry data
//! ([`crate::registry::LogSource`]); this module reads only the recent end of
//! a log ([`tail`]) and turns its lines into [`LogEvent`]s, one parser per
//! log format. Every parser takes untrusted text and never panics; a line it
//! does not recognise is no event, not an error. Codex's log is a SQLite
//! database, read with a bounded query ([`codex::read_rows`]) instead of
//! [`tail`]. Nothing here is wired into doctor yet.

pub mod claude_code;
pub mod codex;
pub mod copilot;
pub mod tail;

use chrono::{DateTime, Utc};

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
