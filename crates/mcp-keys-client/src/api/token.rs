//! Management tokens (an extension of our service): listed by metadata,
//! minted once, revoked.

use chrono::{DateTime, Utc};
use mcp_keys_core::Sensitive;
use serde::{Deserialize, Serialize};

/// A management token's metadata; never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    /// The public id, the 8 characters after `mgmt_`.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// `mgmt_<id>`.
    pub token_prefix: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last authenticated a request (to the minute).
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether it is the token this client uses.
    #[serde(default)]
    pub current: bool,
}

/// A new management token: the token itself, this once, and its metadata.
/// Not `Serialize`, and its `Debug` hides the token.
#[derive(Debug, Deserialize)]
pub struct CreatedToken {
    /// The token, `mgmt_…`.
    pub token: Sensitive<String>,
    /// Its metadata.
    #[serde(flatten)]
    pub metadata: TokenMetadata,
}
