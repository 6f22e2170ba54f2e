//! The owner's side of OAuth mode (DESIGN §9): approving or denying a
//! client's authorization request and revoking a grant, each written to the
//! local audit log like the key actions.

use chrono::{DateTime, Utc};
use mcp_keys_client::Grant;

use crate::session::Subject;
use crate::{Error, Session};

impl Session {
    /// Approves a pending request, with `scopes` narrower than asked when
    /// given: the grant made.
    pub async fn approve_oauth_request(
        &self,
        request_id: &str,
        scopes: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<Grant, Error> {
        let grant = self
            .client
            .approve_oauth_request(request_id, scopes)
            .await?;
        self.audit(
            "oauth.approve",
            Subject {
                product_id: Some(&grant.product_id),
                surface_id: Some(&grant.surface_id),
                key_id: None,
            },
            Some(format!(
                "approved {:?}: grant {}",
                grant.client_name, grant.id
            )),
            now,
        )
        .await;
        Ok(grant)
    }

    /// Denies a pending request: the client is sent back `access_denied`.
    pub async fn deny_oauth_request(
        &self,
        request_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.client.deny_oauth_request(request_id).await?;
        self.audit(
            "oauth.deny",
            Subject {
                product_id: None,
                surface_id: None,
                key_id: None,
            },
            Some(format!("denied request {request_id}")),
            now,
        )
        .await;
        Ok(())
    }

    /// Revokes a grant: its tokens are refused from the moment this returns.
    pub async fn revoke_grant(
        &self,
        product_id: &str,
        surface_id: &str,
        grant_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.client
            .revoke_grant(product_id, surface_id, grant_id)
            .await?;
        self.audit(
            "grant.revoke",
            Subject {
                product_id: Some(product_id),
                surface_id: Some(surface_id),
                key_id: None,
            },
            Some(format!("revoked grant {grant_id}")),
            now,
        )
        .await;
        Ok(())
    }
}
