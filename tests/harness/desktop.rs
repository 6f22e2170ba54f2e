//! A private desktop session: an Xvfb display, a D-Bus session bus and an
//! unlocked gnome-keyring on it, with XDG folders of its own; for the
//! end-to-end tests and the app bench.

use crate::paths;
use crate::process::{Guard, spawn};
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A virtual display and session bus, stopped when dropped.
#[derive(Debug)]
pub struct Desktop {
    display: String,
    bus_address: String,
    home: PathBuf,
    // Dropped after the fields above are used by the app; the keyring and
    // the bus go before the display.
    _keyring: Guard,
    _bus: Guard,
    _xvfb: Guard,
}

impl Desktop {
    /// Starts Xvfb on a free display and a D-Bus session daemon, with
    /// XDG folders under `target/e2e/<name>`.
    pub fn start(name: &str) -> Result<Self> {
        Self::start_in(paths::scratch_dir(name)?)
    }

    /// Like [`Desktop::start`], with its folders under `home`, which must
    /// be new or empty.
    pub fn start_in(home: PathBuf) -> Result<Self> {
        // `-displayfd 1`: Xvfb picks a free display itself and prints its
        // number when it is ready, so parallel runs never race for one.
        let mut xvfb = spawn(
            "Xvfb (Debian package xvfb)",
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let display = format!(":{}", first_line(&mut xvfb)?);
        let mut bus = spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .env("DISPLAY", &display)
                .stdout(Stdio::piped())
                // Services the bus starts on demand (portals, the keyring)
                // inherit its output and may outlive a test by a moment;
                // they must not hold the test's own output open.
                .stderr(Stdio::null()),
        )?;
        let bus_address = first_line(&mut bus)?;
        for dir in ["home", "data", "config", "cache", "runtime", "app-data"] {
            std::fs::create_dir_all(home.join(dir))?;
        }
        // The XDG runtime folder must be private, or GLib refuses to use it.
        std::fs::set_permissions(home.join("runtime"), std::fs::Permissions::from_mode(0o700))?;
        let keyring = start_keyring(&bus_address, &home)?;
        Ok(Self {
            display,
            bus_address,
            home,
            _keyring: keyring,
            _bus: bus,
            _xvfb: xvfb,
        })
    }

    /// The variables a process needs to live in this desktop.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |name: &str| self.home.join(name).display().to_string();
        vec![
            ("DISPLAY", self.display.clone()),
            // A home of its own: the app scans IDE configs under it and
            // writes its login item there, never in the real one.
            ("HOME", dir("home")),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus_address.clone()),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("XDG_RUNTIME_DIR", dir("runtime")),
            ("MCP_KEYS_DATA_DIR", dir("app-data")),
        ]
    }

    /// The X display, such as `:99`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The app's data folder (`MCP_KEYS_DATA_DIR`).
    pub fn app_data(&self) -> PathBuf {
        self.home.join("app-data")
    }

    /// The folder holding this desktop's files.
    pub fn home(&self) -> &std::path::Path {
        &self.home
    }
}

/// A real Secret Service on the test's bus: gnome-keyring, unlocked with a
/// throwaway password, its keyrings in the test's own data folder (a new
/// keyring takes the first password it is given).
fn start_keyring(bus_address: &str, home: &std::path::Path) -> Result<Guard> {
    use std::io::Write;
    let mut keyring = spawn(
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
        stdin.write_all(b"e2e-keyring")?;
    }
    // Ready once it owns its bus name.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let owned = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .output()?;
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            return Ok(keyring);
        }
        keyring.ensure_running()?;
        if std::time::Instant::now() > deadline {
            bail!("gnome-keyring-daemon did not register on the session bus within 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

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
        bail!("no address printed");
    }
    Ok(line)
}
