//! OAuth mode (DESIGN §9), as the owner manages it: pending authorizations
//! to approve or deny, and a surface's grants to list or revoke.
//!
//! These routes are an extension that servers without OAuth mode (Runtype,
//! older `mcp-keys serve`) lack. `GET /v1/oauth/requests` never answers 404
//! on a server that has it (no pending request is an empty list), so it is
//! the probe: after a 404 elsewhere, a 404/405/501 there means the feature
//! is missing ([`Error::Unsupported`]); an answer means the 404 was about
//! the request, surface or grant ([`Error::NotFound`]).

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::extension::route_missing;
use crate::pages::walk;
use crate::surfaces::{surface_path, surface_what};
use crate::transport::{Answer, Retry};
use crate::{Client, Error, Grant, OAuthRequest, Page};

/// What the extension is called in an [`Error::Unsupported`].
const FEATURE: &str = "OAuth mode (GET /v1/oauth/requests)";

impl Client {
    /// The authorizations waiting for the owner's consent, across surfaces.
    /// [`Error::Unsupported`] on a server without OAuth mode.
    pub async fn list_oauth_requests(&self) -> Result<Vec<OAuthRequest>, Error> {
        walk(self.page_size, |page| async move {
            let url = self.url(&["v1", "oauth", "requests"], &page.query());
            let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
            if route_missing(answer.status) {
                return Err(Error::Unsupported { feature: FEATURE });
            }
            rows(&answer.success(|| "the OAuth requests route".to_owned())?)
        })
        .await
    }

    /// Approves a pending authorization, for `scopes` when given (narrower
    /// than asked), else for what the client asked; the grant it creates.
    /// Never retried: the consent page hands the client its code once.
    pub async fn approve_oauth_request(
        &self,
        request_id: &str,
        scopes: Option<&[String]>,
    ) -> Result<Grant, Error> {
        let url = self.url(&["v1", "oauth", "requests", request_id, "approve"], &[]);
        let body = match scopes {
            Some(scopes) => json!({ "scopes": scopes }),
            None => json!({}),
        };
        let answer = self
            .send(Method::POST, url, Some(Self::body(&body)?), Retry::Never)
            .await?;
        self.oauth_answer(answer, || request_what(request_id))
            .await?
            .json()
    }

    /// Denies a pending authorization: the client's browser is sent back
    /// with `access_denied`. Never retried: a second try after a lost
    /// answer would find the request gone and report a failure.
    pub async fn deny_oauth_request(&self, request_id: &str) -> Result<(), Error> {
        let url = self.url(&["v1", "oauth", "requests", request_id, "deny"], &[]);
        let answer = self.send(Method::POST, url, None, Retry::Never).await?;
        self.oauth_answer(answer, || request_what(request_id))
            .await?;
        Ok(())
    }

    /// Every OAuth grant of a surface, revoked ones included.
    pub async fn list_grants(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Vec<Grant>, Error> {
        walk(self.page_size, |page| async move {
            let mut path = surface_path(product_id, surface_id).to_vec();
            path.push("grants");
            let url = self.url(&path, &page.query());
            let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
            rows(
                &self
                    .oauth_answer(answer, || surface_what(product_id, surface_id))
                    .await?,
            )
        })
        .await
    }

    /// Revokes a grant: its tokens are refused from before this returns.
    /// Revoking a revoked grant again is harmless, so this is retried like
    /// a read.
    pub async fn revoke_grant(
        &self,
        product_id: &str,
        surface_id: &str,
        grant_id: &str,
    ) -> Result<(), Error> {
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.extend(["grants", grant_id]);
        let url = self.url(&path, &[]);
        let answer = self
            .send(Method::DELETE, url, None, Retry::Idempotent)
            .await?;
        self.oauth_answer(answer, || grant_what(grant_id)).await?;
        Ok(())
    }

    /// `answer` if it is a success, else its error; a 404, 405 or 501 is
    /// told apart as the module says.
    async fn oauth_answer(
        &self,
        answer: Answer,
        what: impl FnOnce() -> String,
    ) -> Result<Answer, Error> {
        if !route_missing(answer.status) {
            return answer.success(what);
        }
        if answer.status == StatusCode::NOT_FOUND && self.has_oauth().await? {
            return Err(Error::NotFound { what: what() });
        }
        Err(Error::Unsupported { feature: FEATURE })
    }

    /// Whether the server has OAuth mode: its requests route answers.
    async fn has_oauth(&self) -> Result<bool, Error> {
        let url = self.url(&["v1", "oauth", "requests"], &[]);
        let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
        if route_missing(answer.status) {
            return Ok(false);
        }
        answer.success(|| "the OAuth requests route".to_owned())?;
        Ok(true)
    }
}

/// A list answer as a page: `{"data":[...], "pagination":{...}}` as the
/// other lists, or a bare array (one page).
fn rows<T: DeserializeOwned>(answer: &Answer) -> Result<Page<T>, Error> {
    let value: Value = answer.json()?;
    let page = if value.is_array() {
        serde_json::from_value(value).map(|data| Page {
            data,
            pagination: Default::default(),
        })
    } else {
        serde_json::from_value(value)
    };
    page.map_err(|error| {
        Error::protocol(format!("the answer is not of the expected shape: {error}"))
    })
}

/// A pending authorization named in an error.
fn request_what(request_id: &str) -> String {
    format!("oauth request {request_id}")
}

/// A grant named in an error.
fn grant_what(grant_id: &str) -> String {
    format!("grant {grant_id}")
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    use super::rows;
    use crate::transport::Answer;
    use crate::{Error, Page};

    fn answer(body: &str) -> Answer {
        Answer {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_list_is_read_as_a_page_or_as_a_bare_array() -> Result<(), Error> {
        let page: Page<u32> = rows(&answer(r#"{"data":[1,2],"pagination":{"hasMore":false}}"#))?;
        assert_eq!(page.data, [1, 2]);
        let bare: Page<u32> = rows(&answer("[3]"))?;
        assert_eq!(bare.data, [3]);
        assert_eq!(bare.next_cursor(), None, "a bare array is the whole list");
        let wrong = rows::<u32>(&answer(r#"{"items":[]}"#)).err();
        assert!(matches!(wrong, Some(Error::Protocol { .. })), "{wrong:?}");
        Ok(())
    }
}
