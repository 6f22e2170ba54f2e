//! Where things are in the repository.

use std::path::{Path, PathBuf};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Tools installed for this checkout only (tauri-driver, nextest when missing).
pub fn tools_dir() -> PathBuf {
    target_dir().join("tools")
}

/// The desktop binary of a debug or release build.
pub fn app_binary(release: bool) -> PathBuf {
    let profile = if release { "release" } else { "debug" };
    target_dir()
        .join(profile)
        .join(format!("mcp-keys-desktop{}", std::env::consts::EXE_SUFFIX))
}
