//! Child processes that end with their owner, and loopback ports.

use anyhow::{Context, Result, bail};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// A child process stopped with SIGTERM when dropped, then reaped.
#[derive(Debug)]
pub struct Guard {
    child: Child,
    name: &'static str,
}

impl Guard {
    /// Wraps a started child.
    pub fn new(name: &'static str, child: Child) -> Self {
        Self { child, name }
    }

    /// The child, to read its pipes.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Fails if the child has already exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} exited early ({status})", self.name);
        }
        Ok(())
    }
}

/// How long a process may take to stop after SIGTERM (a key service
/// finishing its requests) before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

impl Guard {
    /// Stops the child as dropping does, and returns how it exited.
    pub fn stop(mut self) -> Result<ExitStatus> {
        self.terminate()
            .with_context(|| format!("{} could not be stopped", self.name))
    }

    /// SIGTERM first (`kill`, since std only sends SIGKILL), so a process
    /// can stop what it started (tauri-driver stops WebKitWebDriver and the
    /// app; SIGKILL would orphan them and they would hold the test's pipes
    /// open). SIGKILL only as a last resort.
    fn terminate(&mut self) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!(
            "{} ignored SIGTERM for {STOP_TIMEOUT:?}; killing it",
            self.name
        );
        let _ = self.child.kill();
        self.child.wait().ok()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until something accepts connections on the loopback `port`.
pub fn wait_for_port(guard: &mut Guard, port: u16, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        guard.ensure_running()?;
        if Instant::now() > deadline {
            bail!("nothing listened on port {port} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `command`, naming it in the error when it cannot start.
pub fn spawn(name: &'static str, command: &mut Command) -> Result<Guard> {
    let child = command
        .spawn()
        .with_context(|| format!("could not start {name}"))?;
    Ok(Guard::new(name, child))
}
