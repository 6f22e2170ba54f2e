//! Saved connections to key services: our own (local or remote) or Runtype.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis, to_millis};
use crate::{Error, Store};

/// What kind of key service a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ConnectionKind {
    /// The key service embedded in the desktop app, on 127.0.0.1.
    Local,
    /// A remote `mcp-keys serve`.
    McpKeys,
    /// Runtype's public API, where the roll, identify and events
    /// extensions may be missing.
    Runtype,
}

impl ConnectionKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Local, Self::McpKeys, Self::Runtype];

    /// The name used in JSON, on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::McpKeys => "mcp-keys",
            Self::Runtype => "runtype",
        }
    }
}

impl fmt::Display for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConnectionKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown connection kind {name:?}: expected local, mcp-keys or runtype"
                ))
            })
    }
}

/// A saved connection. Its management token is in the OS keyring under
/// [`Connection::keyring_account`], never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Connection {
    /// Stable id, chosen by the store.
    pub id: String,
    /// The name the user gave it, unique.
    pub name: String,
    /// The kind of service.
    pub kind: ConnectionKind,
    /// Base URL of the management API, such as `http://127.0.0.1:7410`.
    pub base_url: String,
    /// Whether commands without `--connection` use it. Exactly one
    /// connection is the default whenever any exist.
    pub is_default: bool,
    /// When it was saved.
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
}

impl Connection {
    /// The account of its management token in the OS keyring (service
    /// [`KEYRING_SERVICE`](crate::KEYRING_SERVICE)): the connection's id,
    /// which never changes, unlike its name.
    pub fn keyring_account(&self) -> &str {
        &self.id
    }
}

/// A connection to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    /// The name, unique among connections.
    pub name: String,
    /// The kind of service.
    pub kind: ConnectionKind,
    /// Base URL of the management API.
    pub base_url: String,
}

#[derive(FromRow)]
struct ConnectionRow {
    id: String,
    name: String,
    kind: String,
    base_url: String,
    is_default: bool,
    created_at: i64,
}

impl TryFrom<ConnectionRow> for Connection {
    type Error = Error;

    fn try_from(row: ConnectionRow) -> Result<Self, Error> {
        Ok(Self {
            kind: row
                .kind
                .parse()
                .map_err(|_| Error::Corrupt(format!("connection kind {:?}", row.kind)))?,
            id: row.id,
            name: row.name,
            base_url: row.base_url,
            is_default: row.is_default,
            created_at: from_millis(row.created_at)?,
        })
    }
}

/// The columns of [`ConnectionRow`], for `concat!` in each query.
macro_rules! columns {
    () => {
        "id, name, kind, base_url, is_default, created_at"
    };
}

impl Store {
    /// Saves a connection. The first one becomes the default.
    pub async fn add_connection(
        &self,
        new: &NewConnection,
        now: DateTime<Utc>,
    ) -> Result<Connection, Error> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("a connection needs a name".into()));
        }
        let id = uuid::Uuid::now_v7().to_string();
        // One statement decides "first one" and inserts, so two processes
        // adding their first connection at once cannot both make it the
        // default (the unique index on the default would refuse it anyway).
        let inserted = sqlx::query(
            "INSERT INTO connections (id, name, kind, base_url, is_default, created_at)
             SELECT $1, $2, $3, $4,
                    NOT EXISTS (SELECT 1 FROM connections WHERE is_default = 1), $5",
        )
        .bind(&id)
        .bind(name)
        .bind(new.kind.as_str())
        .bind(&new.base_url)
        .bind(to_millis(now))
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.connection(&id).await,
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(Error::NameTaken(name.to_owned()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Every connection, oldest first.
    pub async fn list_connections(&self) -> Result<Vec<Connection>, Error> {
        let rows: Vec<ConnectionRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM connections ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Connection::try_from).collect()
    }

    /// The connection with this id.
    pub async fn connection(&self, id: &str) -> Result<Connection, Error> {
        self.find_connection(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "connection",
                id: id.to_owned(),
            })
    }

    /// The connection whose id or name is `id_or_name`, if any: what a user
    /// types after `--connection`.
    pub async fn find_connection(&self, id_or_name: &str) -> Result<Option<Connection>, Error> {
        let row: Option<ConnectionRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM connections WHERE id = $1 OR name = $1
             ORDER BY id = $1 DESC LIMIT 1"
        ))
        .bind(id_or_name)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Connection::try_from).transpose()
    }

    /// The default connection, if any connection exists.
    pub async fn default_connection(&self) -> Result<Option<Connection>, Error> {
        let row: Option<ConnectionRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM connections WHERE is_default = 1"
        ))
        .fetch_optional(&self.pool)
        .await?;
        row.map(Connection::try_from).transpose()
    }

    /// Makes the connection with this id the default.
    pub async fn set_default_connection(&self, id: &str) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM connections WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(Error::NotFound {
                what: "connection",
                id: id.to_owned(),
            });
        }
        sqlx::query("UPDATE connections SET is_default = 0 WHERE is_default = 1")
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE connections SET is_default = 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the connection with this id, with its cached metadata and
    /// pending revocations (its audit entries stay). When it was the
    /// default, the oldest remaining connection becomes the default. The
    /// caller deletes its token from the keyring.
    pub async fn remove_connection(&self, id: &str) -> Result<Connection, Error> {
        let mut tx = self.begin_write().await?;
        let row: Option<ConnectionRow> = sqlx::query_as(concat!(
            "DELETE FROM connections WHERE id = $1 RETURNING ",
            columns!(),
            ""
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let removed = Connection::try_from(row.ok_or_else(|| Error::NotFound {
            what: "connection",
            id: id.to_owned(),
        })?)?;
        if removed.is_default {
            sqlx::query(
                "UPDATE connections SET is_default = 1
                 WHERE id = (SELECT id FROM connections ORDER BY created_at, id LIMIT 1)",
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(removed)
    }
}
