//! Exit codes: the one place where a failure becomes a number. The numbers
//! are documented in `mcp-keys --help` (`cli::AFTER_HELP`), and a test holds
//! the two together.

use std::fmt;

use mcp_keys_core::ErrorKind;
use mcp_keys_store::SecretError;

/// Why `mcp-keys` exits with a failure, as scripts can branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Any other failure.
    Failure = 1,
    /// The command line does not make sense (clap uses 2 as well).
    Usage = 2,
    /// No such product, surface, key or saved connection.
    NotFound = 3,
    /// The key service rejected the management token.
    TokenRejected = 4,
    /// The key service could not be reached.
    Unreachable = 5,
    /// The key service is rate limiting.
    RateLimited = 6,
    /// The OS keyring is unavailable, locked or refused access.
    Keyring = 7,
    /// The key service failed (5xx).
    ServerFailed = 8,
    /// A destructive command was not confirmed.
    Refused = 9,
}

impl Exit {
    /// Every exit code, for the test that checks the help text.
    #[cfg(test)]
    const ALL: [Self; 9] = [
        Self::Failure,
        Self::Usage,
        Self::NotFound,
        Self::TokenRejected,
        Self::Unreachable,
        Self::RateLimited,
        Self::Keyring,
        Self::ServerFailed,
        Self::Refused,
    ];

    /// The exit code for `error`: the first cause in its chain that is one
    /// of ours, or that says its [`ErrorKind`] (the manager's, the client's,
    /// the store's or the keyring's), decides.
    pub fn of(error: &anyhow::Error) -> Self {
        error
            .chain()
            .find_map(|cause| {
                if let Some(error) = cause.downcast_ref::<CliError>() {
                    Some(error.exit())
                } else if let Some(error) = cause.downcast_ref::<mcp_keys_manager::Error>() {
                    Some(Self::of_kind(error.kind()))
                } else if let Some(error) = cause.downcast_ref::<mcp_keys_client::Error>() {
                    Some(Self::of_kind(error.kind()))
                } else if let Some(error) = cause.downcast_ref::<mcp_keys_store::Error>() {
                    Some(Self::of_kind(error.kind()))
                } else {
                    cause
                        .downcast_ref::<SecretError>()
                        .map(|error| Self::of_kind(error.kind()))
                }
            })
            .unwrap_or(Self::Failure)
    }

    /// The exit code of each kind of failure.
    pub fn of_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NotFound => Self::NotFound,
            ErrorKind::TokenRejected => Self::TokenRejected,
            ErrorKind::Unreachable => Self::Unreachable,
            ErrorKind::RateLimited => Self::RateLimited,
            ErrorKind::KeyringUnavailable => Self::Keyring,
            ErrorKind::ServerError => Self::ServerFailed,
            ErrorKind::InvalidInput
            | ErrorKind::NoConnection
            | ErrorKind::NoToken
            | ErrorKind::Conflict
            | ErrorKind::Unsupported
            | ErrorKind::Internal => Self::Failure,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit as u8)
    }
}

/// Failures the CLI itself decides on.
#[derive(Debug)]
pub enum CliError {
    /// The command line lacks something clap cannot check (a variable, a
    /// combination of options).
    Usage(String),
    /// The user did not confirm, or could not be asked.
    Refused(String),
}

impl CliError {
    fn exit(&self) -> Exit {
        match self {
            Self::Usage(_) => Exit::Usage,
            Self::Refused(_) => Exit::Refused,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(message) | Self::Refused(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CliError {}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::{CliError, Exit};

    #[test]
    fn every_exit_code_is_documented_in_the_help() {
        let help = crate::cli::AFTER_HELP;
        for exit in Exit::ALL {
            let code = exit as u8;
            assert!(
                help.contains(&format!(" {code}  ")),
                "exit code {code} ({exit:?}) is not in the help's list"
            );
        }
    }

    #[test]
    fn the_cause_decides_the_code_through_context() {
        let error = Err::<(), _>(mcp_keys_manager::Error::Client(
            mcp_keys_client::Error::TokenRejected { status: 401 },
        ))
        .context("listing products")
        .err();
        assert_eq!(
            error.map(|error| Exit::of(&error)),
            Some(Exit::TokenRejected)
        );
        let refused = anyhow::Error::new(CliError::Refused("no".into()));
        assert_eq!(Exit::of(&refused), Exit::Refused);
        assert_eq!(Exit::of(&anyhow::anyhow!("other")), Exit::Failure);
    }
}
