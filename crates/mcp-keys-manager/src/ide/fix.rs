//! The one-click fix of `plaintext_key_not_gitignored`.

use std::path::{Path, PathBuf};

use mcp_keys_ide::edit::EditOptions;

use crate::{Error, Manager};

impl Manager {
    /// The one-click fix of `plaintext_key_not_gitignored`: adds the config
    /// to the `.gitignore` of the git work tree that holds it. Returns the
    /// `.gitignore` written.
    ///
    /// Only a config of the latest scan (or doctor run) that holds a key is
    /// accepted: the path comes from the window, and a fix must never be
    /// a way to write a `.gitignore` anywhere else.
    pub async fn ignore_config(&self, config: &Path) -> Result<PathBuf, Error> {
        let known = self
            .store()
            .list_scan_results()
            .await?
            .into_iter()
            .any(|result| Path::new(&result.config_path) == config && result.key_prefix.is_some());
        if !known {
            return Err(Error::Invalid(format!(
                "{} is not a config of the latest scan that holds a key; scan again, then fix",
                config.display()
            )));
        }
        let config = config.to_path_buf();
        let backup_dir = self.backup_dir();
        tokio::task::spawn_blocking(move || ignore_in_work_tree(&config, backup_dir))
            .await
            .map_err(Error::stopped("the fix"))?
    }
}

/// Adds `config` to the `.gitignore` of the git work tree that holds it.
fn ignore_in_work_tree(config: &Path, backup_dir: PathBuf) -> Result<PathBuf, Error> {
    let root = config
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{} is not inside a git work tree, so there is no .gitignore to add it to",
                config.display()
            ))
        })?;
    let options = EditOptions {
        backup_dir,
        ..EditOptions::default()
    };
    let outcome = mcp_keys_ide::edit::add_gitignore_entry(root, config, &options)
        .map_err(|error| Error::Invalid(error.to_string()))?;
    Ok(outcome.written)
}
