//! `GET /v1/tokens`, `POST /v1/tokens`, `DELETE /v1/tokens/{id}`: our
//! service's management tokens (an extension).

use reqwest::Method;
use serde_json::json;

use crate::extension::route_missing;
use crate::transport::Retry;
use crate::{Client, CreatedToken, Error, Page, TokenMetadata};

/// What the extension is called in an [`Error::Unsupported`].
const FEATURE: &str = "management tokens (GET /v1/tokens)";

impl Client {
    /// Every management token of the service, revoked ones included.
    pub async fn list_tokens(&self) -> Result<Vec<TokenMetadata>, Error> {
        let url = self.url(&["v1", "tokens"], &[]);
        let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
        if route_missing(answer.status) {
            return Err(Error::Unsupported { feature: FEATURE });
        }
        let page: Page<TokenMetadata> = answer.success(|| "the token list".to_owned())?.json()?;
        Ok(page.data)
    }

    /// Mints a management token named `name`. Never retried: a retry
    /// could mint a second token nobody receives.
    pub async fn create_token(&self, name: &str) -> Result<CreatedToken, Error> {
        let url = self.url(&["v1", "tokens"], &[]);
        let body = Self::body(&json!({ "name": name }))?;
        let answer = self
            .send(Method::POST, url, Some(body), Retry::Never)
            .await?;
        if route_missing(answer.status) {
            return Err(Error::Unsupported { feature: FEATURE });
        }
        answer
            .success(|| "the tokens route".to_owned())?
            .json_with_key()
    }

    /// Revokes the management token with public id `token_id`: it stops
    /// working on the next request. The last token cannot be revoked.
    pub async fn revoke_token(&self, token_id: &str) -> Result<TokenMetadata, Error> {
        let url = self.url(&["v1", "tokens", token_id], &[]);
        self.send(Method::DELETE, url, None, Retry::Idempotent)
            .await?
            .success(|| format!("management token {token_id}"))?
            .json()
    }
}
