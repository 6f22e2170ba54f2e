//! The audit log.

use sqlx::{Any, Executor, FromRow};

use super::keys::NewKey;
use super::{Db, count, parse_stored};
use crate::api::{Event, EventType, Page, PageRequest};
use crate::time::{self, Timestamp};
use crate::{Error, ids};

/// An event to record.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub(crate) kind: EventType,
    pub(crate) product_id: Option<String>,
    pub(crate) surface_id: Option<String>,
    pub(crate) key_id: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) created_at: Timestamp,
}

impl NewEvent {
    /// An event of kind `kind` about the key `key`.
    pub(crate) fn about_key(kind: EventType, key: &NewKey, now: Timestamp) -> Self {
        Self {
            kind,
            product_id: Some(key.product_id.clone()),
            surface_id: Some(key.surface_id.clone()),
            key_id: Some(key.id.clone()),
            reason: None,
            created_at: now,
        }
    }
}

/// Which events a list shows; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only events about this key.
    pub key_id: Option<String>,
    /// Only events about this surface.
    pub surface_id: Option<String>,
    /// Only events at or after this time.
    pub since: Option<Timestamp>,
}

#[derive(FromRow)]
struct EventRow {
    id: String,
    #[sqlx(rename = "type")]
    kind: String,
    product_id: Option<String>,
    surface_id: Option<String>,
    key_id: Option<String>,
    reason: Option<String>,
    created_at: i64,
}

/// Records `event` through `executor`, so it can join a transaction.
pub(super) async fn insert_event<'e>(
    executor: impl Executor<'e, Database = Any>,
    event: &NewEvent,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO events (id, type, product_id, surface_id, key_id, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ids::new_id())
    .bind(event.kind.as_str())
    .bind(event.product_id.as_deref())
    .bind(event.surface_id.as_deref())
    .bind(event.key_id.as_deref())
    .bind(event.reason.as_deref())
    .bind(time::to_millis(event.created_at))
    .execute(executor)
    .await?;
    Ok(())
}

impl Db {
    /// Records `event` on its own.
    pub(crate) async fn record_event(&self, event: &NewEvent) -> Result<(), Error> {
        insert_event(&self.pool, event).await
    }

    /// One page of the events that match `filter`, oldest first.
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<Event>, Error> {
        let (after_millis, after_id) = page.after.clone().unwrap_or((i64::MIN, String::new()));
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, type, product_id, surface_id, key_id, reason, created_at FROM events
             WHERE ($1 IS NULL OR key_id = $1) AND ($2 IS NULL OR surface_id = $2)
               AND ($3 IS NULL OR created_at >= $3)
               AND (created_at > $4 OR (created_at = $4 AND id > $5))
             ORDER BY created_at, id LIMIT $6",
        )
        .bind(filter.key_id.as_deref())
        .bind(filter.surface_id.as_deref())
        .bind(filter.since.map(time::to_millis))
        .bind(after_millis)
        .bind(after_id)
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events
             WHERE ($1 IS NULL OR key_id = $1) AND ($2 IS NULL OR surface_id = $2)
               AND ($3 IS NULL OR created_at >= $3)",
        )
        .bind(filter.key_id.as_deref())
        .bind(filter.surface_id.as_deref())
        .bind(filter.since.map(time::to_millis))
        .fetch_one(&self.pool)
        .await?;

        let events = rows
            .into_iter()
            .map(|row| {
                Ok(Event {
                    kind: parse_stored("event type", &row.kind)?,
                    created_at: time::from_millis(row.created_at)?,
                    id: row.id,
                    product_id: row.product_id,
                    surface_id: row.surface_id,
                    key_id: row.key_id,
                    reason: row.reason,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(page.page(events, count(total), |event| {
            (time::to_millis(event.created_at), event.id.clone())
        }))
    }
}
