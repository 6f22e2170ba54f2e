//! The service's proof of identity before a token crosses plain HTTP
//! (DESIGN §3, `POST /v1/identity`).
//!
//! Over `https` the certificate says who answers. Over plain `http` (the
//! embedded service on 127.0.0.1, a local `mcp-keys serve`) nothing does:
//! if our service failed to bind its port, whatever holds it would be sent
//! the management token with the first request. So a client holding an
//! `mgmt_` token asks the service to prove that it stored that token's
//! fingerprint, and sends nothing else until it has.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mcp_keys_core::{
    Fingerprint, ManagementToken, constant_time_eq, identity_nonce, identity_proof,
};
use reqwest::header;
use serde_json::{Value, json};

use crate::{Client, Error};

/// What the client needs to check the proof, and whether it already has.
#[derive(Debug)]
pub(crate) struct Identity {
    token_id: String,
    fingerprint: Fingerprint,
    proven: AtomicBool,
}

impl Identity {
    /// The check a client of `base` with `token` must make: over plain HTTP
    /// with a management token of our format. Runtype's API keys and
    /// `https` need none.
    pub(crate) fn needed(base: &reqwest::Url, token: &str) -> Option<Arc<Self>> {
        if base.scheme() != "http" {
            return None;
        }
        let token = ManagementToken::parse(token.trim()).ok()?;
        Some(Arc::new(Self {
            token_id: token.id().to_owned(),
            fingerprint: token.fingerprint(),
            proven: AtomicBool::new(false),
        }))
    }
}

impl Client {
    /// Makes sure the service proved its identity, asking it the first time.
    /// Fails with [`Error::NotOurService`] when anything but the right proof
    /// comes back; the token has not been sent then.
    pub(crate) async fn prove_identity(&self) -> Result<(), Error> {
        let Some(identity) = &self.identity else {
            return Ok(());
        };
        if identity.proven.load(Ordering::Acquire) {
            return Ok(());
        }
        let nonce = identity_nonce().map_err(|_| Error::protocol("no randomness for a nonce"))?;
        let response = self
            .http
            .post(self.url(&["v1", "identity"], &[]))
            .header(header::ACCEPT, "application/json")
            .json(&json!({"tokenId": identity.token_id, "nonce": nonce}))
            .send()
            .await
            .map_err(|source| Error::Unreachable {
                url: self.base.to_string(),
                source,
            })?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(Error::RateLimited {
                retry_after: crate::transport::retry_after(response.headers()),
            });
        }
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status == reqwest::StatusCode::NOT_FOUND
            && body["error"]["message"] == "management token not found"
        {
            // Our service, which does not know this token (revoked, or
            // another database): the same as a rejected token.
            return Err(Error::TokenRejected { status: 401 });
        }
        let expected = identity_proof(&identity.fingerprint, &nonce);
        let proof = body["proof"].as_str().unwrap_or_default();
        if !status.is_success() || !constant_time_eq(proof.as_bytes(), expected.as_bytes()) {
            return Err(Error::NotOurService {
                url: self.base.to_string(),
            });
        }
        identity.proven.store(true, Ordering::Release);
        Ok(())
    }
}
