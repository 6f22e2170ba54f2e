//! Copilot CLI's per-process log (1.0.102, measured on Linux):
//! `~/.copilot/logs/process-<epoch ms>-<pid>.log`, one line per event:
//! `<ISO-8601 UTC>Z [LEVEL] [rust:<target>] <message> <optional JSON>`.
//!
//! The refusal worth most is the `HTTP <status> challenge (WWW-Authenticate:
//! ...) {"server":NAME,...}` line: the server's name and the service's
//! `error_description` on one line. Copilot's secret redactor replaces
//! `Bearer realm="` with `******`, so the challenge is matched on its
//! `error=` and `error_description=` parameters, never on the realm. The
//! sentences and `rust:` targets are Copilot's own and may change.

use serde_json::Value;

use super::{LogEvent, LogEventKind, parse_time, quoted_param, status_after};

/// The line that carries the challenge and the server's name.
const CHALLENGE: &str = " challenge (WWW-Authenticate: ";
/// Copilot gave up authorizing the server (startup or tool call).
const NEEDS_AUTH: &str = "reporting the server as needing auth";
/// The interactive client opening a browser OAuth flow.
const OPENING_BROWSER: &str = "Opening browser for ";
/// The end of [`OPENING_BROWSER`]'s line after the server's name.
const OPENING_BROWSER_END: &str = " authentication...";
/// A browser OAuth flow that failed or was aborted.
const OAUTH_FAILED: &str = "OAuth authentication failed for ";

/// The events of a log's text.
pub fn parse(text: &str) -> Vec<LogEvent> {
    text.lines().filter_map(parse_line).collect()
}

/// The event of one line, if it is one we know.
pub fn parse_line(line: &str) -> Option<LogEvent> {
    let (stamp, rest) = line.split_once(' ')?;
    let at = parse_time(stamp)?;
    // `[LEVEL] ` then, for the Rust side, `[rust:<target>] `.
    let rest = rest.strip_prefix('[')?.split_once("] ")?.1;
    let message = match rest.strip_prefix("[rust:") {
        Some(targeted) => targeted.split_once("] ")?.1,
        None => rest,
    };
    if message.starts_with("HTTP ") && message.contains(CHALLENGE) {
        let fields = trailing_json(message);
        return Some(LogEvent {
            at,
            server: string_field(fields.as_ref(), "server"),
            status: status_after(message, "HTTP "),
            reason: quoted_param(message, "error="),
            description: quoted_param(message, "error_description="),
            kind: LogEventKind::AuthFailure,
            cwd: None,
        });
    }
    if message.contains(NEEDS_AUTH) {
        let fields = trailing_json(message);
        return Some(LogEvent {
            at,
            server: string_field(fields.as_ref(), "server"),
            status: None,
            reason: None,
            description: string_field(fields.as_ref(), "error"),
            kind: LogEventKind::NeedsAuth,
            cwd: None,
        });
    }
    if let Some(after) = message.strip_prefix(OPENING_BROWSER) {
        let server = after.strip_suffix(OPENING_BROWSER_END)?;
        return Some(LogEvent {
            at,
            server: Some(server.to_owned()),
            status: None,
            reason: None,
            description: None,
            kind: LogEventKind::OAuthStarted,
            cwd: None,
        });
    }
    if let Some(after) = message.strip_prefix(OAUTH_FAILED) {
        let (server, why) = after.split_once(": ")?;
        return Some(LogEvent {
            at,
            server: Some(server.to_owned()),
            status: None,
            reason: None,
            description: Some(why.to_owned()),
            kind: LogEventKind::OAuthFailed,
            cwd: None,
        });
    }
    None
}

/// The JSON object that ends a message (`... {"server":"docs",...}`): the
/// last `{"` from which the rest of the line parses as one object.
fn trailing_json(message: &str) -> Option<Value> {
    let mut end = message.len();
    while let Some(start) = message.get(..end)?.rfind("{\"") {
        if let Ok(value @ Value::Object(_)) = serde_json::from_str(message.get(start..)?) {
            return Some(value);
        }
        end = start;
    }
    None
}

/// A string field of the trailing JSON object.
fn string_field(fields: Option<&Value>, name: &str) -> Option<String> {
    fields?.get(name)?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `copilot -p` with a revoked key, default log level: the three lines
    /// of docs/research/client-logs.md (surface ids shortened there).
    const REVOKED_AT_STARTUP: &str = r#"2026-12-06T07:54:28.528Z [ERROR] [rust:rmcp::transport::worker] worker quit with fatal: Transport channel closed, when Client(OAuthChallenge { www_authenticate_header: "******"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\"", response: McpOAuthHttpResponse { status_code: 401, header_count: 4, has_body: true } })
2026-12-06T07:54:28.811Z [WARNING] [rust:mcp_client::session_authorizer] MCP OAuth authorization failed; reporting the server as needing auth {"server":"docs","error":"Browser-based OAuth required for http://127.0.0.1:7491/v1/products/01a24a52-…/surfaces/01a24a52-…/mcp"}
2026-12-06T07:54:28.811Z [WARNING] [rust:mcp_engine::agent_host] HTTP 401 challenge (WWW-Authenticate: ******"mcp-keys", error="invalid_token", error_description="the API key has been revoked") {"server":"docs","error":"MCP OAuth authorization failed"}
"#;

    /// The interactive client with a revoked key: it opens a browser OAuth
    /// flow, quit with Ctrl-C after 10 s (the first line is elided in the
    /// research as well).
    const REVOKED_INTERACTIVE: &str = r#"2026-12-06T07:57:51.195Z [ERROR] [rust:rmcp::transport::worker] worker quit with fatal: … error_description=\"the API key has been revoked\"" …
2026-12-06T07:57:51.495Z [ERROR] Connecting to docs...
2026-12-06T07:57:51.550Z [ERROR] Opening browser for docs authentication...
2026-12-06T07:57:51.579Z [ERROR] Waiting for authorization in browser...
2026-12-06T07:58:00.054Z [WARNING] [rust:mcp_engine::agent_host] HTTP 401 challenge (WWW-Authenticate: ******"mcp-keys", error="invalid_token", error_description="the API key has been revoked") {"server":"docs","error":"MCP authorization was cancelled"}
2026-12-06T07:58:00.076Z [ERROR] OAuth authentication failed for docs: MCPOAuthAbortError: OAuth flow was aborted
"#;

    /// A surface in `oauth` mode refusing a valid key (the challenge also
    /// carries `resource_metadata` and `scope`).
    const AUTH_MODE: &str = r#"2026-12-06T08:10:00.000Z [WARNING] [rust:mcp_engine::agent_host] HTTP 401 challenge (WWW-Authenticate: ******"mcp-keys", error="invalid_token", error_description="the surface does not accept this kind of credential: its authentication mode allows only API keys, or only OAuth", resource_metadata="http://127.0.0.1:7491/.well-known/oauth-protected-resource/v1/products/P/surfaces/S/mcp", scope="search other") {"server":"docs","error":"MCP OAuth authorization failed"}"#;

    fn kinds(events: &[LogEvent]) -> Vec<LogEventKind> {
        events.iter().map(|event| event.kind).collect()
    }

    #[test]
    fn a_startup_refusal_gives_the_server_and_the_services_description() {
        let events = parse(REVOKED_AT_STARTUP);
        // The worker line names no server and is not an event.
        assert_eq!(
            kinds(&events),
            [LogEventKind::NeedsAuth, LogEventKind::AuthFailure]
        );
        let failure = &events[1];
        assert_eq!(failure.server.as_deref(), Some("docs"));
        assert_eq!(failure.status, Some(401));
        assert_eq!(failure.reason.as_deref(), Some("invalid_token"));
        assert_eq!(
            failure.description.as_deref(),
            Some("the API key has been revoked")
        );
        assert_eq!(events[0].server.as_deref(), Some("docs"));
        assert!(events[0].description.as_deref().is_some_and(|text| {
            text.starts_with("Browser-based OAuth required for http://127.0.0.1:7491/")
        }));
    }

    #[test]
    fn the_interactive_client_starting_oauth_on_a_refused_key_is_recorded() {
        let events = parse(REVOKED_INTERACTIVE);
        assert_eq!(
            kinds(&events),
            [
                LogEventKind::OAuthStarted,
                LogEventKind::AuthFailure,
                LogEventKind::OAuthFailed
            ]
        );
        assert!(
            events
                .iter()
                .all(|event| event.server.as_deref() == Some("docs"))
        );
        assert_eq!(
            events[1].description.as_deref(),
            Some("the API key has been revoked")
        );
        assert_eq!(
            events[2].description.as_deref(),
            Some("MCPOAuthAbortError: OAuth flow was aborted")
        );
    }

    #[test]
    fn an_auth_mode_refusal_keeps_the_whole_description() {
        let event = parse_line(AUTH_MODE);
        assert_eq!(
            event.and_then(|event| event.description),
            Some(
                "the surface does not accept this kind of credential: its authentication mode allows only API keys, or only OAuth"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_line_without_a_timestamp_is_no_event() {
        assert_eq!(
            parse_line("[WARNING] HTTP 401 challenge (WWW-Authenticate: x)"),
            None
        );
        assert_eq!(parse_line(""), None);
    }

    #[test]
    fn a_parameter_name_inside_a_longer_one_is_not_taken() {
        let message = r#"error_description="d", error="e""#;
        assert_eq!(quoted_param(message, "error=").as_deref(), Some("e"));
    }

    proptest! {
        #[test]
        fn any_text_parses_without_panicking(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn any_message_after_a_valid_prefix_parses_without_panicking(message in any::<String>()) {
            let line = format!("2026-12-06T07:54:28.811Z [WARNING] [rust:x] {message}");
            let _ = parse_line(&line);
            let line = format!("2026-12-06T07:54:28.811Z [WARNING] [rust:x] HTTP 401 challenge (WWW-Authenticate: {message}");
            let _ = parse_line(&line);
        }
    }
}
