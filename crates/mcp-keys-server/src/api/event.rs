//! Audit events: what happened to keys, failed authentications, and calls
//! forwarded to upstreams.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Its id (UUIDv7).
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The product concerned, when known.
    pub product_id: Option<String>,
    /// The surface concerned, when known.
    pub surface_id: Option<String>,
    /// The key concerned, when known (a failed authentication with an
    /// unknown key has none).
    pub key_id: Option<String>,
    /// The OAuth grant concerned (DESIGN §9): of `grant_created`,
    /// `grant_revoked`, and of an `auth_failed` whose token was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// For `auth_failed`: the refusal reason of DESIGN §4.
    pub reason: Option<String>,
    /// When it happened (for counted events, the first of them).
    pub created_at: Timestamp,
    /// How many times: failed authentications alike within an hour, and
    /// calls alike within a minute, are one event; every other event is 1.
    pub count: u64,
    /// For `mcp_call` and `auth_failed`: the client that called or was
    /// refused (its MCP `clientInfo` name, else its User-Agent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// For `mcp_call`: the tool or prompt name, or the resource URI; for
    /// `auth_failed` with reason `scope`: the capability refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// For `mcp_call`: `ok`, `error` (the upstream answered with an error),
    /// `timeout` (it did not answer in time) or `unavailable` (it could not
    /// be reached or started).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// For `mcp_call`: how long it took, in milliseconds (the longest of a
    /// counted event's calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// A key was created (also the new key of a roll).
    KeyCreated,
    /// A key was revoked.
    KeyRevoked,
    /// A key was rolled: replaced by a new one, expiring after a grace period.
    KeyRolled,
    /// A request to an MCP endpoint was refused.
    AuthFailed,
    /// A call (a tool, a prompt, a resource) was forwarded to the surface's
    /// upstream.
    McpCall,
    /// A client asked to be authorized on a surface (DESIGN §9).
    OauthRequested,
    /// The owner approved a client: a grant.
    GrantCreated,
    /// A grant was revoked (by the owner, or after a reused refresh token
    /// or code).
    GrantRevoked,
}

impl EventType {
    const ALL: [Self; 8] = [
        Self::KeyCreated,
        Self::KeyRevoked,
        Self::KeyRolled,
        Self::AuthFailed,
        Self::McpCall,
        Self::OauthRequested,
        Self::GrantCreated,
        Self::GrantRevoked,
    ];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeyCreated => "key_created",
            Self::KeyRevoked => "key_revoked",
            Self::KeyRolled => "key_rolled",
            Self::AuthFailed => "auth_failed",
            Self::McpCall => "mcp_call",
            Self::OauthRequested => "oauth_requested",
            Self::GrantCreated => "grant_created",
            Self::GrantRevoked => "grant_revoked",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| format!("unknown event type `{text}`"))
    }
}
