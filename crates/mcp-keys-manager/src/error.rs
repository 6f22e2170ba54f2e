//! What can go wrong in an operation, with a stable code for the app and CLI.

/// Why an operation failed. The message says what to do; the wrapped errors
/// of the client, store and keyring keep their own codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The key service answered with an error or could not be reached.
    #[error(transparent)]
    Client(#[from] mcp_keys_client::Error),
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] mcp_keys_store::Error),
    /// The OS keyring failed.
    #[error(transparent)]
    Keyring(#[from] mcp_keys_store::SecretError),
    /// No connection was named and none is saved.
    #[error(
        "no connection: run `mcp-keys login --server URL`, or pass --server URL with the token in MCP_KEYS_TOKEN"
    )]
    NoConnection,
    /// A connection name or id that matches nothing saved.
    #[error("no saved connection is named {0:?} (see `mcp-keys connections list`)")]
    UnknownConnection(String),
    /// The keyring holds no token for a saved connection.
    #[error(
        "the OS keyring has no token for connection {name:?}: log in again, or set MCP_KEYS_TOKEN"
    )]
    NoToken {
        /// The connection's name.
        name: String,
    },
    /// A value given by the user is not acceptable.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A stable snake_case code: the client's and keyring's own codes pass
    /// through, so callers branch on one string.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Client(error) => error.code(),
            Self::Store(mcp_keys_store::Error::NotFound { .. }) => "not_found",
            Self::Store(_) => "store",
            Self::Keyring(_) => "keyring_unavailable",
            Self::NoConnection | Self::UnknownConnection(_) => "no_connection",
            Self::NoToken { .. } => "no_token",
            Self::Invalid(_) => "invalid_input",
        }
    }
}
