//! A process the app bench starts (the display, the bus, the keyring,
//! tauri-driver), stopped with SIGTERM, then SIGKILL, when its guard drops.
//!
//! Each runs in a process group of its own: the terminal's Ctrl-C then
//! reaches only xtask, whose guards stop them in order (tauri-driver, which
//! stops WebKitWebDriver and the app, before the display they draw on),
//! instead of every process getting the signal at once.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use anyhow::{Context, Result, bail};

use super::service;

/// A running child, stopped when dropped.
#[derive(Debug)]
pub struct Guard {
    child: Child,
    name: &'static str,
}

impl Guard {
    /// Starts `command` in its own process group.
    pub fn spawn(name: &'static str, command: &mut Command) -> Result<Self> {
        let child = command
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        Ok(Self { child, name })
    }

    /// The child, to read its pipes.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Fails if the child has exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} exited early ({status})", self.name);
        }
        Ok(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        service::stop(&mut self.child, self.name);
    }
}
