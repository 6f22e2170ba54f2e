//! Keyring slots (DESIGN §8): a key that MCP Keys installs into an IDE lives
//! in the OS keyring under a slot's name, and the IDE's config names the
//! slot instead of holding the key (`mcp-keys headers --slot NAME`,
//! `mcp-keys bridge --slot NAME`, `mcp-keys run --slot NAME`). The secret
//! holds what those commands need on their own (the surface's URL, the key
//! and its id), so they work without the database; the database keeps an
//! index of the slots without the key, so a roll finds every slot of a key.

use chrono::{DateTime, Utc};
use mcp_keys_core::{ApiKey, Sensitive};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::plaintext::ensure_none;
use crate::time::{from_millis, to_millis};
use crate::{Error, SecretError, SecretStore, Store};

/// The longest slot name: it becomes part of an environment variable's name
/// and of config entries.
pub const SLOT_NAME_MAX: usize = 64;

/// What comes before a slot's name in its keyring account, so slots never
/// meet the management tokens saved under the same service.
const ACCOUNT_PREFIX: &str = "slot:";

/// A slot's name: lowercase letters, digits and dashes, starting with a
/// letter or digit (`claude-code-local-tools`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct SlotName(String);

impl SlotName {
    /// Checks `name`.
    pub fn new(name: &str) -> Result<Self, Error> {
        let valid = !name.is_empty()
            && name.len() <= SLOT_NAME_MAX
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::Invalid(format!(
                "{name:?} is not a slot name: use lowercase letters, digits and dashes \
                 (at most {SLOT_NAME_MAX}), starting with a letter or digit"
            )))
        }
    }

    /// A valid name made from free text (`Claude Code` + `Local tools` →
    /// `claude-code-local-tools`): lowercased, every run of other characters
    /// one dash, cut to [`SLOT_NAME_MAX`].
    pub fn slug(parts: &[&str]) -> Self {
        let mut name = String::new();
        for c in parts.join("-").chars() {
            if c.is_ascii_alphanumeric() {
                name.push(c.to_ascii_lowercase());
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        name.truncate(SLOT_NAME_MAX);
        let trimmed = name.trim_end_matches('-');
        Self(if trimmed.is_empty() {
            "mcp-keys".to_owned()
        } else {
            trimmed.to_owned()
        })
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The environment variable that carries this slot's key to a client
    /// started by `mcp-keys run` (`MCP_KEY_CLAUDE_CODE_LOCAL_TOOLS`).
    pub fn env_var(&self) -> String {
        format!("MCP_KEY_{}", self.0.to_ascii_uppercase().replace('-', "_"))
    }

    fn account(&self) -> String {
        format!("{ACCOUNT_PREFIX}{}", self.0)
    }
}

impl TryFrom<String> for SlotName {
    type Error = Error;

    fn try_from(name: String) -> Result<Self, Error> {
        Self::new(&name)
    }
}

impl From<SlotName> for String {
    fn from(name: SlotName) -> Self {
        name.0
    }
}

impl std::fmt::Display for SlotName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a slot holds in the keyring.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotSecret {
    /// The surface's MCP endpoint.
    pub url: String,
    /// The id of the key.
    pub key_id: String,
    /// The key.
    pub key: Sensitive<String>,
}

impl SlotSecret {
    /// The text saved in the keyring.
    fn to_secret(&self) -> Sensitive<String> {
        Sensitive::new(
            serde_json::json!({
                "url": self.url,
                "keyId": self.key_id,
                "key": self.key.expose(),
            })
            .to_string(),
        )
    }
}

/// A slot as the index records it: everything but the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Slot {
    /// Its name.
    pub name: SlotName,
    /// The surface's MCP endpoint.
    pub url: String,
    /// The key it holds.
    pub key_id: String,
    /// That key's public prefix (`mcp_prod_3kT9`).
    pub key_prefix: String,
    /// The key's surface, when known.
    pub surface_id: Option<String>,
    /// The client whose config names the slot (`claude-code`), once installed.
    pub client: Option<String>,
    /// How that config names it (`helper`, `bridge`, `env`).
    pub via: Option<String>,
    /// When it was created.
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// When its key last changed.
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct SlotRow {
    name: String,
    url: String,
    key_id: String,
    key_prefix: String,
    surface_id: Option<String>,
    client: Option<String>,
    via: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<SlotRow> for Slot {
    type Error = Error;

    fn try_from(row: SlotRow) -> Result<Self, Error> {
        Ok(Self {
            name: SlotName::new(&row.name).map_err(|_| Error::Corrupt(row.name.clone()))?,
            url: row.url,
            key_id: row.key_id,
            key_prefix: row.key_prefix,
            surface_id: row.surface_id,
            client: row.client,
            via: row.via,
            created_at: from_millis(row.created_at)?,
            updated_at: from_millis(row.updated_at)?,
        })
    }
}

/// The columns of a [`SlotRow`], for queries that must be static text.
macro_rules! slot_columns {
    () => {
        "name, url, key_id, key_prefix, surface_id, client, via, created_at, updated_at"
    };
}

/// Reads a slot's secret from the keyring. Blocking (a D-Bus round trip).
pub fn read_slot(secrets: &dyn SecretStore, name: &SlotName) -> Result<SlotSecret, Error> {
    let text = secrets
        .get(&name.account())?
        .ok_or_else(|| Error::NotFound {
            what: "keyring slot",
            id: name.to_string(),
        })?;
    serde_json::from_str(text.expose())
        .map_err(|_| Error::Corrupt(format!("keyring slot {name} does not hold a slot")))
}

/// Writes a slot's secret into the keyring. Blocking.
pub fn write_slot(
    secrets: &dyn SecretStore,
    name: &SlotName,
    secret: &SlotSecret,
) -> Result<(), SecretError> {
    secrets.set(&name.account(), &secret.to_secret())
}

/// Deletes a slot's secret from the keyring. Blocking.
pub fn delete_slot_secret(secrets: &dyn SecretStore, name: &SlotName) -> Result<(), SecretError> {
    secrets.delete(&name.account())
}

impl Store {
    /// Records (or updates) the index row of slot `name`, which holds
    /// `key` now. Only the key's prefix is kept.
    pub async fn put_slot(
        &self,
        name: &SlotName,
        url: &str,
        key_id: &str,
        key: &ApiKey,
        surface_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Slot, Error> {
        ensure_none(url, "slot URL")?;
        let row: SlotRow = sqlx::query_as(concat!(
            "INSERT INTO key_slots (name, url, key_id, key_prefix, surface_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, key_id = excluded.key_id,
                 key_prefix = excluded.key_prefix,
                 surface_id = COALESCE(excluded.surface_id, key_slots.surface_id),
                 updated_at = excluded.updated_at
             RETURNING ",
            slot_columns!(),
            ""
        ))
        .bind(name.as_str())
        .bind(url)
        .bind(key_id)
        .bind(key.key_prefix())
        .bind(surface_id)
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// The slot named `name`, if the index has it.
    pub async fn slot(&self, name: &SlotName) -> Result<Option<Slot>, Error> {
        let row: Option<SlotRow> = sqlx::query_as(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM key_slots WHERE name = $1"
        ))
        .bind(name.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(Slot::try_from).transpose()
    }

    /// Every slot, by name.
    pub async fn list_slots(&self) -> Result<Vec<Slot>, Error> {
        let rows: Vec<SlotRow> = sqlx::query_as(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM key_slots ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Slot::try_from).collect()
    }

    /// The slots that hold key `key_id`.
    pub async fn slots_of_key(&self, key_id: &str) -> Result<Vec<Slot>, Error> {
        let rows: Vec<SlotRow> = sqlx::query_as(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM key_slots WHERE key_id = $1 ORDER BY name"
        ))
        .bind(key_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Slot::try_from).collect()
    }

    /// The slots for a surface's URL.
    pub async fn slots_for_url(&self, url: &str) -> Result<Vec<Slot>, Error> {
        let rows: Vec<SlotRow> = sqlx::query_as(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM key_slots WHERE url = $1 ORDER BY name"
        ))
        .bind(url)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Slot::try_from).collect()
    }

    /// Records which client's config names slot `name`, and how; whether
    /// the slot is indexed.
    pub async fn set_slot_use(
        &self,
        name: &SlotName,
        client: &str,
        via: &str,
    ) -> Result<bool, Error> {
        let done = sqlx::query("UPDATE key_slots SET client = $2, via = $3 WHERE name = $1")
            .bind(name.as_str())
            .bind(client)
            .bind(via)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets slot `name`; whether there was one.
    pub async fn delete_slot(&self, name: &SlotName) -> Result<bool, Error> {
        let done = sqlx::query("DELETE FROM key_slots WHERE name = $1")
            .bind(name.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_names_are_checked_and_slugged() {
        assert!(SlotName::new("cursor-local-tools").is_ok());
        assert!(SlotName::new("Cursor").is_err());
        assert!(SlotName::new("-x").is_err());
        assert!(SlotName::new("a b").is_err());
        assert!(SlotName::new(&"a".repeat(SLOT_NAME_MAX + 1)).is_err());
        assert_eq!(
            SlotName::slug(&["claude-code", "Local tools!"]).as_str(),
            "claude-code-local-tools"
        );
        assert_eq!(SlotName::slug(&["¿?", ""]).as_str(), "mcp-keys");
        assert_eq!(
            SlotName::slug(&["cursor", "docs"]).env_var(),
            "MCP_KEY_CURSOR_DOCS"
        );
    }
}
