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
