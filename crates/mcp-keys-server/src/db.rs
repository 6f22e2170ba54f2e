//! Storage: SQLite or PostgreSQL through sqlx's `Any` driver, with the
//! migrations of `migrations/`.
//!
//! Every query lives in a `db/<resource>.rs` file as a method of [`Db`], so
//! handlers never hold SQL. The SQL is written once and sticks to what both
//! databases accept: `$N` placeholders (never `QueryBuilder::push_bind`,
//! whose `Any` placeholder is `?`, which PostgreSQL refuses), BIGINT times,
//! TEXT everywhere else.

mod cache;
mod events;
mod grants;
mod inline;
mod keys;
mod notify;
mod oauth;
mod products;
mod sessions;
mod sqlite;
mod surfaces;
mod tokens;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Connection as _, Executor};

pub use cache::Invalidated;
use cache::VerificationCache;
pub use events::EventFilter;
pub(crate) use events::{CallGroup, NewEvent};
pub use keys::{NewKey, StoredKey};
use notify::{Change, Listener};
pub use oauth::{Exchange, NewRequest, OAuthSurface, StoredClient, StoredRequest};
pub use surfaces::{NewSurface, Prune, SurfaceFilter, SurfaceUpdate, SyncedItem, surface_url};
pub use tokens::EMBEDDED_TOKEN_NAME;

use crate::Error;

/// The embedded migrations, applied on every start (a no-op when current).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a pooled connection may sit idle before it is checked with a
/// ping when taken again.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// The pool settings of both databases. sqlx pings every connection it
/// hands out by default: a second database round trip for each query, which
/// doubled a verification's cost on a cache miss (and every other query's).
/// A connection is pinged only after it sat idle for a while, when a
/// PostgreSQL server may have dropped it; one used a moment ago is alive.
fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|connection, metadata| {
            Box::pin(async move {
                if metadata.idle_for > PING_WHEN_IDLE_FOR {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

/// The key service's database, with this instance's verification cache.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    /// On a SQLite file, the verification read made on the calling thread.
    inline: Option<Arc<inline::InlineReads>>,
    cache: Arc<VerificationCache>,
    /// Set on PostgreSQL, where other instances may change keys.
    listener: Option<Arc<Listener>>,
}

/// A PostgreSQL pool and the listener that keeps this instance's cache in
/// step with the others'.
#[cfg(feature = "postgres")]
async fn postgres(
    url: &str,
    cache: &Arc<VerificationCache>,
) -> Result<(AnyPool, Option<Arc<Listener>>), Error> {
    use sqlx::AnyConnection;

    // One plain connection first: a wrong host or port fails now with its
    // own error, where the pool would retry a refused connection until its
    // acquire timeout.
    AnyConnection::connect(url).await?.close().await?;
    let pool = pool_options().connect(url).await?;
    // Listening before serving: a revocation committed from now on reaches
    // this instance's cache.
    let listener = notify::listen(url, cache).await?;
    Ok((pool, Some(Arc::new(listener))))
}

/// This build has no PostgreSQL driver (the desktop app's embedded service).
#[cfg(not(feature = "postgres"))]
async fn postgres(
    _url: &str,
    _cache: &Arc<VerificationCache>,
) -> Result<(AnyPool, Option<Arc<Listener>>), Error> {
    Err(Error::Config(
        "this build of the key service has no PostgreSQL driver: run `mcp-keys serve` for a \
         PostgreSQL database"
            .into(),
    ))
}

impl Db {
    /// Opens (creating it if needed) and migrates the database at `url`:
    /// `sqlite://PATH` for a file, `sqlite::memory:` for a private in-memory
    /// database that lives as long as this `Db`, `postgres://…` for a
    /// PostgreSQL database shared by several instances.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let cache = Arc::new(VerificationCache::default());
        let mut inline = None;
        let (pool, listener) = if url.starts_with("sqlite:") {
            let pool = sqlite::connect(url).await?;
            inline = sqlite::file_path(url).map(|path| Arc::new(inline::InlineReads::new(path)));
            (pool, None)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            postgres(url, &cache).await?
        } else {
            return Err(Error::Config(
                "unsupported database URL: expected sqlite://PATH, sqlite::memory: or postgres://…"
                    .into(),
            ));
        };
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            inline,
            cache,
            listener,
        })
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        if let Some(listener) = &self.listener {
            listener.stop();
        }
        self.pool.close().await;
    }

    /// Hears of every key this instance's cache drops from now on (a
    /// revocation here, or on another instance).
    pub fn invalidations(&self) -> tokio::sync::broadcast::Receiver<Invalidated> {
        self.cache.invalidations()
    }

    /// Whether the database answers, for the health endpoint.
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Tells this instance's cache, and on PostgreSQL the other instances
    /// (through `executor`, so inside a transaction it is sent on commit),
    /// that `change` happened. The local cache is told by [`Db::forget`]
    /// once the change is committed.
    async fn publish<'e>(
        &self,
        executor: impl Executor<'e, Database = Any>,
        change: Change<'_>,
    ) -> Result<(), Error> {
        if self.listener.is_some() {
            notify::publish(executor, change).await?;
        }
        Ok(())
    }

    /// Drops what `change` made stale from this instance's cache. Called
    /// after the commit and before the request that made it returns.
    fn forget(&self, change: Change<'_>) {
        match change {
            Change::Key(key_id) => self.cache.forget(key_id),
            Change::Everything => self.cache.clear(),
        }
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
