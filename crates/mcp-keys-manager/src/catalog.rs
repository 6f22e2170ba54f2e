//! Products and surfaces by what a person has at hand: a surface id alone,
//! a product name; with the audit log kept for each change.

use chrono::{DateTime, Utc};
use mcp_keys_client::{Product, Surface, SurfaceFilter, SurfaceUpdate};

use crate::session::Subject;
use crate::{Error, Session};

impl Session {
    /// Creates a product.
    pub async fn create_product(&self, name: &str, now: DateTime<Utc>) -> Result<Product, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Self::invalid("a product needs a name"));
        }
        let product = self.client.create_product(name).await?;
        self.audit(
            "product.create",
            Subject {
                product_id: Some(&product.id),
                ..Subject::default()
            },
            Some(format!("created product {name:?}")),
            now,
        )
        .await;
        Ok(product)
    }

    /// The surface with this id, whichever product holds it: the CLI and
    /// IDE configs name a surface by its id only, while the API nests it
    /// under its product.
    pub async fn find_surface(&self, surface_id: &str) -> Result<Surface, Error> {
        self.client
            .list_surfaces_all(&SurfaceFilter::default())
            .await?
            .into_iter()
            .find(|surface| surface.id == surface_id)
            .ok_or_else(|| {
                mcp_keys_client::Error::NotFound {
                    what: format!("surface {surface_id}"),
                }
                .into()
            })
    }

    /// Changes a surface's name, status, environment, upstream or auth mode;
    /// the updated surface.
    pub async fn update_surface(
        &self,
        product_id: &str,
        surface_id: &str,
        update: &SurfaceUpdate,
        now: DateTime<Utc>,
    ) -> Result<Surface, Error> {
        let surface = self
            .client
            .update_surface(product_id, surface_id, update)
            .await?;
        let mut changes = Vec::new();
        if let Some(status) = update.status {
            changes.push(format!("status {status}"));
        }
        if let Some(environment) = update.environment {
            changes.push(format!("environment {}", environment.as_str()));
        }
        if let Some(name) = &update.name {
            changes.push(format!("name {name:?}"));
        }
        if let Some(auth_mode) = update.auth_mode {
            changes.push(format!("auth mode {auth_mode}"));
        }
        self.audit(
            "surface.update",
            Subject {
                product_id: Some(product_id),
                surface_id: Some(surface_id),
                key_id: None,
            },
            Some(changes.join(", ")),
            now,
        )
        .await;
        Ok(surface)
    }
}
