//! Key metadata, and the two answers that carry a plaintext key once.

use mcp_keys_core::{ApiKey, Environment};
use serde::{Serialize, Serializer};

use crate::time::Timestamp;

/// What the service knows about a key: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyMetadata {
    /// The key's public id, the 8 characters after `mcp_<env>_`.
    pub id: String,
    /// The surface it opens.
    pub surface_id: String,
    /// That surface's product.
    pub product_id: String,
    /// Its display name.
    pub name: String,
    /// `mcp_<env>_<id>`.
    pub key_prefix: String,
    /// Its last 4 characters.
    pub key_hint: String,
    /// The capabilities it may call; empty means all of the surface's.
    pub scopes: Vec<String>,
    /// Its environment.
    pub environment: Environment,
    /// Whether it would be accepted now (not revoked, not expired).
    pub is_active: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops being accepted, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// When it last authenticated a request (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// The MCP client (`clientInfo.name`, else User-Agent) that used it last.
    pub last_used_client: Option<String>,
    /// Requests allowed per minute, if limited.
    pub rate_limit_per_minute: Option<u32>,
    /// Requests allowed per day, if limited.
    pub rate_limit_per_day: Option<u32>,
}

/// The answer to creating a key: its metadata and, this once, the key.
#[derive(Debug, Serialize)]
pub struct CreatedKey {
    /// The key, written out in plaintext here only. It is not stored and
    /// cannot be shown again.
    #[serde(serialize_with = "expose_once")]
    pub key: ApiKey,
    /// The new key's metadata.
    #[serde(flatten)]
    pub metadata: KeyMetadata,
}

/// The answer to rolling a key: the new key, once, and the old key with the
/// end of its grace period as `expiresAt`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolledKey {
    /// The new key and its metadata.
    #[serde(flatten)]
    pub created: CreatedKey,
    /// The rolled key, now expiring at the end of the grace period.
    pub old_key: KeyMetadata,
}

/// Writes the key's text into the one answer allowed to carry it. `ApiKey`
/// is deliberately not `Serialize`; this is the reviewed exception.
fn expose_once<S: Serializer>(key: &ApiKey, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(key.expose_secret())
}
