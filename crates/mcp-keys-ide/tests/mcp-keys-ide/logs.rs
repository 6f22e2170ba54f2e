//! The clients' own logs (DESIGN §10): `read_client_logs` over a temporary
//! home with a log of every client that writes one, where the environment
//! puts them. The parsers on lines of other versions are in
//! `log_fixtures.rs`.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use mcp_keys_ide::logs::{
    ClientLogs, LogEventKind, LogSourceRead, MAX_FILES_PER_CLIENT, read_client_logs,
};
use mcp_keys_ide::{ClientId, DiscoverOptions};
use rusqlite::Connection;

use crate::support::options;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The last three lines of a Claude Code log after `claude mcp list` with a
/// revoked key (docs/research/client-logs.md).
const CLAUDE_CODE_REVOKED: &str = r#"{"debug":"HTTP Connection failed after 24ms: SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED) (code: CLIENT_HTTP_NOT_IMPLEMENTED, errno: none)","timestamp":"2026-12-06T07:47:51.642Z","sessionId":"429d4726","cwd":"/home/u/proj"}
{"error":"SdkHttpError dialing http://127.0.0.1:47611/v1/products/REDACTED/surfaces/REDACTED/mcp (CLIENT_HTTP_NOT_IMPLEMENTED)","timestamp":"2026-12-06T07:47:51.642Z","sessionId":"429d4726","cwd":"/home/u/proj"}
{"error":"Server rejected the configured Authorization header (HTTP 401). Check that the token is valid for this MCP endpoint — OAuth fallback is disabled when headers.Authorization is set.","timestamp":"2026-12-06T07:47:51.646Z","sessionId":"429d4726","cwd":"/home/u/proj"}
"#;

/// `copilot -p` with a revoked key, default log level.
const COPILOT_REVOKED: &str = r#"2026-12-06T07:54:28.528Z [ERROR] [rust:rmcp::transport::worker] worker quit with fatal: Transport channel closed, when Client(OAuthChallenge { www_authenticate_header: "******"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\"", response: McpOAuthHttpResponse { status_code: 401, header_count: 4, has_body: true } })
2026-12-06T07:54:28.811Z [WARNING] [rust:mcp_client::session_authorizer] MCP OAuth authorization failed; reporting the server as needing auth {"server":"docs","error":"Browser-based OAuth required for http://127.0.0.1:7491/v1/products/P/surfaces/S/mcp"}
2026-12-06T07:54:28.811Z [WARNING] [rust:mcp_engine::agent_host] HTTP 401 challenge (WWW-Authenticate: ******"mcp-keys", error="invalid_token", error_description="the API key has been revoked") {"server":"docs","error":"MCP OAuth authorization failed"}
"#;

/// The two rows of a refused key in Codex's `logs` table (ids 117 and 124
/// of the research, 2026-12-06T07:51:17Z), with an unrelated row between.
const CODEX_ROWS: [(i64, i64, &str, &str, &str); 3] = [
    (
        117,
        824_588_348,
        "ERROR",
        "rmcp::transport::worker",
        r#"worker quit with fatal: Transport channel closed, when AuthRequired(AuthRequiredError { www_authenticate_header: "Bearer realm=\"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\"" })"#,
    ),
    (120, 830_000_000, "INFO", "codex_core::codex", "unrelated"),
    (
        124,
        837_537_153,
        "WARN",
        "codex_mcp::rmcp_client",
        r#"app_server.request{rpc.method="thread/start"}:mcp.runtime.refresh:new{server_name=docs}:mcp.request: MCP server startup failed server_name="docs" error=handshaking with MCP server failed: Send message error Transport [codex_rmcp_client::StreamableHttpClientAdapter] error: Auth required, when send initialize request"#,
    ),
];

/// The seconds of [`CODEX_ROWS`].
const CODEX_TS: i64 = 1_796_543_477;

/// Codex 0.171.0's `logs` table (docs/research/client-logs.md).
const CODEX_SCHEMA: &str = "CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER, \
     ts_nanos INTEGER, level TEXT, target TEXT, feedback_log_body TEXT, module_path TEXT, \
     file TEXT, line INTEGER, thread_id TEXT, process_uuid TEXT, estimated_bytes INTEGER);";

pub(crate) fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The window of the tests: the day of the research's runs.
fn since() -> DateTime<Utc> {
    time("2026-12-06T00:00:00Z")
}

/// A file time inside the window, and one days before it.
fn recent() -> DateTime<Utc> {
    time("2026-12-06T09:00:00Z")
}

fn old() -> DateTime<Utc> {
    time("2026-12-01T09:00:00Z")
}

/// A temporary home with the cache and Codex folders moved by the
/// environment, as `XDG_CACHE_HOME` and `CODEX_HOME` move them.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> std::io::Result<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    fn cache(&self) -> PathBuf {
        self.root().join("xdg-cache")
    }

    fn codex_home(&self) -> PathBuf {
        self.root().join("codex-home")
    }

    /// A Claude Code log of server `server` written at `at`.
    fn claude_code_log(&self, server: &str, name: &str) -> PathBuf {
        self.cache()
            .join("claude-cli-nodejs/-home-u-proj")
            .join(format!("mcp-logs-{server}"))
            .join(name)
    }

    fn copilot_log(&self, name: &str) -> PathBuf {
        self.home().join(".copilot/logs").join(name)
    }

    fn options(&self) -> DiscoverOptions {
        let cache = self.cache().display().to_string();
        let codex = self.codex_home().display().to_string();
        options(
            self.root(),
            &[("XDG_CACHE_HOME", &cache), ("CODEX_HOME", &codex)],
        )
    }
}

/// Writes `text` to `path`, last modified at `at`.
fn write(path: &Path, text: &str, at: DateTime<Utc>) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)?;
    touch(path, at)
}

fn touch(path: &Path, at: DateTime<Utc>) -> std::io::Result<()> {
    File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::from(at))
}

/// A Codex log database at `path` with [`CODEX_ROWS`], left open (the
/// daemon keeps it open) or closed.
fn codex_database(path: &Path, wal: bool) -> rusqlite::Result<Connection> {
    if let Some(parent) = path.parent() {
        let _ = fs::create_dir_all(parent);
    }
    let connection = Connection::open(path)?;
    if wal {
        // Rows stay in the write-ahead log until a checkpoint, as Codex's do.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "wal_autocheckpoint", 0)?;
    }
    connection.execute_batch(CODEX_SCHEMA)?;
    for (id, nanos, level, target, body) in CODEX_ROWS {
        connection.execute(
            "INSERT INTO logs (id, ts, ts_nanos, level, target, feedback_log_body, process_uuid) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pid:4242:0b6f')",
            (id, CODEX_TS, nanos, level, target, body),
        )?;
    }
    Ok(connection)
}

/// Every file under `root` with its length and time: what a read must
/// leave as it found it.
fn tree(root: &Path) -> std::io::Result<BTreeMap<PathBuf, (u64, Option<SystemTime>)>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let metadata = entry.metadata()?;
            if metadata.is_dir() {
                dirs.push(entry.path());
            }
            files.insert(entry.path(), (metadata.len(), metadata.modified().ok()));
        }
    }
    Ok(files)
}

fn source(logs: &ClientLogs, client: ClientId) -> Option<&LogSourceRead> {
    logs.sources.iter().find(|source| source.client == client)
}

fn files(logs: &ClientLogs, client: ClientId) -> Vec<PathBuf> {
    source(logs, client)
        .map(|source| source.files.iter().map(PathBuf::from).collect())
        .unwrap_or_default()
}

/// The events of `client`: kind, server and the server's words.
fn events(logs: &ClientLogs, client: ClientId) -> Vec<(LogEventKind, Option<&str>, Option<&str>)> {
    logs.events
        .iter()
        .filter(|event| event.client == client)
        .map(|event| {
            (
                event.event.kind,
                event.event.server.as_deref(),
                event.event.description.as_deref(),
            )
        })
        .collect()
}

#[test]
fn every_clients_recent_log_is_read_where_the_environment_puts_it() -> TestResult {
    let home = Home::new()?;
    let claude = home.claude_code_log("docs", "2026-12-06T07-47-51-619Z.jsonl");
    write(&claude, CLAUDE_CODE_REVOKED, recent())?;
    let copilot = home.copilot_log("process-1796543668000-4242.log");
    write(&copilot, COPILOT_REVOKED, recent())?;
    let codex = home.codex_home().join("logs_2.sqlite");
    drop(codex_database(&codex, false)?);
    touch(&codex, recent())?;
    // The default places, which XDG_CACHE_HOME and CODEX_HOME replace.
    write(
        &home
            .home()
            .join(".cache/claude-cli-nodejs/-home-u-proj/mcp-logs-docs/x.jsonl"),
        CLAUDE_CODE_REVOKED,
        recent(),
    )?;
    drop(codex_database(
        &home.home().join(".codex/logs_2.sqlite"),
        false,
    )?);
    let before = tree(home.root())?;

    let logs = read_client_logs(&home.options(), since());

    assert_eq!(files(&logs, ClientId::ClaudeCode), [claude]);
    assert_eq!(files(&logs, ClientId::CopilotCli), [copilot]);
    assert_eq!(files(&logs, ClientId::Codex), [codex]);
    let auth_failure = |server| {
        (
            LogEventKind::AuthFailure,
            Some(server),
            Some("the API key has been revoked"),
        )
    };
    assert_eq!(
        events(&logs, ClientId::ClaudeCode),
        [(
            LogEventKind::AuthFailure,
            Some("docs"),
            Some(
                "Server rejected the configured Authorization header (HTTP 401). Check that the \
                 token is valid for this MCP endpoint — OAuth fallback is disabled when \
                 headers.Authorization is set."
            )
        )]
    );
    assert_eq!(events(&logs, ClientId::Codex), [auth_failure("docs")]);
    assert_eq!(
        events(&logs, ClientId::CopilotCli),
        [
            (
                LogEventKind::NeedsAuth,
                Some("docs"),
                Some(
                    "Browser-based OAuth required for http://127.0.0.1:7491/v1/products/P/surfaces/S/mcp"
                )
            ),
            auth_failure("docs")
        ]
    );
    // Claude Code at 07:47, Codex at 07:51, Copilot at 07:54.
    let clients: Vec<ClientId> = logs.events.iter().map(|event| event.client).collect();
    assert_eq!(
        clients,
        [
            ClientId::ClaudeCode,
            ClientId::Codex,
            ClientId::CopilotCli,
            ClientId::CopilotCli
        ]
    );
    assert!(
        logs.events
            .windows(2)
            .all(|pair| pair[0].event.at <= pair[1].event.at),
        "oldest first"
    );
    let gemini = source(&logs, ClientId::GeminiCli);
    assert!(
        gemini
            .and_then(|gemini| gemini.no_log.as_deref())
            .is_some_and(|reason| reason.contains("writes no log file")),
        "{gemini:?}"
    );
    for client in [ClientId::ClaudeCode, ClientId::CopilotCli, ClientId::Codex] {
        let read = source(&logs, client);
        assert!(
            read.is_some_and(|read| read.measured
                && read.unreadable.is_empty()
                && read.no_log.is_none()),
            "{read:?}"
        );
    }
    // Only the clients with a log source are reported.
    assert_eq!(logs.sources.len(), 4);
    // Logs are only read: no file written, created or touched (SQLite's
    // read-only open makes no journal beside the database).
    assert_eq!(tree(home.root())?, before);
    Ok(())
}

#[test]
fn old_logs_are_not_opened_and_old_lines_of_a_recent_log_are_dropped() -> TestResult {
    let home = Home::new()?;
    let old_log = home.claude_code_log("docs", "2026-12-01T09-00-00-000Z.jsonl");
    write(
        &old_log,
        &CLAUDE_CODE_REVOKED.replace("2026-12-06", "2026-12-01"),
        old(),
    )?;
    // Written to today, but its lines are from days ago and today.
    let copilot = home.copilot_log("process-1-1.log");
    let text = format!(
        "{}{COPILOT_REVOKED}",
        COPILOT_REVOKED.replace("2026-12-06", "2026-12-01")
    );
    write(&copilot, &text, recent())?;
    let codex = home.codex_home().join("logs_2.sqlite");
    drop(codex_database(&codex, false)?);
    touch(&codex, old())?;

    let logs = read_client_logs(&home.options(), since());

    assert_eq!(files(&logs, ClientId::ClaudeCode), Vec::<PathBuf>::new());
    assert_eq!(files(&logs, ClientId::Codex), Vec::<PathBuf>::new());
    assert_eq!(files(&logs, ClientId::CopilotCli), [copilot]);
    assert_eq!(events(&logs, ClientId::CopilotCli).len(), 2);
    assert!(logs.events.iter().all(|event| event.event.at >= since()));
    Ok(())
}

#[test]
fn rows_still_in_codexs_write_ahead_log_are_read_while_codex_holds_the_database() -> TestResult {
    let home = Home::new()?;
    let codex = home.codex_home().join("logs_2.sqlite");
    let writer = codex_database(&codex, true)?;
    let mut wal = codex.clone().into_os_string();
    wal.push("-wal");
    assert!(
        fs::metadata(PathBuf::from(&wal))?.len() > 0,
        "the rows are in the WAL"
    );
    // The database file itself was last written days ago (its last
    // checkpoint); the WAL now.
    touch(&codex, old())?;

    let logs = read_client_logs(&home.options(), since());

    assert_eq!(files(&logs, ClientId::Codex), [codex]);
    assert_eq!(events(&logs, ClientId::Codex).len(), 1);
    drop(writer);
    Ok(())
}

#[test]
fn a_log_that_cannot_be_read_is_reported_and_the_others_are_still_read() -> TestResult {
    let home = Home::new()?;
    let good = home.copilot_log("process-2-2.log");
    write(&good, COPILOT_REVOKED, recent())?;
    let not_sqlite = home.codex_home().join("logs_3.sqlite");
    write(&not_sqlite, "this is not a database\n", recent())?;
    let locked = home.copilot_log("process-1-1.log");
    write(&locked, COPILOT_REVOKED, recent())?;
    let mut permissions = fs::metadata(&locked)?.permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o000);
    fs::set_permissions(&locked, permissions)?;
    // root reads a file whatever its mode: then there is nothing to check.
    let locked_out = File::open(&locked).is_err();

    let logs = read_client_logs(&home.options(), since());

    let codex = source(&logs, ClientId::Codex);
    let unreadable = codex
        .map(|codex| codex.unreadable.clone())
        .unwrap_or_default();
    assert_eq!(unreadable.len(), 1, "{codex:?}");
    assert_eq!(unreadable[0].path, not_sqlite.display().to_string());
    assert!(
        unreadable[0].message.contains("not a database"),
        "SQLite's own words: {unreadable:?}"
    );
    assert!(codex.is_some_and(|codex| codex.files.is_empty()));
    let copilot = source(&logs, ClientId::CopilotCli);
    assert!(files(&logs, ClientId::CopilotCli).contains(&good));
    if locked_out {
        let unreadable = copilot
            .map(|copilot| copilot.unreadable.clone())
            .unwrap_or_default();
        assert_eq!(unreadable.len(), 1, "{copilot:?}");
        assert_eq!(unreadable[0].path, locked.display().to_string());
        assert!(
            unreadable[0].message.contains("ermission denied"),
            "{unreadable:?}"
        );
        assert_eq!(events(&logs, ClientId::CopilotCli).len(), 2);
    }
    // The file that is not a database is left as it was.
    assert_eq!(fs::read_to_string(&not_sqlite)?, "this is not a database\n");
    Ok(())
}

#[test]
fn only_the_newest_files_of_a_client_are_read() -> TestResult {
    let home = Home::new()?;
    let count = MAX_FILES_PER_CLIENT + 6;
    let mut paths = Vec::new();
    for index in 0..count {
        // Each attempt a minute after the one before, named as Claude Code
        // names them, alternating between two servers.
        let server = if index % 2 == 0 { "docs" } else { "search" };
        let path = home.claude_code_log(server, &format!("attempt-{index:03}.jsonl"));
        let minutes = i64::try_from(index)?;
        write(
            &path,
            CLAUDE_CODE_REVOKED,
            recent() + chrono::TimeDelta::minutes(minutes),
        )?;
        paths.push(path);
    }

    let logs = read_client_logs(&home.options(), since());

    let read = files(&logs, ClientId::ClaudeCode);
    assert_eq!(read.len(), MAX_FILES_PER_CLIENT);
    // Newest first: the six oldest are the ones left out.
    let newest_first: Vec<PathBuf> = paths
        .iter()
        .rev()
        .take(MAX_FILES_PER_CLIENT)
        .cloned()
        .collect();
    assert_eq!(read, newest_first);
    let servers: std::collections::BTreeSet<_> = events(&logs, ClientId::ClaudeCode)
        .into_iter()
        .filter_map(|(_, server, _)| server)
        .collect();
    assert_eq!(servers, ["docs", "search"].into());
    Ok(())
}

#[test]
fn only_the_tail_of_a_huge_log_is_read() -> TestResult {
    let home = Home::new()?;
    let path = home.copilot_log("process-3-3.log");
    fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    let mut file = File::create(&path)?;
    // A failure at the very start, then 1 GiB of (sparse) log, then the
    // failure at the end: only the end is within the tail.
    file.write_all(
        COPILOT_REVOKED
            .replace("the API key has been revoked", "far back")
            .as_bytes(),
    )?;
    file.set_len(1 << 30)?;
    file.seek(SeekFrom::End(0))?;
    file.write_all(b"\n")?;
    file.write_all(COPILOT_REVOKED.as_bytes())?;
    drop(file);
    touch(&path, recent())?;

    let logs = read_client_logs(&home.options(), since());

    assert_eq!(files(&logs, ClientId::CopilotCli), [path]);
    assert_eq!(
        events(&logs, ClientId::CopilotCli)
            .into_iter()
            .filter(|(kind, _, _)| *kind == LogEventKind::AuthFailure)
            .map(|(_, _, description)| description)
            .collect::<Vec<_>>(),
        [Some("the API key has been revoked")]
    );
    Ok(())
}

#[test]
fn a_log_folder_linked_out_of_its_root_is_not_followed() -> TestResult {
    let home = Home::new()?;
    let elsewhere = home.root().join("elsewhere/logs");
    write(
        &elsewhere.join("process-4-4.log"),
        COPILOT_REVOKED,
        recent(),
    )?;
    fs::create_dir_all(home.home().join(".copilot"))?;
    std::os::unix::fs::symlink(&elsewhere, home.home().join(".copilot/logs"))?;

    let logs = read_client_logs(&home.options(), since());

    assert_eq!(files(&logs, ClientId::CopilotCli), Vec::<PathBuf>::new());
    assert!(events(&logs, ClientId::CopilotCli).is_empty());
    Ok(())
}
