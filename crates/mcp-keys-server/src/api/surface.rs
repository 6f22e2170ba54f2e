//! A surface: one MCP endpoint of a product, with its capabilities and keys.

use std::fmt;
use std::str::FromStr;

use mcp_keys_core::Environment;
use serde::{Deserialize, Serialize};

use super::KeyMetadata;
use crate::time::Timestamp;

/// A surface with its capabilities (`items`) and its keys' metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Surface {
    /// Its id.
    pub id: String,
    /// The product it belongs to.
    pub product_id: String,
    /// Its display name.
    pub name: String,
    /// Always `mcp` for now.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether keys are accepted on it at all.
    pub status: SurfaceStatus,
    /// Which keys it accepts: a key of the other environment is refused with
    /// `environment_mismatch`.
    pub environment: Environment,
    /// Its MCP endpoint.
    pub url: String,
    /// Which credentials it accepts (DESIGN §9).
    pub auth_mode: AuthMode,
    /// The real MCP server it fronts (DESIGN §7), or none: then it only
    /// verifies keys. Secrets in it are names, never values.
    pub upstream: Option<mcp_keys_core::Upstream>,
    /// Its capabilities, each one MCP tool.
    pub items: Vec<Item>,
    /// Its keys, metadata only.
    pub keys: Vec<KeyMetadata>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
}

/// A capability of a surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// The capability's name: a tool's or prompt's name, a resource's URI.
    pub capability_name: String,
    /// What the upstream offers under that name, for items synced from it
    /// (DESIGN §7); absent for items added by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ItemKind>,
    /// What it does, as the upstream describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was added.
    pub created_at: Timestamp,
}

/// What an item synced from an upstream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A tool (`tools/call`).
    Tool,
    /// A prompt (`prompts/get`).
    Prompt,
    /// A resource (`resources/read`), named by its URI.
    Resource,
}

impl ItemKind {
    /// The name in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tool => "tool",
            Self::Prompt => "prompt",
            Self::Resource => "resource",
        }
    }
}

impl FromStr for ItemKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Self::Tool, Self::Prompt, Self::Resource]
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| format!("unknown item kind {text:?}"))
    }
}

/// Whether a surface accepts keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurfaceStatus {
    /// Keys are verified as usual.
    Active,
    /// Every key is refused with 403 `surface_inactive`.
    Inactive,
}

impl SurfaceStatus {
    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }
}

impl fmt::Display for SurfaceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SurfaceStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Self::Active, Self::Inactive]
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| "status must be `active` or `inactive`".to_owned())
    }
}

/// Which credentials a surface accepts (DESIGN §9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// `mcp_` keys only; nothing of OAuth is advertised.
    #[default]
    ApiKey,
    /// OAuth access tokens only.
    Oauth,
    /// Either.
    Both,
}

impl AuthMode {
    const ALL: [Self; 3] = [Self::ApiKey, Self::Oauth, Self::Both];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::Oauth => "oauth",
            Self::Both => "both",
        }
    }

    /// Whether `mcp_` keys are accepted.
    pub fn accepts_keys(self) -> bool {
        matches!(self, Self::ApiKey | Self::Both)
    }

    /// Whether OAuth access tokens are accepted, and OAuth advertised.
    pub fn accepts_oauth(self) -> bool {
        matches!(self, Self::Oauth | Self::Both)
    }
}

impl fmt::Display for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuthMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| "authMode must be `api_key`, `oauth` or `both`".to_owned())
    }
}
