//! How the MCP endpoint says no: `{"error":{"code","reason","message"}}`
//! with the status and headers of DESIGN §4 and the MCP authorization spec.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::retry_after_value;
use crate::verify::Refusal;

/// Where a surface that takes OAuth sends a client that must authorize
/// (RFC 9728 §5.1), and the scopes it may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The URL of the surface's protected-resource metadata.
    pub resource_metadata: String,
    /// Its capabilities, space-separated.
    pub scope: String,
}

/// Every way the guard can refuse a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A check of DESIGN §4 failed: 401 or 403; with a challenge on a
    /// surface that takes OAuth.
    Refused(Refusal, Option<Challenge>),
    /// 429: too many failures from this address, or the key's own limit.
    RateLimited {
        /// `too_many_failures`, `rate_limit_per_minute` or `rate_limit_per_day`.
        reason: &'static str,
        /// When to try again.
        wait: Duration,
    },
    /// 400: a key was sent in the query string, where URLs and logs keep it.
    KeyInQuery,
    /// 403: a browser origin that may not use this endpoint.
    Origin,
    /// 404: no such surface.
    NotFound,
    /// 413: the body is larger than the service accepts.
    PayloadTooLarge,
    /// 500: the database failed (the cause is logged).
    Internal,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let (status, code, reason, message) = match &self {
            Self::Refused(refusal, _) => (
                refusal.status(),
                refusal.code(),
                refusal.reason(),
                refusal.message(),
            ),
            Self::RateLimited { reason, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                *reason,
                "too many requests; retry after the time in Retry-After",
            ),
            Self::KeyInQuery => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "key_in_query",
                "API keys are accepted only in the Authorization header, never in the URL",
            ),
            Self::Origin => (
                StatusCode::FORBIDDEN,
                "permission_denied",
                "origin",
                "requests from this Origin are not allowed",
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "not_found",
                "no such surface",
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "payload_too_large",
                "the request body is too large",
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal",
                "internal error",
            ),
        };
        let body = json!({"error": {"code": code, "reason": reason, "message": message}});
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::Refused(refusal, challenge) => {
                let error = if refusal == Refusal::Scope {
                    "insufficient_scope"
                } else if refusal.is_invalid_key() {
                    "invalid_token"
                } else {
                    // surface_inactive: the key is fine, the surface is not.
                    return response;
                };
                let oauth = challenge
                    .map(|challenge| {
                        format!(
                            r#", resource_metadata="{}", scope="{}""#,
                            challenge.resource_metadata, challenge.scope
                        )
                    })
                    .unwrap_or_default();
                // A request without any credential is told where to
                // authorize, not that its (absent) token is invalid.
                let error = if refusal == Refusal::Missing && !oauth.is_empty() {
                    String::new()
                } else {
                    format!(r#", error="{error}", error_description="{message}""#)
                };
                let challenge = format!(r#"Bearer realm="mcp-keys"{error}{oauth}"#);
                if let Ok(value) = HeaderValue::from_str(&challenge) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            Self::RateLimited { wait, .. } => {
                headers.insert(header::RETRY_AFTER, retry_after_value(wait));
            }
            Self::KeyInQuery
            | Self::Origin
            | Self::NotFound
            | Self::PayloadTooLarge
            | Self::Internal => {}
        }
        response
    }
}
