//! PostgreSQL LISTEN/NOTIFY between instances: what one instance changes
//! about verification, the others drop from their caches within
//! milliseconds of the commit.
//!
//! A notification sent inside a transaction is delivered when it commits,
//! so no instance hears of a revocation that did not happen. Delivery is
//! not guaranteed (a listener's connection can drop); the cache's TTL is
//! the bound then, and a reconnect clears the whole cache since whatever
//! was sent meanwhile is lost.

#[cfg(feature = "postgres")]
mod listen;

use sqlx::{Any, Executor};
use tokio::task::JoinHandle;

use crate::Error;
#[cfg(feature = "postgres")]
pub use listen::listen;

/// The channel every instance listens on.
const CHANNEL: &str = "mcp_keys_verification";

/// The payload that drops every cached key (a surface changed).
const EVERY_KEY: &str = "*";

/// What a notification asks the other instances to drop.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// One key changed (revoked, rolled).
    Key(&'a str),
    /// Something every key may depend on changed (a surface).
    Everything,
}

/// Sends `change` through `executor`; inside a transaction it is delivered
/// on commit.
pub async fn publish<'e>(
    executor: impl Executor<'e, Database = Any>,
    change: Change<'_>,
) -> Result<(), Error> {
    let payload = match change {
        Change::Key(key_id) => key_id,
        Change::Everything => EVERY_KEY,
    };
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(executor)
        .await?;
    Ok(())
}

/// The running listener task, stopped when the last [`super::Db`] sharing
/// it is dropped or closed.
#[derive(Debug)]
pub struct Listener(JoinHandle<()>);

impl Listener {
    /// Stops listening.
    pub fn stop(&self) {
        self.0.abort();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.abort();
    }
}
