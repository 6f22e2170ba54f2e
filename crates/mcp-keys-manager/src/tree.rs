//! The tree the app's sidebar shows: connections → products → surfaces,
//! fresh from each server, or from the local cache when a server is out of
//! reach.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mcp_keys_client::{KeyMetadata, Product, Surface, SurfaceFilter};
use mcp_keys_store::{CacheItem, CachedEntity, Connection, KeyRotation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ts_rs::TS;

use crate::reminders::rotation_due_at;
use crate::{Error, Manager, Session};

/// One connection and what it holds.
#[derive(Debug)]
pub struct ConnectionTree {
    /// The saved connection.
    pub connection: Connection,
    /// Its products with their surfaces (without keys).
    pub products: Vec<ProductTree>,
    /// Why the server could not be read, if it could not.
    pub error: Option<Error>,
    /// Whether `products` come from the local cache.
    pub offline: bool,
}

/// A surface with all its keys, and when each is due for rotation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SurfaceDetail {
    /// The surface, keys included.
    #[serde(flatten)]
    #[ts(flatten)]
    pub surface: Surface,
    /// When each key is due for rotation (RFC 3339), by key id: its own
    /// period or its environment's default in Settings, from its last roll
    /// or its creation; `null` for a key never to be rotated.
    #[ts(type = "Record<string, string | null>")]
    pub rotation_due: BTreeMap<String, Option<DateTime<Utc>>>,
}

/// A product and its surfaces.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProductTree {
    /// The product.
    pub product: Product,
    /// Its surfaces.
    pub surfaces: Vec<Surface>,
}

impl Manager {
    /// Every saved connection's tree, read in turn; a connection that fails
    /// shows its cache and the error instead of failing the whole tree.
    pub async fn tree(&self, now: DateTime<Utc>) -> Result<Vec<ConnectionTree>, Error> {
        let mut trees = Vec::new();
        for connection in self.store().list_connections().await? {
            let fresh = match self.session_with(connection.clone()).await {
                Ok(session) => session.fetch_tree(now).await,
                Err(error) => Err(error),
            };
            trees.push(match fresh {
                Ok(products) => ConnectionTree {
                    connection,
                    products,
                    error: None,
                    offline: false,
                },
                Err(error) => {
                    let products = self.cached_tree(&connection.id).await.unwrap_or_default();
                    ConnectionTree {
                        offline: !products.is_empty(),
                        connection,
                        products,
                        error: Some(error),
                    }
                }
            });
        }
        Ok(trees)
    }

    async fn cached_tree(&self, connection_id: &str) -> Result<Vec<ProductTree>, Error> {
        let products: Vec<Product> = decode(self.store().cached_products(connection_id).await?);
        let surfaces: Vec<Surface> = decode(self.store().cached_surfaces(connection_id).await?);
        Ok(nest(products, surfaces))
    }
}

impl Session {
    /// Products and surfaces, fresh from the server; the cache is refreshed.
    pub async fn fetch_tree(&self, now: DateTime<Utc>) -> Result<Vec<ProductTree>, Error> {
        let products = self.client.list_products_all().await?;
        let surfaces = self
            .client
            .list_surfaces_all(&SurfaceFilter::default())
            .await?;
        if let Some(connection_id) = self.connection_id() {
            let store = self.manager.store();
            Self::keep(
                store
                    .replace_cached_products(connection_id, &items(&products, |_| ""), now)
                    .await,
                "product cache",
            );
            Self::keep(
                store
                    .replace_cached_surfaces(
                        connection_id,
                        &items(&surfaces, |surface| surface.product_id.as_str()),
                        now,
                    )
                    .await,
                "surface cache",
            );
        }
        Ok(nest(products, surfaces))
    }

    /// When `key` is due for rotation (`None`: never), as the reminders
    /// judge it: for a key just generated or rolled.
    pub async fn rotation_due(&self, key: &KeyMetadata) -> Result<Option<DateTime<Utc>>, Error> {
        let store = self.manager.store();
        let policy = store.rotation_policy().await?;
        let rotation = store.key_rotation(&key.id).await?;
        Ok(rotation_due_at(key, rotation.as_ref(), &policy))
    }

    /// [`Session::surface`] with when each key is due for rotation, as the
    /// reminders judge it.
    pub async fn surface_detail(
        &self,
        product_id: &str,
        surface_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SurfaceDetail, Error> {
        let surface = self.surface(product_id, surface_id, now).await?;
        let store = self.manager.store();
        let policy = store.rotation_policy().await?;
        let rotations: BTreeMap<String, KeyRotation> = store
            .list_key_rotations()
            .await?
            .into_iter()
            .map(|rotation| (rotation.key_id.clone(), rotation))
            .collect();
        let rotation_due = surface
            .keys
            .iter()
            .map(|key| {
                let due = rotation_due_at(key, rotations.get(&key.id), &policy);
                (key.id.clone(), due)
            })
            .collect();
        Ok(SurfaceDetail {
            surface,
            rotation_due,
        })
    }

    /// A surface with its capabilities and every key; the keys are cached.
    pub async fn surface(
        &self,
        product_id: &str,
        surface_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Surface, Error> {
        let mut surface = self.client.get_surface(product_id, surface_id).await?;
        // The surface answer may carry only the first keys; the key list
        // (an extension) has them all when the server offers it.
        match self.client.list_keys_all(product_id, surface_id).await {
            Ok(keys) => surface.keys = keys,
            Err(mcp_keys_client::Error::Unsupported { .. }) => {}
            Err(error) => return Err(error.into()),
        }
        if let Some(connection_id) = self.connection_id() {
            Self::keep(
                self.manager
                    .store()
                    .replace_cached_keys(
                        connection_id,
                        surface_id,
                        // Under the surface asked for: a Runtype key may not name it.
                        &items(&surface.keys, |_| surface_id),
                        now,
                    )
                    .await,
                "key cache",
            );
        }
        Ok(surface)
    }
}

trait Identified {
    fn id(&self) -> &str;
}

impl Identified for Product {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Surface {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for KeyMetadata {
    fn id(&self) -> &str {
        &self.id
    }
}

fn items<'a, T: Serialize + Identified>(
    rows: &'a [T],
    parent: impl Fn(&'a T) -> &'a str,
) -> Vec<CacheItem> {
    rows.iter()
        .filter_map(|row| {
            Some(CacheItem {
                id: row.id().to_owned(),
                parent_id: parent(row).to_owned(),
                data: serde_json::to_value(row).ok()?,
            })
        })
        .collect()
}

/// Cached rows back as API types; a row that no longer parses (an older
/// app version's) is skipped rather than failing the offline view.
fn decode<T: DeserializeOwned>(rows: Vec<CachedEntity>) -> Vec<T> {
    rows.into_iter()
        .filter_map(|row| serde_json::from_value(row.data).ok())
        .collect()
}

fn nest(products: Vec<Product>, surfaces: Vec<Surface>) -> Vec<ProductTree> {
    let mut trees: Vec<ProductTree> = products
        .into_iter()
        .map(|product| ProductTree {
            product,
            surfaces: Vec::new(),
        })
        .collect();
    for mut surface in surfaces {
        surface.keys.clear();
        if let Some(tree) = trees
            .iter_mut()
            .find(|tree| tree.product.id == surface.product_id)
        {
            tree.surfaces.push(surface);
        }
    }
    trees
}

impl Session {
    /// Creates a surface with its capabilities (one tool each).
    pub async fn create_surface(
        &self,
        product_id: &str,
        name: &str,
        environment: mcp_keys_core::Environment,
        capabilities: &[String],
        upstream: Option<mcp_keys_core::Upstream>,
        now: DateTime<Utc>,
    ) -> Result<Surface, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Self::invalid("a surface needs a name"));
        }
        let mut new_surface = mcp_keys_client::NewSurface::mcp(name);
        new_surface.environment = Some(environment);
        new_surface.upstream = upstream;
        let surface = self.client.create_surface(product_id, &new_surface).await?;
        for capability in capabilities
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            self.client
                .add_capability(product_id, &surface.id, capability)
                .await?;
        }
        self.audit(
            "surface.create",
            crate::session::Subject {
                product_id: Some(product_id),
                surface_id: Some(&surface.id),
                key_id: None,
            },
            Some(format!("created surface {name:?}")),
            now,
        )
        .await;
        Ok(self.client.get_surface(product_id, &surface.id).await?)
    }
}
