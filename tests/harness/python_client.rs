//! The official Python MCP SDK in a private virtualenv, and
//! `python_client.py` driven over its stdin and stdout (the `mcp-client`
//! and `gateway` tests).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The SDK under test, pinned: a new release must not change a test run.
const SDK: &str = "mcp==2.3.0";

/// How long one answer of the client may take (its first one includes
/// Python's start-up).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// The virtualenv's Python with [`SDK`], created on first use.
fn venv_python() -> Result<PathBuf> {
    Ok(crate::pip_venv("mcp-client", SDK)?.join("bin/python"))
}

/// One running `client.py` session, killed when dropped.
#[derive(Debug)]
pub struct PythonClient {
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    _process: Child,
}

impl PythonClient {
    /// Starts the client on `url` with `key`, and returns it with its
    /// answer to `initialize`.
    pub async fn connect(url: &str, key: &str) -> Result<(Self, Value)> {
        Self::connect_with_roots(url, key, &[]).await
    }

    /// [`Self::connect`] with a client whose roots are `roots` (file URIs).
    pub async fn connect_with_roots(url: &str, key: &str, roots: &[&str]) -> Result<(Self, Value)> {
        let roots = (!roots.is_empty()).then(|| ("MCP_KEYS_TEST_ROOTS", roots.join(",")));
        Self::start(url, key, roots).await
    }

    /// A client at `protocol`, a revision without a handshake (2026-07-28):
    /// every request stands alone, and the server's requests come back as
    /// `input_required` results the SDK answers and retries.
    pub async fn connect_at(url: &str, key: &str, protocol: &str) -> Result<(Self, Value)> {
        Self::start(
            url,
            key,
            Some(("MCP_KEYS_TEST_PROTOCOL", protocol.to_owned())),
        )
        .await
    }

    async fn start(
        url: &str,
        key: &str,
        variable: Option<(&str, String)>,
    ) -> Result<(Self, Value)> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("harness/python_client.py");
        let mut process = Command::new(venv_python()?)
            .arg(script)
            .arg(url)
            // In the environment, not the arguments: `ps` shows arguments.
            .env("MCP_KEYS_TEST_KEY", key)
            .envs(variable)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting python_client.py")?;
        let mut client = Self {
            stdin: process.stdin.take().context("stdin")?,
            stdout: BufReader::new(process.stdout.take().context("stdout")?).lines(),
            _process: process,
        };
        let initialized = client.answer().await?;
        Ok((client, initialized))
    }

    /// Sends one command and returns the client's answer.
    pub async fn send(&mut self, command: &Value) -> Result<Value> {
        self.stdin
            .write_all(format!("{command}\n").as_bytes())
            .await?;
        self.stdin.flush().await?;
        self.answer().await
    }

    async fn answer(&mut self) -> Result<Value> {
        let line = tokio::time::timeout(ANSWER_TIMEOUT, self.stdout.next_line())
            .await
            .context("python_client.py did not answer in time")??
            .context("python_client.py exited without answering")?;
        serde_json::from_str(&line).with_context(|| format!("python_client.py printed {line}"))
    }
}
