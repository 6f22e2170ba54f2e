//! OAuth mode (DESIGN §9): authorizations waiting for the owner's consent,
//! and the grants that consent creates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A pending authorization: an OAuth client asked, in the user's browser,
/// to use a surface, and waits (10 minutes at most) for the owner to
/// approve or deny it.
///
/// The client's name and redirect URI come from the client itself (dynamic
/// registration or its metadata document): nobody vouched for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OAuthRequest {
    /// Its id.
    pub id: String,
    /// The product of the surface asked for.
    #[serde(default)]
    pub product_id: String,
    /// The surface asked for.
    pub surface_id: String,
    /// That surface's name.
    #[serde(default)]
    pub surface_name: String,
    /// The OAuth client's id (a registered id, or its metadata document's URL).
    pub client_id: String,
    /// The name the client gives itself.
    #[serde(default)]
    pub client_name: String,
    /// Where the browser returns with the authorization code.
    #[serde(default)]
    pub redirect_uri: String,
    /// That URI's host (or private-use scheme): what to check before approving.
    #[serde(default)]
    pub redirect_host: String,
    /// The capabilities asked for.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When the client asked.
    pub created_at: DateTime<Utc>,
    /// When the request lapses unanswered.
    pub expires_at: DateTime<Utc>,
}

/// An OAuth client's permission to use a surface: what an approval creates,
/// and what its access and refresh tokens stand for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Grant {
    /// Its id.
    pub id: String,
    /// The surface's product.
    #[serde(default)]
    pub product_id: String,
    /// The surface it opens.
    pub surface_id: String,
    /// The OAuth client's id.
    pub client_id: String,
    /// The name the client gives itself.
    #[serde(default)]
    pub client_name: String,
    /// The host (or private-use scheme) the client's codes were sent to.
    #[serde(default)]
    pub redirect_host: String,
    /// The capabilities its tokens may call.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether its tokens are accepted (not revoked).
    pub is_active: bool,
    /// When it was approved.
    pub created_at: DateTime<Utc>,
    /// When one of its tokens last authenticated a request.
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who approved it: `management_token`, or `key:<id>` when a key of
    /// the surface was entered on the consent page.
    #[serde(default)]
    pub approved_by: String,
}

#[cfg(test)]
mod tests {
    use super::{Grant, OAuthRequest};

    #[test]
    fn a_pending_request_reads_as_the_design_writes_it() -> serde_json::Result<()> {
        let request: OAuthRequest = serde_json::from_str(
            r#"{"id":"r1","productId":"p","surfaceId":"s","surfaceName":"Docs",
                "clientId":"c","clientName":"Cursor","redirectUri":"cursor://anysphere.cursor-mcp/oauth/callback",
                "redirectHost":"cursor://anysphere.cursor-mcp","scopes":["search"],
                "createdAt":"2025-01-02T03:04:05Z","expiresAt":"2025-01-02T03:14:05Z","extra":1}"#,
        )?;
        assert_eq!(request.surface_name, "Docs");
        assert_eq!(request.scopes, ["search"]);
        assert!(request.expires_at > request.created_at);
        Ok(())
    }

    #[test]
    fn a_grant_round_trips_in_camel_case() -> serde_json::Result<()> {
        let text = r#"{"id":"g1","productId":"p","surfaceId":"s","clientId":"c",
            "clientName":"Claude Code","redirectHost":"127.0.0.1","scopes":[],"isActive":false,
            "createdAt":"2025-01-02T03:04:05Z","lastUsedAt":null,
            "revokedAt":"2025-01-03T03:04:05Z","approvedBy":"key:AbCdEfGh"}"#;
        let grant: Grant = serde_json::from_str(text)?;
        assert!(!grant.is_active);
        assert_eq!(grant.approved_by, "key:AbCdEfGh");
        let again: Grant = serde_json::from_value(serde_json::to_value(&grant)?)?;
        assert_eq!(again, grant);
        Ok(())
    }
}
