//! The audit log.

use sqlx::{Any, Executor, FromRow};

use super::keys::NewKey;
use super::{Db, count, parse_stored};
use crate::api::{Event, EventType, Page, PageRequest};
use crate::time::{self, Timestamp};
use crate::{Error, ids};

/// Failed authentications with the same surface, key and reason within
/// this window are one event with a count.
const AGGREGATE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Failed authentications and calls older than this are deleted.
const FAILURE_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// Calls alike (key, client, capability, outcome) within this window are
/// one event with a count.
const CALL_AGGREGATE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// Calls alike, forwarded to an upstream, to record as one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallGroup {
    pub(crate) product_id: String,
    pub(crate) surface_id: String,
    /// The key, or the OAuth grant, the calls were made with.
    pub(crate) key_id: String,
    pub(crate) client: Option<String>,
    pub(crate) capability: String,
    pub(crate) outcome: &'static str,
    /// How many calls.
    pub(crate) count: u64,
    /// The longest of them, in milliseconds.
    pub(crate) longest_ms: u64,
    /// When the first was made.
    pub(crate) first_at: Timestamp,
}

/// An event to record.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub(crate) kind: EventType,
    pub(crate) product_id: Option<String>,
    pub(crate) surface_id: Option<String>,
    pub(crate) key_id: Option<String>,
    /// The OAuth grant concerned (DESIGN §9).
    pub(crate) grant_id: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) created_at: Timestamp,
    /// For `auth_failed`: the client that was refused, as it named itself
    /// (`clientInfo`) or its User-Agent (DESIGN §10 names the client).
    pub(crate) client: Option<String>,
    /// For `auth_failed` with reason `scope`: the capability refused.
    pub(crate) capability: Option<String>,
}

impl NewEvent {
    /// An event of kind `kind` about the key `key`.
    pub(crate) fn about_key(kind: EventType, key: &NewKey, now: Timestamp) -> Self {
        Self {
            kind,
            product_id: Some(key.product_id.clone()),
            surface_id: Some(key.surface_id.clone()),
            key_id: Some(key.id.clone()),
            grant_id: None,
            reason: None,
            created_at: now,
            client: None,
            capability: None,
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
    /// Only events of this kind.
    pub kind: Option<EventType>,
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
    grant_id: Option<String>,
    reason: Option<String>,
    created_at: i64,
    count: i64,
    client: Option<String>,
    capability: Option<String>,
    outcome: Option<String>,
    duration_ms: Option<i64>,
}

/// Records `event` through `executor`, so it can join a transaction.
pub(super) async fn insert_event<'e>(
    executor: impl Executor<'e, Database = Any>,
    event: &NewEvent,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO events (id, type, product_id, surface_id, key_id, reason, created_at, grant_id,
                             client, capability)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(ids::new_id())
    .bind(event.kind.as_str())
    .bind(event.product_id.as_deref())
    .bind(event.surface_id.as_deref())
    .bind(event.key_id.as_deref())
    .bind(event.reason.as_deref())
    .bind(time::to_millis(event.created_at))
    .bind(event.grant_id.as_deref())
    .bind(event.client.as_deref())
    .bind(event.capability.as_deref())
    .execute(executor)
    .await?;
    Ok(())
}

impl Db {
    /// Records `event` on its own. A failed authentication like one in the
    /// last hour (same surface, key and reason) adds to that event's count
    /// instead of adding a row, and a new row deletes failures older than
    /// 30 days: a flood of refused requests grows the log by a row an hour.
    pub(crate) async fn record_event(&self, event: &NewEvent) -> Result<(), Error> {
        if event.kind != EventType::AuthFailed {
            return insert_event(&self.pool, event).await;
        }
        let counted = sqlx::query(
            "UPDATE events SET count = count + 1 WHERE id = (
                 SELECT id FROM events
                 WHERE type = 'auth_failed' AND created_at >= $1
                   AND COALESCE(surface_id, '') = COALESCE($2, '')
                   AND COALESCE(key_id, '') = COALESCE($3, '')
                   AND COALESCE(reason, '') = COALESCE($4, '')
                   AND COALESCE(grant_id, '') = COALESCE($5, '')
                   AND COALESCE(client, '') = COALESCE($6, '')
                   AND COALESCE(capability, '') = COALESCE($7, '')
                 ORDER BY created_at DESC LIMIT 1)",
        )
        .bind(time::to_millis(event.created_at - AGGREGATE_WINDOW))
        .bind(event.surface_id.as_deref())
        .bind(event.key_id.as_deref())
        .bind(event.reason.as_deref())
        .bind(event.grant_id.as_deref())
        .bind(event.client.as_deref())
        .bind(event.capability.as_deref())
        .execute(&self.pool)
        .await?;
        if counted.rows_affected() > 0 {
            return Ok(());
        }
        insert_event(&self.pool, event).await?;
        sqlx::query("DELETE FROM events WHERE type = 'auth_failed' AND created_at < $1")
            .bind(time::to_millis(event.created_at - FAILURE_RETENTION))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records forwarded calls in one transaction: each group adds to the
    /// event of calls alike in the last minute, or starts one; calls older
    /// than 30 days are deleted.
    pub(crate) async fn record_calls(&self, groups: &[CallGroup]) -> Result<(), Error> {
        let Some(newest) = groups.iter().map(|group| group.first_at).max() else {
            return Ok(());
        };
        let mut transaction = self.pool.begin().await?;
        for group in groups {
            let count = i64::try_from(group.count).unwrap_or(i64::MAX);
            let longest = i64::try_from(group.longest_ms).unwrap_or(i64::MAX);
            let added = sqlx::query(
                "UPDATE events SET count = count + $1,
                     duration_ms = CASE WHEN duration_ms < $2 THEN $2 ELSE duration_ms END
                 WHERE id = (
                     SELECT id FROM events
                     WHERE type = 'mcp_call' AND created_at >= $3
                       AND COALESCE(key_id, grant_id) = $4
                       AND COALESCE(client, '') = COALESCE($5, '')
                       AND capability = $6 AND outcome = $7
                     ORDER BY created_at DESC LIMIT 1)",
            )
            .bind(count)
            .bind(longest)
            .bind(time::to_millis(group.first_at - CALL_AGGREGATE_WINDOW))
            .bind(&group.key_id)
            .bind(group.client.as_deref())
            .bind(&group.capability)
            .bind(group.outcome)
            .execute(&mut *transaction)
            .await?;
            if added.rows_affected() > 0 {
                continue;
            }
            // A call made with an OAuth token is its grant's (DESIGN §9).
            let (key_id, grant_id) = if crate::oauth::is_grant_id(&group.key_id) {
                (None, Some(group.key_id.as_str()))
            } else {
                (Some(group.key_id.as_str()), None)
            };
            sqlx::query(
                "INSERT INTO events (id, type, product_id, surface_id, key_id, created_at,
                     count, client, capability, outcome, duration_ms, grant_id)
                 VALUES ($1, 'mcp_call', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(ids::new_id())
            .bind(&group.product_id)
            .bind(&group.surface_id)
            .bind(key_id)
            .bind(time::to_millis(group.first_at))
            .bind(count)
            .bind(group.client.as_deref())
            .bind(&group.capability)
            .bind(group.outcome)
            .bind(longest)
            .bind(grant_id)
            .execute(&mut *transaction)
            .await?;
        }
        sqlx::query("DELETE FROM events WHERE type = 'mcp_call' AND created_at < $1")
            .bind(time::to_millis(newest - FAILURE_RETENTION))
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// One page of the events that match `filter`, oldest first.
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<Event>, Error> {
        let (after_millis, after_id) = page.after.clone().unwrap_or((i64::MIN, String::new()));
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, type, product_id, surface_id, key_id, grant_id, reason, created_at, count,
                    client, capability, outcome, duration_ms FROM events
             WHERE ($1 IS NULL OR key_id = $1) AND ($2 IS NULL OR surface_id = $2)
               AND ($3 IS NULL OR created_at >= $3) AND ($7 IS NULL OR type = $7)
               AND (created_at > $4 OR (created_at = $4 AND id > $5))
             ORDER BY created_at, id LIMIT $6",
        )
        .bind(filter.key_id.as_deref())
        .bind(filter.surface_id.as_deref())
        .bind(filter.since.map(time::to_millis))
        .bind(after_millis)
        .bind(after_id)
        .bind(i64::from(page.limit) + 1)
        .bind(filter.kind.map(EventType::as_str))
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events
             WHERE ($1 IS NULL OR key_id = $1) AND ($2 IS NULL OR surface_id = $2)
               AND ($3 IS NULL OR created_at >= $3) AND ($4 IS NULL OR type = $4)",
        )
        .bind(filter.key_id.as_deref())
        .bind(filter.surface_id.as_deref())
        .bind(filter.since.map(time::to_millis))
        .bind(filter.kind.map(EventType::as_str))
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
                    grant_id: row.grant_id,
                    reason: row.reason,
                    count: u64::try_from(row.count).unwrap_or(1),
                    client: row.client,
                    capability: row.capability,
                    outcome: row.outcome,
                    duration_ms: row.duration_ms.and_then(|ms| u64::try_from(ms).ok()),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(page.page(events, count(total), |event| {
            (time::to_millis(event.created_at), event.id.clone())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::NewEvent;
    use crate::api::{EventType, PageRequest};
    use crate::db::EventFilter;
    use crate::{Db, Error, time};

    fn failure(reason: &str, days_ago: i64) -> NewEvent {
        NewEvent {
            kind: EventType::AuthFailed,
            product_id: Some("prd".to_owned()),
            surface_id: Some("srf".to_owned()),
            key_id: None,
            grant_id: None,
            reason: Some(reason.to_owned()),
            created_at: time::now() - chrono::TimeDelta::days(days_ago),
            client: None,
            capability: None,
        }
    }

    #[tokio::test]
    async fn repeated_failures_are_one_counted_event_and_old_ones_expire() -> Result<(), Error> {
        let db = Db::connect("sqlite::memory:").await?;
        db.record_event(&failure("unknown", 40)).await?;
        for _ in 0..1_000 {
            db.record_event(&failure("unknown", 0)).await?;
        }
        db.record_event(&failure("revoked", 0)).await?;

        let page = db
            .list_events(
                &EventFilter::default(),
                &PageRequest {
                    limit: 50,
                    after: None,
                },
            )
            .await?;
        let counts: Vec<(Option<String>, u64)> = page
            .data
            .iter()
            .map(|event| (event.reason.clone(), event.count))
            .collect();
        assert_eq!(
            counts,
            vec![
                (Some("unknown".to_owned()), 1_000),
                (Some("revoked".to_owned()), 1)
            ],
            "the 40-day-old failure expired; the rest are two rows"
        );
        Ok(())
    }
}
