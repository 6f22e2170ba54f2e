//! Telling a missing extension route from a missing resource.
//!
//! Our service extends Runtype's public API with key lookup by id, key
//! lists, roll, identify, verify and events. Against Runtype those routes
//! answer 404 (or 405/501), and a 404 also means "no such key" on a server
//! that has them. The body of a 404 is not trusted to tell the two apart:
//! its wording is each server's own, and a framework's default 404 may even
//! be JSON of our shape. The rule instead rests on what the server does:
//!
//! 1. `identify`, `verify` and `events` never answer 404 on a server that
//!    has them (unknown keys come back as `null`, unknown filters as an
//!    empty list), so there a 404, 405 or 501 means the route is missing:
//!    [`Error::Unsupported`].
//! 2. `GET /v1/keys/{id}` and a surface's key list can answer 404 for a
//!    missing key or surface. After such a 404 the client asks
//!    `POST /v1/keys/identify` with no fingerprints, which our service
//!    answers 200 `{"data":[]}` without touching a key: 2xx means the
//!    extensions exist, so the 404 was about the resource
//!    ([`Error::NotFound`]); 404/405/501 means they do not
//!    ([`Error::Unsupported`]). The extensions ship together, so one probe
//!    speaks for all of them.
//! 3. Roll is decided by the key itself: after a 404 the client reads the
//!    surface (a core route) and its keys. If the key is there and active,
//!    a server with the roll route would have rolled it, so the route is
//!    missing and the roll degrades (see [`crate::RollOutcome`]); if the
//!    key is not there (nor in the key list, on a server that has one),
//!    the 404 was about the key: [`Error::NotFound`].

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::transport::Retry;
use crate::{Client, Error};

/// Whether `status` is how a server answers a route it does not have.
pub(crate) fn route_missing(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
    )
}

impl Client {
    /// Whether the server has our extension routes (rule 2 above).
    pub(crate) async fn has_extensions(&self) -> Result<bool, Error> {
        let url = self.url(&["v1", "keys", "identify"], &[]);
        let body = Self::body(&json!({ "fingerprints": [] }))?;
        let answer = self
            .send(Method::POST, url, Some(body), Retry::Idempotent)
            .await?;
        if route_missing(answer.status) {
            return Ok(false);
        }
        answer.success(|| "the extension probe".to_owned())?;
        Ok(true)
    }

    /// The error for a 404/405/501 on a route that may be an extension
    /// (rule 2): `NotFound { what }` when the server has the extensions,
    /// else `Unsupported { feature }`.
    pub(crate) async fn missing(
        &self,
        status: StatusCode,
        what: String,
        feature: &'static str,
    ) -> Error {
        if status == StatusCode::NOT_FOUND {
            match self.has_extensions().await {
                Ok(true) => return Error::NotFound { what },
                Ok(false) => {}
                Err(error) => return error,
            }
        }
        Error::Unsupported { feature }
    }
}
