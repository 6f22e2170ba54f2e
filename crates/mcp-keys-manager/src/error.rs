//! What can go wrong in an operation, with its kind for the app and the CLI.

use std::time::Duration;

use mcp_keys_core::ErrorKind;
use mcp_keys_store::SecretErrorCode;

/// Why an operation failed. The message says what to do; [`Error::kind`]
/// classifies it, the wrapped errors of the client, store and keyring
/// keeping their own kinds.
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
    /// An IDE config could not be read or written.
    #[error(transparent)]
    Ide(#[from] mcp_keys_ide::Error),
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
    /// The user's home folder, where the IDEs keep their configs, is not known.
    #[error("the home folder is not known: set HOME")]
    NoHome,
    /// Work MCP Keys ran in the background stopped (it panicked or was
    /// cancelled): a fault of MCP Keys, not of the input.
    #[error("{what} stopped unexpectedly")]
    Stopped {
        /// What was running, in words ("the config scan").
        what: &'static str,
        /// Why the task ended.
        #[source]
        source: tokio::task::JoinError,
    },
}

impl Error {
    /// What kind of failure this is, decided by the error that caused it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Client(error) => error.kind(),
            Self::Store(error) => error.kind(),
            Self::Keyring(error) => error.kind(),
            Self::Ide(error) => match error {
                mcp_keys_ide::Error::Io { .. } | mcp_keys_ide::Error::Registry(_) => {
                    ErrorKind::Internal
                }
                mcp_keys_ide::Error::ConcurrentChange(_) => ErrorKind::Conflict,
                _ => ErrorKind::InvalidInput,
            },
            Self::NoConnection => ErrorKind::NoConnection,
            Self::UnknownConnection(_) => ErrorKind::NotFound,
            Self::NoToken { .. } => ErrorKind::NoToken,
            Self::Invalid(_) => ErrorKind::InvalidInput,
            Self::Stopped { .. } | Self::NoHome => ErrorKind::Internal,
        }
    }

    /// How long the key service asked to wait, for a rate limit that said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Client(error) => error.retry_after(),
            _ => None,
        }
    }

    /// Which way the OS keyring failed, for a keyring failure.
    pub fn keyring(&self) -> Option<SecretErrorCode> {
        match self {
            Self::Keyring(error) | Self::Store(mcp_keys_store::Error::Keyring(error)) => {
                Some(error.code())
            }
            _ => None,
        }
    }

    /// A task of `what` that ended without its result.
    pub(crate) fn stopped(what: &'static str) -> impl FnOnce(tokio::task::JoinError) -> Self {
        move |source| Self::Stopped { what, source }
    }
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::ErrorKind;
    use mcp_keys_store::{SecretError, SecretErrorCode};

    use super::Error;

    #[tokio::test]
    async fn a_background_task_that_panicked_is_an_internal_failure_not_bad_input() {
        let panicked = tokio::task::spawn_blocking(|| panic!("a bug"))
            .await
            .map_err(Error::stopped("the config scan"));
        let Err(error) = panicked;
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(
            error.to_string().starts_with("the config scan stopped"),
            "{error}"
        );
    }

    #[test]
    fn the_keyring_says_which_way_it_failed() {
        let locked = Error::Keyring(SecretError::Locked);
        assert_eq!(locked.kind(), ErrorKind::KeyringUnavailable);
        assert_eq!(locked.keyring(), Some(SecretErrorCode::Locked));
        let through_the_store = Error::Store(mcp_keys_store::Error::Keyring(SecretError::Denied));
        assert_eq!(through_the_store.keyring(), Some(SecretErrorCode::Denied));
        assert_eq!(Error::NoConnection.keyring(), None);
    }
}
