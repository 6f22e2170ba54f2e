//! Claude Code's per-server MCP logs (2.1.332, measured on Linux):
//! `<cache>/claude-cli-nodejs/<cwd-slug>/mcp-logs-<server>/<ISO-ts>.jsonl`,
//! one file per connection attempt, one JSON object a line:
//! `{"debug"|"error": TEXT, "timestamp": ISO, "sessionId": ..., "cwd": ...}`.
//!
//! The server's name is only in the folder's name ([`server_from_dir`]).
//! No line carries the service's reason or body: a connect-time refusal is
//! an `error` line with the status, a mid-session one a `debug` line. The
//! sentences matched are Claude Code's own and may change between versions.

use serde_json::Value;

use super::{LogEvent, LogEventKind, parse_time, status_after};

/// The connect-time refusal of a configured `Authorization` header
/// (an `error` line), followed by ` (HTTP <status>)`.
const HEADER_REJECTED: &str = "Server rejected the configured Authorization header";
/// A refusal of a tool call after the connection was made (a `debug` line).
const TOOL_CALL_401: &str = "Tool call returned 401 Unauthorized";
/// No header and a server that advertises OAuth: Claude Code waits for the
/// user to authenticate (`! Needs authentication` in `claude mcp list`).
const AUTH_REQUIRED: &str = "Authentication required for HTTP server";

/// The prefix of the folder that holds a server's logs.
const DIR_PREFIX: &str = "mcp-logs-";

/// The server's config name from its log folder's name (`mcp-logs-docs`).
pub fn server_from_dir(dir_name: &str) -> Option<&str> {
    dir_name
        .strip_prefix(DIR_PREFIX)
        .filter(|name| !name.is_empty())
}

/// The events of a log's text; `server` comes from the log's folder.
pub fn parse(text: &str, server: Option<&str>) -> Vec<LogEvent> {
    text.lines()
        .filter_map(|line| parse_line(line, server))
        .collect()
}

/// The event of one line, if it is one we know.
pub fn parse_line(line: &str, server: Option<&str>) -> Option<LogEvent> {
    let record: Value = serde_json::from_str(line).ok()?;
    let at = parse_time(record.get("timestamp")?.as_str()?)?;
    let (text, is_error) = match (record.get("error"), record.get("debug")) {
        (Some(Value::String(text)), _) => (text.as_str(), true),
        (_, Some(Value::String(text))) => (text.as_str(), false),
        _ => return None,
    };
    let (kind, status) = if is_error && text.starts_with(HEADER_REJECTED) {
        (LogEventKind::AuthFailure, status_after(text, "(HTTP "))
    } else if text.starts_with(TOOL_CALL_401) {
        (LogEventKind::ToolCallRefused, Some(401))
    } else if text.starts_with(AUTH_REQUIRED) {
        (LogEventKind::NeedsAuth, None)
    } else {
        return None;
    };
    Some(LogEvent {
        at,
        server: server.map(str::to_owned),
        status,
        reason: None,
        description: Some(text.to_owned()),
        kind,
        cwd: record.get("cwd").and_then(Value::as_str).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;

    /// The last three lines of `2026-12-06T07-47-51-619Z.jsonl` after
    /// `claude mcp list` with a revoked key (docs/research/client-logs.md;
    /// the session id is shortened there, the `…` fields left out).
    const REVOKED_AT_CONNECT: &str = r#"{"debug":"HTTP Connection failed after 24ms: SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED) (code: CLIENT_HTTP_NOT_IMPLEMENTED, errno: none)","timestamp":"2026-12-06T07:47:51.642Z","sessionId":"429d4726-…","cwd":"/tmp/research/cc-gemini/home-claude/proj"}
{"error":"SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED)","timestamp":"2026-12-06T07:47:51.642Z","sessionId":"429d4726-…","cwd":"/tmp/research/cc-gemini/home-claude/proj"}
{"error":"Server rejected the configured Authorization header (HTTP 401). Check that the token is valid for this MCP endpoint — OAuth fallback is disabled when headers.Authorization is set.","timestamp":"2026-12-06T07:47:51.646Z","sessionId":"429d4726-…","cwd":"/tmp/research/cc-gemini/home-claude/proj"}
"#;

    /// The key revoked while a tool call ran: all `debug` lines (the
    /// research elides the other fields of most; the timestamp is kept
    /// where it gave one, and the same one is used for the others).
    const REVOKED_MID_SESSION: &str = r#"{"debug":"Calling MCP tool: search","timestamp":"2026-12-06T07:53:47.265Z"}
{"debug":"HTTP connection dropped after 0s uptime","timestamp":"2026-12-06T07:53:47.265Z"}
{"debug":"Connection error: SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED)","timestamp":"2026-12-06T07:53:47.265Z"}
{"debug":"Tool 'search' failed after 0s: SdkHttpError dialing … (CLIENT_HTTP_NOT_IMPLEMENTED)","timestamp":"2026-12-06T07:53:47.265Z"}
{"debug":"Tool call returned 401 Unauthorized - token may have expired","timestamp":"2026-12-06T07:53:47.290Z"}
{"debug":"HTTP connection closed after 0s (with errors)","timestamp":"2026-12-06T07:53:47.290Z"}
"#;

    #[test]
    fn a_rejected_header_at_connect_is_one_auth_failure_with_its_status() {
        let events = parse(REVOKED_AT_CONNECT, Some("docs"));
        // The misleading CLIENT_HTTP_NOT_IMPLEMENTED lines are not events.
        assert_eq!(events.len(), 1, "{events:?}");
        let event = &events[0];
        assert_eq!(event.kind, LogEventKind::AuthFailure);
        assert_eq!(event.status, Some(401));
        assert_eq!(event.server.as_deref(), Some("docs"));
        assert_eq!(event.reason, None, "Claude Code logs no service reason");
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 7, 47, 51).single();
        assert_eq!(
            at.map(|at| at + chrono::Duration::milliseconds(646)),
            Some(event.at)
        );
    }

    #[test]
    fn a_refused_tool_call_mid_session_is_one_event_without_an_error_line() {
        let events = parse(REVOKED_MID_SESSION, Some("docs"));
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].kind, LogEventKind::ToolCallRefused);
        assert_eq!(events[0].status, Some(401));
    }

    #[test]
    fn the_server_name_comes_from_the_log_folder() {
        assert_eq!(server_from_dir("mcp-logs-docs"), Some("docs"));
        assert_eq!(server_from_dir("mcp-logs-"), None);
        assert_eq!(server_from_dir("docs"), None);
    }

    #[test]
    fn a_success_line_is_no_event() {
        let line = r#"{"debug":"Successfully connected (transport: http) in 20ms","timestamp":"2026-12-06T07:47:51.642Z"}"#;
        assert_eq!(parse_line(line, Some("docs")), None);
    }

    #[test]
    fn the_header_sentence_as_debug_text_is_not_a_failure() {
        // Only the `error` record states the refusal; a debug line quoting
        // it (none was seen) must not count twice.
        let line = r#"{"debug":"Server rejected the configured Authorization header (HTTP 401).","timestamp":"2026-12-06T07:47:51.642Z"}"#;
        assert_eq!(parse_line(line, None), None);
    }

    proptest! {
        #[test]
        fn any_text_parses_without_panicking(text in any::<String>()) {
            let _ = parse(&text, Some("docs"));
        }

        #[test]
        fn any_error_text_parses_without_panicking(text in any::<String>()) {
            let line = serde_json::json!({"error": text, "timestamp": "2026-12-06T07:47:51.642Z"});
            let _ = parse_line(&line.to_string(), None);
        }
    }
}
