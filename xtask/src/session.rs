//! The desktop session the tests run in: a private D-Bus session bus with an
//! unlocked gnome-keyring (the real Secret Service), isolated from the user's.

use crate::{process, workspace};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::process::{Command, Stdio};

/// Re-runs this xtask inside a new D-Bus session (`dbus-run-session`), with
/// the XDG data folder (where gnome-keyring keeps its keyrings) fresh for the
/// run: a keyring keeps the password it was first created with.
pub fn rerun_inside(args: &[&str]) -> Result<()> {
    let home = workspace::target_dir().join("test-session");
    if home.exists() {
        std::fs::remove_dir_all(&home).with_context(|| format!("clearing {}", home.display()))?;
    }
    for dir in ["data", "config", "cache", "runtime"] {
        std::fs::create_dir_all(home.join(dir))?;
    }
    let me = std::env::current_exe().context("locating the xtask binary")?;
    process::run(
        Command::new("dbus-run-session")
            .arg("--")
            .arg(me)
            .args(args)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            // The keyring tests of mcp-keys-store fail, not skip, in here.
            .env("MCP_KEYS_TEST_KEYRING", "1"),
    )
}

/// Starts gnome-keyring's Secret Service on the current session bus, unlocked
/// with a throwaway password.
pub fn unlock_keyring() -> Result<()> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        bail!("no D-Bus session: run the tests through `cargo xtask test`");
    }
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting gnome-keyring-daemon (Debian package gnome-keyring)")?;
    if let Some(mut stdin) = daemon.stdin.take() {
        stdin.write_all(b"mcp-keys-test-session")?;
    }
    // The daemon forks and this first process exits once the keyring is ready.
    let status = daemon.wait()?;
    if !status.success() {
        bail!("gnome-keyring-daemon failed to start ({status})");
    }
    Ok(())
}
