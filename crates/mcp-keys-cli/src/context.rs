//! What every command that talks to a key service starts from: the local
//! store, the OS keyring, and the connection the command line picks.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;
use mcp_keys_core::{ErrorKind, Sensitive};
use mcp_keys_manager::{Actor, Manager, Session};
use mcp_keys_store::{KeyringSecrets, SecretError, SecretStore, Store, TOKEN_VAR};

use crate::cli::GlobalArgs;
use crate::exit::CliError;
use crate::output::Output;

/// The manager over the user's store and keyring, and how to print.
#[derive(Debug)]
pub struct Context {
    /// Operations over the store and the keyring.
    pub manager: Manager,
    /// How this run prints.
    pub output: Output,
    server: Option<String>,
    connection: Option<String>,
}

impl Context {
    /// Opens the local store (`MCP_KEYS_DATA_DIR` or the platform data
    /// folder) and the OS keyring.
    pub async fn open(global: GlobalArgs) -> anyhow::Result<Self> {
        let store = Store::open_default()
            .await
            .context("cannot open the local MCP Keys database")?;
        let secrets: Arc<dyn SecretStore> = match KeyringSecrets::new() {
            Ok(keyring) => Arc::new(keyring),
            // `--server` with MCP_KEYS_TOKEN still works; anything that
            // needs the keyring gets the advice of `SecretError::NoBackend`.
            Err(_) => Arc::new(NoKeyring),
        };
        Ok(Self {
            manager: Manager::new(store, secrets, Actor::Cli),
            output: Output::new(global.json),
            server: global.server,
            connection: global.connection,
        })
    }

    /// The session with the key service the command line names, when it
    /// names one (`--server`, `--connection` or MCP_KEYS_TOKEN): `scan`,
    /// `doctor` and `reminders` then ask only that service. `None` means
    /// "every saved connection".
    pub async fn named_session(&self) -> anyhow::Result<Option<Session>> {
        if self.server.is_none() && self.connection.is_none() && token_from_env().is_none() {
            return Ok(None);
        }
        self.session().await.map(Some)
    }

    /// The `--server` URL, for `login`.
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// A session with the key service the command line names: `--server`
    /// with MCP_KEYS_TOKEN, else the saved connection (`--connection` or the
    /// default) with its token from MCP_KEYS_TOKEN when set, else from the
    /// keyring. Degraded rolls whose grace period has ended are completed
    /// on the way.
    pub async fn session(&self) -> anyhow::Result<Session> {
        let token = token_from_env();
        let session = match (&self.server, token) {
            // A URL or token that cannot be used is a mistake on the command line.
            (Some(url), Some(token)) => {
                self.manager
                    .ad_hoc_session(url, token)
                    .map_err(|error| match error.kind() {
                        ErrorKind::InvalidInput => CliError::Usage(error.to_string()).into(),
                        _ => anyhow::Error::from(error),
                    })?
            }
            (Some(_), None) => {
                return Err(CliError::Usage(format!(
                    "--server needs the management token in {TOKEN_VAR} (or save the \
                     connection with `mcp-keys login --server URL`)"
                ))
                .into());
            }
            (None, Some(token)) => {
                let connection = self
                    .manager
                    .saved_connection(self.connection.as_deref())
                    .await?;
                self.manager.session_with_token(connection, token)?
            }
            (None, None) => self.manager.session(self.connection.as_deref()).await?,
        };
        // Opportunistic and quiet: the command the user asked for matters
        // more, and the next command tries again.
        match session.complete_due_revocations(Utc::now()).await {
            Ok(0) => {}
            Ok(done) => tracing::info!(done, "revoked old keys whose grace period ended"),
            Err(error) => tracing::debug!(%error, "pending revocations stay pending"),
        }
        Ok(session)
    }
}

/// MCP_KEYS_TOKEN, when set and not blank.
fn token_from_env() -> Option<Sensitive<String>> {
    let value = Sensitive::new(std::env::var(TOKEN_VAR).ok()?);
    let trimmed = value.expose().trim();
    (!trimmed.is_empty()).then(|| Sensitive::new(trimmed.to_owned()))
}

/// The keyring of a platform that has none: every call fails with advice.
#[derive(Debug)]
struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        Err(SecretError::NoBackend)
    }

    fn set(&self, _: &str, _: &Sensitive<String>) -> Result<(), SecretError> {
        Err(SecretError::NoBackend)
    }

    fn delete(&self, _: &str) -> Result<(), SecretError> {
        Err(SecretError::NoBackend)
    }
}
