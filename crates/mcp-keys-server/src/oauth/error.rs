//! The errors of the token, registration and revocation endpoints: RFC 6749
//! §5.2 and RFC 7591 §3.2.2, `{"error", "error_description"}`, never cached.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An OAuth error answer.
#[derive(Debug, Clone)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

impl OAuthError {
    /// 400 with `code`.
    pub fn bad(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            description: description.into(),
        }
    }

    /// 400 `invalid_request`.
    pub fn request(description: impl Into<String>) -> Self {
        Self::bad("invalid_request", description)
    }

    /// 400 `invalid_grant`.
    pub fn grant(description: impl Into<String>) -> Self {
        Self::bad("invalid_grant", description)
    }

    /// 401 `invalid_client`.
    pub fn client(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_client",
            description: description.into(),
        }
    }

    /// 500 `server_error`; the cause is logged.
    pub fn internal(error: &crate::Error) -> Self {
        tracing::error!(%error, "OAuth endpoint failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "server_error",
            description: "internal error".to_owned(),
        }
    }
}

impl From<crate::Error> for OAuthError {
    fn from(error: crate::Error) -> Self {
        Self::internal(&error)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.code, "error_description": self.description});
        no_store((self.status, Json(body)).into_response())
    }
}

/// `response` with `Cache-Control: no-store` (RFC 6749 §5.1).
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
