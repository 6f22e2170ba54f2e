//! Management tokens, as listed and created (never the token itself, but
//! once, in the answer that creates it).

use mcp_keys_core::ManagementToken;
use serde::{Serialize, Serializer};

use crate::time::Timestamp;

/// A management token's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    /// The public id, the 8 characters after `mgmt_`.
    pub id: String,
    /// What it is for, as its creator named it.
    pub name: String,
    /// `mgmt_<id>`, to recognize it.
    pub token_prefix: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last authenticated a request (to the minute).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// Whether it is the token of the request that listed it.
    pub current: bool,
}

/// A new token: the plaintext, only in this answer, and its metadata.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    /// The token, `mgmt_…`, written out in plaintext here only: it is
    /// stored as a fingerprint and cannot be shown again.
    #[serde(serialize_with = "expose_once")]
    pub token: ManagementToken,
    /// Its metadata.
    #[serde(flatten)]
    pub metadata: TokenMetadata,
}

fn expose_once<S: Serializer>(token: &ManagementToken, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(token.expose_secret())
}
