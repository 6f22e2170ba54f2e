//! Audit events (an extension of our service): what happened to keys,
//! failed authentications, and calls forwarded to upstreams.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Event {
    /// Its id.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The product concerned, when known.
    #[serde(default)]
    pub product_id: Option<String>,
    /// The surface concerned, when known.
    #[serde(default)]
    pub surface_id: Option<String>,
    /// The key concerned, when known.
    #[serde(default)]
    pub key_id: Option<String>,
    /// The OAuth grant concerned (DESIGN §9): for `grant_created`,
    /// `grant_revoked`, and `auth_failed` when a token was refused.
    #[serde(default)]
    pub grant_id: Option<String>,
    /// For `auth_failed`: the refusal reason of DESIGN §4.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it happened (for counted events, the first of them).
    pub created_at: DateTime<Utc>,
    /// How many times: our service counts failed authentications alike
    /// within an hour, and calls alike within a minute, as one event.
    /// Absent from servers that do not count.
    // serde_json writes a u64 as a JSON number, which the UI reads as a
    // `number` (exact far beyond any count or duration), not a `bigint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub count: Option<u64>,
    /// For `mcp_call` and `auth_failed`: the client that called or was
    /// refused (its MCP `clientInfo` name, else its User-Agent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client: Option<String>,
    /// For `mcp_call`: the tool or prompt name, or the resource URI; for
    /// `auth_failed` with reason `scope`: the capability refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub capability: Option<String>,
    /// For `mcp_call`: `ok`, `error`, `timeout` or `unavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub outcome: Option<String>,
    /// For `mcp_call`: how long it took (the longest of a counted event's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub duration_ms: Option<u64>,
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EventType {
    /// A key was created (also the new key of a roll).
    KeyCreated,
    /// A key was revoked.
    KeyRevoked,
    /// A key was rolled: replaced by a new one, expiring after a grace period.
    KeyRolled,
    /// A request to an MCP endpoint was refused.
    AuthFailed,
    /// A call was forwarded to the surface's upstream.
    McpCall,
    /// An OAuth client was allowed to use a surface (DESIGN §9).
    GrantCreated,
    /// An OAuth grant was revoked: its tokens no longer work.
    GrantRevoked,
    /// An OAuth client asked to use a surface and waits for consent.
    OauthRequested,
    /// A kind of event this client does not know (a newer server's): the
    /// event is kept rather than the whole list refused.
    #[serde(other)]
    Unknown,
}

impl EventType {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeyCreated => "key_created",
            Self::KeyRevoked => "key_revoked",
            Self::KeyRolled => "key_rolled",
            Self::AuthFailed => "auth_failed",
            Self::McpCall => "mcp_call",
            Self::GrantCreated => "grant_created",
            Self::GrantRevoked => "grant_revoked",
            Self::OauthRequested => "oauth_requested",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which events to list; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Events of this key only.
    pub key_id: Option<String>,
    /// Events of this surface only.
    pub surface_id: Option<String>,
    /// Events of this type only (servers without the filter ignore it).
    pub kind: Option<EventType>,
    /// Events at or after this time only.
    pub since: Option<DateTime<Utc>>,
}

impl EventFilter {
    /// The query parameters of this filter.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(key_id) = &self.key_id {
            query.push(("keyId", key_id.clone()));
        }
        if let Some(surface_id) = &self.surface_id {
            query.push(("surfaceId", surface_id.clone()));
        }
        if let Some(kind) = self.kind {
            query.push(("type", kind.as_str().to_owned()));
        }
        if let Some(since) = self.since {
            query.push((
                "since",
                since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::{Event, EventType};

    #[test]
    fn an_event_of_an_unknown_type_is_kept() -> serde_json::Result<()> {
        let event: Event = serde_json::from_str(
            r#"{"id":"e","type":"key_renamed","createdAt":"2025-01-02T03:04:05Z","extra":1}"#,
        )?;
        assert_eq!(event.kind, EventType::Unknown);
        assert_eq!(event.key_id, None);
        Ok(())
    }

    #[test]
    fn oauth_events_name_their_grant() -> serde_json::Result<()> {
        let event: Event = serde_json::from_str(
            r#"{"id":"e","type":"grant_revoked","grantId":"g1","createdAt":"2025-01-02T03:04:05Z"}"#,
        )?;
        assert_eq!(event.kind, EventType::GrantRevoked);
        assert_eq!(event.grant_id.as_deref(), Some("g1"));
        for kind in [
            EventType::GrantCreated,
            EventType::GrantRevoked,
            EventType::OauthRequested,
        ] {
            assert_eq!(
                serde_json::to_string(&kind)?,
                format!("\"{}\"", kind.as_str()),
                "as_str and serde agree"
            );
        }
        Ok(())
    }
}
