//! A real PostgreSQL server for the tests ([`Cluster`]: a throwaway cluster
//! of the Debian `postgresql` package's binaries), one per test process
//! (shared by the tests running in it, stopped when the last one ends), and a
//! database of its own for every test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use anyhow::Result;
use mcp_keys_server::testing::Cluster;
use sqlx::{Connection, Executor, PgConnection};

/// The running cluster, if a test holds it.
static CLUSTER: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());

/// Names the databases of this process.
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

/// A database of its own on the shared cluster; the cluster stays up while
/// this lives.
pub struct Database {
    pub url: String,
    _cluster: Arc<Cluster>,
}

/// A fresh, empty database.
pub async fn database() -> Result<Database> {
    let cluster = tokio::task::spawn_blocking(shared_cluster).await??;
    let name = format!("keys_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    let mut admin = PgConnection::connect(&cluster.url("postgres")).await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    admin.close().await?;
    Ok(Database {
        url: cluster.url(&name),
        _cluster: cluster,
    })
}

/// The cluster of this process, started if no test holds it.
fn shared_cluster() -> Result<Arc<Cluster>> {
    let mut shared = CLUSTER.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(cluster) = shared.upgrade() {
        return Ok(cluster);
    }
    let cluster = Arc::new(Cluster::start()?);
    *shared = Arc::downgrade(&cluster);
    Ok(cluster)
}
