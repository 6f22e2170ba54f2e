//! Saving and forgetting connections; their tokens go to the OS keyring.

use chrono::{DateTime, Utc};
use mcp_keys_client::PageRequest;
use mcp_keys_core::Sensitive;
use mcp_keys_store::{Connection, ConnectionKind, NewConnection};
use serde::Deserialize;
use ts_rs::TS;

use crate::manager::client;
use crate::{Error, Manager};

/// A connection to save, as the user typed it.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewConnectionRequest {
    /// `mcp-keys` (a self-hosted key service) or `runtype`.
    pub kind: ConnectionKind,
    /// A display name; empty means the server's host.
    pub name: String,
    /// The management API's base URL.
    pub base_url: String,
    /// The management token or platform API key. Crosses IPC once, typed by
    /// the user; kept in the keyring only.
    #[ts(type = "string")]
    pub token: Sensitive<String>,
}

impl Manager {
    /// Checks the token against the server (one small list call), then saves
    /// the connection and puts the token in the keyring. If the keyring
    /// refuses, the connection is not kept either.
    pub async fn add_connection(
        &self,
        request: NewConnectionRequest,
        now: DateTime<Utc>,
    ) -> Result<Connection, Error> {
        if request.kind == ConnectionKind::Local {
            return Err(Error::Invalid(
                "the local connection is created by the app itself".into(),
            ));
        }
        let base_url = request.base_url.trim().trim_end_matches('/').to_owned();
        let check = client(&base_url, request.token.clone())?;
        check.list_products(&PageRequest::first(1)).await?;
        let name = match request.name.trim() {
            "" => default_name(&base_url),
            name => name.to_owned(),
        };
        let connection = self
            .store()
            .add_connection(
                &NewConnection {
                    name,
                    kind: request.kind,
                    base_url,
                },
                now,
            )
            .await?;
        if let Err(error) = self
            .secrets()
            .set(connection.keyring_account(), &request.token)
        {
            // Without its token the connection is useless; don't leave it behind.
            self.store().remove_connection(&connection.id).await?;
            return Err(error.into());
        }
        Ok(connection)
    }

    /// Forgets a connection (name or id) and deletes its token from the keyring.
    pub async fn remove_connection(&self, name: &str) -> Result<Connection, Error> {
        let connection = self
            .store()
            .find_connection(name)
            .await?
            .ok_or_else(|| Error::UnknownConnection(name.to_owned()))?;
        self.secrets().delete(connection.keyring_account())?;
        Ok(self.store().remove_connection(&connection.id).await?)
    }

    /// Makes the connection named `name` (or with this id) the default one.
    pub async fn set_default_connection(&self, name: &str) -> Result<Connection, Error> {
        let connection = self
            .store()
            .find_connection(name)
            .await?
            .ok_or_else(|| Error::UnknownConnection(name.to_owned()))?;
        self.store().set_default_connection(&connection.id).await?;
        Ok(self.store().connection(&connection.id).await?)
    }

    /// The desktop app's own connection to its embedded key service at
    /// `url`: created on first start, made anew when the port changed, and
    /// `token` (kept or just minted) stored in the keyring.
    pub async fn ensure_local_connection(
        &self,
        url: &str,
        token: &Sensitive<String>,
        now: DateTime<Utc>,
    ) -> Result<Connection, Error> {
        let existing = self
            .store()
            .list_connections()
            .await?
            .into_iter()
            .find(|connection| connection.kind == ConnectionKind::Local);
        let connection = match existing {
            Some(connection) if connection.base_url == url => connection,
            Some(moved) => {
                // MCP_KEYS_LOCAL_PORT changed: the old entry points nowhere.
                self.secrets().delete(moved.keyring_account())?;
                self.store().remove_connection(&moved.id).await?;
                self.add_local(url, now).await?
            }
            None => self.add_local(url, now).await?,
        };
        self.secrets().set(connection.keyring_account(), token)?;
        Ok(connection)
    }

    async fn add_local(&self, url: &str, now: DateTime<Utc>) -> Result<Connection, Error> {
        let connection = self
            .store()
            .add_connection(
                &NewConnection {
                    name: "This computer".to_owned(),
                    kind: ConnectionKind::Local,
                    base_url: url.to_owned(),
                },
                now,
            )
            .await?;
        Ok(connection)
    }

    /// The token the keyring holds for the local connection, if any.
    pub async fn local_token(&self) -> Result<Option<Sensitive<String>>, Error> {
        let local = self
            .store()
            .list_connections()
            .await?
            .into_iter()
            .find(|connection| connection.kind == ConnectionKind::Local);
        match local {
            Some(connection) => Ok(self.secrets().get(connection.keyring_account())?),
            None => Ok(None),
        }
    }
}

/// `host:port` of a URL, or the URL itself.
fn default_name(url: &str) -> String {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or(url)
        .to_owned()
}
