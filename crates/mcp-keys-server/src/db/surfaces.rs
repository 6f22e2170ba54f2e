//! Surfaces and their capabilities (items).

use mcp_keys_core::{Environment, Upstream};
use sqlx::{AssertSqlSafe, FromRow};

use super::keys::KeyRow;
use super::notify::Change;
use super::{Db, count, parse_stored};
use crate::api::{AuthMode, Item, ItemKind, Page, PageRequest, Surface, SurfaceStatus};
use crate::time::{self, Timestamp};
use crate::{Error, ids};

/// What a new surface is made of; the type is always `mcp`.
#[derive(Debug, Clone)]
pub struct NewSurface {
    /// Its display name.
    pub name: String,
    /// Its status.
    pub status: SurfaceStatus,
    /// Its environment.
    pub environment: Environment,
    /// The MCP server it fronts, if any (checked by the caller).
    pub upstream: Option<Upstream>,
    /// Which credentials it accepts.
    pub auth_mode: AuthMode,
}

/// The changes of an update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SurfaceUpdate {
    /// A new name.
    pub name: Option<String>,
    /// A new status.
    pub status: Option<SurfaceStatus>,
    /// A new environment.
    pub environment: Option<Environment>,
    /// A new upstream: `Some(None)` removes it.
    pub upstream: Option<Option<Upstream>>,
    /// A new authentication mode.
    pub auth_mode: Option<AuthMode>,
}

/// Which surfaces a list shows; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct SurfaceFilter {
    /// Only surfaces of this type.
    pub kind: Option<String>,
    /// Only surfaces with this status.
    pub status: Option<SurfaceStatus>,
    /// Only surfaces of this environment.
    pub environment: Option<Environment>,
}

#[derive(FromRow)]
struct SurfaceRow {
    id: String,
    product_id: String,
    name: String,
    #[sqlx(rename = "type")]
    kind: String,
    status: String,
    environment: String,
    upstream: Option<String>,
    auth_mode: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(FromRow)]
struct ItemRow {
    capability_name: String,
    kind: Option<String>,
    description: Option<String>,
    created_at: i64,
}

/// Whether a sync removes the synced items the upstream no longer offers.
/// A connection of one client session sees what the upstream offers that
/// client (some servers offer tools only to clients that can sample), so
/// it only adds; a shared connection, or a sync asked for, removes too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prune {
    /// Remove what is no longer offered.
    Gone,
    /// Only add and update.
    Keep,
}

/// An item as the upstream offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedItem {
    /// The tool's or prompt's name, the resource's URI.
    pub name: String,
    /// What it is.
    pub kind: ItemKind,
    /// What it does.
    pub description: Option<String>,
}

/// The conditions of a [`SurfaceFilter`], bound as `$1` (type), `$2`
/// (status), `$3` (environment); a NULL matches all.
const FILTER: &str = "($1 IS NULL OR type = $1) AND ($2 IS NULL OR status = $2)
    AND ($3 IS NULL OR environment = $3)";

const SURFACE_COLUMNS: &str = "SELECT id, product_id, name, type, status, environment, upstream, auth_mode, created_at, updated_at FROM surfaces";

/// An upstream as stored: its JSON.
fn stored_upstream(upstream: Option<&Upstream>) -> Result<Option<String>, Error> {
    upstream
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| Error::Corrupt(format!("surface upstream: {error}")))
}

/// The MCP endpoint of a surface under the service's base URL.
pub fn surface_url(base_url: &str, product_id: &str, surface_id: &str) -> String {
    format!("{base_url}/v1/products/{product_id}/surfaces/{surface_id}/mcp")
}

impl Db {
    /// Creates a surface of an existing product.
    pub async fn create_surface(
        &self,
        product_id: &str,
        new: &NewSurface,
        now: Timestamp,
        base_url: &str,
    ) -> Result<Surface, Error> {
        let id = ids::new_id();
        sqlx::query(
            "INSERT INTO surfaces (id, product_id, name, type, status, environment, upstream, created_at, updated_at, auth_mode)
             VALUES ($1, $2, $3, 'mcp', $4, $5, $6, $7, $7, $8)",
        )
        .bind(&id)
        .bind(product_id)
        .bind(&new.name)
        .bind(new.status.as_str())
        .bind(new.environment.as_str())
        .bind(stored_upstream(new.upstream.as_ref())?)
        .bind(time::to_millis(now))
        .bind(new.auth_mode.as_str())
        .execute(&self.pool)
        .await?;
        Ok(Surface {
            url: surface_url(base_url, product_id, &id),
            id,
            product_id: product_id.to_owned(),
            name: new.name.clone(),
            kind: "mcp".to_owned(),
            status: new.status,
            environment: new.environment,
            upstream: new.upstream.clone(),
            auth_mode: new.auth_mode,
            items: Vec::new(),
            keys: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }

    /// The surface `surface_id` of product `product_id`, with its items and keys.
    pub async fn surface(
        &self,
        product_id: &str,
        surface_id: &str,
        base_url: &str,
    ) -> Result<Option<Surface>, Error> {
        let row: Option<SurfaceRow> =
            // Only constant text is formatted into the SQL; values are bound.
            sqlx::query_as(AssertSqlSafe(format!(
                "{SURFACE_COLUMNS} WHERE id = $1 AND product_id = $2"
            )))
                .bind(surface_id)
                .bind(product_id)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some(row) => Ok(Some(self.complete(row, base_url).await?)),
            None => Ok(None),
        }
    }

    /// Whether product `product_id` has a surface `surface_id`.
    pub async fn surface_exists(&self, product_id: &str, surface_id: &str) -> Result<bool, Error> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM surfaces WHERE id = $1 AND product_id = $2")
                .bind(surface_id)
                .bind(product_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// One page of the surfaces of all products that match `filter`.
    pub async fn list_surfaces(
        &self,
        filter: &SurfaceFilter,
        page: &PageRequest,
        base_url: &str,
    ) -> Result<Page<Surface>, Error> {
        let (after_millis, after_id) = page.after.clone().unwrap_or((i64::MIN, String::new()));
        let kind = filter.kind.as_deref();
        let status = filter.status.map(SurfaceStatus::as_str);
        let environment = filter.environment.map(Environment::as_str);
        // Only constant text is formatted into the SQL; values are bound.
        let rows: Vec<SurfaceRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{SURFACE_COLUMNS} WHERE {FILTER}
               AND (created_at > $4 OR (created_at = $4 AND id > $5))
             ORDER BY created_at, id LIMIT $6"
        )))
        .bind(kind)
        .bind(status)
        .bind(environment)
        .bind(after_millis)
        .bind(after_id)
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM surfaces WHERE {FILTER}"
        )))
        .bind(kind)
        .bind(status)
        .bind(environment)
        .fetch_one(&self.pool)
        .await?;

        let mut surfaces = Vec::with_capacity(rows.len());
        for row in rows {
            surfaces.push(self.complete(row, base_url).await?);
        }
        Ok(page.page(surfaces, count(total), |surface| {
            (time::to_millis(surface.created_at), surface.id.clone())
        }))
    }

    /// Applies `update` and returns the surface as it is now.
    pub async fn update_surface(
        &self,
        product_id: &str,
        surface_id: &str,
        update: &SurfaceUpdate,
        now: Timestamp,
        base_url: &str,
    ) -> Result<Option<Surface>, Error> {
        let updated = sqlx::query(
            "UPDATE surfaces SET
                 name = COALESCE($1, name),
                 status = COALESCE($2, status),
                 environment = COALESCE($3, environment),
                 upstream = CASE WHEN $7 = 1 THEN $8 ELSE upstream END,
                 auth_mode = COALESCE($9, auth_mode),
                 updated_at = $4
             WHERE id = $5 AND product_id = $6",
        )
        .bind(update.name.as_deref())
        .bind(update.status.map(SurfaceStatus::as_str))
        .bind(update.environment.map(Environment::as_str))
        .bind(time::to_millis(now))
        .bind(surface_id)
        .bind(product_id)
        .bind(i64::from(update.upstream.is_some()))
        .bind(stored_upstream(
            update.upstream.as_ref().and_then(Option::as_ref),
        )?)
        .bind(update.auth_mode.map(AuthMode::as_str))
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(None);
        }
        // A key's verification reads its surface's status and environment.
        self.publish(&self.pool, Change::Everything).await?;
        self.forget(Change::Everything);
        self.surface(product_id, surface_id, base_url).await
    }

    /// Adds capability `name` to a surface; `Conflict` if it has it already.
    pub async fn add_item(
        &self,
        surface_id: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<Item, Error> {
        let inserted = sqlx::query(
            "INSERT INTO surface_items (surface_id, capability_name, created_at)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(surface_id)
        .bind(name)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::Conflict(format!(
                "the surface already has capability `{name}`"
            )));
        }
        Ok(Item {
            capability_name: name.to_owned(),
            kind: None,
            description: None,
            created_at: now,
        })
    }

    /// Makes the items of `surface_id` that came from its upstream the
    /// ones in `items`: new ones added, known ones given their kind and
    /// description (an item added by hand becomes synced), synced ones the
    /// upstream no longer offers removed when `prune` says so. Items added
    /// by hand and not offered stay. Whether anything changed.
    pub async fn sync_items(
        &self,
        surface_id: &str,
        items: &[SyncedItem],
        prune: Prune,
        now: Timestamp,
    ) -> Result<bool, Error> {
        let mut transaction = self.pool.begin().await?;
        let mut changed = false;
        for item in items {
            let written = sqlx::query(
                "INSERT INTO surface_items (surface_id, capability_name, created_at, kind,
                     description, synced)
                 VALUES ($1, $2, $3, $4, $5, 1)
                 ON CONFLICT (surface_id, capability_name) DO UPDATE
                 SET kind = excluded.kind, description = excluded.description, synced = 1
                 WHERE surface_items.kind IS NULL OR surface_items.kind <> excluded.kind
                    OR COALESCE(surface_items.description, '') <> COALESCE(excluded.description, '')
                    OR surface_items.synced = 0",
            )
            .bind(surface_id)
            .bind(&item.name)
            .bind(time::to_millis(now))
            .bind(item.kind.as_str())
            .bind(item.description.as_deref())
            .execute(&mut *transaction)
            .await?;
            changed |= written.rows_affected() > 0;
        }
        let synced: Vec<String> = sqlx::query_scalar(
            "SELECT capability_name FROM surface_items WHERE surface_id = $1 AND synced = 1",
        )
        .bind(surface_id)
        .fetch_all(&mut *transaction)
        .await?;
        for gone in synced
            .iter()
            .filter(|_| prune == Prune::Gone)
            .filter(|name| !items.iter().any(|item| item.name == **name))
        {
            sqlx::query("DELETE FROM surface_items WHERE surface_id = $1 AND capability_name = $2")
                .bind(surface_id)
                .bind(gone)
                .execute(&mut *transaction)
                .await?;
            changed = true;
        }
        transaction.commit().await?;
        Ok(changed)
    }

    /// The upstream of a surface, if it has one.
    pub async fn surface_upstream(&self, surface_id: &str) -> Result<Option<Upstream>, Error> {
        let stored: Option<Option<String>> =
            sqlx::query_scalar("SELECT upstream FROM surfaces WHERE id = $1")
                .bind(surface_id)
                .fetch_optional(&self.pool)
                .await?;
        stored
            .flatten()
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|error| Error::Corrupt(format!("surface upstream: {error}")))
            })
            .transpose()
    }

    /// The capability names of a surface, in the order they were added.
    pub async fn capabilities(&self, surface_id: &str) -> Result<Vec<String>, Error> {
        Ok(sqlx::query_scalar(
            "SELECT capability_name FROM surface_items WHERE surface_id = $1
             ORDER BY created_at, capability_name",
        )
        .bind(surface_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A surface row with its items and keys.
    async fn complete(&self, row: SurfaceRow, base_url: &str) -> Result<Surface, Error> {
        let items: Vec<ItemRow> = sqlx::query_as(
            "SELECT capability_name, kind, description, created_at FROM surface_items
             WHERE surface_id = $1 ORDER BY created_at, capability_name",
        )
        .bind(&row.id)
        .fetch_all(&self.pool)
        .await?;
        let keys: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{} WHERE surface_id = $1 ORDER BY created_at, id",
            KeyRow::SELECT
        )))
        .bind(&row.id)
        .fetch_all(&self.pool)
        .await?;
        let now = time::now();
        Ok(Surface {
            url: surface_url(base_url, &row.product_id, &row.id),
            status: parse_stored("surface status", &row.status)?,
            environment: parse_stored("surface environment", &row.environment)?,
            auth_mode: parse_stored("surface auth mode", &row.auth_mode)?,
            upstream: row
                .upstream
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|error| Error::Corrupt(format!("surface upstream: {error}")))?,
            items: items
                .into_iter()
                .map(|item| {
                    Ok(Item {
                        capability_name: item.capability_name,
                        kind: item
                            .kind
                            .as_deref()
                            .map(|kind| parse_stored("item kind", kind))
                            .transpose()?,
                        description: item.description,
                        created_at: time::from_millis(item.created_at)?,
                    })
                })
                .collect::<Result<_, Error>>()?,
            keys: keys
                .into_iter()
                .map(|key| key.into_metadata(now))
                .collect::<Result<_, _>>()?,
            created_at: time::from_millis(row.created_at)?,
            updated_at: time::from_millis(row.updated_at)?,
            id: row.id,
            product_id: row.product_id,
            name: row.name,
            kind: row.kind,
        })
    }
}
