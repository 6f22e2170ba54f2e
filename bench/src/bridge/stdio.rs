//! The bridge path of the bridge bench: `mcp-keys bridge` started as an IDE
//! starts a stdio MCP server, one JSON-RPC message a line on its stdin, its
//! answers read line by line from its stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mcp_keys_e2e::{Guard, spawn};
use serde_json::Value;

/// How long the bridge may take to end once its stdin is closed: its
/// requests are done, it closes the session and flushes stdout.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A running bridge; stopped when dropped, if [`Bridge::finish`] was not
/// called.
pub struct Bridge {
    guard: Guard,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
}

impl Bridge {
    /// Starts `command` (the bridge as a config names it, its environment
    /// and stderr set) with its stdin and stdout piped to the bench.
    pub fn start(command: &mut Command) -> Result<Self> {
        let mut guard = spawn(
            "mcp-keys bridge",
            command.stdin(Stdio::piped()).stdout(Stdio::piped()),
        )?;
        let stdin = guard
            .child_mut()
            .stdin
            .take()
            .context("the bridge's stdin")?;
        let stdout = guard
            .child_mut()
            .stdout
            .take()
            .context("the bridge's stdout")?;
        Ok(Self {
            guard,
            stdin,
            stdout: BufReader::new(stdout),
            line: String::new(),
        })
    }

    /// Writes the request `message` and waits for its answer: the time from
    /// the write to the answer's line, and the answer. Lines of other ids
    /// (none are expected) are skipped. Fails unless the answer is a result.
    pub fn ask(&mut self, message: &Value) -> Result<(Duration, Value)> {
        let request = format!("{message}\n");
        let started = Instant::now();
        self.stdin.write_all(request.as_bytes())?;
        loop {
            self.line.clear();
            if self.stdout.read_line(&mut self.line)? == 0 {
                self.guard.ensure_running()?;
                bail!("the bridge closed its stdout");
            }
            let took = started.elapsed();
            let answer: Value = serde_json::from_str(&self.line).with_context(|| {
                format!("the bridge wrote a line that is not JSON: {}", self.line)
            })?;
            if answer["id"] != message["id"] {
                continue;
            }
            if answer.get("result").is_none() {
                bail!("the bridge answered {} with {answer}", message["method"]);
            }
            return Ok((took, answer));
        }
    }

    /// Writes the notification `message` (no answer comes).
    pub fn notify(&mut self, message: &Value) -> Result<()> {
        Ok(self.stdin.write_all(format!("{message}\n").as_bytes())?)
    }

    /// Closes its stdin, as an IDE that quits does, and waits for it to end
    /// on its own; fails unless it exits with status 0.
    pub fn finish(self) -> Result<()> {
        let Self {
            mut guard,
            stdin,
            stdout,
            ..
        } = self;
        drop(stdin);
        let deadline = Instant::now() + EXIT_TIMEOUT;
        let status = loop {
            if let Some(status) = guard.child_mut().try_wait()? {
                break status;
            }
            if Instant::now() > deadline {
                bail!("the bridge did not end within {EXIT_TIMEOUT:?} of its stdin closing");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // Read end open until it has exited: its last flush must not fail.
        drop(stdout);
        if !status.success() {
            bail!("the bridge exited with {status} at the end of its stdin");
        }
        Ok(())
    }
}
