//! The entry point: the local store and the keyring, and how a session with
//! a key service is opened.

use std::sync::Arc;

use mcp_keys_client::Client;
use mcp_keys_core::Sensitive;
use mcp_keys_store::{AuditEntry, AuditFilter, Connection, ConnectionKind, SecretStore, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Session, Target};

/// Who performs the operations, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The desktop app.
    App,
    /// The `mcp-keys` command.
    Cli,
}

impl Actor {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Cli => "cli",
        }
    }
}

/// How many audit entries [`Manager::audit_log`] returns at once.
const AUDIT_PAGE: u32 = 100;

/// A page of the local audit log, newest first.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Whether older entries remain (ask again before the last one's id).
    pub older: bool,
}

/// The local store and the keyring, shared by every session.
#[derive(Debug, Clone)]
pub struct Manager {
    store: Store,
    secrets: Arc<dyn SecretStore>,
    actor: Actor,
}

impl Manager {
    /// A manager over `store`, keeping tokens in `secrets`, recording its
    /// actions as `actor`'s.
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>, actor: Actor) -> Self {
        Self {
            store,
            secrets,
            actor,
        }
    }

    /// The local store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The keyring.
    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    pub(crate) fn actor(&self) -> Actor {
        self.actor
    }

    /// A page of the local audit log (what was done from this machine, by
    /// the app or the CLI), newest first: the entries older than
    /// `before_id`, or the newest ones.
    pub async fn audit_log(&self, before_id: Option<i64>) -> Result<AuditPage, Error> {
        // One more than a page tells whether older entries remain.
        let filter = AuditFilter {
            key_id: None,
            before_id,
            limit: Some(AUDIT_PAGE + 1),
        };
        let mut entries = self.store.list_audit(&filter).await?;
        let older = entries.len() > AUDIT_PAGE as usize;
        entries.truncate(AUDIT_PAGE as usize);
        Ok(AuditPage { entries, older })
    }

    /// A session with the saved connection named `name` (or with this id),
    /// or with the default connection when `name` is `None`.
    pub async fn session(&self, name: Option<&str>) -> Result<Session, Error> {
        let connection = self.saved_connection(name).await?;
        self.session_with(connection).await
    }

    /// The saved connection named `name` (or with this id), or the default
    /// connection when `name` is `None`.
    pub async fn saved_connection(&self, name: Option<&str>) -> Result<Connection, Error> {
        match name {
            Some(name) => self
                .store
                .find_connection(name)
                .await?
                .ok_or_else(|| Error::UnknownConnection(name.to_owned())),
            None => self
                .store
                .default_connection()
                .await?
                .ok_or(Error::NoConnection),
        }
    }

    /// A session with a saved `connection` but the token given here
    /// (`MCP_KEYS_TOKEN`) instead of the keyring's: the way to use a saved
    /// connection where no keyring works. Answers are cached as usual.
    pub fn session_with_token(
        &self,
        connection: Connection,
        token: Sensitive<String>,
    ) -> Result<Session, Error> {
        let client = saved_client(&connection, token)?;
        Ok(Session::new(
            self.clone(),
            client,
            Target::Saved(connection),
        ))
    }

    /// A session with `connection`, its token read from the keyring.
    pub async fn session_with(&self, connection: Connection) -> Result<Session, Error> {
        let token = self
            .secrets
            .get(connection.keyring_account())?
            .ok_or_else(|| Error::NoToken {
                name: connection.name.clone(),
            })?;
        let client = saved_client(&connection, token)?;
        Ok(Session::new(
            self.clone(),
            client,
            Target::Saved(connection),
        ))
    }

    /// A session with a server that is not saved: `--server URL` with the
    /// token from `MCP_KEYS_TOKEN`. Nothing about it is cached.
    pub fn ad_hoc_session(&self, url: &str, token: Sensitive<String>) -> Result<Session, Error> {
        let client = client(url, token)?;
        Ok(Session::new(self.clone(), client, Target::AdHoc))
    }
}

/// A client for `url`. Plain HTTP is for loopback only, unless the client
/// crate is told otherwise; it refuses a token over plain HTTP elsewhere.
pub(crate) fn client(url: &str, token: Sensitive<String>) -> Result<Client, Error> {
    Ok(Client::new(url, token)?)
}

/// A client for a saved connection. Our own service lists up to
/// [`OWN_SERVICE_PAGE`] rows a page, so a surface's 1,000 keys take 5
/// requests instead of 20; Runtype gets its own default page size.
fn saved_client(connection: &Connection, token: Sensitive<String>) -> Result<Client, Error> {
    let builder = Client::builder(&connection.base_url, token);
    let builder = match connection.kind {
        ConnectionKind::Local | ConnectionKind::McpKeys => builder.page_size(OWN_SERVICE_PAGE),
        ConnectionKind::Runtype => builder,
    };
    Ok(builder.build()?)
}

/// The largest page `mcp-keys serve` gives (`PageRequest::MAX_LIMIT` there).
const OWN_SERVICE_PAGE: u32 = 200;
