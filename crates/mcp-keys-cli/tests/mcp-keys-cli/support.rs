//! `mcp-keys serve` as a child process, and requests to it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::process::{Child, Command};

/// How long the service may take to start or to stop.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The binary under test, built by cargo for this test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_mcp-keys")
}

/// `sqlite://` URL of `keys.db` in `dir`.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("keys.db").display())
}

/// A loopback address that was free a moment ago.
pub fn free_address() -> Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// A running `mcp-keys serve`, killed when dropped. Its stderr (the log)
/// goes to a file, read by [`Serve::log`].
#[derive(Debug)]
pub struct Serve {
    pub base: String,
    process: Child,
    log: PathBuf,
}

impl Serve {
    /// Starts `mcp-keys serve --listen ADDRESS --db DB` with `extra`
    /// arguments, and waits until `/health` answers.
    pub async fn start(dir: &Path, db: &str, extra: &[&str]) -> Result<Self> {
        let address = free_address()?;
        let mut serve = Self::spawn(dir, address, db, extra)?;
        serve.wait_healthy().await?;
        Ok(serve)
    }

    /// Starts the process without waiting for it to answer.
    pub fn spawn(dir: &Path, address: SocketAddr, db: &str, extra: &[&str]) -> Result<Self> {
        let log = dir.join(format!("serve-{}.log", address.port()));
        let process = Command::new(binary())
            .args(["serve", "--listen", &address.to_string(), "--db", db])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()
            .context("starting mcp-keys serve")?;
        Ok(Self {
            base: format!("http://{address}"),
            process,
            log,
        })
    }

    async fn wait_healthy(&mut self) -> Result<()> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(response) = http.get(format!("{}/health", self.base)).send().await
                && response.status() == StatusCode::OK
            {
                return Ok(());
            }
            if let Some(status) = self.process.try_wait()? {
                bail!("mcp-keys serve exited early ({status}):\n{}", self.log()?);
            }
            if Instant::now() > deadline {
                bail!("mcp-keys serve did not answer /health within {TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Sends `signal` (`TERM`, `KILL`) with kill(1): the workspace forbids
    /// the unsafe code a direct kill(2) would take.
    pub fn signal(&self, signal: &str) -> Result<()> {
        let pid = self.process.id().context("the process has exited")?;
        let status = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()?;
        if !status.success() {
            bail!("kill -{signal} {pid} failed ({status})");
        }
        Ok(())
    }

    /// Waits for the process to exit.
    pub async fn wait(&mut self) -> Result<ExitStatus> {
        tokio::time::timeout(TIMEOUT, self.process.wait())
            .await
            .context("mcp-keys serve did not exit in time")?
            .context("waiting for mcp-keys serve")
    }

    /// What the process has logged so far.
    pub fn log(&self) -> Result<String> {
        Ok(std::fs::read_to_string(&self.log)?)
    }
}

/// Runs `mcp-keys serve` expecting it to fail at once: its stderr.
pub async fn serve_failure(args: &[&str]) -> Result<String> {
    let output = tokio::time::timeout(
        TIMEOUT,
        Command::new(binary())
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .context("mcp-keys serve did not exit")??;
    assert!(
        !output.status.success(),
        "mcp-keys serve {args:?} was expected to fail"
    );
    Ok(String::from_utf8_lossy(&output.stderr).into_owned())
}

/// A request's status and JSON body (`null` when empty).
pub async fn json(request: reqwest::RequestBuilder) -> Result<(StatusCode, Value)> {
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?
    };
    Ok((status, body))
}
