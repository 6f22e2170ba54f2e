//! Key metadata, and the two answers that carry a plaintext key once.

use chrono::{DateTime, Utc};
use mcp_keys_core::{ApiKey, Environment, Sensitive};
use serde::{Deserialize, Deserializer, Serialize};
use ts_rs::TS;

/// What a key service knows about a key: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyMetadata {
    /// The key's public id.
    pub id: String,
    /// The surface it opens.
    #[serde(default)]
    pub surface_id: String,
    /// That surface's product.
    #[serde(default)]
    pub product_id: String,
    /// Its display name.
    #[serde(default)]
    pub name: String,
    /// `mcp_<env>_<id>`.
    #[serde(default)]
    pub key_prefix: String,
    /// Its last 4 characters.
    #[serde(default)]
    pub key_hint: String,
    /// The capabilities it may call; empty means all of the surface's.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Its environment.
    pub environment: Environment,
    /// Whether it would be accepted now (not revoked, not expired).
    #[serde(default = "active")]
    pub is_active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted, if ever.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it last authenticated a request.
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// The MCP client (`clientInfo.name`, else User-Agent) that used it last.
    #[serde(default)]
    pub last_used_client: Option<String>,
    /// Requests allowed per minute, if limited.
    #[serde(default)]
    pub rate_limit_per_minute: Option<u32>,
    /// Requests allowed per day, if limited.
    #[serde(default)]
    pub rate_limit_per_day: Option<u32>,
}

// A server that does not say is taken at its word that the key exists; the
// revocation and expiry times, when sent, still tell otherwise.
fn active() -> bool {
    true
}

/// The answer to creating a key: the key, this once, and its metadata.
///
/// Deliberately neither `Serialize` nor exported to TypeScript: the key goes
/// to the user (clipboard, stdout, an IDE config they chose), never into a
/// file or an IPC payload by accident. `Debug` shows the key's prefix only.
#[derive(Debug, Deserialize)]
pub struct CreatedKey {
    /// The key. It cannot be shown again.
    #[serde(deserialize_with = "api_key")]
    pub key: ApiKey,
    /// The new key's metadata.
    #[serde(flatten)]
    pub metadata: KeyMetadata,
}

/// The answer to rolling a key on a service that has the roll extension:
/// the new key, once, and the old key with the end of its grace period as
/// `expiresAt`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolledKey {
    /// The new key and its metadata.
    #[serde(flatten)]
    pub created: CreatedKey,
    /// The rolled key, now expiring at the end of the grace period.
    pub old_key: KeyMetadata,
}

/// Reads the key straight into a [`Sensitive`] and checks its format. The
/// error never quotes the text, so a malformed key cannot reach a message.
fn api_key<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ApiKey, D::Error> {
    let text = Sensitive::new(String::deserialize(deserializer)?);
    ApiKey::parse(text.expose()).map_err(|_| {
        serde::de::Error::custom("`key` is not an mcp_ key in the format of DESIGN §2")
    })
}
