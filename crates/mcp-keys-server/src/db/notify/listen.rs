//! Listening on PostgreSQL (the `postgres` feature): other instances'
//! changes dropped from this instance's cache.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::postgres::PgListener;

use super::{CHANNEL, EVERY_KEY, Listener};
use crate::Error;
use crate::db::cache::VerificationCache;

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
