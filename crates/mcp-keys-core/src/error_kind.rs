//! The one classification of failures that the front ends branch on.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure an operation met. Each error says its kind where it
/// is made (`kind()` on the client's, the store's, the keyring's and the
/// manager's errors); the app sends it to the UI as the IPC error's `code`,
/// and the CLI turns it into an exit code. Nothing parses it back from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// A value the user gave is not acceptable (a URL, a name, a scope).
    InvalidInput,
    /// No such connection, product, surface, key or revealed key.
    NotFound,
    /// No connection was named and none is saved.
    NoConnection,
    /// The key service could not be reached, or is not ours.
    Unreachable,
    /// The key service refused the management token.
    TokenRejected,
    /// The OS keyring holds no token for a saved connection.
    NoToken,
    /// The key service is rate limiting; the error says when to retry.
    RateLimited,
    /// The key service failed, or answered what its API does not promise.
    ServerError,
    /// The OS keyring is missing, locked or refused access.
    KeyringUnavailable,
    /// The request contradicts the current state (a name taken, a key revoked).
    Conflict,
    /// The key service lacks an extension this needs.
    Unsupported,
    /// Something failed inside MCP Keys (a task that panicked, a database
    /// error); the message says what.
    Internal,
}
