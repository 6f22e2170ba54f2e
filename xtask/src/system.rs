//! The Debian/Ubuntu packages the app needs to build and its tests need to run,
//! installed with apt when missing.

use crate::process;
use anyhow::{Result, bail};
use std::process::Command;

/// What Tauri needs to build and run on Linux (webkit2gtk 4.1 and the rest).
const BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "libsecret-1-dev",
    // The keyring (Secret Service) and desktop notifications talk D-Bus
    // through libdbus, as the window toolkit does.
    "libdbus-1-dev",
];

/// What the tests need: a virtual display, the WebKit WebDriver that
/// tauri-driver starts, a D-Bus session with a Secret Service and a
/// notification daemon, clipboard and screenshot tools, a PostgreSQL server
/// for the key service's tests (they start their own cluster) and HAProxy
/// in front of several instances, and Python for the MCP client this project
/// did not write.
const TEST: &[&str] = &[
    "postgresql",
    "haproxy",
    "python3-venv",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus-x11",
    "gnome-keyring",
    "dunst",
    "xclip",
    "imagemagick",
    // The package test: rpm to read the .rpm, man-db to find the manual page.
    "rpm",
    "man-db",
];

/// What the benchmarks need: a C compiler for the key service's bundled
/// SQLite, the load generator, and a PostgreSQL server (the bench starts
/// its own cluster).
const BENCH: &[&str] = &["build-essential", "pkg-config", "wrk", "postgresql"];

/// What the app benchmark needs besides the build's packages: a virtual
/// display, the WebKit WebDriver that tauri-driver starts, a D-Bus session
/// with a Secret Service (the app keeps its token in the keyring), and
/// `strip` (binutils).
const BENCH_APP: &[&str] = &[
    "xvfb",
    "webkit2gtk-driver",
    "dbus-x11",
    "gnome-keyring",
    "binutils",
];

/// Which set of packages a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building and opening the app.
    Build,
    /// Building it and running every test.
    Test,
    /// Building the key service and benchmarking it.
    Bench,
    /// Building the app and a minimal Tauri app, and timing both in a window.
    BenchApp,
}

/// Installs the missing packages with apt when running as root; otherwise
/// prints the exact command and fails. On systems without apt it only warns:
/// the packages there have other names and the build will say what is missing.
pub fn ensure(needs: Needs) -> Result<()> {
    if !process::on_path("dpkg-query") || !process::on_path("apt-get") {
        eprintln!(
            "note: not a Debian/Ubuntu system; install Tauri's prerequisites yourself \
             (https://v2.tauri.app/start/prerequisites/)"
        );
        return Ok(());
    }
    let wanted = match needs {
        Needs::Build => BUILD.to_vec(),
        Needs::Test => BUILD.iter().chain(TEST).copied().collect(),
        Needs::Bench => BENCH.to_vec(),
        Needs::BenchApp => BUILD.iter().chain(BENCH_APP).copied().collect(),
    };
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        bail!(
            "missing system packages: {list}\n\
             install them with:\n  sudo apt-get update && sudo apt-get install -y {list}\n\
             then run this command again"
        );
    }
    eprintln!("installing system packages: {list}");
    process::run(Command::new("apt-get").args(["update", "-qq"]))?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn installed(package: &str) -> bool {
    process::output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|status| status.contains("install ok installed"))
}

fn is_root() -> bool {
    process::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}
