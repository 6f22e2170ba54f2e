//! Remote metadata kept for the offline view: the products, surfaces and
//! keys last fetched from each connection, as the API's own JSON.
//!
//! Each refresh replaces what it covers (all products of a connection, all
//! surfaces, or the keys of one surface) in one transaction, so a reader
//! never sees half of a refresh.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::time::{from_millis, to_millis};
use crate::{Error, Store, plaintext};

/// One cached entity: its id, its parent (the product of a surface, the
/// surface of a key), the JSON the server sent and when it was fetched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedEntity {
    /// The entity's id on the server.
    pub id: String,
    /// The product of a surface, the surface of a key; `None` for a product.
    pub parent_id: Option<String>,
    /// The entity as the management API described it.
    pub data: serde_json::Value,
    /// When it was fetched.
    pub fetched_at: DateTime<Utc>,
}

/// An entity to cache: its id, its parent's id (ignored for products) and
/// its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheItem {
    /// The entity's id.
    pub id: String,
    /// The product of a surface or the surface of a key.
    pub parent_id: String,
    /// The entity as the management API described it. It must not hold a
    /// plaintext key (the `key` of a create response): the store refuses it.
    pub data: serde_json::Value,
}

#[derive(FromRow)]
struct CachedRow {
    id: String,
    parent_id: Option<String>,
    data: String,
    fetched_at: i64,
}

impl TryFrom<CachedRow> for CachedEntity {
    type Error = Error;

    fn try_from(row: CachedRow) -> Result<Self, Error> {
        Ok(Self {
            data: serde_json::from_str(&row.data)
                .map_err(|error| Error::Corrupt(format!("cached JSON of {}: {error}", row.id)))?,
            id: row.id,
            parent_id: row.parent_id,
            fetched_at: from_millis(row.fetched_at)?,
        })
    }
}

/// The JSON text of each item, refused when it holds a secret.
fn serialized(items: &[CacheItem]) -> Result<Vec<String>, Error> {
    items
        .iter()
        .map(|item| {
            let text = item.data.to_string();
            plaintext::ensure_none(&text, "cached metadata")?;
            Ok(text)
        })
        .collect()
}

impl Store {
    /// Replaces the cached products of a connection.
    pub async fn replace_cached_products(
        &self,
        connection_id: &str,
        products: &[CacheItem],
        fetched_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let texts = serialized(products)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM cached_products WHERE connection_id = $1")
            .bind(connection_id)
            .execute(&mut *tx)
            .await?;
        for (item, text) in products.iter().zip(texts) {
            sqlx::query(
                "INSERT OR REPLACE INTO cached_products (connection_id, id, data, fetched_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(connection_id)
            .bind(&item.id)
            .bind(text)
            .bind(to_millis(fetched_at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the cached surfaces of a connection (every product).
    pub async fn replace_cached_surfaces(
        &self,
        connection_id: &str,
        surfaces: &[CacheItem],
        fetched_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let texts = serialized(surfaces)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM cached_surfaces WHERE connection_id = $1")
            .bind(connection_id)
            .execute(&mut *tx)
            .await?;
        for (item, text) in surfaces.iter().zip(texts) {
            sqlx::query(
                "INSERT OR REPLACE INTO cached_surfaces
                     (connection_id, id, product_id, data, fetched_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(connection_id)
            .bind(&item.id)
            .bind(&item.parent_id)
            .bind(text)
            .bind(to_millis(fetched_at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the cached keys of one surface of a connection.
    pub async fn replace_cached_keys(
        &self,
        connection_id: &str,
        surface_id: &str,
        keys: &[CacheItem],
        fetched_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        if let Some(stray) = keys.iter().find(|key| key.parent_id != surface_id) {
            return Err(Error::Invalid(format!(
                "key {} belongs to surface {}, not {surface_id}",
                stray.id, stray.parent_id
            )));
        }
        let texts = serialized(keys)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM cached_keys WHERE connection_id = $1 AND surface_id = $2")
            .bind(connection_id)
            .bind(surface_id)
            .execute(&mut *tx)
            .await?;
        for (item, text) in keys.iter().zip(texts) {
            sqlx::query(
                "INSERT OR REPLACE INTO cached_keys
                     (connection_id, id, surface_id, data, fetched_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(connection_id)
            .bind(&item.id)
            .bind(surface_id)
            .bind(text)
            .bind(to_millis(fetched_at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The cached products of a connection, by id.
    pub async fn cached_products(&self, connection_id: &str) -> Result<Vec<CachedEntity>, Error> {
        let rows: Vec<CachedRow> = sqlx::query_as(
            "SELECT id, NULL AS parent_id, data, fetched_at FROM cached_products
             WHERE connection_id = $1 ORDER BY id",
        )
        .bind(connection_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CachedEntity::try_from).collect()
    }

    /// The cached surfaces of a connection, by id.
    pub async fn cached_surfaces(&self, connection_id: &str) -> Result<Vec<CachedEntity>, Error> {
        let rows: Vec<CachedRow> = sqlx::query_as(
            "SELECT id, product_id AS parent_id, data, fetched_at FROM cached_surfaces
             WHERE connection_id = $1 ORDER BY id",
        )
        .bind(connection_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CachedEntity::try_from).collect()
    }

    /// The cached keys of a connection, of one surface or of all, by id.
    pub async fn cached_keys(
        &self,
        connection_id: &str,
        surface_id: Option<&str>,
    ) -> Result<Vec<CachedEntity>, Error> {
        let rows: Vec<CachedRow> = sqlx::query_as(
            "SELECT id, surface_id AS parent_id, data, fetched_at FROM cached_keys
             WHERE connection_id = $1 AND ($2 IS NULL OR surface_id = $2) ORDER BY id",
        )
        .bind(connection_id)
        .bind(surface_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CachedEntity::try_from).collect()
    }
}
