//! `cargo xtask run`: set up, build, and open the app's window.

use crate::{process, system, ui, workspace};
use anyhow::{Result, bail};
use std::process::Command;

/// Installs what is missing, builds the UI and the app, and opens the window
/// on the embedded local key service.
pub fn run(release: bool) -> Result<()> {
    if !has_display() {
        bail!(
            "no display: MCP Keys is a desktop app and needs a window system.\n\
             On a machine without one, run it under a virtual display:\n  \
             xvfb-run -a -s \"-screen 0 1280x800x24\" dbus-run-session -- cargo xtask run\n\
             (xvfb-run is in Debian's xvfb package; dbus-run-session gives the app the \
             D-Bus session its keyring and notifications use)"
        );
    }
    system::ensure(system::Needs::Build)?;
    ui::install()?;
    ui::build()?;
    build(release)?;
    process::run(&mut Command::new(workspace::app_binary(release)))
}

/// Builds the desktop binary (the UI must be built first: the app embeds it).
pub fn build(release: bool) -> Result<()> {
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--package", "mcp-keys-desktop"]);
    if release {
        cargo.arg("--release");
    }
    process::run(&mut cargo)
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
        || cfg!(any(target_os = "macos", target_os = "windows"))
}
