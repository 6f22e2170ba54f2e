//! The one error shape that crosses IPC: `{code, message}`, with `code` a small
//! enum mirrored in TypeScript so the UI can branch on it instead of parsing text.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, in terms the UI can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The request was malformed or a value failed validation.
    InvalidInput,
    /// No such connection, product, surface, key or revealed key.
    NotFound,
    /// The key service could not be reached.
    Unreachable,
    /// The key service refused the management token.
    TokenRejected,
    /// The key service is rate limiting; the message says when to retry.
    RateLimited,
    /// The key service failed.
    ServerError,
    /// The OS keyring is missing, locked or refused access.
    KeyringUnavailable,
    /// The request contradicts the current state (a name taken, a key revoked).
    Conflict,
    /// The server lacks an extension this needs.
    Unsupported,
    /// Something failed inside the app; the message says what.
    Internal,
}

/// An error returned by a command.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct IpcError {
    /// The kind of failure.
    pub code: ErrorCode,
    /// A sentence for people; never contains key material.
    pub message: String,
}

impl IpcError {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The UI's code for a core error code (`mcp_keys_manager::Error::code`).
pub fn code_of(code: &str) -> ErrorCode {
    match code {
        "invalid_input" | "invalid_url" | "invalid_token" | "invalid_request" => {
            ErrorCode::InvalidInput
        }
        "not_found" | "no_connection" => ErrorCode::NotFound,
        "unreachable" | "not_our_service" => ErrorCode::Unreachable,
        "token_rejected" | "no_token" => ErrorCode::TokenRejected,
        "rate_limited" => ErrorCode::RateLimited,
        "server_error" | "protocol" => ErrorCode::ServerError,
        "keyring_unavailable" => ErrorCode::KeyringUnavailable,
        "conflict" => ErrorCode::Conflict,
        "unsupported" => ErrorCode::Unsupported,
        _ => ErrorCode::Internal,
    }
}

impl From<mcp_keys_manager::Error> for IpcError {
    fn from(error: mcp_keys_manager::Error) -> Self {
        let code = code_of(error.code());
        // The message is a chain of causes in words; none holds a key.
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            if code == ErrorCode::Internal {
                message = format!("{message}: {cause}");
            }
            source = cause.source();
        }
        Self::new(code, message)
    }
}

/// The result of a command.
pub type IpcResult<T> = Result<T, IpcError>;
