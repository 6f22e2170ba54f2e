//! The error type of the crate.

use std::path::PathBuf;

/// What went wrong in discovery, parsing or an edit. Messages name the cause
/// and the file, never a key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("reading", "writing", ...).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid in its format; nothing is written to it.
    #[error("{path} is not valid {format}: {message}")]
    Parse {
        /// The file concerned.
        path: PathBuf,
        /// The format it was read as.
        format: &'static str,
        /// The parser's explanation (positions, never values).
        message: String,
    },
    /// The file changed between reading and writing it; it was left as it is.
    #[error("{0} changed while it was being edited; nothing was written, scan again")]
    ConcurrentChange(PathBuf),
    /// The key to replace is no longer at the given place in the file.
    #[error("the key to replace is not at the expected place in {0}; scan again")]
    KeyNotFound(PathBuf),
    /// The client of this config has no environment-variable form for a key there.
    #[error("{client} has no documented environment-variable reference for this place")]
    EnvRefUnsupported {
        /// The client id.
        client: &'static str,
    },
    /// An environment variable name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    #[error("{0:?} is not a valid environment variable name")]
    InvalidVariableName(String),
    /// The edited text did not parse, or did not hold the new value where
    /// expected; nothing was written.
    #[error("the edited {0} would not be a valid config; nothing was written")]
    EditCheck(PathBuf),
    /// A file to write is a symbolic link or not a regular file; it is not
    /// written through.
    #[error("{0} is a symbolic link or not a regular file; it was not written")]
    NotARegularFile(PathBuf),
    /// The registry embedded in the crate is malformed (a bug, caught by tests).
    #[error("client registry: {0}")]
    Registry(String),
    /// A `.gitignore` entry was asked for a file outside the project folder.
    #[error("{file} is not inside the project folder {project}")]
    OutsideProject {
        /// The config file.
        file: PathBuf,
        /// The project folder.
        project: PathBuf,
    },
    /// The client has no form in the registry for this install mechanism.
    #[error("{client} cannot take a key through `{via}`")]
    ViaUnsupported {
        /// The client id.
        client: &'static str,
        /// The mechanism asked for.
        via: &'static str,
    },
    /// The client has no config of this scope that MCP Keys can write (a
    /// project config needs a project folder; some clients have none).
    #[error("{client} has no {scope} config file that MCP Keys can write")]
    NoConfigPath {
        /// The client id.
        client: &'static str,
        /// `global` or `project`.
        scope: &'static str,
    },
    /// A `literal` install was asked for without the key to write.
    #[error("installing through `literal` needs the key")]
    KeyRequired,
    /// A value of an install request is not usable (never a key: the
    /// values are names, a URL and a path).
    #[error("{what} {value:?} {problem}")]
    InvalidInstall {
        /// What the value is ("slot name", "URL", ...).
        what: &'static str,
        /// The value.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The config parses, but its servers are not where or how the client
    /// keeps them (a list instead of a map, a name twice, a flow-style YAML
    /// list); nothing is written.
    #[error("{path}: {problem}; nothing was written")]
    Layout {
        /// The config file.
        path: PathBuf,
        /// What is unexpected.
        problem: &'static str,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
