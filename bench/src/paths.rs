//! Where the bench finds the repository and the binaries it builds.

use std::path::{Path, PathBuf};

pub use mcp_keys_e2e::target_dir;

/// The repository root (the parent of `bench/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A binary of the workspace's release build.
pub fn release_binary(name: &str) -> PathBuf {
    target_dir()
        .join("release")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}
