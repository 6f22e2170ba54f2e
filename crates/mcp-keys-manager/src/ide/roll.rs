//! A roll that also rewrites every IDE config holding the old key
//! (`keys roll --update-configs`, the app's Roll): the report of each
//! config, and the promise that the minted key always reaches the user.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use mcp_keys_client::VerifyRequest;
use mcp_keys_core::Fingerprint;
use mcp_keys_ide::edit::{EditOptions, Target, replace_key};
use mcp_keys_ide::{ClientId, Collected, Found, KeyKind, Os, assignments, collect};
use serde::Serialize;
use ts_rs::TS;

use super::ScanOptions;
use crate::{Error, Rolled, Session};

/// One config a roll tried to update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigUpdate {
    /// The client that reads it (the first, when several do).
    pub client: ClientId,
    /// Every client that reads it (`.mcp.json`: Claude Code and Copilot CLI).
    pub clients: Vec<ClientId>,
    /// The config file as found.
    pub config_path: String,
    /// Whether the new key is now in it.
    pub updated: bool,
    /// How many places changed.
    pub replaced: usize,
    /// Each place that held the old key, as a JSON Pointer into the file
    /// (`/projects/~1home~1ada~1app/mcpServers/docs/headers/Authorization`).
    pub places: Vec<String>,
    /// The restorable copy of the previous content.
    pub backup: Option<String>,
    /// Why it was not updated.
    pub error: Option<String>,
    /// It was readable by every user and, holding the new key now, was
    /// narrowed to its owner (0600).
    pub tightened: bool,
}

/// What a roll with config updates did, besides the roll itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigRollReport {
    /// The old key, still accepted until the end of the grace period.
    pub old_key_id: String,
    /// The new key.
    pub new_key_id: String,
    /// Each config that held the old key.
    pub configs: Vec<ConfigUpdate>,
    /// Whether the service accepts the new key on its surface.
    pub verified: bool,
    /// Why it does not, when it does not (the service's reason code).
    pub verify_code: Option<String>,
    /// The clients whose configs changed: they read their config at start,
    /// so they need a restart before the grace period ends.
    pub restart: Vec<ClientId>,
    /// Environment variables that configs refer to and that hold the old
    /// key (or may: not set where MCP Keys runs, in an entry for this
    /// key's surface). A roll cannot rewrite a shell's environment: update
    /// each, then restart the clients that read it.
    pub variables: Vec<VariableUpdate>,
    /// What went wrong after the service rolled the key (the new key stands
    /// and is shown all the same): a scan that stopped, a verification that
    /// could not be made.
    pub problems: Vec<String>,
}

/// An environment variable that still holds the old key after a roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VariableUpdate {
    /// The variable (`MK_KEY`; `input:id` for a VS Code input).
    pub variable: String,
    /// True when MCP Keys saw the old key in it; false when it is not set
    /// where MCP Keys runs but refers to the rolled key's surface.
    pub holds_old_key: bool,
    /// The clients whose configs refer to it.
    pub clients: Vec<ClientId>,
    /// Those configs.
    pub config_paths: Vec<String>,
    /// The startup-file lines that set it (`/home/ada/.bashrc:12`), where
    /// MCP Keys can tell.
    pub set_in: Vec<String>,
}

/// A roll, and what happened to the configs that held the old key when
/// they were to be updated.
#[derive(Debug)]
pub struct RolledWithConfigs {
    /// The roll (the new key is shown once, from here).
    pub rolled: Rolled,
    /// What happened to each config, when configs were updated.
    pub report: Option<ConfigRollReport>,
}

impl Session {
    /// The app's Roll and `keys roll`: rolls the key and, with `configs`
    /// (`--update-configs`, the app's "Roll and update configs"), writes the
    /// new key into every config found under them that held the old one (in
    /// place, with a backup in the data dir), verifies the new key against
    /// its surface, and says which clients need a restart. The old key stays
    /// accepted for `grace`, then the service (or, for a degraded roll, this
    /// app) revokes it. A config that cannot be updated is reported and the
    /// others are still updated: the roll has happened.
    pub async fn roll_key_with_configs(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
        grace: Duration,
        configs: Option<&ScanOptions>,
        now: DateTime<Utc>,
    ) -> Result<RolledWithConfigs, Error> {
        let rolled = self
            .roll_key(product_id, surface_id, key_id, grace, now)
            .await?;
        let report = match configs {
            Some(options) => Some(
                self.update_configs(&rolled, surface_id, grace, options, now)
                    .await,
            ),
            None => None,
        };
        Ok(RolledWithConfigs { rolled, report })
    }

    /// Writes the new key of `rolled` into the configs under `options` that
    /// held the old one. The service has minted the new key: nothing here
    /// may fail the call, or the key would never reach the user.
    async fn update_configs(
        &self,
        rolled: &Rolled,
        surface_id: &str,
        grace: Duration,
        options: &ScanOptions,
        now: DateTime<Utc>,
    ) -> ConfigRollReport {
        // From here on the service has minted the new key: nothing may fail
        // the call, or the key would never reach the user. Whatever goes
        // wrong is reported beside it.
        let mut problems = Vec::new();
        self.manager.prune_backups().await;
        let discover = options.discover();
        let collected = match tokio::task::spawn_blocking(move || collect(&discover)).await {
            Ok(collected) => Some(collected),
            Err(error) => {
                problems.push(format!(
                    "the config scan stopped ({error}); update the configs by hand"
                ));
                None
            }
        };
        let backup_dir = self.manager.backup_dir();
        let new_key = rolled.created.key.clone();
        let old_prefix = rolled.old_key.key_prefix.clone();
        // One edit per file: replace_key changes every place of the key in
        // it. Every client that reads the file is noted for the restart.
        let mut targets: Vec<(Target, Fingerprint, Vec<ClientId>)> = Vec::new();
        let mut configs = Vec::new();
        let mut seen = BTreeSet::new();
        for occurrence in collected
            .iter()
            .flat_map(|collected| &collected.occurrences)
        {
            let Some(key) = occurrence.key() else {
                continue;
            };
            if !occurrence.is_plaintext()
                || !matches!(key.kind, KeyKind::Valid(_))
                || key.key_prefix != old_prefix
            {
                continue;
            }
            if seen.insert(occurrence.file.path.clone()) {
                targets.push((Target::from(occurrence), key.fingerprint, Vec::new()));
            }
            if let Some((_, _, clients)) = targets
                .iter_mut()
                .find(|(target, _, _)| target.path == occurrence.file.path)
                && !clients.contains(&occurrence.file.client)
            {
                clients.push(occurrence.file.client);
            }
        }
        let variables = collected.as_ref().map_or_else(Vec::new, |collected| {
            variables_to_update(collected, &old_prefix, surface_id, options)
        });
        // A config that could not be read (malformed, UTF-16, nested too
        // deep) but holds the old key's public prefix is listed as not
        // updated, never left out of the report.
        for problem in collected.iter().flat_map(|collected| &collected.problems) {
            let (Some(path), Some(client)) = (&problem.config_path, problem.client) else {
                continue;
            };
            let holds_old = std::fs::read(path).is_ok_and(|bytes| {
                bytes
                    .windows(old_prefix.len())
                    .any(|window| window == old_prefix.as_bytes())
            });
            if holds_old && seen.insert(PathBuf::from(path)) {
                configs.push(ConfigUpdate {
                    client,
                    clients: vec![client],
                    config_path: path.clone(),
                    updated: false,
                    replaced: 0,
                    places: Vec::new(),
                    backup: None,
                    error: Some(format!(
                        "{} Replace the old key there by hand.",
                        problem.message
                    )),
                    tightened: false,
                });
            }
        }
        let grace_end = now + chrono::TimeDelta::from_std(grace).unwrap_or(chrono::TimeDelta::MAX);
        let edited = tokio::task::spawn_blocking(move || {
            let edit_options = EditOptions {
                backup_dir,
                backup_expires: Some(grace_end),
            };
            targets
                .into_iter()
                .map(|(target, old, clients)| {
                    let config_path = target.path.display().to_string();
                    match replace_key(&target, &old, &new_key, &edit_options) {
                        Ok(outcome) => ConfigUpdate {
                            client: target.client,
                            clients,
                            config_path,
                            updated: true,
                            replaced: outcome.replaced,
                            places: outcome.places,
                            backup: Some(outcome.backup.display().to_string()),
                            error: None,
                            tightened: outcome.tightened,
                        },
                        Err(error) => ConfigUpdate {
                            client: target.client,
                            clients,
                            config_path,
                            updated: false,
                            replaced: 0,
                            places: Vec::new(),
                            backup: None,
                            error: Some(error.to_string()),
                            tightened: false,
                        },
                    }
                })
                .collect::<Vec<_>>()
        })
        .await;
        match edited {
            Ok(mut edited) => {
                edited.append(&mut configs);
                configs = edited;
            }
            Err(error) => problems.push(format!(
                "the config update stopped ({error}); check the configs by hand"
            )),
        }
        let (verified, verify_code) = match self
            .client
            .verify(&VerifyRequest::new(rolled.created.key.expose_secret()).surface(surface_id))
            .await
        {
            Ok(verdict) => (verdict.valid, verdict.code),
            Err(error) => {
                problems.push(format!("the new key could not be verified: {error}"));
                (false, None)
            }
        };
        let restart: Vec<ClientId> = configs
            .iter()
            .filter(|config| config.updated)
            .flat_map(|config| config.clients.iter().copied())
            .chain(
                variables
                    .iter()
                    .flat_map(|variable| variable.clients.iter().copied()),
            )
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        ConfigRollReport {
            old_key_id: rolled.old_key.id.clone(),
            new_key_id: rolled.created.metadata.id.clone(),
            configs,
            verified,
            verify_code,
            restart,
            variables,
            problems,
        }
    }
}

/// The variables that configs refer to and that hold the old key (or may:
/// unset here, in an entry whose URL is the rolled key's surface), with
/// the startup-file lines that set them.
fn variables_to_update(
    collected: &Collected,
    old_prefix: &str,
    surface_id: &str,
    options: &ScanOptions,
) -> Vec<VariableUpdate> {
    let surface_path = format!("/surfaces/{surface_id}/");
    let mut variables: Vec<VariableUpdate> = Vec::new();
    for occurrence in &collected.occurrences {
        let Found::EnvReference {
            variable,
            resolved,
            is_set,
            ..
        } = &occurrence.item.found
        else {
            continue;
        };
        let holds_old_key = resolved
            .as_ref()
            .is_some_and(|key| key.key_prefix == old_prefix);
        let points_here = !is_set
            && occurrence
                .item
                .url
                .as_deref()
                .is_some_and(|url| url.contains(&surface_path));
        if !holds_old_key && !points_here {
            continue;
        }
        let index = match variables
            .iter()
            .position(|known| &known.variable == variable)
        {
            Some(index) => index,
            None => {
                variables.push(VariableUpdate {
                    variable: variable.clone(),
                    holds_old_key,
                    clients: Vec::new(),
                    config_paths: Vec::new(),
                    set_in: assignments(
                        &options.home,
                        &collected.projects,
                        Os::current(),
                        variable,
                    )
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                });
                variables.len() - 1
            }
        };
        let update = &mut variables[index];
        update.holds_old_key |= holds_old_key;
        if !update.clients.contains(&occurrence.file.client) {
            update.clients.push(occurrence.file.client);
        }
        let path = occurrence.file.path.display().to_string();
        if !update.config_paths.contains(&path) {
            update.config_paths.push(path);
        }
    }
    variables
}
