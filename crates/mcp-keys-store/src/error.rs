//! Why an operation of the store failed.

use std::path::PathBuf;

use mcp_keys_core::ErrorKind;

use crate::SecretError;

/// A failure of the local store. Messages name the cause in words; wrapped
/// errors are sources, so a chain prints each cause once.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed (locked for longer than the busy timeout, full
    /// disk, corrupt file).
    #[error("local database error")]
    Db(#[from] sqlx::Error),
    /// The schema could not be brought up to date, for example because the
    /// database was written by a newer version of MCP Keys.
    #[error("local database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A file or folder of the data dir could not be created or opened.
    #[error("cannot use {}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Neither `MCP_KEYS_DATA_DIR` nor a platform data folder is known.
    #[error("no data folder: set MCP_KEYS_DATA_DIR to a folder for MCP Keys' data")]
    NoDataDir,
    /// No connection, revocation or other record with this id or name.
    #[error("{what} not found: {id}")]
    NotFound {
        /// What was looked for (`connection`, `pending revocation`).
        what: &'static str,
        /// The id or name that was asked for.
        id: String,
    },
    /// A connection with this name exists already.
    #[error("a connection named {0:?} exists already")]
    NameTaken(String),
    /// A value is not allowed (a rotation period of 0 days, an empty name).
    #[error("{0}")]
    Invalid(String),
    /// Something about to be written holds a plaintext key or management
    /// token; the store refuses it rather than keep a secret on disk.
    #[error("refused to store a plaintext key or token ({0})")]
    SecretInData(&'static str),
    /// A stored value does not parse: the database was changed by hand or
    /// by an incompatible version.
    #[error("corrupt value in the local database: {0}")]
    Corrupt(String),
    /// The OS keyring failed.
    #[error(transparent)]
    Keyring(#[from] SecretError),
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::NameTaken(_) => ErrorKind::Conflict,
            Self::Invalid(_) => ErrorKind::InvalidInput,
            Self::Keyring(error) => error.kind(),
            Self::Db(_)
            | Self::Migrate(_)
            | Self::Io { .. }
            | Self::NoDataDir
            | Self::SecretInData(_)
            | Self::Corrupt(_) => ErrorKind::Internal,
        }
    }
}
