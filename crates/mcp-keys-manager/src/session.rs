//! A session with one key service: the client, and where its answers are
//! kept locally.

use chrono::{DateTime, Utc};
use mcp_keys_client::Client;
use mcp_keys_store::{Connection, NewAuditEntry};

use crate::{Error, Manager};

/// Which key service a session talks to.
#[derive(Debug, Clone)]
pub enum Target {
    /// A saved connection: answers are cached under its id.
    Saved(Connection),
    /// `--server` with `MCP_KEYS_TOKEN`: nothing is cached.
    AdHoc,
}

/// One key service, and the local store that follows what is done there.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) manager: Manager,
    pub(crate) client: Client,
    pub(crate) target: Target,
}

/// What an audit entry is about.
#[derive(Debug, Default)]
pub(crate) struct Subject<'a> {
    pub product_id: Option<&'a str>,
    pub surface_id: Option<&'a str>,
    pub key_id: Option<&'a str>,
}

impl Session {
    pub(crate) fn new(manager: Manager, client: Client, target: Target) -> Self {
        Self {
            manager,
            client,
            target,
        }
    }

    /// The API client, for calls that need no local bookkeeping.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The saved connection, if this session uses one.
    pub fn connection(&self) -> Option<&Connection> {
        match &self.target {
            Target::Saved(connection) => Some(connection),
            Target::AdHoc => None,
        }
    }

    pub(crate) fn connection_id(&self) -> Option<&str> {
        self.connection().map(|connection| connection.id.as_str())
    }

    /// Records the user's action in the local audit log. A failure to record
    /// does not undo what the server already did: it is logged instead.
    pub(crate) async fn audit(
        &self,
        action: &str,
        subject: Subject<'_>,
        detail: Option<String>,
        now: DateTime<Utc>,
    ) {
        let entry = NewAuditEntry {
            actor: self.manager.actor().as_str().to_owned(),
            action: action.to_owned(),
            connection_id: self.connection_id().map(str::to_owned),
            product_id: subject.product_id.map(str::to_owned),
            surface_id: subject.surface_id.map(str::to_owned),
            key_id: subject.key_id.map(str::to_owned),
            detail,
        };
        if let Err(error) = self.manager.store().record_audit(&entry, now).await {
            tracing::warn!(%error, action, "could not record the action in the local audit log");
        }
    }

    /// Runs a local bookkeeping step after the server acted; its failure is
    /// logged, because the server's answer must still reach the user (a key
    /// shown once cannot be lost to a local database error).
    pub(crate) fn keep<T>(result: Result<T, mcp_keys_store::Error>, what: &str) {
        if let Err(error) = result {
            tracing::warn!(%error, what, "local bookkeeping failed");
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }
}
