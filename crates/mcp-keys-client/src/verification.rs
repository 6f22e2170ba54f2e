//! `POST /v1/keys/verify` and `POST /v1/keys/identify`: read-only questions
//! about keys, so they are retried like reads.

use mcp_keys_core::Fingerprint;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::extension::route_missing;
use crate::transport::Retry;
use crate::{Client, Error, IdentifiedKey, VerifyRequest, VerifyResult};

/// The most fingerprints our service takes in one identify request; longer
/// lists are sent in parts.
const IDENTIFY_BATCH: usize = 100;

#[derive(Deserialize)]
struct Identified {
    data: Vec<IdentifiedKey>,
}

impl Client {
    /// Runs the checks of DESIGN §4 on a key without using it: whether it
    /// would be accepted (on a surface, for a capability), and if not, why.
    /// The key crosses the wire in the request body only.
    pub async fn verify(&self, request: &VerifyRequest<'_>) -> Result<VerifyResult, Error> {
        let url = self.url(&["v1", "keys", "verify"], &[]);
        let body = Self::body(request)?;
        let answer = self
            .send(Method::POST, url, Some(body), Retry::Idempotent)
            .await?;
        if route_missing(answer.status) {
            return Err(Error::Unsupported {
                feature: "verifying a key",
            });
        }
        answer.success(|| "the verify route".to_owned())?.json()
    }

    /// Which keys of this service `fingerprints` are: one answer per
    /// fingerprint, in order, with `key: None` for those it does not know.
    /// Only fingerprints are sent, never a key.
    pub async fn identify(
        &self,
        fingerprints: &[Fingerprint],
    ) -> Result<Vec<IdentifiedKey>, Error> {
        let mut identified = Vec::with_capacity(fingerprints.len());
        for batch in fingerprints.chunks(IDENTIFY_BATCH) {
            let url = self.url(&["v1", "keys", "identify"], &[]);
            let body = Self::body(&json!({ "fingerprints": batch }))?;
            let answer = self
                .send(Method::POST, url, Some(body), Retry::Idempotent)
                .await?;
            if route_missing(answer.status) {
                return Err(Error::Unsupported {
                    feature: "identifying keys by fingerprint",
                });
            }
            let page: Identified = answer.success(|| "the identify route".to_owned())?.json()?;
            identified.extend(page.data);
        }
        Ok(identified)
    }
}
