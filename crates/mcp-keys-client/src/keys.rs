//! Keys: create, list, revoke, and one key by id.

use reqwest::Method;

use crate::extension::route_missing;
use crate::pages::walk;
use crate::surfaces::{surface_path, surface_what};
use crate::transport::Retry;
use crate::{Client, CreatedKey, Error, KeyMetadata, NewKey, Page, PageRequest};

impl Client {
    /// Creates a key on a surface. The answer holds the key in plaintext,
    /// this once. Never retried: a lost answer must not leave a second key
    /// that nobody saw.
    pub async fn create_key(
        &self,
        product_id: &str,
        surface_id: &str,
        key: &NewKey,
    ) -> Result<CreatedKey, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.push("keys");
        let url = self.url(&path, &[]);
        let body = Self::body(key)?;
        self.send(Method::POST, url, Some(body), Retry::Never)
            .await?
            .success(|| surface_what(product_id, surface_id))?
            .json_with_key()
    }

    /// One page of a surface's keys (metadata only; an extension).
    pub async fn list_keys(
        &self,
        product_id: &str,
        surface_id: &str,
        page: &PageRequest,
    ) -> Result<Page<KeyMetadata>, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.push("keys");
        let url = self.url(&path, &page.query());
        let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
        if route_missing(answer.status) {
            return Err(self
                .missing(
                    answer.status,
                    surface_what(product_id, surface_id),
                    "listing a surface's keys",
                )
                .await);
        }
        answer
            .success(|| surface_what(product_id, surface_id))?
            .json()
    }

    /// Every key of a surface, following the pages.
    pub async fn list_keys_all(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Vec<KeyMetadata>, Error> {
        walk(self.page_size, |page| async move {
            self.list_keys(product_id, surface_id, &page).await
        })
        .await
    }

    /// Revokes a key; it is refused from before this returns. Revoking a
    /// revoked key again is harmless, so this is retried like a read.
    /// Returns the key's metadata, or `None` when the server answers
    /// without a body.
    pub async fn revoke_key(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
    ) -> Result<Option<KeyMetadata>, Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.extend(["keys", key_id]);
        let url = self.url(&path, &[]);
        let answer = self
            .send(Method::DELETE, url, None, Retry::Idempotent)
            .await?
            .success(|| key_what(key_id))?;
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        answer.json().map(Some)
    }

    /// One key's metadata by its id alone, with its product and surface
    /// (an extension: [`Error::Unsupported`] on a server without it).
    pub async fn get_key(&self, key_id: &str) -> Result<KeyMetadata, Error> {
        let url = self.url(&["v1", "keys", key_id], &[]);
        let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
        if route_missing(answer.status) {
            return Err(self
                .missing(
                    answer.status,
                    key_what(key_id),
                    "looking up a key by its id",
                )
                .await);
        }
        answer.success(|| key_what(key_id))?.json()
    }
}

/// A key named in an error.
pub(crate) fn key_what(key_id: &str) -> String {
    format!("key {key_id}")
}
