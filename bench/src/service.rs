//! One `mcp-keys serve` process on a free loopback port, stopped (SIGTERM,
//! then a wait) when its guard drops. The bench's own, beside the
//! end-to-end harness's async one: it waits with the bench's Ctrl-C
//! handling and keeps the service's log.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{Guard, spawn};

use super::interrupt;

/// How long the service may take to answer its first health check.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running key service.
#[derive(Debug)]
pub struct Service {
    guard: Guard,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The first management token, read from `--init-token-file`. Never
    /// printed.
    pub token: String,
    log: PathBuf,
}

impl Service {
    /// Starts `binary serve` on `db_url`, keeping its token file in
    /// `scratch` and its log at `log`, and waits until it is healthy.
    pub fn start(binary: &Path, db_url: &str, scratch: &Path, log: &Path) -> Result<Self> {
        Self::start_with(binary, db_url, scratch, log, &[])
    }

    /// Like [`Service::start`], with more `serve` options.
    pub fn start_with(
        binary: &Path,
        db_url: &str,
        scratch: &Path,
        log: &Path,
        extra: &[&str],
    ) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let token_file = scratch.join("token");
        let log_file = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let guard = spawn(
            "mcp-keys serve",
            Command::new(binary)
                .arg("serve")
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--db")
                .arg(db_url)
                .arg("--init-token-file")
                .arg(&token_file)
                .args(extra)
                .env("RUST_LOG", "info,rmcp=warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log_file),
        )?;
        let mut service = Self {
            guard,
            base: format!("http://127.0.0.1:{port}"),
            token: String::new(),
            log: log.to_path_buf(),
        };
        service.wait_until_healthy()?;
        service.token = std::fs::read_to_string(&token_file)
            .context("reading the first management token")?
            .trim()
            .to_owned();
        Ok(service)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.guard.id()
    }

    fn wait_until_healthy(&mut self) -> Result<()> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let started = Instant::now();
        loop {
            interrupt::check()?;
            if let Some(status) = self.guard.child_mut().try_wait()? {
                bail!(
                    "mcp-keys serve exited ({status}) before it was healthy; its log:\n{}",
                    self.log_text()
                );
            }
            let healthy = client
                .get(format!("{}/health", self.base))
                .send()
                .is_ok_and(|response| response.status().is_success());
            if healthy {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "mcp-keys serve was not healthy within {START_TIMEOUT:?}; its log:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
