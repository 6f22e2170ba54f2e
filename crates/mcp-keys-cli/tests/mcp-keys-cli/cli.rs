//! `mcp-keys` commands as a user runs them: a real `mcp-keys serve` to talk
//! to, the CLI as a child process with its own data folder, and MCP
//! requests made with the keys it prints.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::support::{Serve, TIMEOUT, binary, sqlite_url};

/// Set by `cargo xtask test`, whose session has an unlocked gnome-keyring:
/// then the tests of saved connections run, and fail if the keyring does.
pub const KEYRING_VAR: &str = "MCP_KEYS_TEST_KEYRING";

/// Whether the real OS keyring is there to be used.
pub fn keyring_available() -> bool {
    std::env::var_os(KEYRING_VAR).is_some_and(|value| !value.is_empty() && value != "0")
}

/// Says why a real-keyring test does nothing in this session.
pub fn skip_without_keyring(test: &str) {
    eprintln!(
        "note: skipping `{test}`: set {KEYRING_VAR}=1 inside a D-Bus session with an unlocked \
         keyring (cargo xtask test does) to run it"
    );
}

/// A running `mcp-keys serve` in a temp folder, and its first management
/// token (from `--init-token-file`).
#[derive(Debug)]
pub struct KeyService {
    pub serve: Serve,
    pub token: String,
    _dir: TempDir,
}

impl KeyService {
    /// Starts a key service with `extra` arguments to `serve`.
    pub async fn start(extra: &[&str]) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let token_file = dir.path().join("token");
        let token_arg = token_file.display().to_string();
        let mut args = vec!["--init-token-file", token_arg.as_str()];
        args.extend_from_slice(extra);
        let serve = Serve::start(dir.path(), &sqlite_url(dir.path()), &args).await?;
        let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
        Ok(Self {
            serve,
            token,
            _dir: dir,
        })
    }

    /// The management API's base URL.
    pub fn url(&self) -> &str {
        &self.serve.base
    }
}

/// A session bus address where nothing listens: no keyring answers.
pub const NO_BUS: (&str, &str) = (
    "DBUS_SESSION_BUS_ADDRESS",
    "unix:path=/nonexistent/mcp-keys-cli-test/bus",
);

/// How `mcp-keys` finds its server in a test.
#[derive(Debug, Clone)]
enum Connection {
    /// Whatever the data folder has saved (after `login`).
    Saved,
    /// `--server URL` with MCP_KEYS_TOKEN.
    AdHoc { url: String, token: String },
}

/// The CLI of one user: a data folder of its own, and how it connects.
#[derive(Debug)]
pub struct Cli {
    data: TempDir,
    connection: Connection,
    env: Vec<(String, String)>,
}

/// What a finished command left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails the test unless the command succeeded.
    pub fn success(self, args: &[&str]) -> Result<Self> {
        if self.code != 0 {
            bail!(
                "mcp-keys {args:?} failed with {}:\n{}",
                self.code,
                self.stderr
            );
        }
        Ok(self)
    }

    /// Fails the test unless the command failed with `code` and an
    /// `error: ` line containing every one of `words`.
    pub fn failure(&self, code: i32, words: &[&str]) -> Result<()> {
        if self.code != code {
            bail!(
                "expected exit code {code}, got {}:\nstdout: {}\nstderr: {}",
                self.code,
                self.stdout,
                self.stderr
            );
        }
        if !self.stderr.starts_with("error: ") {
            bail!("errors start with `error: `: {}", self.stderr);
        }
        for word in words {
            if !self.stderr.contains(word) {
                bail!("the error should mention {word:?}: {}", self.stderr);
            }
        }
        Ok(())
    }
}

impl Cli {
    /// A CLI that talks to `service` with `--server` and MCP_KEYS_TOKEN.
    pub fn ad_hoc(service: &KeyService) -> Result<Self> {
        Self::ad_hoc_with(service.url(), &service.token)
    }

    /// A CLI that talks to `url` with `--server` and `token`.
    pub fn ad_hoc_with(url: &str, token: &str) -> Result<Self> {
        Ok(Self {
            data: tempfile::tempdir()?,
            connection: Connection::AdHoc {
                url: url.to_owned(),
                token: token.to_owned(),
            },
            env: Vec::new(),
        })
    }

    /// A CLI that uses its saved connections (see [`Cli::login`]).
    pub fn saved() -> Result<Self> {
        Ok(Self {
            data: tempfile::tempdir()?,
            connection: Connection::Saved,
            env: Vec::new(),
        })
    }

    /// Sets a variable for every command.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The data folder (MCP_KEYS_DATA_DIR).
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// The local database file.
    pub fn db_path(&self) -> PathBuf {
        self.data.path().join(mcp_keys_store::DB_FILE_NAME)
    }

    /// Runs `mcp-keys ARGS` with empty stdin.
    pub async fn run(&self, args: &[&str]) -> Result<Run> {
        self.run_with_stdin(args, None).await
    }

    /// Runs `mcp-keys ARGS` with `stdin` piped in (not a terminal).
    pub async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Result<Run> {
        self.run_with(args, stdin, &[]).await
    }

    /// Runs `mcp-keys ARGS` with `stdin` (if any) and the variables `env`
    /// for this run only.
    pub async fn run_with(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> Result<Run> {
        let mut command = Command::new(binary());
        // Nothing of the developer's own setup may leak in.
        command
            .env_remove("MCP_KEYS_TOKEN")
            .env_remove("MCP_KEYS_SERVER")
            .env_remove("RUST_LOG")
            .env("MCP_KEYS_DATA_DIR", self.data.path());
        if let Connection::AdHoc { url, token } = &self.connection {
            command.args(["--server", url]).env("MCP_KEYS_TOKEN", token);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        command
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().context("starting mcp-keys")?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes()).await?;
            drop(pipe);
        }
        let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
            .await
            .with_context(|| format!("mcp-keys {args:?} did not finish in {TIMEOUT:?}"))??;
        Ok(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout)?,
            stderr: String::from_utf8(output.stderr)?,
        })
    }

    /// Runs a command that must succeed; its stdout.
    pub async fn ok(&self, args: &[&str]) -> Result<String> {
        Ok(self.run(args).await?.success(args)?.stdout)
    }

    /// Runs a command with `--json` that must succeed; what it printed.
    pub async fn json(&self, args: &[&str]) -> Result<Value> {
        let mut args = args.to_vec();
        args.push("--json");
        let stdout = self.ok(&args).await?;
        serde_json::from_str(&stdout).with_context(|| format!("not JSON: {stdout}"))
    }

    /// `mcp-keys login --server URL` with `token` on stdin.
    pub async fn login(&self, url: &str, token: &str, extra: &[&str]) -> Result<Run> {
        let mut args = vec!["login", "--server", url];
        args.extend_from_slice(extra);
        self.run_with_stdin(&args, Some(&format!("{token}\n")))
            .await
    }

    /// A product and a surface with the tools `capabilities`: the surface
    /// as `surfaces create --json` printed it.
    pub async fn surface(&self, capabilities: &[&str]) -> Result<Value> {
        let product = self.json(&["products", "create", "Acme"]).await?;
        let product_id = text(&product, "id")?;
        let mut args = vec![
            "surfaces",
            "create",
            "--product",
            product_id.as_str(),
            "--name",
            "Docs",
        ];
        for capability in capabilities {
            args.extend(["--capability", capability]);
        }
        self.json(&args).await
    }
}

/// `value[field]` as a string.
pub fn text(value: &Value, field: &str) -> Result<String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {value}"))
}

/// The status of an MCP `tools/list` request to `surface` with `key`, and
/// the refusal's `error.reason` (empty on success).
pub async fn mcp_tools_list(surface: &Value, key: &str) -> Result<(StatusCode, String)> {
    let url = text(surface, "url")?;
    let response = reqwest::Client::new()
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .bearer_auth(key)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}))
        .send()
        .await?;
    let status = response.status();
    let body: Value = serde_json::from_str(&response.text().await?).unwrap_or(Value::Null);
    let reason = body["error"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((status, reason))
}
