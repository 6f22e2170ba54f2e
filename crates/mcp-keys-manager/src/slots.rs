//! Keys out of plain text (DESIGN §8): a key installed into an IDE goes into
//! a keyring slot, and the IDE's config names the slot through the best
//! mechanism the client has. A roll then rewrites the slot, not the config.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use mcp_keys_client::{CreatedKey, Surface};
use mcp_keys_core::{ApiKey, Sensitive};
use mcp_keys_ide::install::{self, AfterRoll, InstallRequest, Installed, Via};
use mcp_keys_ide::{ClientId, Scope};
use mcp_keys_store::{Slot, SlotName, SlotSecret, read_slot, write_slot};
use serde::Serialize;
use ts_rs::TS;

use crate::session::Subject;
use crate::{Error, Manager, Session};

/// Where to install a key, as the user picks it.
#[derive(Debug, Clone)]
pub struct InstallTarget {
    /// The client.
    pub client: ClientId,
    /// The mechanism; the client's preferred one when not given.
    pub via: Option<Via>,
    /// The user's config or a project's.
    pub scope: Scope,
    /// The home folder whose configs are written.
    pub home: PathBuf,
    /// The project folder, for the project scope.
    pub project: Option<PathBuf>,
    /// The server's name in the config; the surface's name when not given.
    pub server_name: Option<String>,
    /// The `mcp-keys` program the config runs (`headers`, `bridge`).
    pub program: PathBuf,
}

/// A key installed into one client.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyInstall {
    /// The slot that holds the key; none for a literal install.
    pub slot: Option<Slot>,
    /// The variable `mcp-keys run` sets for an `env` install.
    pub env_var: Option<String>,
    /// What was written where.
    pub installed: Installed,
}

/// A slot a roll moved to the new key, or could not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SlotRefill {
    /// The slot.
    pub slot: SlotName,
    /// The client whose config names it, when known.
    pub client: Option<ClientId>,
    /// How that config names it.
    pub via: Option<Via>,
    /// What that client needs to use the new key.
    pub after_roll: Option<AfterRoll>,
    /// Why it still holds the old key, when it does.
    pub error: Option<String>,
}

impl Manager {
    /// The secret of slot `name`: the key and where it goes. Blocking (a
    /// keyring round trip).
    pub fn read_slot(&self, name: &SlotName) -> Result<SlotSecret, Error> {
        Ok(read_slot(self.secrets(), name)?)
    }

    /// The slot a helper or bridge should use: `name` when given, else the
    /// one slot whose surface is at `url`, or among several the one MCP Keys
    /// named after Claude Code and `server_name` (Claude Code passes the
    /// server's name and URL to its headers helper).
    pub async fn resolve_slot(
        &self,
        name: Option<&str>,
        url: Option<&str>,
        server_name: Option<&str>,
    ) -> Result<SlotName, Error> {
        if let Some(name) = name {
            return Ok(SlotName::new(name)?);
        }
        let Some(url) = url else {
            return Err(Error::Invalid(
                "name the slot with --slot NAME (`mcp-keys slots list` shows them)".to_owned(),
            ));
        };
        let mut slots = self.store().slots_for_url(url).await?;
        if slots.len() > 1
            && let Some(server_name) = server_name
        {
            let named = SlotName::slug(&[ClientId::ClaudeCode.as_str(), server_name]);
            slots.retain(|slot| slot.name == named);
        }
        match slots.len() {
            1 => Ok(slots.remove(0).name),
            0 => Err(Error::Invalid(format!(
                "no keyring slot is for {url}: install a key for it (`mcp-keys keys install`)"
            ))),
            _ => Err(Error::Invalid(format!(
                "several keyring slots are for {url}: name one with --slot NAME"
            ))),
        }
    }

    /// Puts `key` into slot `name` (keyring first, then the index).
    pub async fn keep_in_slot(
        &self,
        name: &SlotName,
        url: &str,
        surface_id: Option<&str>,
        key_id: &str,
        key: &ApiKey,
        now: DateTime<Utc>,
    ) -> Result<Slot, Error> {
        let secret = SlotSecret {
            url: url.to_owned(),
            key_id: key_id.to_owned(),
            key: Sensitive::new(key.expose_secret().to_owned()),
        };
        write_slot(self.secrets(), name, &secret)?;
        Ok(self
            .store()
            .put_slot(name, url, key_id, key, surface_id, now)
            .await?)
    }

    /// Moves every slot of `old_key_id` to the key a roll made. A slot that
    /// cannot be written keeps the old key and says why; the new key is the
    /// caller's to show all the same.
    pub async fn refill_slots(
        &self,
        old_key_id: &str,
        created: &CreatedKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotRefill>, Error> {
        let mut refills = Vec::new();
        for slot in self.store().slots_of_key(old_key_id).await? {
            let error = self
                .keep_in_slot(
                    &slot.name,
                    &slot.url,
                    slot.surface_id.as_deref(),
                    &created.metadata.id,
                    &created.key,
                    now,
                )
                .await
                .err()
                .map(|error| error.to_string());
            let client = slot
                .client
                .as_deref()
                .and_then(|client| serde_json::from_value(client.into()).ok());
            let via = slot.via.as_deref().and_then(|via| via.parse::<Via>().ok());
            refills.push(SlotRefill {
                slot: slot.name,
                client,
                via,
                after_roll: via.map(install::after_roll),
                error,
            });
        }
        Ok(refills)
    }

    /// The key of an installed key: from any slot that holds it. A key that
    /// no slot holds was shown once and is not kept anywhere.
    pub async fn installed_key(&self, key_id: &str) -> Result<ApiKey, Error> {
        let slots = self.store().slots_of_key(key_id).await?;
        for slot in &slots {
            let secret = self.read_slot(&slot.name)?;
            if secret.key_id == key_id {
                return ApiKey::parse(secret.key.expose()).map_err(|_| {
                    Error::Invalid(format!("keyring slot {} does not hold a key", slot.name))
                });
            }
        }
        Err(Error::Invalid(format!(
            "key {key_id} is in no keyring slot: MCP Keys keeps a key only once it is \
             installed. Create a key with `mcp-keys keys create SURFACE --name N --install \
             CLIENT`, or roll this one"
        )))
    }
}

impl Session {
    /// Installs `key` (just created, or read from a slot) of `surface` into
    /// the client of `target`: the slot first, then the client's config.
    pub async fn install_key(
        &self,
        surface: &Surface,
        key_id: &str,
        key: &ApiKey,
        target: &InstallTarget,
        now: DateTime<Utc>,
    ) -> Result<KeyInstall, Error> {
        let url = surface.url.as_deref().ok_or_else(|| {
            Error::Invalid(format!(
                "surface {:?} has no MCP endpoint URL to install",
                surface.name
            ))
        })?;
        let via = target
            .via
            .unwrap_or_else(|| install::default_via(target.client));
        if !install::mechanisms(target.client).contains(&via) {
            return Err(Error::Invalid(format!(
                "{} cannot take a key through {}; it can through: {}",
                target.client,
                via.as_str(),
                install::mechanisms(target.client)
                    .iter()
                    .map(|via| via.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let server_name = target
            .server_name
            .clone()
            .unwrap_or_else(|| SlotName::slug(&[&surface.name]).to_string());
        let name = SlotName::slug(&[target.client.as_str(), &server_name]);
        let slot = if via == Via::Literal {
            None
        } else {
            Some(
                self.manager
                    .keep_in_slot(&name, url, Some(&surface.id), key_id, key, now)
                    .await?,
            )
        };
        let env_var = name.env_var();
        let literal = Sensitive::new(key.expose_secret().to_owned());
        let request = InstallRequest {
            client: target.client,
            via,
            scope: target.scope,
            home: &target.home,
            project: target.project.as_deref(),
            server_name: &server_name,
            url,
            slot: name.as_str(),
            env_var: &env_var,
            program: &target.program,
            key: (via == Via::Literal).then_some(&literal),
        };
        let installed = install::install(&request)?;
        if slot.is_some() {
            self.manager
                .store()
                .set_slot_use(&name, target.client.as_str(), via.as_str())
                .await?;
        }
        self.audit(
            "key.install",
            Subject {
                product_id: Some(&surface.product_id),
                surface_id: Some(&surface.id),
                key_id: Some(key_id),
            },
            Some(format!(
                "installed into {} through {} ({})",
                target.client,
                via.as_str(),
                installed.config_path.display()
            )),
            now,
        )
        .await;
        Ok(KeyInstall {
            env_var: (via == Via::Env).then_some(env_var),
            slot,
            installed,
        })
    }
}
