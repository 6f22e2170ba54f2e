//! Bodies and filters the client sends.

use chrono::{DateTime, Utc};
use mcp_keys_core::{Environment, Upstream};
use serde::Serialize;

use super::{AuthMode, SurfaceStatus};

/// A surface to create. Only `mcp` surfaces exist on our service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSurface {
    /// Its display name.
    pub name: String,
    /// Its kind; `mcp`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `active` when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SurfaceStatus>,
    /// `development` when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// The real MCP server it fronts (DESIGN §7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Upstream>,
    /// Which credentials it accepts (DESIGN §9); `api_key` when `None`.
    /// Left out of the request then, so servers without OAuth mode take it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_mode: Option<AuthMode>,
}

impl NewSurface {
    /// An MCP surface named `name`, active, of the server's default environment.
    pub fn mcp(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: "mcp".to_owned(),
            status: None,
            environment: None,
            upstream: None,
            auth_mode: None,
        }
    }

    /// Fronting `upstream`.
    pub fn upstream(mut self, upstream: Upstream) -> Self {
        self.upstream = Some(upstream);
        self
    }

    /// Of `environment`.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Accepting the credentials of `auth_mode`.
    pub fn auth_mode(mut self, auth_mode: AuthMode) -> Self {
        self.auth_mode = Some(auth_mode);
        self
    }
}

/// Changes to a surface; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SurfaceUpdate {
    /// A new display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Accept keys, or refuse them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SurfaceStatus>,
    /// Which keys to accept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// A new upstream; `Some(None)` removes it (sent as `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Option<Upstream>>,
    /// Which credentials to accept (DESIGN §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_mode: Option<AuthMode>,
}

/// Which surfaces to list, across products; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurfaceFilter {
    /// Of this kind (`mcp`).
    pub kind: Option<String>,
    /// With this status.
    pub status: Option<SurfaceStatus>,
    /// Of this environment.
    pub environment: Option<Environment>,
}

impl SurfaceFilter {
    /// The query parameters of this filter.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(kind) = &self.kind {
            query.push(("type", kind.clone()));
        }
        if let Some(status) = self.status {
            query.push(("status", status.as_str().to_owned()));
        }
        if let Some(environment) = self.environment {
            query.push(("environment", environment.as_str().to_owned()));
        }
        query
    }
}

/// A key to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewKey {
    /// Its display name.
    pub name: String,
    /// The capabilities it may call; all of the surface's when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// The surface's environment when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// When it stops being accepted; never when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests allowed per minute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<u32>,
    /// Requests allowed per day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_day: Option<u32>,
}

impl NewKey {
    /// A key named `name`, with the surface's defaults for everything else.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            scopes: Vec::new(),
            environment: None,
            expires_at: None,
            rate_limit_per_minute: None,
            rate_limit_per_day: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AuthMode, NewSurface, SurfaceUpdate};

    #[test]
    fn an_auth_mode_is_sent_only_when_chosen() -> serde_json::Result<()> {
        assert_eq!(
            serde_json::to_value(NewSurface::mcp("Docs"))?,
            json!({"name": "Docs", "type": "mcp"}),
            "a server without OAuth mode must not see the field"
        );
        assert_eq!(
            serde_json::to_value(NewSurface::mcp("Docs").auth_mode(AuthMode::Oauth))?,
            json!({"name": "Docs", "type": "mcp", "authMode": "oauth"})
        );
        let update = SurfaceUpdate {
            auth_mode: Some(AuthMode::Both),
            ..SurfaceUpdate::default()
        };
        assert_eq!(serde_json::to_value(update)?, json!({"authMode": "both"}));
        assert_eq!(serde_json::to_value(SurfaceUpdate::default())?, json!({}));
        Ok(())
    }
}
