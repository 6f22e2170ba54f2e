//! Pending revocations: what a degraded roll leaves to do. Against a server
//! without the roll extension, a roll creates the new key at once and the
//! old key must be revoked when the grace period ends; the store keeps that
//! promise across restarts of the app and runs of the CLI.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis, from_millis_opt, to_millis};
use crate::{Error, Store};

/// A key to revoke at `revoke_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingRevocation {
    /// The store's id for this task.
    #[ts(type = "number")]
    pub id: i64,
    /// The connection the key belongs to.
    pub connection_id: String,
    /// The key's product.
    pub product_id: String,
    /// The key's surface.
    pub surface_id: String,
    /// The key to revoke.
    pub key_id: String,
    /// When the grace period ends.
    #[ts(type = "string")]
    pub revoke_at: DateTime<Utc>,
    /// When the roll happened.
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// When the revocation was carried out.
    #[ts(type = "string | null")]
    pub done_at: Option<DateTime<Utc>>,
}

/// A revocation to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPendingRevocation {
    /// The connection the key belongs to.
    pub connection_id: String,
    /// The key's product.
    pub product_id: String,
    /// The key's surface.
    pub surface_id: String,
    /// The key to revoke.
    pub key_id: String,
    /// When the grace period ends.
    pub revoke_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct RevocationRow {
    id: i64,
    connection_id: String,
    product_id: String,
    surface_id: String,
    key_id: String,
    revoke_at: i64,
    created_at: i64,
    done_at: Option<i64>,
}

impl TryFrom<RevocationRow> for PendingRevocation {
    type Error = Error;

    fn try_from(row: RevocationRow) -> Result<Self, Error> {
        Ok(Self {
            id: row.id,
            connection_id: row.connection_id,
            product_id: row.product_id,
            surface_id: row.surface_id,
            key_id: row.key_id,
            revoke_at: from_millis(row.revoke_at)?,
            created_at: from_millis(row.created_at)?,
            done_at: from_millis_opt(row.done_at)?,
        })
    }
}

impl Store {
    /// Schedules a revocation.
    pub async fn add_pending_revocation(
        &self,
        new: &NewPendingRevocation,
        now: DateTime<Utc>,
    ) -> Result<PendingRevocation, Error> {
        let row: RevocationRow = sqlx::query_as(
            "INSERT INTO pending_revocations
                 (connection_id, product_id, surface_id, key_id, revoke_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id, connection_id, product_id, surface_id, key_id, revoke_at,
                       created_at, done_at",
        )
        .bind(&new.connection_id)
        .bind(&new.product_id)
        .bind(&new.surface_id)
        .bind(&new.key_id)
        .bind(to_millis(new.revoke_at))
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// The revocations not yet done whose time has come at `now`, oldest
    /// first.
    pub async fn due_revocations(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<PendingRevocation>, Error> {
        let rows: Vec<RevocationRow> = sqlx::query_as(
            "SELECT id, connection_id, product_id, surface_id, key_id, revoke_at, created_at, done_at
             FROM pending_revocations WHERE done_at IS NULL AND revoke_at <= $1
             ORDER BY revoke_at, id",
        )
        .bind(to_millis(now))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PendingRevocation::try_from).collect()
    }

    /// Every revocation not yet done, due or not, soonest first.
    pub async fn list_pending_revocations(&self) -> Result<Vec<PendingRevocation>, Error> {
        let rows: Vec<RevocationRow> = sqlx::query_as(
            "SELECT id, connection_id, product_id, surface_id, key_id, revoke_at, created_at, done_at
             FROM pending_revocations WHERE done_at IS NULL ORDER BY revoke_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PendingRevocation::try_from).collect()
    }

    /// Records that revocation `id` was carried out (or found unnecessary,
    /// the key being gone already). Returns false when it was already done,
    /// so of two processes finishing the same task, one knows it was second.
    pub async fn mark_revocation_done(&self, id: i64, now: DateTime<Utc>) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE pending_revocations SET done_at = $2 WHERE id = $1 AND done_at IS NULL",
        )
        .bind(id)
        .bind(to_millis(now))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM pending_revocations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        match exists {
            Some(_) => Ok(false),
            None => Err(Error::NotFound {
                what: "pending revocation",
                id: id.to_string(),
            }),
        }
    }
}
