//! Reads of a SQLite file made on the calling thread, for the one query on
//! the hot path: a key's verification when the cache does not have it.
//!
//! sqlx runs every SQLite statement on a thread of its own per connection,
//! and the request waits for that thread to be scheduled, then for its own
//! task to be polled again. On a busy machine those two waits, not the
//! indexed read (a few microseconds), made a cache miss cost 2.5 ms at the
//! 99th percentile. Here the read runs where the request runs, on a few
//! read-only connections kept open; a reader in WAL mode never waits for a
//! writer, and a read that fails for any reason falls back to sqlx.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::keys::VerificationRow;

/// Idle read connections kept open (one per request verifying at once,
/// beyond that they are opened and closed as needed).
const IDLE_CONNECTIONS: usize = 8;

/// How long a read may wait for a lock before it gives up and sqlx reads
/// instead (WAL readers wait only while the log is recovered after a crash).
const BUSY_TIMEOUT: Duration = Duration::from_millis(50);

/// The verification read: the key and its surface, by the key's id.
pub const KEY_FOR_VERIFICATION: &str =
    "SELECT k.id, k.surface_id, k.product_id, k.fingerprint, k.environment, k.scopes,
            k.revoked_at, k.expires_at, k.rate_limit_per_minute, k.rate_limit_per_day,
            s.status AS surface_status, s.environment AS surface_environment,
            s.auth_mode AS surface_auth_mode
     FROM api_keys k JOIN surfaces s ON s.id = k.surface_id
     WHERE k.id = $1";

/// Read-only connections to one SQLite file.
#[derive(Debug)]
pub struct InlineReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl InlineReads {
    /// Reads of the SQLite file at `path` (opened on first use).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::default(),
        }
    }

    /// The verification row of key `key_id`, read on this thread.
    pub fn key_for_verification(
        &self,
        key_id: &str,
    ) -> Result<Option<VerificationRow>, rusqlite::Error> {
        let connection = self.take()?;
        let row = connection
            .prepare_cached(KEY_FOR_VERIFICATION)?
            .query_row([key_id], |row| {
                Ok(VerificationRow {
                    id: row.get("id")?,
                    surface_id: row.get("surface_id")?,
                    product_id: row.get("product_id")?,
                    fingerprint: row.get("fingerprint")?,
                    environment: row.get("environment")?,
                    scopes: row.get("scopes")?,
                    revoked_at: row.get("revoked_at")?,
                    expires_at: row.get("expires_at")?,
                    surface_status: row.get("surface_status")?,
                    surface_environment: row.get("surface_environment")?,
                    surface_auth_mode: row.get("surface_auth_mode")?,
                    rate_limit_per_minute: row.get("rate_limit_per_minute")?,
                    rate_limit_per_day: row.get("rate_limit_per_day")?,
                })
            })
            .optional();
        // A connection whose read failed is dropped, not reused.
        if row.is_ok() {
            self.give_back(connection);
        }
        row
    }

    fn take(&self) -> Result<Connection, rusqlite::Error> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(connection) => Ok(connection),
            None => {
                let connection = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                connection.busy_timeout(BUSY_TIMEOUT)?;
                Ok(connection)
            }
        }
    }

    fn give_back(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(connection);
        }
    }
}
