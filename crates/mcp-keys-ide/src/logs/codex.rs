//! Codex's log database (0.171.0, measured on Linux):
//! `$CODEX_HOME/logs_<n>.sqlite`, table `logs`, written by the app-server
//! daemon behind the interactive `codex` (not by `codex exec` or
//! `--no-daemon`), about ten seconds after the event.
//!
//! A refused key at startup is two rows of the same `process_uuid`, and
//! neither has both facts: an `ERROR` row of target
//! `rmcp::transport::worker` with the whole `WWW-Authenticate` header (the
//! service's `error_description`) but no server, then a `WARN` row of
//! target `codex_mcp::rmcp_client`, `MCP server startup failed
//! server_name="NAME"`, with the server but only `Auth required`. They are
//! paired by process and order; with several servers failing at once the
//! pairing can only follow that order. Targets and texts are Codex's
//! internal names and may change.

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use chrono::DateTime;
use rusqlite::{Connection, OpenFlags};

use super::{LogEvent, LogEventKind, quoted_param};
use crate::{Error, Result};

/// The most recent rows read from the database, newest last.
pub const MAX_ROWS: u32 = 2000;

/// The most recent rows looked at, of every kind: the table's tail, as
/// [`super::tail`] reads a text log's. Without this bound the query reads
/// the whole table, whose size Codex does not bound for us (100,000 rows,
/// 25 MB, took 23 ms); a TUI session writes about a hundred rows, so this
/// is some two hundred sessions.
pub const MAX_SCANNED_ROWS: i64 = 20_000;

const WORKER_TARGET: &str = "rmcp::transport::worker";
const CLIENT_TARGET: &str = "codex_mcp::rmcp_client";
const AUTH_REQUIRED: &str = "AuthRequired";
const STARTUP_FAILED: &str = "MCP server startup failed";

/// One row of the `logs` table, as far as doctor needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// The row's id: the order rows were written in.
    pub id: i64,
    /// Seconds since the epoch.
    pub ts: i64,
    /// Nanoseconds within that second.
    pub ts_nanos: i64,
    /// The tracing target (`rmcp::transport::worker`).
    pub target: String,
    /// The process that wrote it (`pid:<pid>:<uuid>`).
    pub process_uuid: Option<String>,
    /// The tracing message with its span context.
    pub body: String,
}

/// Reads, from `table` (the registry's `table` of the Codex log), the last
/// [`MAX_ROWS`] rows that may be authentication failures among the last
/// [`MAX_SCANNED_ROWS`] rows, read-only (SQLite
/// also reads the rows still in the `-wal` file, which a copy of the main
/// file alone would miss).
pub fn read_rows(path: &Path, table: &str) -> Result<Vec<LogRow>> {
    let error = |source: rusqlite::Error| Error::Io {
        action: "reading",
        path: path.to_path_buf(),
        source: std::io::Error::other(source),
    };
    // A table name cannot be a bound parameter: it is checked to be a plain
    // identifier before it goes into the query text.
    if !crate::is_variable_name(table) {
        return Err(Error::Registry(format!("{table:?} is not a table name")));
    }
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(error)?;
    let mut statement = connection
        .prepare(&format!(
            // `id` is the rowid: the range is a seek, not a scan.
            "SELECT id, ts, ts_nanos, target, process_uuid, feedback_log_body FROM \"{table}\" \
             WHERE id > (SELECT coalesce(max(id), 0) FROM \"{table}\") - ?4 \
               AND ((target = ?1 AND feedback_log_body LIKE '%AuthRequired%') \
                 OR (target = ?2 AND feedback_log_body LIKE '%MCP server startup failed%')) \
             ORDER BY id DESC LIMIT ?3"
        ))
        .map_err(error)?;
    let rows = statement
        .query_map(
            (WORKER_TARGET, CLIENT_TARGET, MAX_ROWS, MAX_SCANNED_ROWS),
            |row| {
                Ok(LogRow {
                    id: row.get(0)?,
                    ts: row.get(1)?,
                    ts_nanos: row.get::<_, Option<i64>>(2)?.unwrap_or_default(),
                    target: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    process_uuid: row.get(4)?,
                    body: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
                })
            },
        )
        .map_err(error)?;
    let mut rows = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(error)?;
    rows.reverse();
    Ok(rows)
}

/// The events of rows in id order: each startup failure paired with the
/// oldest challenge of its process that no failure claimed yet (a process
/// starting two servers logs both challenges, then both failures).
pub fn events(rows: &[LogRow]) -> Vec<LogEvent> {
    let mut pending: HashMap<Option<&str>, VecDeque<&LogRow>> = HashMap::new();
    let mut events = Vec::new();
    for row in rows {
        let Some(at) = u32::try_from(row.ts_nanos)
            .ok()
            .and_then(|nanos| DateTime::from_timestamp(row.ts, nanos))
        else {
            continue;
        };
        let process = row.process_uuid.as_deref();
        if row.target == WORKER_TARGET && row.body.contains(AUTH_REQUIRED) {
            pending.entry(process).or_default().push_back(row);
        } else if row.target == CLIENT_TARGET && row.body.contains(STARTUP_FAILED) {
            let server = row
                .body
                .split_once(STARTUP_FAILED)
                .and_then(|(_, after)| quoted_param(after, "server_name="));
            match pending.get_mut(&process).and_then(VecDeque::pop_front) {
                Some(challenge) => events.extend(challenge_event(challenge, server)),
                None if row.body.contains("Auth required") => events.push(LogEvent {
                    at,
                    server,
                    status: None,
                    reason: None,
                    description: None,
                    kind: LogEventKind::AuthFailure,
                    cwd: None,
                }),
                None => {}
            }
        }
    }
    // A challenge that no failure claimed is an event of its own, without
    // a server.
    let mut unclaimed: Vec<&LogRow> = pending.into_values().flatten().collect();
    unclaimed.sort_by_key(|row| row.id);
    events.extend(
        unclaimed
            .into_iter()
            .filter_map(|row| challenge_event(row, None)),
    );
    events.sort_by_key(|event| event.at);
    events
}

/// The event of a challenge row, named after `server` when paired.
fn challenge_event(row: &LogRow, server: Option<String>) -> Option<LogEvent> {
    let at = DateTime::from_timestamp(row.ts, u32::try_from(row.ts_nanos).ok()?)?;
    // The header is a Rust debug string: its quotes are escaped.
    let header = row.body.replace("\\\"", "\"");
    Some(LogEvent {
        at,
        server,
        // rmcp's AuthRequired is its 401 with a challenge; the row does not
        // state the status, so none is given.
        status: None,
        reason: quoted_param(&header, "error="),
        description: quoted_param(&header, "error_description="),
        kind: LogEventKind::AuthFailure,
        cwd: None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Rows 117 and 124 of docs/research/client-logs.md (the span context of
    /// 124 is elided there as well).
    const CHALLENGE_BODY: &str = r#"worker quit with fatal: Transport channel closed, when AuthRequired(AuthRequiredError { www_authenticate_header: "Bearer realm=\"mcp-keys\", error=\"invalid_token\", error_description=\"the API key has been revoked\"" })"#;
    const STARTUP_BODY: &str = r#"app_server.request{... rpc.method="thread/start" ... app_server.client_name="codex-tui" app_server.client_version="0.171.0"}:...:session_init.mcp_manager_init{...}:mcp.runtime.refresh:new{server_name=docs}:mcp.request: MCP server startup failed server_name="docs" error=handshaking with MCP server failed: Send message error Transport [codex_rmcp_client::...StreamableHttpClientAdapter>>>>] error: Auth required, when send initialize request: ..."#;

    fn row(id: i64, target: &str, process: &str, body: &str) -> LogRow {
        LogRow {
            id,
            ts: 1_796_543_477,
            ts_nanos: 824_588_348 + id,
            target: target.to_owned(),
            process_uuid: Some(process.to_owned()),
            body: body.to_owned(),
        }
    }

    #[test]
    fn the_two_rows_of_a_refusal_pair_into_one_event_with_server_and_description() {
        let rows = [
            row(117, WORKER_TARGET, "pid:1:a", CHALLENGE_BODY),
            row(124, CLIENT_TARGET, "pid:1:a", STARTUP_BODY),
        ];
        let events = events(&rows);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].server.as_deref(), Some("docs"));
        assert_eq!(
            events[0].description.as_deref(),
            Some("the API key has been revoked")
        );
        assert_eq!(events[0].reason.as_deref(), Some("invalid_token"));
    }

    #[test]
    fn rows_of_another_process_are_not_paired() {
        let rows = [
            row(117, WORKER_TARGET, "pid:1:a", CHALLENGE_BODY),
            row(124, CLIENT_TARGET, "pid:2:b", STARTUP_BODY),
        ];
        let events = events(&rows);
        // Both are reported, neither borrows the other's facts.
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events.iter().any(|event| event.server.is_none()
            && event.description.as_deref() == Some("the API key has been revoked")));
        assert!(events.iter().any(|event| event.server.as_deref() == Some("docs")
            && event.description.is_none()));
    }

    #[test]
    fn rows_are_read_from_the_logs_table_newest_last()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs_2.sqlite");
        let connection = Connection::open(&path)?;
        connection.execute_batch(
            "CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER, ts_nanos INTEGER, \
             level TEXT, target TEXT, feedback_log_body TEXT, module_path TEXT, file TEXT, line INTEGER, \
             thread_id TEXT, process_uuid TEXT, estimated_bytes INTEGER);",
        )?;
        for (id, level, target, body) in [
            (117, "ERROR", WORKER_TARGET, CHALLENGE_BODY),
            (120, "INFO", "codex_core::other", "unrelated"),
            (124, "WARN", CLIENT_TARGET, STARTUP_BODY),
        ] {
            connection.execute(
                "INSERT INTO logs (id, ts, ts_nanos, level, target, feedback_log_body, process_uuid) \
                 VALUES (?1, 1796543477, 0, ?2, ?3, ?4, 'pid:1:a')",
                (id, level, target, body),
            )?;
        }
        drop(connection);
        let rows = read_rows(&path, "logs")?;
        assert_eq!(
            rows.iter().map(|row| row.id).collect::<Vec<_>>(),
            [117, 124]
        );
        assert_eq!(events(&rows).len(), 1);
        Ok(())
    }

    #[test]
    fn only_the_last_rows_of_the_table_are_looked_at()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs_2.sqlite");
        let connection = Connection::open(&path)?;
        connection.execute_batch(
            "CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER, ts_nanos INTEGER, \
             level TEXT, target TEXT, feedback_log_body TEXT, process_uuid TEXT);",
        )?;
        // A refusal, then more rows than the window holds.
        let newest = 2 + MAX_SCANNED_ROWS;
        for (id, target, body) in [
            (1, WORKER_TARGET, CHALLENGE_BODY),
            (2, CLIENT_TARGET, STARTUP_BODY),
            (newest, "codex_core::other", "unrelated"),
        ] {
            connection.execute(
                "INSERT INTO logs (id, ts, ts_nanos, target, feedback_log_body, process_uuid) \
                 VALUES (?1, 1796543477, 0, ?2, ?3, 'pid:1:a')",
                (id, target, body),
            )?;
        }
        assert_eq!(read_rows(&path, "logs")?, Vec::new());
        connection.execute("DELETE FROM logs WHERE id = ?1", [newest])?;
        assert_eq!(read_rows(&path, "logs")?.len(), 2);
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_a_log_database_is_an_error()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs_2.sqlite");
        std::fs::write(&path, "not sqlite")?;
        assert!(read_rows(&path, "logs").is_err());
        // A table name from the registry is never spliced in unchecked.
        assert!(read_rows(&path, "logs; DROP TABLE logs").is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn any_rows_give_events_without_panicking(
            bodies in proptest::collection::vec((any::<bool>(), any::<String>(), any::<i64>(), any::<i64>()), 0..8)
        ) {
            let rows: Vec<LogRow> = bodies
                .into_iter()
                .enumerate()
                .map(|(index, (worker, body, ts, nanos))| LogRow {
                    id: i64::try_from(index).unwrap_or_default(),
                    ts,
                    ts_nanos: nanos,
                    target: if worker { WORKER_TARGET } else { CLIENT_TARGET }.to_owned(),
                    process_uuid: None,
                    body: format!("{AUTH_REQUIRED} {STARTUP_FAILED} {body}"),
                })
                .collect();
            let _ = events(&rows);
        }
    }
}
