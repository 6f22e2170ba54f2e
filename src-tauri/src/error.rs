//! The one error shape that crosses IPC: `{code, message}`, with `code` the
//! core's [`ErrorKind`] (generated for TypeScript too), so the UI branches on
//! it instead of parsing text, plus what the UI needs to say more.

use mcp_keys_store::SecretErrorCode;
use serde::Serialize;
use ts_rs::TS;

pub use mcp_keys_core::ErrorKind;

/// An error returned by a command.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    /// The kind of failure.
    pub code: ErrorKind,
    /// A sentence for people; never contains key material.
    pub message: String,
    /// For `rate_limited`: how many seconds the key service asked to wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_seconds: Option<u64>,
    /// For `keyring_unavailable`: which way the OS keyring failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub keyring: Option<SecretErrorCode>,
}

impl IpcError {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_seconds: None,
            keyring: None,
        }
    }
}

impl From<&mcp_keys_manager::Error> for IpcError {
    fn from(error: &mcp_keys_manager::Error) -> Self {
        let code = error.kind();
        // The message is a chain of causes in words; none holds a key. An
        // internal failure names every cause: there is nothing else to go on.
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            if code == ErrorKind::Internal {
                message = format!("{message}: {cause}");
            }
            source = cause.source();
        }
        Self {
            retry_after_seconds: error.retry_after().map(|wait| wait.as_secs().max(1)),
            keyring: error.keyring(),
            ..Self::new(code, message)
        }
    }
}

impl From<mcp_keys_manager::Error> for IpcError {
    fn from(error: mcp_keys_manager::Error) -> Self {
        Self::from(&error)
    }
}

/// The result of a command.
pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mcp_keys_manager::Error;
    use mcp_keys_store::{SecretError, SecretErrorCode};

    use super::{ErrorKind, IpcError};

    #[test]
    fn a_rate_limit_carries_its_wait_as_a_number() {
        let error = IpcError::from(Error::Client(mcp_keys_client::Error::RateLimited {
            retry_after: Some(Duration::from_secs(12)),
        }));
        assert_eq!(error.code, ErrorKind::RateLimited);
        assert_eq!(error.retry_after_seconds, Some(12));
    }

    #[test]
    fn a_name_taken_on_the_server_is_a_conflict() {
        let error = IpcError::from(Error::Client(mcp_keys_client::Error::InvalidRequest {
            status: 409,
            message: "a surface named \"Docs\" exists already".into(),
        }));
        assert_eq!(error.code, ErrorKind::Conflict);
    }

    #[test]
    fn a_locked_keyring_is_told_apart_from_a_missing_one() {
        let error = IpcError::from(Error::Keyring(SecretError::Locked));
        assert_eq!(error.code, ErrorKind::KeyringUnavailable);
        assert_eq!(error.keyring, Some(SecretErrorCode::Locked));
        let json = serde_json::to_value(&error).ok();
        assert_eq!(
            json.as_ref().and_then(|json| json.get("keyring")),
            Some(&serde_json::Value::from("locked"))
        );
    }
}
