//! The local audit log: what the user did from this machine, through the
//! app or the CLI. Ids and words only, never a secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis, to_millis};
use crate::{Error, Store, plaintext};

/// One action of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    /// Increasing with time of recording.
    #[ts(type = "number")]
    pub id: i64,
    /// When it happened.
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// Who did it: the front end (`cli`, `app`), possibly with the OS user.
    pub actor: String,
    /// What was done, as a verb of the domain: `key.create`, `key.revoke`,
    /// `key.roll`, `connection.add`, `config.update`.
    pub action: String,
    /// The connection it went through.
    pub connection_id: Option<String>,
    /// The product it concerned.
    pub product_id: Option<String>,
    /// The surface it concerned.
    pub surface_id: Option<String>,
    /// The key it concerned.
    pub key_id: Option<String>,
    /// A short description in words (a config path, a grace period).
    pub detail: Option<String>,
}

/// An action to record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// Who did it (`cli`, `app`).
    pub actor: String,
    /// What was done (`key.revoke`).
    pub action: String,
    /// The connection it went through.
    pub connection_id: Option<String>,
    /// The product it concerned.
    pub product_id: Option<String>,
    /// The surface it concerned.
    pub surface_id: Option<String>,
    /// The key it concerned.
    pub key_id: Option<String>,
    /// A short description. Refused if it holds a key or token.
    pub detail: Option<String>,
}

/// Which entries [`Store::list_audit`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only entries about this key.
    pub key_id: Option<String>,
    /// Only entries older than this id (the next page after a page whose
    /// last entry had this id).
    pub before_id: Option<i64>,
    /// At most this many entries (default 100).
    pub limit: Option<u32>,
}

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor: String,
    action: String,
    connection_id: Option<String>,
    product_id: Option<String>,
    surface_id: Option<String>,
    key_id: Option<String>,
    detail: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = Error;

    fn try_from(row: AuditRow) -> Result<Self, Error> {
        Ok(Self {
            id: row.id,
            at: from_millis(row.at)?,
            actor: row.actor,
            action: row.action,
            connection_id: row.connection_id,
            product_id: row.product_id,
            surface_id: row.surface_id,
            key_id: row.key_id,
            detail: row.detail,
        })
    }
}

impl Store {
    /// Records an action.
    pub async fn record_audit(
        &self,
        entry: &NewAuditEntry,
        at: DateTime<Utc>,
    ) -> Result<AuditEntry, Error> {
        for text in [&entry.actor, &entry.action]
            .into_iter()
            .chain(entry.detail.as_ref())
        {
            plaintext::ensure_none(text, "audit entry")?;
        }
        let row: AuditRow = sqlx::query_as(
            "INSERT INTO audit_log
                 (at, actor, action, connection_id, product_id, surface_id, key_id, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             RETURNING id, at, actor, action, connection_id, product_id, surface_id, key_id, detail",
        )
        .bind(to_millis(at))
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.connection_id)
        .bind(&entry.product_id)
        .bind(&entry.surface_id)
        .bind(&entry.key_id)
        .bind(&entry.detail)
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// Recorded actions, newest first.
    pub async fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, Error> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, action, connection_id, product_id, surface_id, key_id, detail
             FROM audit_log
             WHERE ($1 IS NULL OR key_id = $1) AND ($2 IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3",
        )
        .bind(&filter.key_id)
        .bind(filter.before_id)
        .bind(i64::from(filter.limit.unwrap_or(100)))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(AuditEntry::try_from).collect()
    }
}
