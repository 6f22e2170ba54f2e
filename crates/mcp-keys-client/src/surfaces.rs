//! Surfaces: list across products, create, get, update, add a capability.

use reqwest::Method;
use serde_json::json;

use crate::pages::walk;
use crate::transport::Retry;
use crate::{
    Client, Error, Item, NewSurface, Page, PageRequest, Surface, SurfaceFilter, SurfaceUpdate,
    UpstreamStatus,
};

impl Client {
    /// One page of surfaces across products, narrowed by `filter`.
    pub async fn list_surfaces(
        &self,
        filter: &SurfaceFilter,
        page: &PageRequest,
    ) -> Result<Page<Surface>, Error> {
        let mut query = filter.query();
        query.extend(page.query());
        let url = self.url(&["v1", "surfaces"], &query);
        self.send(Method::GET, url, None, Retry::Idempotent)
            .await?
            .success(|| "the surface list".to_owned())?
            .json()
    }

    /// Every surface matching `filter`, following the pages.
    pub async fn list_surfaces_all(&self, filter: &SurfaceFilter) -> Result<Vec<Surface>, Error> {
        walk(self.page_size, |page| async move {
            self.list_surfaces(filter, &page).await
        })
        .await
    }

    /// Creates a surface of product `product_id`. Never retried.
    pub async fn create_surface(
        &self,
        product_id: &str,
        surface: &NewSurface,
    ) -> Result<Surface, Error> {
        let url = self.url(&["v1", "products", product_id, "surfaces"], &[]);
        let body = Self::body(surface)?;
        self.send(Method::POST, url, Some(body), Retry::Never)
            .await?
            .success(|| format!("product {product_id}"))?
            .json()
    }

    /// A surface with its capabilities (`items`) and keys' metadata.
    pub async fn get_surface(&self, product_id: &str, surface_id: &str) -> Result<Surface, Error> {
        let url = self.url(&surface_path(product_id, surface_id), &[]);
        self.send(Method::GET, url, None, Retry::Idempotent)
            .await?
            .success(|| surface_what(product_id, surface_id))?
            .json()
    }

    /// Changes a surface's name, status or environment.
    pub async fn update_surface(
        &self,
        product_id: &str,
        surface_id: &str,
        update: &SurfaceUpdate,
    ) -> Result<Surface, Error> {
        let url = self.url(&surface_path(product_id, surface_id), &[]);
        let body = Self::body(update)?;
        self.send(Method::PUT, url, Some(body), Retry::Idempotent)
            .await?
            .success(|| surface_what(product_id, surface_id))?
            .json()
    }

    /// Starts the surface's upstream if needed and makes the surface's items
    /// what the upstream offers now (an extension of our service); the
    /// surface with its items. [`Error::Server`] with the reason (502
    /// `upstream_unavailable`) when the upstream cannot be started or
    /// reached. Never retried (it may start a program).
    pub async fn sync_upstream_items(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Surface, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.extend(["upstream", "sync"]);
        let url = self.url(&path, &[]);
        self.send(Method::POST, url, None, Retry::Never)
            .await?
            .success(|| surface_what(product_id, surface_id))?
            .json()
    }

    /// What the surface's upstream is doing (an extension of our service);
    /// [`Error::NotFound`] when the surface fronts nothing.
    pub async fn upstream_status(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<UpstreamStatus, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.push("upstream");
        let url = self.url(&path, &[]);
        self.send(Method::GET, url, None, Retry::Idempotent)
            .await?
            .success(|| format!("the upstream of {}", surface_what(product_id, surface_id)))?
            .json()
    }

    /// Adds the capability (MCP tool) `capability_name` to a surface.
    /// Never retried.
    pub async fn add_capability(
        &self,
        product_id: &str,
        surface_id: &str,
        capability_name: &str,
    ) -> Result<Item, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.push("items");
        let url = self.url(&path, &[]);
        let body = Self::body(&json!({ "capabilityName": capability_name }))?;
        self.send(Method::POST, url, Some(body), Retry::Never)
            .await?
            .success(|| surface_what(product_id, surface_id))?
            .json()
    }
}

/// The path segments of a surface.
pub(crate) fn surface_path<'a>(product_id: &'a str, surface_id: &'a str) -> [&'a str; 5] {
    ["v1", "products", product_id, "surfaces", surface_id]
}

/// A surface named in an error.
pub(crate) fn surface_what(product_id: &str, surface_id: &str) -> String {
    format!("surface {surface_id} of product {product_id}")
}
