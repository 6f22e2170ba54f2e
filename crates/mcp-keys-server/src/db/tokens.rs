//! Management tokens, stored as fingerprints.

use mcp_keys_core::{Fingerprint, ManagementToken};
use sqlx::FromRow;

use super::{Db, parse_stored};
use crate::Error;
use crate::api::TokenMetadata;
use crate::time::{self, Timestamp};

/// The name of the tokens the desktop app's embedded service mints for
/// itself; it revokes them when it replaces one.
pub const EMBEDDED_TOKEN_NAME: &str = "MCP Keys desktop app";

/// How often a token's `last_used_at` is written, at most: once a minute
/// is precise enough to tell a forgotten token, and saves a write per call.
const LAST_USED_PRECISION_MILLIS: i64 = 60_000;

#[derive(FromRow)]
struct TokenRow {
    id: String,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TokenRow {
    fn into_metadata(self, current: &str) -> Result<TokenMetadata, Error> {
        Ok(TokenMetadata {
            token_prefix: format!("mgmt_{}", self.id),
            current: self.id == current,
            id: self.id,
            name: self.name,
            created_at: time::from_millis(self.created_at)?,
            last_used_at: self.last_used_at.map(time::from_millis).transpose()?,
            revoked_at: self.revoked_at.map(time::from_millis).transpose()?,
        })
    }
}

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

    /// Stores another management token named `name`.
    pub async fn insert_token(
        &self,
        token: &ManagementToken,
        name: &str,
        now: Timestamp,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO management_tokens (id, fingerprint, created_at, name) VALUES ($1, $2, $3, $4)",
        )
        .bind(token.id())
        .bind(token.fingerprint().to_string())
        .bind(time::to_millis(now))
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every management token, oldest first; `current` is the id of the
    /// token asking.
    pub async fn list_tokens(&self, current: &str) -> Result<Vec<TokenMetadata>, Error> {
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM management_tokens
             ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| row.into_metadata(current))
            .collect()
    }

    /// One token's metadata.
    pub async fn token(&self, id: &str, current: &str) -> Result<Option<TokenMetadata>, Error> {
        let row: Option<TokenRow> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM management_tokens
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.into_metadata(current)).transpose()
    }

    /// Revokes token `id` unless it is the last unrevoked one, in one
    /// statement so two revocations at once cannot leave none. `Ok(false)`
    /// when it was the last (or not an unrevoked token).
    pub async fn revoke_token_keeping_one(&self, id: &str, now: Timestamp) -> Result<bool, Error> {
        let revoked = sqlx::query(
            "UPDATE management_tokens SET revoked_at = $2
             WHERE id = $1 AND revoked_at IS NULL
               AND (SELECT COUNT(*) FROM management_tokens WHERE revoked_at IS NULL) > 1",
        )
        .bind(id)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(revoked.rows_affected() == 1)
    }

    /// Revokes every unrevoked token named `name` (the embedded service's
    /// own, before it mints a replacement).
    pub async fn revoke_tokens_named(&self, name: &str, now: Timestamp) -> Result<u64, Error> {
        let revoked = sqlx::query(
            "UPDATE management_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(revoked.rows_affected())
    }

    /// Notes that token `id` was used `now`, at most once a minute.
    pub async fn record_token_use(&self, id: &str, now: Timestamp) -> Result<(), Error> {
        let now = time::to_millis(now);
        sqlx::query(
            "UPDATE management_tokens SET last_used_at = $2
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id)
        .bind(now)
        .bind(now - LAST_USED_PRECISION_MILLIS)
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
