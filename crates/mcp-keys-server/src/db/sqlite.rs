//! SQLite through the `Any` driver: a file (WAL, fully synchronous) or a
//! private in-memory database.

use std::str::FromStr;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyPool, Executor};

use crate::Error;

/// A pool on a SQLite database. The `Any` driver takes a URL only, so the
/// settings the URL cannot carry are applied to every new connection.
pub async fn connect(url: &str) -> Result<AnyPool, Error> {
    let memory = url.contains(":memory:");
    // Create the file if it is missing, unless the URL chose a mode itself.
    let url = if memory || url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    AnyConnectOptions::from_str(&url)
        .map_err(|error| Error::Config(format!("invalid database URL: {error}")))?;
    if !memory {
        create_private(&url)?;
    }
    let options = super::pool_options()
        .after_connect(|connection, _| {
            Box::pin(async move {
                // WAL: readers (every verification) never wait for a writer.
                // FULL: an acknowledged revocation survives a power loss, not
                // only a crash of the process. Foreign keys and a 5 s busy
                // timeout are sqlx's SQLite defaults already.
                connection
                    .execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                    .await?;
                Ok(())
            })
        })
        // An in-memory database disappears with its last connection, so
        // one connection is kept open for the life of the pool.
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None);
    // Through `Any`, every connection to `:memory:` opens a new, empty
    // database: a private in-memory database is one connection.
    let options = if memory {
        options.max_connections(1)
    } else {
        options
    };
    Ok(options.connect(&url).await?)
}

/// Creates the database file of `url` readable by its owner only, before
/// SQLite would create it with the process umask (0644 by default): it
/// holds key fingerprints and the audit log. SQLite gives its `-wal` and
/// `-shm` files the database file's mode. An existing file is left as it is.
fn create_private(url: &str) -> Result<(), Error> {
    let Some(path) = file_path(url) else {
        return Ok(());
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A missing folder and the like: SQLite's own error says it better.
        Err(_) => Ok(()),
    }
}

/// The file of a `sqlite://PATH` URL; `None` for an in-memory database.
pub fn file_path(url: &str) -> Option<std::path::PathBuf> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    (!path.is_empty()).then(|| path.into())
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::{connect, file_path};

    #[test]
    fn the_file_of_a_url_is_found_and_memory_has_none() {
        assert_eq!(
            file_path("sqlite:///var/lib/keys.db?mode=rwc"),
            Some("/var/lib/keys.db".into())
        );
        assert_eq!(file_path("sqlite:keys.db"), Some("keys.db".into()));
        assert_eq!(file_path("sqlite::memory:"), None);
        assert_eq!(file_path("sqlite://x.db?mode=memory"), None);
    }

    #[tokio::test]
    async fn a_missing_file_is_created_in_wal_mode_and_fully_synchronous()
    -> Result<(), Box<dyn std::error::Error>> {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir()?;
        let pool = connect(&format!("sqlite://{}", dir.path().join("new.db").display())).await?;
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await?
            .try_get(0)?;
        assert_eq!(mode, "wal");
        // 2 = FULL: an acknowledged revocation survives a power loss.
        let synchronous: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(&pool)
            .await?
            .try_get(0)?;
        assert_eq!(synchronous, 2);
        let foreign_keys: i64 = sqlx::query("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await?
            .try_get(0)?;
        assert_eq!(foreign_keys, 1);
        pool.close().await;
        Ok(())
    }
}
