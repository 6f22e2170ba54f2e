//! A surface: one MCP endpoint of a product, with its capabilities and keys.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use mcp_keys_core::Environment;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::KeyMetadata;

/// A surface with its capabilities (`items`) and its keys' metadata. Lists
/// may leave `items` and `keys` empty; the single-surface answer fills them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Surface {
    /// Its id.
    pub id: String,
    /// The product it belongs to.
    #[serde(default)]
    pub product_id: String,
    /// Its display name.
    pub name: String,
    /// `mcp` for every surface of ours; other kinds exist on Runtype.
    #[serde(rename = "type", default = "mcp")]
    pub kind: String,
    /// Whether keys are accepted on it at all.
    #[serde(default)]
    pub status: SurfaceStatus,
    /// Which keys it accepts.
    #[serde(default = "development")]
    pub environment: Environment,
    /// Which credentials it accepts (DESIGN §9): API keys when the server
    /// does not say, as on Runtype and services older than OAuth mode.
    #[serde(default)]
    pub auth_mode: AuthMode,
    /// Its MCP endpoint, when the server says.
    #[serde(default)]
    pub url: Option<String>,
    /// The real MCP server it fronts (DESIGN §7); none on servers without
    /// gateways, or when it only verifies keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upstream: Option<mcp_keys_core::Upstream>,
    /// Its capabilities, each one MCP tool.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Its keys, metadata only.
    #[serde(default)]
    pub keys: Vec<KeyMetadata>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

fn mcp() -> String {
    "mcp".to_owned()
}

// Our service's default for a new surface, so an answer that leaves the
// environment out reads as what it most likely is.
fn development() -> Environment {
    Environment::Development
}

/// A capability of a surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Item {
    /// The capability's name: a tool's or prompt's name, a resource's URI.
    pub capability_name: String,
    /// What the surface's upstream offers under that name; absent for
    /// items added by hand (and on servers without upstreams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<ItemKind>,
    /// What it does, as the upstream describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// When it was added.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// What a surface's upstream is doing (`GET …/surfaces/{id}/upstream`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpstreamStatus {
    /// Its state.
    pub state: UpstreamState,
    /// Since when.
    pub since: DateTime<Utc>,
    /// Why it crashed or is unreachable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_error: Option<String>,
    /// The end of a local command's stderr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stderr_tail: Option<String>,
}

/// The states of a surface's upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum UpstreamState {
    /// Not started yet (it starts when a client needs it), or stopped idle.
    Stopped,
    /// Starting.
    Starting,
    /// Answering.
    Running,
    /// A local command that exited or could not start.
    Crashed,
    /// A remote server that did not answer.
    Unreachable,
    /// A state this client does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

/// What an item synced from a surface's upstream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ItemKind {
    /// A tool.
    Tool,
    /// A prompt.
    Prompt,
    /// A resource, named by its URI.
    Resource,
    /// A kind this client does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

/// Whether a surface accepts keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SurfaceStatus {
    /// Keys are verified as usual.
    #[default]
    Active,
    /// Every key is refused with 403 `surface_inactive`.
    Inactive,
    /// A status this client does not know (another server's): shown, never
    /// sent back.
    #[serde(other)]
    Unknown,
}

impl SurfaceStatus {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for SurfaceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which credentials a surface accepts (DESIGN §9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuthMode {
    /// `mcp_` API keys only; nothing of OAuth is advertised, so clients that
    /// drop a configured header when a server offers OAuth keep sending it.
    #[default]
    ApiKey,
    /// OAuth access tokens only: clients are authorized in a browser.
    Oauth,
    /// Either.
    Both,
}

impl AuthMode {
    /// Every mode, in the order people are offered them.
    pub const ALL: [Self; 3] = [Self::ApiKey, Self::Oauth, Self::Both];

    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::Oauth => "oauth",
            Self::Both => "both",
        }
    }

    /// Whether OAuth clients may use the surface (it advertises OAuth).
    pub fn allows_oauth(self) -> bool {
        matches!(self, Self::Oauth | Self::Both)
    }
}

impl fmt::Display for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuthMode {
    type Err = UnknownAuthMode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| UnknownAuthMode(text.to_owned()))
    }
}

/// A name that is not an [`AuthMode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an auth mode: use api_key, oauth or both")]
pub struct UnknownAuthMode(pub String);

#[cfg(test)]
mod tests {
    use super::{AuthMode, Surface};

    #[test]
    fn a_surface_without_an_auth_mode_accepts_api_keys() -> serde_json::Result<()> {
        let surface: Surface =
            serde_json::from_str(r#"{"id":"s","name":"Docs","createdAt":"2025-01-02T03:04:05Z"}"#)?;
        assert_eq!(surface.auth_mode, AuthMode::ApiKey);
        let surface: Surface = serde_json::from_str(
            r#"{"id":"s","name":"Docs","authMode":"both","createdAt":"2025-01-02T03:04:05Z"}"#,
        )?;
        assert_eq!(surface.auth_mode, AuthMode::Both);
        Ok(())
    }

    #[test]
    fn auth_modes_read_and_print_as_in_json() -> serde_json::Result<()> {
        for mode in AuthMode::ALL {
            assert_eq!(mode.as_str().parse(), Ok(mode));
            assert_eq!(mode.to_string(), mode.as_str());
            assert_eq!(serde_json::to_string(&mode)?, format!("\"{mode}\""));
        }
        let error = "OAuth".parse::<AuthMode>().err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("`OAuth` is not an auth mode: use api_key, oauth or both")
        );
        Ok(())
    }
}
