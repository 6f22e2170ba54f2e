//! The reasons a key is refused, with their status and code (DESIGN §4).

use axum::http::StatusCode;
use serde::Serialize;

/// Why a key was refused. Variants are in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// No key was presented.
    Missing,
    /// What was presented is not one of our keys.
    Malformed,
    /// Our shape, but the check characters do not match: a typo.
    Checksum,
    /// A well-formed key that this service did not issue.
    Unknown,
    /// A key of another surface (or a token for another surface).
    WrongSurface,
    /// A key on a surface in OAuth mode, or a token on one in API key mode.
    AuthMode,
    /// A revoked key.
    Revoked,
    /// An expired key (rolled keys expire at the end of their grace period).
    Expired,
    /// A key of the other environment than its surface's.
    EnvironmentMismatch,
    /// The surface is inactive.
    SurfaceInactive,
    /// The capability is outside the key's scopes.
    Scope,
}

impl Refusal {
    /// The `reason` of the refusal body.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::Checksum => "checksum",
            Self::Unknown => "unknown",
            Self::WrongSurface => "wrong_surface",
            Self::AuthMode => "auth_mode",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::EnvironmentMismatch => "environment_mismatch",
            Self::SurfaceInactive => "surface_inactive",
            Self::Scope => "scope",
        }
    }

    /// Whether the key itself is bad (401) rather than not allowed (403).
    pub fn is_invalid_key(self) -> bool {
        !matches!(self, Self::SurfaceInactive | Self::Scope)
    }

    /// The `code` of the refusal body: `invalid_api_key` or `permission_denied`.
    pub fn code(self) -> &'static str {
        if self.is_invalid_key() {
            "invalid_api_key"
        } else {
            "permission_denied"
        }
    }

    /// 401 or 403.
    pub fn status(self) -> StatusCode {
        if self.is_invalid_key() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        }
    }

    /// A sentence for people, which never quotes the key.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "no API key: send it as `Authorization: Bearer mcp_...`",
            Self::Malformed => "the credential is not an MCP Keys API key",
            Self::Checksum => "the API key has a typo: its checksum does not match",
            Self::Unknown => "the API key is not known to this service",
            Self::WrongSurface => "the API key belongs to another surface",
            Self::AuthMode => {
                "the surface does not accept this kind of credential: its authentication mode allows only API keys, or only OAuth"
            }
            Self::Revoked => "the API key has been revoked",
            Self::Expired => "the API key has expired",
            Self::EnvironmentMismatch => {
                "the API key's environment does not match the surface's environment"
            }
            Self::SurfaceInactive => "the surface is inactive",
            Self::Scope => "the API key is not allowed to use this capability",
        }
    }
}
