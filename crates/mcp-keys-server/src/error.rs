//! The error of the management API and how it is answered over HTTP.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why a management request failed. Each variant documents its status; the
/// body is always `{"error":{"code","message"}}` (DESIGN §3). Wrapped errors
/// are sources, not part of the message, so a chain prints each cause once.
///
/// Internal failures answer 500 with a fixed message: the cause (a database
/// error, a path) is logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400 `bad_request`: the body is not JSON of the expected shape, or a
    /// query parameter is invalid.
    #[error("{0}")]
    BadRequest(String),
    /// 401 `unauthorized`: no management token, or not a valid one.
    #[error("a valid management token is required (Authorization: Bearer mgmt_...)")]
    Unauthorized,
    /// 403 `forbidden_origin`: a browser sent this from a page of another
    /// site (`Origin`, `Sec-Fetch-Site`).
    #[error("requests from web pages of other sites are refused")]
    ForbiddenOrigin,
    /// 403 `forbidden_host`: the `Host` is not a name of this service (a
    /// rebound DNS name pointing at loopback).
    #[error("this service does not answer to that Host name")]
    ForbiddenHost,
    /// 403 `upstream_commands_disabled`: a stdio upstream was set on a
    /// service that does not start commands.
    #[error(
        "this service does not start commands: a stdio upstream needs `mcp-keys serve \
         --allow-upstream-commands` (a management token can then run programs on this host); \
         use an http upstream instead"
    )]
    UpstreamCommandsDisabled,
    /// 404 `not_found`: no such product, surface or key.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409 `conflict`: the request contradicts the current state.
    #[error("{0}")]
    Conflict(String),
    /// 409 `last_token`: revoking the last management token would lock
    /// everyone out of the management API.
    #[error("this is the last management token; create another one before revoking it")]
    LastToken,
    /// 413 `payload_too_large`: the body exceeds the service's limit.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 422 `validation_failed`: well-formed JSON with a value that is not allowed.
    #[error("{0}")]
    Invalid(String),
    /// 429 `rate_limited`: too many failed attempts from this address.
    #[error("too many failed attempts; retry later")]
    RateLimited {
        /// When the next attempt is allowed (sent as `Retry-After`).
        retry_after: Duration,
    },
    /// 502 `upstream_unavailable`: the surface's upstream could not be
    /// started or reached, or did not answer (the reason says which).
    #[error("{0}")]
    UpstreamUnavailable(String),
    /// 500: the database failed.
    #[error("database error")]
    Db(#[from] sqlx::Error),
    /// 500: the schema could not be brought up to date.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// 500: the OS random number generator failed while generating a key.
    #[error("key generation failed")]
    Random(#[from] mcp_keys_core::Error),
    /// 500: a file could not be written (the first management token).
    #[error("i/o error")]
    Io(#[from] std::io::Error),
    /// 500 (and a startup failure): the service is configured wrongly, such
    /// as a database URL it cannot use.
    #[error("{0}")]
    Config(String),
    /// 500: a stored value does not parse; the database was changed by hand.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl Error {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::ForbiddenOrigin | Self::ForbiddenHost | Self::UpstreamCommandsDisabled => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::LastToken => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::UpstreamUnavailable(_) => StatusCode::BAD_GATEWAY,
            Self::Db(_)
            | Self::Migrate(_)
            | Self::Random(_)
            | Self::Io(_)
            | Self::Config(_)
            | Self::Corrupt(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable `error.code` clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::ForbiddenOrigin => "forbidden_origin",
            Self::ForbiddenHost => "forbidden_host",
            Self::UpstreamCommandsDisabled => "upstream_commands_disabled",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::LastToken => "last_token",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Invalid(_) => "validation_failed",
            Self::RateLimited { .. } => "rate_limited",
            Self::UpstreamUnavailable(_) => "upstream_unavailable",
            Self::Db(_)
            | Self::Migrate(_)
            | Self::Random(_)
            | Self::Io(_)
            | Self::Config(_)
            | Self::Corrupt(_) => "internal",
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if self.code() == "internal" {
            // The cause is named here only, in the log (`{:#}`-style chain).
            let cause = std::error::Error::source(&self).map(ToString::to_string);
            tracing::error!(error = %self, cause, "request failed");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let body = json!({"error": {"code": self.code(), "message": message}});
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="mcp-keys", error="invalid_token""#),
                );
            }
            Self::RateLimited { retry_after } => {
                headers.insert(header::RETRY_AFTER, retry_after_value(retry_after));
            }
            _ => {}
        }
        response
    }
}

/// `Retry-After` in whole seconds, rounded up so a client that waits exactly
/// that long is let through.
pub(crate) fn retry_after_value(wait: Duration) -> HeaderValue {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    HeaderValue::from(seconds.max(1))
}
