//! `GET /v1/products`, `POST /v1/products`.

use reqwest::Method;
use serde_json::json;

use crate::pages::walk;
use crate::transport::Retry;
use crate::{Client, Error, Page, PageRequest, Product};

impl Client {
    /// One page of products.
    pub async fn list_products(&self, page: &PageRequest) -> Result<Page<Product>, Error> {
        let url = self.url(&["v1", "products"], &page.query());
        self.send(Method::GET, url, None, Retry::Idempotent)
            .await?
            .success(|| "the product list".to_owned())?
            .json()
    }

    /// Every product, following the pages.
    pub async fn list_products_all(&self) -> Result<Vec<Product>, Error> {
        walk(self.page_size, |page| async move {
            self.list_products(&page).await
        })
        .await
    }

    /// Creates a product named `name`. Never retried.
    pub async fn create_product(&self, name: &str) -> Result<Product, Error> {
        let url = self.url(&["v1", "products"], &[]);
        let body = Self::body(&json!({ "name": name }))?;
        self.send(Method::POST, url, Some(body), Retry::Never)
            .await?
            .success(|| "the products route".to_owned())?
            .json()
    }
}
