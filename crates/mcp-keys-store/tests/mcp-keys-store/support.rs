//! What every test needs: a store in a fresh folder, a fixed clock, and a
//! way to run this test binary again as a child process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, TimeZone, Utc};
use mcp_keys_store::{Connection, ConnectionKind, NewConnection, Store};
use tempfile::TempDir;

/// A store in its own temporary data folder, removed at the end.
pub struct TestStore {
    pub store: Store,
    pub dir: TempDir,
}

impl TestStore {
    pub async fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&db_path(dir.path())).await?;
        Ok(Self { store, dir })
    }
}

/// The database file inside a data folder.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(mcp_keys_store::DB_FILE_NAME)
}

/// A fixed moment, so tests never depend on the clock.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Saves a connection of kind `mcp-keys` named `name`.
pub async fn add_connection(store: &Store, name: &str) -> anyhow::Result<Connection> {
    Ok(store
        .add_connection(
            &NewConnection {
                name: name.to_owned(),
                kind: ConnectionKind::McpKeys,
                base_url: "http://127.0.0.1:7410".to_owned(),
            },
            t0(),
        )
        .await?)
}

/// The variable that tells a child which role to play.
pub const CHILD_ROLE_VAR: &str = "MCP_KEYS_STORE_TEST_CHILD";

/// What a child prints before each line meant for the parent, to tell
/// them from the test harness's own output.
pub const CHILD_MARK: &str = "CHILD> ";

/// Starts this test binary again, running only `test` (a test that acts
/// when [`CHILD_ROLE_VAR`] is set), with `role` and `envs`.
pub fn child(test: &str, role: &str, envs: &[(&str, &str)]) -> anyhow::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE_VAR, role)
        .envs(envs.iter().copied());
    Ok(command)
}

/// The lines a child marked for its parent, after checking that it
/// succeeded.
pub fn child_lines(output: &Output) -> anyhow::Result<Vec<String>> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "child failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(stdout
        .lines()
        .filter_map(|line| line.split_once(CHILD_MARK))
        .map(|(_, rest)| rest.to_owned())
        .collect())
}
