//! Management tokens, stored as fingerprints.

use mcp_keys_core::{Fingerprint, ManagementToken};

use super::{Db, parse_stored};
use crate::Error;
use crate::time::{self, Timestamp};

impl Db {
    /// Whether any management token exists, revoked or not.
    pub async fn has_management_token(&self) -> Result<bool, Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM management_tokens LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// Stores `token` if there is no management token yet, in one statement
    /// so two instances starting together cannot both create a first token.
    /// Returns whether it was stored.
    pub async fn insert_first_token(
        &self,
        token: &ManagementToken,
        now: Timestamp,
    ) -> Result<bool, Error> {
        let inserted = sqlx::query(
            "INSERT INTO management_tokens (id, fingerprint, created_at)
             SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM management_tokens)",
        )
        .bind(token.id())
        .bind(token.fingerprint().to_string())
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Stores another management token (the desktop app mints one for its
    /// embedded service when the keyring has none that works).
    pub async fn insert_token(&self, token: &ManagementToken, now: Timestamp) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO management_tokens (id, fingerprint, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token.id())
        .bind(token.fingerprint().to_string())
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Revokes the management token with public id `id`; returns whether an
    /// unrevoked token had that id.
    pub async fn revoke_token(&self, id: &str, now: Timestamp) -> Result<bool, Error> {
        let revoked = sqlx::query(
            "UPDATE management_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(revoked.rows_affected() == 1)
    }

    /// The fingerprint of the unrevoked management token with public id
    /// `id`, for the identity proof.
    pub async fn token_fingerprint(&self, id: &str) -> Result<Option<Fingerprint>, Error> {
        let stored: Option<String> = sqlx::query_scalar(
            "SELECT fingerprint FROM management_tokens WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        stored
            .map(|stored| parse_stored("token fingerprint", &stored))
            .transpose()
    }

    /// Whether `token` is a stored, unrevoked management token. The lookup
    /// is by the public id; the fingerprints are compared in constant time.
    pub async fn token_is_valid(&self, token: &ManagementToken) -> Result<bool, Error> {
        let stored: Option<String> = sqlx::query_scalar(
            "SELECT fingerprint FROM management_tokens WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(token.id())
        .fetch_optional(&self.pool)
        .await?;
        match stored {
            Some(stored) => {
                let stored: Fingerprint = parse_stored("token fingerprint", &stored)?;
                Ok(stored == token.fingerprint())
            }
            None => Ok(false),
        }
    }
}
