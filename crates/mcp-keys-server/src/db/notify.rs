//! PostgreSQL LISTEN/NOTIFY between instances: what one instance changes
//! about verification, the others drop from their caches within
//! milliseconds of the commit.
//!
//! A notification sent inside a transaction is delivered when it commits,
//! so no instance hears of a revocation that did not happen. Delivery is
//! not guaranteed (a listener's connection can drop); the cache's TTL is
//! the bound then, and a reconnect clears the whole cache since whatever
//! was sent meanwhile is lost.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{Any, Executor};
use tokio::task::JoinHandle;

use super::cache::VerificationCache;
use crate::Error;

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

/// The task that applies other instances' notifications to `cache`. It is
/// listening when this returns, so no change committed afterwards is missed;
/// it stops when aborted or when the cache is gone.
pub async fn listen(url: &str, cache: &Arc<VerificationCache>) -> Result<Listener, Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    let cache = Arc::downgrade(cache);
    Ok(Listener(tokio::spawn(run(listener, cache))))
}

async fn run(mut listener: PgListener, cache: Weak<VerificationCache>) {
    loop {
        let received = listener.try_recv().await;
        let Some(cache) = cache.upgrade() else {
            return;
        };
        match received {
            Ok(Some(notification)) => match notification.payload() {
                EVERY_KEY => cache.clear(),
                key_id => cache.forget(key_id),
            },
            // The connection dropped: notifications sent until it is back
            // are lost, so nothing cached before can be trusted.
            Ok(None) => cache.clear(),
            Err(error) => {
                cache.clear();
                tracing::warn!(%error, "listening for revocations failed; retrying");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
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
