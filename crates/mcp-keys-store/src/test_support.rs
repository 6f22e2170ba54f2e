//! Helpers for tests that prove no secret reaches the disk (feature
//! `test-support`): this crate's tests, the CLI's and the desktop app's.

use std::path::{Path, PathBuf};

use mcp_keys_core::{ApiKey, ManagementToken};
use regex::bytes::Regex;

/// The patterns of DESIGN §2: our API keys and management tokens.
const PATTERNS: [&str; 2] = [r"mcp_(?:dev|prod)_[0-9A-Za-z]{46}", r"mgmt_[0-9A-Za-z]{46}"];

/// A secret found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFound {
    /// The file.
    pub path: PathBuf,
    /// Where in the file it starts.
    pub offset: usize,
    /// Its public prefix (`mcp_prod_AbCdEfGh`, `mgmt_AbCdEfGh`): enough to
    /// tell which key leaked without printing it.
    pub prefix: String,
}

/// Every key or management token with a valid checksum in every file under
/// `dir` (recursively, binary files such as SQLite's included). Matches of
/// the patterns whose checksum fails are public text that merely looks
/// alike, such as a stored key prefix followed by its fingerprint.
pub fn find_secrets_in(dir: &Path) -> std::io::Result<Vec<SecretFound>> {
    let patterns = PATTERNS
        .iter()
        .map(|pattern| Regex::new(pattern).map_err(std::io::Error::other))
        .collect::<Result<Vec<_>, _>>()?;
    let mut found = Vec::new();
    for path in files_under(dir)? {
        let bytes = std::fs::read(&path)?;
        for pattern in &patterns {
            for hit in pattern.find_iter(&bytes) {
                // The pattern only matches ASCII.
                let text = String::from_utf8_lossy(hit.as_bytes());
                let prefix = if let Ok(key) = ApiKey::parse(&text) {
                    key.key_prefix().to_owned()
                } else if let Ok(token) = ManagementToken::parse(&text) {
                    token.token_prefix().to_owned()
                } else {
                    continue;
                };
                found.push(SecretFound {
                    path: path.clone(),
                    offset: hit.start(),
                    prefix,
                });
            }
        }
    }
    Ok(found)
}

/// Panics, naming the files and the prefixes but never the secrets, when
/// any file under `dir` holds a key or a management token.
#[track_caller]
pub fn assert_no_secrets_in(dir: &Path) {
    match find_secrets_in(dir) {
        Ok(found) if found.is_empty() => {}
        Ok(found) => {
            let list = found
                .iter()
                .map(|hit| format!("{}@{} ({}…)", hit.path.display(), hit.offset, hit.prefix))
                .collect::<Vec<_>>()
                .join(", ");
            panic!("plaintext secrets on disk under {}: {list}", dir.display());
        }
        Err(error) => panic!("cannot scan {} for secrets: {error}", dir.display()),
    }
}

/// Panics when any file under `dir` contains one of `secrets` verbatim,
/// whatever its format: for secrets the test knows, such as the key it
/// just created.
#[track_caller]
pub fn assert_none_of_in(dir: &Path, secrets: &[&str]) {
    let files = match files_under(dir) {
        Ok(files) => files,
        Err(error) => panic!("cannot list {}: {error}", dir.display()),
    };
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => panic!("cannot read {}: {error}", path.display()),
        };
        for (index, secret) in secrets.iter().enumerate() {
            let needle = secret.as_bytes();
            if !needle.is_empty() && bytes.windows(needle.len()).any(|window| window == needle) {
                panic!("secret #{index} is stored in {}", path.display());
            }
        }
    }
}

fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}
