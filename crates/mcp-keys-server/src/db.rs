//! Storage: SQLite through sqlx, with the migrations of `migrations/`.
//!
//! Every query lives in a `db/<resource>.rs` file as a method of [`Db`], so
//! handlers never hold SQL, and the move to PostgreSQL touches this module
//! only. The SQL sticks to what both databases accept.

mod events;
mod keys;
mod products;
mod surfaces;
mod tokens;

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use events::EventFilter;
pub(crate) use events::NewEvent;
pub use keys::{NewKey, StoredKey};
pub use surfaces::{NewSurface, SurfaceFilter, SurfaceUpdate};

use crate::Error;

/// The embedded migrations, applied on every start (a no-op when current).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The key service's database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
}

impl Db {
    /// Opens (creating it if needed) and migrates the database at `url`:
    /// `sqlite://PATH` for a file, `sqlite::memory:` for a private in-memory
    /// database that lives as long as this `Db`.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        if !url.starts_with("sqlite:") {
            return Err(Error::Config(
                "unsupported database URL: expected sqlite://PATH or sqlite::memory:".into(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|error| Error::Config(format!("invalid database URL: {error}")))?
            .create_if_missing(true)
            // WAL: readers (every verification) never wait for a writer.
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged revocation survives a power loss, not
            // only a crash of the process.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            // An in-memory database disappears with its last connection, so
            // one connection is kept open for the life of the pool.
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers, for the health endpoint.
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Reads a value that the service itself wrote as text (an enumeration, a
/// JSON list): failing to parse means the database was changed by hand.
fn parse_stored<T: FromStr>(what: &str, text: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| Error::Corrupt(format!("{what}: {text:?}")))
}

/// The count a `SELECT COUNT(*)` returned, which is never negative.
fn count(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}
