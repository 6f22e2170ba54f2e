//! Codex's interactive session, driven offline: only its TUI, through the
//! app-server daemon it starts, records an MCP server refused at startup
//! on disk (rows of `$CODEX_HOME/logs_<n>.sqlite`, written in batches ~10 s
//! after the fact); `codex exec` only prints it (docs/research/client-logs.md).
//! The TUI runs in a pseudo-terminal (`terminal.py`), the rows are read with
//! SQLite (`codex_log_rows.py`), and the daemon is stopped afterwards.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde_json::Value;

use mcp_keys_e2e::ClientHome;

/// `config.toml` for a home: the refusing model as its provider (so that
/// nothing waits for a network, docs/research/client-logs.md), server
/// `docs` at `url` with its key in `DOCS_KEY` (what `codex mcp add
/// --bearer-token-env-var` writes), and `project` trusted (or the TUI asks
/// first). `model_provider` comes before the tables: in TOML a key after
/// a table header belongs to that table.
pub(super) fn config(model: &str, url: &str, project: &Path) -> String {
    format!(
        r#"model_provider = "local"
model = "gpt-4.1"

[model_providers.local]
name = "local"
base_url = "{model}"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
supports_websockets = false

[mcp_servers.docs]
url = "{url}"
bearer_token_env_var = "DOCS_KEY"

[projects."{project}"]
trust_level = "trusted"
"#,
        project = project.display(),
    )
}

/// `tests/clients/client_logs`: the pseudo-terminal driver and the reader
/// of Codex's log database.
fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/client_logs")
}

/// The python3 interpreter itself, found with the caller's environment: a
/// launcher on PATH (pyenv's shims) may need the real HOME, and the scripts
/// run with the clients' private one.
fn python() -> Result<PathBuf> {
    let output = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .context("running python3")?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() || path.is_empty() {
        bail!("python3 did not say where it is");
    }
    Ok(PathBuf::from(path))
}

/// How long Codex may take to record its refusal: it writes its log rows
/// in batches, ~10 s after the fact (docs/research/client-logs.md).
const LOG_TIMEOUT: Duration = Duration::from_secs(40);

/// Codex's app-server daemon, which its TUI starts in the home and which
/// outlives the TUI with the environment it started with: stopped when
/// dropped (`codex app-server daemon stop`, which leaves its updater
/// process, ended here by the pid it wrote), and its ~424 MB copy of Codex
/// removed.
struct Daemon {
    clients: Arc<ClientHome>,
    cwd: PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let codex_home = self.clients.home.join(".codex");
        let _ = self
            .clients
            .run(
                self.clients
                    .command("codex", &self.cwd)
                    .args(["app-server", "daemon", "stop"]),
            );
        let updater =
            std::fs::read_to_string(codex_home.join("app-server-daemon/daemon-updater.pid"))
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .and_then(|pid| pid["pid"].as_u64());
        if let Some(pid) = updater {
            // Only the updater of this home, not a process that got its
            // pid since.
            let ours = std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
                let cmdline = String::from_utf8_lossy(&cmdline);
                cmdline.contains("pid-update-loop")
                    && cmdline.contains(&codex_home.display().to_string())
            });
            if ours {
                let _ = std::process::Command::new("kill")
                    .arg(pid.to_string())
                    .status();
            }
        }
        let _ = std::fs::remove_dir_all(codex_home.join("packages"));
    }
}

/// Codex's log rows of an MCP server refused at startup, each with the
/// `file` it is in.
fn log_rows(clients: &ClientHome) -> Result<Vec<Value>> {
    let output = std::process::Command::new(python()?)
        .arg(scripts().join("codex_log_rows.py"))
        .arg(clients.home.join(".codex"))
        .output()
        .context("running python3 codex_log_rows.py")?;
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "codex_log_rows.py printed no JSON: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    // A database still being created has no table yet.
    Ok(rows
        .into_iter()
        .filter(|row| row.get("error").is_none())
        .collect())
}

/// Codex's interactive session, the one way of running it that records a
/// refusal at startup on disk: its TUI in a pseudo-terminal, with `key` in
/// `DOCS_KEY`, until its log database has the refusal of server `docs` (or
/// a time limit), then quit. When it started, and the rows.
pub(super) fn run_tui(
    clients: &Arc<ClientHome>,
    project: &Path,
    key: &str,
) -> Result<(DateTime<Utc>, Vec<Value>)> {
    let _daemon = Daemon {
        clients: Arc::clone(clients),
        cwd: project.to_owned(),
    };
    let codex = clients.command("codex", project);
    let stop = clients.home.with_file_name("codex-stop");
    let transcript = clients.home.with_file_name("codex-tui.typescript");
    let errors = clients.home.with_file_name("codex-tui.stderr");
    let mut driver = std::process::Command::new(python()?);
    driver.env_clear();
    for (name, value) in codex.get_envs() {
        if let Some(value) = value {
            driver.env(name, value);
        }
    }
    let at = Utc::now();
    let mut driver = driver
        .env("TERM", "xterm-256color")
        .env("DOCS_KEY", key)
        .current_dir(project)
        .arg(scripts().join("terminal.py"))
        .arg(LOG_TIMEOUT.as_secs().to_string())
        .arg(&stop)
        .arg(&transcript)
        .arg("--")
        .arg(codex.get_program())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&errors)?)
        .spawn()
        .context("starting python3 terminal.py codex")?;
    let deadline = Instant::now() + LOG_TIMEOUT;
    let rows = loop {
        let rows = log_rows(clients)?;
        let named = rows.iter().any(|row| {
            row["target"] == "codex_mcp::rmcp_client"
                && row["body"]
                    .as_str()
                    .is_some_and(|body| body.contains(r#"server_name="docs""#))
        });
        if named || Instant::now() > deadline || driver.try_wait()?.is_some() {
            break rows;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    std::fs::write(&stop, "")?;
    let quit_by = Instant::now() + Duration::from_secs(10);
    while driver.try_wait()?.is_none() {
        if Instant::now() > quit_by {
            let _ = driver.kill();
            let _ = driver.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if rows.is_empty() {
        let drawn = std::fs::read(&transcript).unwrap_or_default();
        bail!(
            "Codex recorded no refusal within {LOG_TIMEOUT:?}; its screen:\n{}\n{}",
            String::from_utf8_lossy(&drawn),
            std::fs::read_to_string(&errors).unwrap_or_default()
        );
    }
    Ok((at, rows))
}
