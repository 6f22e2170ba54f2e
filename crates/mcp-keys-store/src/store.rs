//! Opening the database: where it lives, its permissions, its pragmas and
//! its migrations.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::Error;

/// The embedded migrations, applied on every open (a no-op when current).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database file inside the data folder.
pub const DB_FILE_NAME: &str = "mcp-keys.db";

/// The variable that overrides the data folder (DESIGN §6).
pub const DATA_DIR_VAR: &str = "MCP_KEYS_DATA_DIR";

/// How long a statement waits for another process's write before it fails.
/// The app and the CLI write small transactions, so a few seconds cover
/// any real contention.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The folder of MCP Keys' local data: `MCP_KEYS_DATA_DIR` when set, else
/// the platform data folder (`$XDG_DATA_HOME` or `~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows) with
/// `mcp-keys` appended.
pub fn data_dir() -> Result<PathBuf, Error> {
    match std::env::var_os(DATA_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => dirs::data_dir()
            .map(|dir| dir.join("mcp-keys"))
            .ok_or(Error::NoDataDir),
    }
}

/// The local store: one SQLite database per user, shared at the same time
/// by the desktop app and the CLI (WAL, a busy timeout, and write
/// transactions that take the write lock up front).
///
/// Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens the store in [`data_dir`], creating it if needed.
    pub async fn open_default() -> Result<Self, Error> {
        Self::open(&data_dir()?.join(DB_FILE_NAME)).await
    }

    /// Opens the database file at `path`, creating the file and its folder
    /// if needed (folder 0700, file 0600 on Unix: the store is private to
    /// the user even though it holds no secret), and brings its schema up
    /// to date.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        create_private_file(path)?;
        // Two processes opening a new database at once would both apply
        // the first migration, and the loser would fail on the tables the
        // winner created: migrations run under an exclusive file lock.
        let lock = lock_exclusive(&lock_path(path)).await?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // WAL: the app's reads never wait for the CLI's writes.
            // NORMAL is durable across a crash of either process in WAL
            // mode; only a power loss can take back the last commits.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // Deleted rows are overwritten, not left in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        drop(lock);
        Ok(Self {
            pool,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction that holds the database's write lock from
    /// its first statement. A deferred transaction that reads and then
    /// writes fails at once with "database is locked" when another process
    /// wrote in between; an immediate one waits out the busy timeout
    /// instead.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, Error> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_error(dir))
}

/// Creates `path` empty with mode 0600 if it does not exist, and narrows
/// its mode to 0600 if it does. SQLite gives its `-wal` and `-shm` files
/// the mode of the database file.
fn create_private_file(path: &Path) -> Result<File, Error> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(io_error(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io_error(path))?;
    }
    Ok(file)
}

/// Waits (off the async runtime) for an exclusive lock on `path`, held
/// until the returned file is dropped.
async fn lock_exclusive(path: &Path) -> Result<File, Error> {
    let file = create_private_file(path)?;
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|join| Error::Io {
            path: owned.clone(),
            source: std::io::Error::other(join.to_string()),
        })?
        .map_err(io_error(path))
}
