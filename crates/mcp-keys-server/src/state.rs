//! The state every handler shares, built once when the service starts.

use std::sync::Arc;

use crate::calls::CallLog;
use crate::limits::Limits;
use crate::mcp::{Sessions, Upstreams};
use crate::usage::UsageThrottle;
use crate::{Config, Db};

/// The database, the settings and the in-memory rate and usage bookkeeping
/// of one service instance. Cheap to clone: everything is behind an `Arc`
/// (the pool is one already).
#[derive(Debug, Clone)]
pub struct AppState {
    pub(crate) db: Db,
    pub(crate) config: Arc<Config>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) usage: Arc<UsageThrottle>,
    pub(crate) upstreams: Arc<Upstreams>,
    pub(crate) calls: Arc<CallLog>,
    pub(crate) sessions: Arc<Sessions>,
}

impl AppState {
    /// State over an open database with the given settings.
    pub fn new(db: Db, config: Config) -> Self {
        let limits = Limits::new(config.failed_auth_per_minute);
        let upstreams = Arc::new(Upstreams::new(&config, db.clone()));
        let calls = Arc::new(CallLog::new(db.clone()));
        let sessions = Arc::new(Sessions::new(
            &config,
            db.clone(),
            crate::mcp::transport(&config),
        ));
        Self {
            db,
            config: Arc::new(config),
            limits: Arc::new(limits),
            usage: Arc::new(UsageThrottle::default()),
            upstreams,
            calls,
            sessions,
        }
    }

    /// Finishes what the state still holds for the database (the calls not
    /// yet written): call it when the service has stopped serving, before
    /// the database is closed.
    pub async fn finish(&self) {
        self.calls.stop().await;
    }

    /// The database this state serves.
    pub fn db(&self) -> &Db {
        &self.db
    }
}
