//! Where the harness finds the built binaries and puts its output.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// Cargo's target folder (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        // The workspace root is the parent of tests/.
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map_or_else(|| PathBuf::from("target"), |root| root.join("target"))
        },
        PathBuf::from,
    )
}

/// The app under test: `$MCP_KEYS_APP`, else the debug build.
pub fn app_binary() -> Result<PathBuf> {
    let path = std::env::var_os("MCP_KEYS_APP").map_or_else(
        || target_dir().join("debug/mcp-keys-desktop"),
        PathBuf::from,
    );
    if !path.is_file() {
        bail!(
            "the app is not built at {}: run the tests with `cargo xtask test`",
            path.display()
        );
    }
    Ok(std::path::absolute(path)?)
}

/// tauri-driver: `$TAURI_DRIVER`, else the copy `cargo xtask test` installs.
pub fn tauri_driver() -> Result<PathBuf> {
    let path = std::env::var_os("TAURI_DRIVER").map_or_else(
        || target_dir().join("tools/bin/tauri-driver"),
        PathBuf::from,
    );
    if !path.is_file() {
        bail!(
            "tauri-driver is not installed at {}: run the tests with `cargo xtask test`",
            path.display()
        );
    }
    Ok(path)
}

/// A fresh folder for one test's files, under `target/e2e/<name>`.
pub fn scratch_dir(name: &str) -> Result<PathBuf> {
    let dir = target_dir().join("e2e").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(std::path::absolute(dir)?)
}
