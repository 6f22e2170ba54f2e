//! The first management token, written to a file on first start.

use std::io::Write;
use std::path::Path;

use mcp_keys_core::ManagementToken;

use crate::{Db, Error, time};

/// When the database has no management token yet, creates one, stores its
/// fingerprint and writes the token to `path` (mode 0600 on Unix, created
/// or truncated). Returns whether a token was written; with a token already
/// in the database the file is left alone.
///
/// The file is written before the fingerprint is committed: a crash in
/// between leaves a token file that does not work (and a next start that
/// tries again) rather than a database with a token nobody has.
pub async fn init_token_file(db: &Db, path: &Path) -> Result<bool, Error> {
    if db.has_management_token().await? {
        return Ok(false);
    }
    let token = ManagementToken::generate()?;
    write_private(path, token.expose_secret())?;
    let stored = db.insert_first_token(&token, time::now()).await?;
    if !stored {
        // Another instance created the first token in the meantime; ours
        // would not work, so the file must not pretend it does.
        std::fs::remove_file(path)?;
    }
    Ok(stored)
}

/// Writes `text` and a newline to `path`, readable by the owner only.
///
/// A symbolic link at `path` is refused, not followed: the token file is
/// often in a shared folder, where a link planted by someone else would
/// make this truncate and overwrite whatever it points at.
fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    if let Ok(metadata) = std::fs::symlink_metadata(path)
        && !metadata.is_file()
    {
        return Err(Error::Config(format!(
            "{} is a symbolic link or not a regular file; the token file must be a plain file \
             (remove it or choose another path)",
            path.display()
        )));
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The check above races with a link created in between; the open
        // itself refuses to follow one.
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    // `mode` only applies to a new file; an existing one is narrowed too.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    writeln!(file, "{text}")?;
    file.sync_all()?;
    Ok(())
}
