//! Keys in files the clients write themselves: Codex copies the environment
//! it starts from into shell snapshots, keys exported for
//! `bearer_token_env_var` included. These are not configs, so they are read
//! as plain text (bounded), and only doctor reports them.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use mcp_keys_core::find_candidates;

use crate::ClientId;
use crate::discover::{DiscoverOptions, expand};
use crate::extract::KeyFacts;
use crate::registry::{self, ClientCopy, Root};

/// A key found in a file a client wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedKey {
    /// The client that wrote the file.
    pub client: ClientId,
    /// The file.
    pub path: PathBuf,
    /// Its line (1-based) where the key first appears.
    pub line: usize,
    /// The key, described without its text.
    pub key: KeyFacts,
    /// What the file is and how to clean it (from the registry).
    pub copy: &'static ClientCopy,
}

/// Every key in the client-made copies under the home folder of `options`.
/// Links and files larger than a config may be are skipped: a copy is a
/// regular file the client wrote.
pub fn find_copied_keys(options: &DiscoverOptions) -> Vec<CopiedKey> {
    let mut found = Vec::new();
    for spec in registry::clients() {
        for copy in &spec.copies {
            for pattern in &copy.paths {
                let Some((root, rel)) = registry::split_pattern(pattern) else {
                    continue;
                };
                let Some(base) = registry::root_dir(root, &options.home, options.os)
                    .filter(|_| root != Root::Project)
                else {
                    continue;
                };
                for path in expand(&base, rel) {
                    keys_in(&path, options.max_file_size, |line, key| {
                        found.push(CopiedKey {
                            client: spec.id,
                            path: path.clone(),
                            line,
                            key,
                            copy,
                        });
                    });
                }
            }
        }
    }
    found
}

/// Calls `each` once per distinct key in the file at `path`.
fn keys_in(path: &PathBuf, max_size: u64, mut each: impl FnMut(usize, KeyFacts)) {
    let Ok(metadata) = fs::symlink_metadata(path) else {
        return;
    };
    if !metadata.is_file() || metadata.len() > max_size {
        return;
    }
    let Ok(bytes) = fs::read(path) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut seen = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        for range in find_candidates(line) {
            let Some(key) = KeyFacts::of(&line[range]) else {
                continue;
            };
            if seen.insert(key.fingerprint.to_string()) {
                each(index + 1, key);
            }
        }
    }
}
