//! The clients' own logs in the scan bench's home (DESIGN §10), as a busy
//! user's home holds them after two days: Claude Code's one file per
//! server per connection over many projects, Copilot's one log per process
//! with one of them grown to 1 GiB, and Codex's log database with rows of
//! every kind, an authentication refusal here and there in each.
//!
//! The 1 GiB log is sparse (`File::set_len`) with real log lines at its
//! end: the reader reads only its tail, and a sparse file costs the bench
//! no disk, but its length is what the reader sees.

use std::fs::{self, File};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use rusqlite::Connection;

/// Claude Code project folders (`<cwd-slug>`) with logs.
const CLAUDE_CODE_PROJECTS: usize = 20;
/// Servers configured in each.
const CLAUDE_CODE_SERVERS: [&str; 3] = ["docs", "search", "files"];
/// Connection attempts logged per server and project: one file each.
const CLAUDE_CODE_ATTEMPTS: usize = 10;
/// Copilot process logs besides the huge one.
const COPILOT_LOGS: usize = 30;
/// Lines of each of them.
const COPILOT_LINES: usize = 200;
/// The huge Copilot log's length.
pub const HUGE_LOG_BYTES: u64 = 1 << 30;
/// Real lines at the huge log's end: more than the reader's tail window,
/// so the whole window is text to parse.
const HUGE_LOG_TAIL_BYTES: usize = 2 * 1024 * 1024;
/// Rows of Codex's `logs` table.
const CODEX_ROWS: usize = 100_000;
/// One refused key (two rows) every this many rows.
const CODEX_REFUSAL_EVERY: usize = 1000;

/// What was written.
pub struct Written {
    /// Log files (Codex's database counts as one).
    pub files: usize,
}

/// Writes the logs of Claude Code, Copilot and Codex under `home` at their
/// default places (no `XDG_CACHE_HOME` or `CODEX_HOME`), all written in
/// the hour before `now`.
pub fn write(home: &Path, now: DateTime<Utc>) -> Result<Written> {
    let mut files = 0;
    files += claude_code(home, now)?;
    files += copilot(home, now)?;
    codex(&home.join(".codex/logs_2.sqlite"), now)?;
    Ok(Written { files: files + 1 })
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Claude Code's `mcp-logs-<server>/<ISO-ts>.jsonl` files: each attempt
/// connects and lists tools, and one in four is refused.
fn claude_code(home: &Path, now: DateTime<Utc>) -> Result<usize> {
    let mut files = 0;
    for project in 0..CLAUDE_CODE_PROJECTS {
        let cwd = format!("/home/bench/src/project-{project:02}");
        let slug = cwd.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        for server in CLAUDE_CODE_SERVERS {
            let dir = home
                .join(".cache/claude-cli-nodejs")
                .join(&slug)
                .join(format!("mcp-logs-{server}"));
            fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for attempt in 0..CLAUDE_CODE_ATTEMPTS {
                let minutes = i64::try_from(project * CLAUDE_CODE_ATTEMPTS + attempt)?;
                let at = now - TimeDelta::minutes(60) + TimeDelta::seconds(minutes * 10);
                let name = stamp(at).replace([':', '.'], "-");
                let line = |level: &str, text: &str, offset: i64| {
                    format!(
                        "{{\"{level}\":{},\"timestamp\":\"{}\",\"sessionId\":\"0b6f{project:04}\",\"cwd\":\"{cwd}\"}}\n",
                        serde_json::Value::from(text),
                        stamp(at + TimeDelta::milliseconds(offset))
                    )
                };
                let mut text = line(
                    "debug",
                    "HTTP transport options: {\"url\":\"http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp\",\"headers\":{\"Authorization\":\"[REDACTED]\"},\"hasAuthProvider\":false}",
                    0,
                );
                if attempt % 4 == 0 {
                    text += &line(
                        "debug",
                        "HTTP Connection failed after 24ms: SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED)",
                        24,
                    );
                    text += &line(
                        "error",
                        "Server rejected the configured Authorization header (HTTP 401). Check that the token is valid for this MCP endpoint — OAuth fallback is disabled when headers.Authorization is set.",
                        28,
                    );
                } else {
                    text += &line(
                        "debug",
                        "Successfully connected (transport: http) in 20ms",
                        20,
                    );
                    text += &line(
                        "debug",
                        "Connection established with capabilities: {\"hasTools\":true,\"serverVersion\":{\"name\":\"mcp-keys\",\"version\":\"0.1.0\"}}",
                        21,
                    );
                    for call in 0..8 {
                        text += &line("debug", "Calling MCP tool: search", 100 + call);
                        text += &line(
                            "debug",
                            "Tool 'search' completed successfully in 12ms",
                            112 + call,
                        );
                    }
                }
                write_file(&dir.join(format!("{name}.jsonl")), &text)?;
                files += 1;
            }
        }
    }
    Ok(files)
}

/// A Copilot log line at `at`.
fn copilot_line(at: DateTime<Utc>, index: usize) -> String {
    let at = stamp(at);
    match (index % 50, index % 3) {
        (0, _) => format!(
            "{at} [WARNING] [rust:mcp_client::session_authorizer] MCP OAuth authorization failed; reporting the server as needing auth {{\"server\":\"docs\",\"error\":\"Browser-based OAuth required for http://127.0.0.1:7491/v1/products/P/surfaces/S/mcp\"}}\n\
             {at} [WARNING] [rust:mcp_engine::agent_host] HTTP 401 challenge (WWW-Authenticate: ******\"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\") {{\"server\":\"docs\",\"error\":\"MCP OAuth authorization failed\"}}\n"
        ),
        (_, 0) => format!(
            "{at} [INFO] [rust:mcp_engine::agent_host] Starting MCP server search (http) {{\"server\":\"search\",\"tools\":12}}\n"
        ),
        (_, 1) => format!(
            "{at} [DEBUG] [rust:copilot_agent::session] model response received in 812ms {{\"tokens\":1432,\"model\":\"gpt-4.1\"}}\n"
        ),
        _ => {
            format!("{at} [INFO] Loaded 3 MCP servers from /home/bench/.copilot/mcp-config.json\n")
        }
    }
}

/// Copilot's `process-<epoch ms>-<pid>.log` files, the last one 1 GiB.
fn copilot(home: &Path, now: DateTime<Utc>) -> Result<usize> {
    let dir = home.join(".copilot/logs");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for process in 0..COPILOT_LOGS {
        let started = now - TimeDelta::minutes(60) + TimeDelta::minutes(i64::try_from(process)?);
        let mut text = String::new();
        for index in 0..COPILOT_LINES {
            let at = started + TimeDelta::milliseconds(i64::try_from(index)?);
            text += &copilot_line(at, index);
        }
        let name = format!(
            "process-{}-{}.log",
            started.timestamp_millis(),
            4000 + process
        );
        write_file(&dir.join(name), &text)?;
    }
    let started = now - TimeDelta::minutes(5);
    let path = dir.join(format!("process-{}-9999.log", started.timestamp_millis()));
    let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut tail = String::with_capacity(HUGE_LOG_TAIL_BYTES + 512);
    let mut index = 0;
    while tail.len() < HUGE_LOG_TAIL_BYTES {
        tail += &copilot_line(
            started + TimeDelta::milliseconds(i64::try_from(index)?),
            index,
        );
        index += 1;
    }
    let tail_len = u64::try_from(tail.len())?;
    // The sparse part reads as NUL bytes: a newline ends it, so the real
    // lines start on a line of their own and the file is exactly 1 GiB.
    file.set_len(HUGE_LOG_BYTES - tail_len - 1)
        .with_context(|| format!("growing {}", path.display()))?;
    let mut writer = BufWriter::new(file);
    writer.seek(SeekFrom::End(0))?;
    writer.write_all(b"\n")?;
    writer.write_all(tail.as_bytes())?;
    writer.flush()?;
    Ok(COPILOT_LOGS + 1)
}

/// Codex's `logs_2.sqlite` with its `logs` table (the schema of 0.171.0).
fn codex(path: &Path, now: DateTime<Utc>) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut connection =
        Connection::open(path).with_context(|| format!("creating {}", path.display()))?;
    connection.execute_batch(
        "CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER, ts_nanos INTEGER, \
         level TEXT, target TEXT, feedback_log_body TEXT, module_path TEXT, file TEXT, \
         line INTEGER, thread_id TEXT, process_uuid TEXT, estimated_bytes INTEGER);",
    )?;
    let transaction = connection.transaction()?;
    {
        let mut insert = transaction.prepare(
            "INSERT INTO logs (ts, ts_nanos, level, target, feedback_log_body, process_uuid) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let start = (now - TimeDelta::minutes(60)).timestamp();
        for row in 0..CODEX_ROWS {
            let ts = start + i64::try_from(row / 30)?;
            let nanos = i64::try_from(row % 30)? * 30_000_000;
            let process = format!("pid:{}:0b6f", 7000 + row / 10_000);
            let (level, target, body) = if row % CODEX_REFUSAL_EVERY == 0 {
                (
                    "ERROR",
                    "rmcp::transport::worker",
                    r#"worker quit with fatal: Transport channel closed, when AuthRequired(AuthRequiredError { www_authenticate_header: "Bearer realm=\"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\"" })"#,
                )
            } else if row % CODEX_REFUSAL_EVERY == 3 {
                (
                    "WARN",
                    "codex_mcp::rmcp_client",
                    r#"app_server.request{rpc.method="thread/start" app_server.client_name="codex-tui" app_server.client_version="0.171.0"}:session_init.mcp_manager_init:mcp.runtime.refresh:new{server_name=docs}:mcp.request: MCP server startup failed server_name="docs" error=handshaking with MCP server failed: Send message error Transport [codex_rmcp_client::StreamableHttpClientAdapter] error: Auth required, when send initialize request"#,
                )
            } else {
                (
                    "INFO",
                    "codex_core::codex",
                    r#"app_server.request{rpc.method="turn/start"}:submission_dispatch{otel.name="op.dispatch.user_input" submission.id="0b6f"}: codex_core::codex: new turn started model="gpt-5" effort=medium"#,
                )
            };
            insert.execute((ts, nanos, level, target, body, process))?;
        }
    }
    transaction.commit()?;
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_keys_ide::logs::{MAX_FILES_PER_CLIENT, RECENT_FAILURES, read_client_logs};
    use mcp_keys_ide::{ClientId, DiscoverOptions, Os};

    #[test]
    fn the_bench_logs_are_read_as_a_busy_home_would_be() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let now = Utc::now();
        let written = write(dir.path(), now)?;
        assert_eq!(
            written.files,
            CLAUDE_CODE_PROJECTS * CLAUDE_CODE_SERVERS.len() * CLAUDE_CODE_ATTEMPTS
                + COPILOT_LOGS
                + 2
        );
        let huge = fs::read_dir(dir.path().join(".copilot/logs"))?
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .map(|metadata| metadata.len())
            .max();
        assert_eq!(huge, Some(HUGE_LOG_BYTES));
        let mut options = DiscoverOptions::new(dir.path());
        options.os = Os::Linux;
        options.env = Default::default();
        let logs = read_client_logs(&options, now - RECENT_FAILURES);
        let read = |client: ClientId| {
            logs.sources
                .iter()
                .find(|source| source.client == client)
                .map(|source| (source.files.len(), source.unreadable.len()))
        };
        // More Claude Code files than the reader opens: the newest only.
        assert_eq!(read(ClientId::ClaudeCode), Some((MAX_FILES_PER_CLIENT, 0)));
        assert_eq!(read(ClientId::CopilotCli), Some((COPILOT_LOGS + 1, 0)));
        assert_eq!(read(ClientId::Codex), Some((1, 0)));
        for client in [ClientId::ClaudeCode, ClientId::CopilotCli, ClientId::Codex] {
            assert!(
                logs.events.iter().any(|event| event.client == client),
                "{client} has refusals in its log"
            );
        }
        Ok(())
    }
}
