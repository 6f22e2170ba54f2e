//! The log parsers on lines "from other versions" of the clients
//! (`tests/fixtures/logs/`): what they must read, and what they must not
//! misread.

use std::fs;
use std::path::Path;

use mcp_keys_ide::logs::{LogEvent, LogEventKind, claude_code, codex, copilot};

use crate::logs::time;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> std::io::Result<String> {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/logs")
            .join(name),
    )
}

/// An event's kind, status, server and the server's (or client's) words.
type Summary<'a> = (LogEventKind, Option<u16>, Option<&'a str>, Option<&'a str>);

/// The [`Summary`] of each event.
fn summary(events: &[LogEvent]) -> Vec<Summary<'_>> {
    events
        .iter()
        .map(|event| {
            (
                event.kind,
                event.status,
                event.server.as_deref(),
                event.description.as_deref(),
            )
        })
        .collect()
}

#[test]
fn claude_code_lines_of_other_versions_are_not_misread() -> TestResult {
    let text = fixture("claude-code-other-versions.jsonl")?;
    let events = claude_code::parse(&text, Some("docs"));
    use LogEventKind::*;
    assert_eq!(
        summary(&events),
        [
            // A status that is not three digits is no status, not a guess.
            (
                AuthFailure,
                None,
                Some("docs"),
                Some("Server rejected the configured Authorization header (HTTP 4O1).")
            ),
            // Extra fields, another order, a time with an offset.
            (
                AuthFailure,
                Some(403),
                Some("docs"),
                Some(
                    "Server rejected the configured Authorization header (HTTP 403). Check that \
                     the token is valid for this MCP endpoint."
                )
            ),
            (
                ToolCallRefused,
                Some(401),
                Some("docs"),
                Some("Tool call returned 401 Unauthorized - token may have expired")
            ),
            (
                NeedsAuth,
                None,
                Some("docs"),
                Some("Authentication required for HTTP server")
            ),
        ],
        "the cut first line, the debug line quoting the refusal, reworded sentences, an error \
         that is an object, times that are not RFC 3339, a sentence in the middle of a line and \
         the unfinished last line are no events"
    );
    assert_eq!(
        events.get(1).map(|event| event.at),
        Some(time("2026-12-06T07:40:00.800Z")),
        "the offset is taken into account"
    );
    assert_eq!(
        events.get(1).and_then(|event| event.cwd.as_deref()),
        Some("/home/u/other proj")
    );
    Ok(())
}

#[test]
fn copilot_lines_of_other_versions_are_not_misread() -> TestResult {
    let text = fixture("copilot-other-versions.log")?;
    let events = copilot::parse(&text);
    use LogEventKind::*;
    let revoked = Some("the API key has been revoked");
    assert_eq!(
        summary(&events),
        [
            // Extra JSON fields, one holding a server name in a string.
            (
                AuthFailure,
                Some(401),
                Some("docs"),
                Some("the API key has expired")
            ),
            // Not redacted, and `[WARN]` for `[WARNING]`.
            (AuthFailure, Some(401), Some("search-prod"), revoked),
            // A 403 of another target.
            (
                AuthFailure,
                Some(403),
                Some("docs"),
                Some("the API key is not allowed to use this capability")
            ),
            (
                NeedsAuth,
                None,
                Some("docs"),
                Some(
                    "Browser-based OAuth required for http://127.0.0.1:7491/v1/products/P/surfaces/S/mcp"
                )
            ),
            (OAuthStarted, None, Some("docs"), None),
            // Text after the JSON object: the server is not known, rather
            // than taken from somewhere else on the line.
            (AuthFailure, Some(401), None, revoked),
            (
                OAuthFailed,
                None,
                Some("docs"),
                Some("MCPOAuthAbortError: OAuth flow was aborted")
            ),
            // The last line, cut short: its JSON does not parse.
            (AuthFailure, Some(401), None, revoked),
        ],
        "the cut first line, the worker line, a time with a space, an INFO line that mentions a \
         challenge and a reworded browser line are no events"
    );
    assert!(
        events
            .iter()
            .filter(|event| event.kind == AuthFailure)
            .all(|event| event.reason.is_some()),
        "every challenge has its error code"
    );
    Ok(())
}

/// The rows of `codex-other-versions.jsonl`, one JSON object a line.
fn codex_rows(text: &str) -> Result<Vec<codex::LogRow>, Box<dyn std::error::Error>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line)?;
        let number = |name: &str| row[name].as_i64().ok_or(format!("{name} in {line}"));
        let text = |name: &str| row[name].as_str().map(str::to_owned);
        rows.push(codex::LogRow {
            id: number("id")?,
            ts: number("ts")?,
            ts_nanos: number("tsNanos")?,
            target: text("target").unwrap_or_default(),
            process_uuid: text("processUuid"),
            body: text("body").unwrap_or_default(),
        });
    }
    Ok(rows)
}

#[test]
fn codex_rows_of_other_versions_are_not_misread() -> TestResult {
    let rows = codex_rows(&fixture("codex-other-versions.jsonl")?)?;
    let events = codex::events(&rows);
    let by_server = |server: &str| {
        events
            .iter()
            .filter(|event| event.server.as_deref() == Some(server))
            .collect::<Vec<_>>()
    };
    // The challenge of an `oauth` surface has more parameters after the
    // description; they are not part of it.
    let docs = by_server("docs");
    assert_eq!(docs.len(), 1, "{events:?}");
    assert_eq!(
        docs[0].description.as_deref(),
        Some(
            "the surface does not accept this kind of credential: its authentication mode \
             allows only API keys, or only OAuth"
        )
    );
    // The header's parameters in another order.
    assert_eq!(
        by_server("search-prod")
            .iter()
            .map(|event| event.description.as_deref())
            .collect::<Vec<_>>(),
        [Some("the API key has expired")]
    );
    // A connection refused at startup is no authentication failure.
    assert!(by_server("local").is_empty(), "{events:?}");
    // Two servers failing at once in one process: each is reported once,
    // paired in order with the challenges, and no description is made up.
    assert_eq!(by_server("alpha").len(), 1);
    assert_eq!(by_server("beta").len(), 1);
    let described: Vec<&str> = rows.iter().map(|row| row.body.as_str()).collect();
    assert!(events.iter().all(|event| {
        event.description.as_deref().is_none_or(|description| {
            described
                .iter()
                .any(|body| body.contains(&format!("error_description=\\\"{description}\\\"")))
        })
    }));
    // A server name without quotes is not read; its challenge is still an
    // event. The row with an impossible time is none.
    assert_eq!(
        by_server("alpha")[0].description.as_deref(),
        Some("the API key has been revoked")
    );
    assert_eq!(
        by_server("beta")[0].description.as_deref(),
        Some("the API key has expired")
    );
    let unnamed = events.iter().filter(|event| event.server.is_none()).count();
    assert_eq!(unnamed, 1, "{events:?}");
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(events.windows(2).all(|pair| pair[0].at <= pair[1].at));
    Ok(())
}
