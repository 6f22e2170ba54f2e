//! The real IDE clients from npm (`tests/clients/package.json`, versions
//! pinned by its lock file), installed on first use into
//! `target/npm-clients` and run offline, each with a private HOME.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::paths::target_dir;

/// The folder of `package.json` and `package-lock.json`.
fn manifest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients")
}

/// The `node_modules/.bin` of the pinned clients, installed first if the
/// lock file changed. Safe for concurrent tests: a file lock serialises the
/// install, and a copy of the lock file says it is complete. Install
/// scripts are not run, except Claude Code's.
pub fn npm_bin() -> Result<PathBuf> {
    let dir = target_dir().join("npm-clients");
    let bin = dir.join("node_modules/.bin");
    let lock = std::fs::read_to_string(manifest_dir().join("package-lock.json"))?;
    let marker = dir.join(".installed");
    let current = || std::fs::read_to_string(&marker).is_ok_and(|installed| installed == lock);
    if current() {
        return Ok(bin);
    }
    std::fs::create_dir_all(&dir)?;
    let guard = File::create(target_dir().join("npm-clients.lock"))?;
    guard.lock()?;
    if current() {
        return Ok(bin);
    }
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(manifest_dir().join(file), dir.join(file))?;
    }
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .status()
        .context("running npm (Debian package npm)")?;
    if !status.success() {
        bail!("npm ci of the test clients failed ({status})");
    }
    // Claude Code's own install step puts its native binary in place of a
    // stub; it is the one script these clients need (the others build
    // keytar and node-pty, which the commands used here do not load).
    let status = Command::new("npm")
        .args(["rebuild", "@anthropic-ai/claude-code", "--loglevel=error"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("installing Claude Code's native binary failed ({status})");
    }
    std::fs::write(&marker, lock)?;
    Ok(bin)
}

/// A private home for the clients of one test, with the environment they
/// run in: no network, no update checks, no telemetry.
#[derive(Debug)]
pub struct ClientHome {
    pub home: PathBuf,
    bin: PathBuf,
}

/// How long one client command may take (Node start-up included).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(90);

impl ClientHome {
    /// A fresh home under `target/e2e/<name>/home`.
    pub fn new(name: &str) -> Result<Self> {
        let home = crate::paths::scratch_dir(name)?.join("home");
        std::fs::create_dir_all(&home)?;
        // Clients record folders by their real path.
        let home = std::fs::canonicalize(home)?;
        Ok(Self {
            home,
            bin: npm_bin()?,
        })
    }

    /// A project folder in this home: a git repository of its own, as
    /// clients take the enclosing repository's root for the project.
    pub fn project(&self, name: &str) -> Result<PathBuf> {
        let project = self.home.join(name);
        std::fs::create_dir_all(&project)?;
        let status = Command::new("git")
            .args(["init", "--quiet"])
            .arg(&project)
            .stdin(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("git init {} failed", project.display());
        }
        Ok(project)
    }

    /// The command for the client `name` (`claude`, `gemini`, `codex`,
    /// `copilot`, `mcp-remote`), run in `cwd` with this home.
    pub fn command(&self, name: &str, cwd: &Path) -> Command {
        let mut command = Command::new(self.bin.join(name));
        command
            .current_dir(cwd)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LANG", "C.UTF-8")
            .env("TERM", "dumb")
            .env("NO_COLOR", "1")
            .env("CI", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .env("DISABLE_TELEMETRY", "1")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("COPILOT_AUTO_UPDATE", "false")
            .env("GEMINI_CLI_NO_RELAUNCH", "true")
            .stdin(Stdio::null());
        command
    }

    /// Runs a client command to its end (killed after a time limit); its
    /// output with stdout and stderr as text.
    pub fn run(&self, command: &mut Command) -> Result<ClientOutput> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {command:?}"))?;
        let deadline = Instant::now() + CLIENT_TIMEOUT;
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let output = child.wait_with_output()?;
                bail!(
                    "{command:?} did not finish within {CLIENT_TIMEOUT:?}: {}",
                    String::from_utf8_lossy(&output.stdout)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(ClientOutput::from(child.wait_with_output()?))
    }
}

/// What a client printed.
#[derive(Debug)]
pub struct ClientOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for ClientOutput {
    fn from(output: Output) -> Self {
        Self {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl ClientOutput {
    /// Fails with the output when the command failed.
    pub fn ok(self) -> Result<Self> {
        if !self.success {
            bail!("the client failed:\n{}\n{}", self.stdout, self.stderr);
        }
        Ok(self)
    }

    /// The line of stdout that names `server`.
    pub fn line_of(&self, server: &str) -> Option<&str> {
        self.stdout.lines().find(|line| {
            line.contains(&format!("{server}:")) || line.contains(&format!("{server} "))
        })
    }
}
