//! MCP sessions as another instance needs them to take one over
//! (`mcp/sessions.rs`): the client's initialize parameters and the key the
//! session belongs to.

use super::Db;
use crate::Error;
use crate::time;

/// Sessions older than this are deleted when a new one is stored: an
/// instance that stopped never deletes its own.
const SESSION_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(7);

impl Db {
    /// Stores session `id`'s initialize parameters (JSON), keeping its key
    /// if it has one already.
    pub async fn store_mcp_session(&self, id: &str, initialize_params: &str) -> Result<(), Error> {
        let now = time::now();
        sqlx::query("DELETE FROM mcp_sessions WHERE created_at < $1")
            .bind(time::to_millis(now - SESSION_RETENTION))
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO mcp_sessions (id, initialize_params, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET initialize_params = excluded.initialize_params",
        )
        .bind(id)
        .bind(initialize_params)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Binds session `id` to the key that opened it.
    pub async fn bind_mcp_session(&self, id: &str, key_id: &str) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO mcp_sessions (id, key_id, initialize_params, created_at)
             VALUES ($1, $2, '{}', $3)
             ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id",
        )
        .bind(id)
        .bind(key_id)
        .bind(time::to_millis(time::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Session `id`: its key (once bound) and initialize parameters.
    pub async fn mcp_session(&self, id: &str) -> Result<Option<(Option<String>, String)>, Error> {
        Ok(
            sqlx::query_as("SELECT key_id, initialize_params FROM mcp_sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Forgets session `id`.
    pub async fn delete_mcp_session(&self, id: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM mcp_sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
