//! A private desktop for the app bench, as the end-to-end harness makes
//! one (tests/harness/desktop.rs): an Xvfb display, a D-Bus session bus and
//! an unlocked gnome-keyring on it, with XDG folders of its own. The app
//! keeps its management token in that keyring, so one desktop serves every
//! launch of the bench.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::child::Guard;
use super::interrupt;

/// How long gnome-keyring may take to own its bus name.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

/// A display, a bus and a keyring, stopped (keyring first) when dropped.
#[derive(Debug)]
pub struct Desktop {
    display: String,
    bus_address: String,
    home: PathBuf,
    // Fields drop in order: the keyring and the bus go before the display.
    _keyring: Guard,
    _bus: Guard,
    _xvfb: Guard,
}

impl Desktop {
    /// Starts it with its folders, fresh, under `home`.
    pub fn start(home: &Path) -> Result<Self> {
        if home.exists() {
            std::fs::remove_dir_all(home)
                .with_context(|| format!("clearing {}", home.display()))?;
        }
        for dir in ["data", "config", "cache", "runtime", "app-data"] {
            std::fs::create_dir_all(home.join(dir))?;
        }
        // GLib refuses an XDG runtime folder others can read.
        std::fs::set_permissions(home.join("runtime"), std::fs::Permissions::from_mode(0o700))?;
        // `-displayfd 1`: Xvfb picks a free display and prints its number
        // once it is ready.
        let mut xvfb = Guard::spawn(
            "Xvfb (Debian package xvfb)",
            Command::new("Xvfb")
                .args(["-displayfd", "1", "-screen", "0", "1280x800x24"])
                .args(["-nolisten", "tcp"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let display = format!(":{}", first_line(&mut xvfb)?);
        let mut bus = Guard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .env("DISPLAY", &display)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                // Services it starts on demand inherit this; they must not
                // hold xtask's output open.
                .stderr(Stdio::null()),
        )?;
        let bus_address = first_line(&mut bus)?;
        let keyring = start_keyring(&bus_address, home)?;
        Ok(Self {
            display,
            bus_address,
            home: home.to_path_buf(),
            _keyring: keyring,
            _bus: bus,
            _xvfb: xvfb,
        })
    }

    /// The variables a process needs to live in this desktop, the app's
    /// data folder included.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |name: &str| self.home.join(name).display().to_string();
        vec![
            ("DISPLAY", self.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus_address.clone()),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("XDG_RUNTIME_DIR", dir("runtime")),
            ("MCP_KEYS_DATA_DIR", dir("app-data")),
        ]
    }

    /// The app's data folder (`MCP_KEYS_DATA_DIR`).
    pub fn app_data(&self) -> PathBuf {
        self.home.join("app-data")
    }
}

/// gnome-keyring's Secret Service on the bus, unlocked with a throwaway
/// password; its keyring lives in the desktop's own data folder.
fn start_keyring(bus_address: &str, home: &Path) -> Result<Guard> {
    let mut keyring = Guard::spawn(
        "gnome-keyring-daemon (Debian package gnome-keyring)",
        Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home.join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    if let Some(mut stdin) = keyring.child_mut().stdin.take() {
        stdin.write_all(b"mcp-keys-bench")?;
    }
    let started = Instant::now();
    loop {
        interrupt::check()?;
        let owned = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
            .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
            .arg("string:org.freedesktop.secrets")
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .output()
            .context("running dbus-send")?;
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            return Ok(keyring);
        }
        keyring.ensure_running()?;
        if started.elapsed() > KEYRING_TIMEOUT {
            bail!("gnome-keyring-daemon did not own its bus name within {KEYRING_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first line `guard` prints (a display number, a bus address).
fn first_line(guard: &mut Guard) -> Result<String> {
    let stdout = guard
        .child_mut()
        .stdout
        .take()
        .context("no stdout to read")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        guard.ensure_running()?;
        bail!("it printed nothing");
    }
    Ok(line)
}
