//! Where management tokens live: the OS keyring, behind a trait so most
//! tests need no desktop session. There is deliberately no file-based
//! implementation: without a keyring, the front ends fail with
//! [`SecretError`]'s advice and accept `MCP_KEYS_TOKEN` instead.

mod keyring_secrets;
mod memory;

use std::fmt;

use mcp_keys_core::{ErrorKind, Sensitive};
use serde::Serialize;
use ts_rs::TS;

pub use keyring_secrets::KeyringSecrets;
pub use memory::MemorySecrets;

/// The keyring service name under which every token is saved.
pub const KEYRING_SERVICE: &str = "mcp-keys";

/// The keyring service name under which the secrets that surfaces'
/// upstreams name (`{"secretRef": "NAME"}`, DESIGN §7) are saved, by name,
/// for the app's embedded key service (`mcp-keys secrets set NAME`).
pub const UPSTREAM_SECRETS_SERVICE: &str = "mcp-keys-upstream";

/// The variable a user can set to a management token when no keyring works.
pub const TOKEN_VAR: &str = "MCP_KEYS_TOKEN";

/// A store of secrets by account name (a connection's id). Calls block: from
/// async code, run them on a blocking thread.
pub trait SecretStore: fmt::Debug + Send + Sync {
    /// The secret saved for `account`; `Ok(None)` when there is none.
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError>;

    /// Saves `secret` for `account`, replacing any previous one.
    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<(), SecretError>;

    /// Deletes the secret of `account`; deleting a missing one succeeds.
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// A stable code for each way the keyring can fail, for the CLI's exit
/// codes and the UI's branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SecretErrorCode {
    /// This platform has no supported keyring.
    NoBackend,
    /// No keyring answers: no D-Bus session, or no Secret Service on it.
    Unavailable,
    /// The keyring is locked.
    Locked,
    /// The user or the system refused access.
    Denied,
    /// Anything else.
    Other,
}

/// Why the keyring could not be used. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keyring is supported on this platform.
    #[error(
        "no OS keyring is supported on this platform; set {TOKEN_VAR} to a management token instead"
    )]
    NoBackend,
    /// No keyring service answers.
    #[error(
        "the OS keyring is not available ({detail}); on Linux, start a Secret Service \
         (gnome-keyring or KeePassXC) in your D-Bus session, or set {TOKEN_VAR} to a \
         management token instead"
    )]
    Unavailable {
        /// What was missing, in words.
        detail: String,
    },
    /// The keyring is locked.
    #[error(
        "the OS keyring is locked; unlock it (log in to the desktop, or unlock the \"login\" \
         keyring) and retry, or set {TOKEN_VAR} to a management token instead"
    )]
    Locked,
    /// Access was refused.
    #[error(
        "access to the OS keyring was denied; allow MCP Keys when the keyring asks and retry, \
         or set {TOKEN_VAR} to a management token instead"
    )]
    Denied,
    /// Any other failure.
    #[error(
        "the OS keyring failed ({detail}); retry, or set {TOKEN_VAR} to a management token instead"
    )]
    Other {
        /// The keyring's own description, which never holds the secret.
        detail: String,
    },
}

impl SecretError {
    /// What kind of failure this is: always the keyring's; [`Self::code`]
    /// says which way it failed.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::KeyringUnavailable
    }

    /// The stable code of this failure.
    pub fn code(&self) -> SecretErrorCode {
        match self {
            Self::NoBackend => SecretErrorCode::NoBackend,
            Self::Unavailable { .. } => SecretErrorCode::Unavailable,
            Self::Locked => SecretErrorCode::Locked,
            Self::Denied => SecretErrorCode::Denied,
            Self::Other { .. } => SecretErrorCode::Other,
        }
    }
}
