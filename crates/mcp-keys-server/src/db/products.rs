//! Products.

use sqlx::FromRow;

use super::{Db, count};
use crate::api::{Page, PageRequest, Product};
use crate::time::{self, Timestamp};
use crate::{Error, ids};

#[derive(FromRow)]
struct ProductRow {
    id: String,
    name: String,
    created_at: i64,
    updated_at: i64,
}

impl ProductRow {
    fn into_product(self) -> Result<Product, Error> {
        Ok(Product {
            id: self.id,
            name: self.name,
            created_at: time::from_millis(self.created_at)?,
            updated_at: time::from_millis(self.updated_at)?,
        })
    }
}

impl Db {
    /// Creates a product named `name`.
    pub async fn create_product(&self, name: &str, now: Timestamp) -> Result<Product, Error> {
        let product = Product {
            id: ids::new_id(),
            name: name.to_owned(),
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO products (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(&product.id)
        .bind(&product.name)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(product)
    }

    /// One page of all products.
    pub async fn list_products(&self, page: &PageRequest) -> Result<Page<Product>, Error> {
        let (after_millis, after_id) = page.after.clone().unwrap_or((i64::MIN, String::new()));
        let rows: Vec<ProductRow> = sqlx::query_as(
            "SELECT id, name, created_at, updated_at FROM products
             WHERE created_at > $1 OR (created_at = $1 AND id > $2)
             ORDER BY created_at, id LIMIT $3",
        )
        .bind(after_millis)
        .bind(after_id)
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
            .fetch_one(&self.pool)
            .await?;
        let products = rows
            .into_iter()
            .map(ProductRow::into_product)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(products, count(total), |product| {
            (time::to_millis(product.created_at), product.id.clone())
        }))
    }

    /// Whether a product with this id exists.
    pub async fn product_exists(&self, id: &str) -> Result<bool, Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM products WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }
}
