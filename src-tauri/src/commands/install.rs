//! "Install into…" in the reveal of a new key (DESIGN §8): the clients a key
//! can go into, and the install itself. The key goes from the reveal store
//! into a keyring slot and the client's config names the slot; the WebView
//! never gets the key text for it.

use std::path::{Path, PathBuf};

use chrono::Utc;
use mcp_keys_ide::Scope;
use mcp_keys_ide::install::{self, AfterRoll, Via};
use mcp_keys_ide::registry::{self, ClientId};
use mcp_keys_manager::{InstallTarget, KeyInstall, ScanOptions};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::error::{ErrorKind, IpcError, IpcResult};
use crate::services::ServicesExt;

/// The clients a key can be installed into, and the home folder their
/// user configs are under.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InstallTargets {
    /// The user's home folder (the UI writes paths under it with `~`).
    pub home: String,
    /// Every client of the registry, in its order.
    pub clients: Vec<InstallClient>,
}

/// One client as "Install into…" offers it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InstallClient {
    /// The client.
    pub id: ClientId,
    /// Its display name ("Claude Code").
    pub name: String,
    /// Its user config, or that config's folder, exists on this machine.
    pub detected: bool,
    /// The user config an install writes; `null` when the client has none
    /// at a fixed path (it then takes project installs only).
    pub user_config: Option<String>,
    /// The project config an install writes, relative to the project
    /// folder; `null` when the client has none at a fixed path.
    pub project_config: Option<String>,
    /// The mechanisms it can take, best first (`literal` last).
    pub mechanisms: Vec<InstallMechanism>,
    /// The mechanism it gets when none is chosen: its best.
    pub default_via: Via,
}

/// A mechanism of one client, with what the client needs after a roll.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InstallMechanism {
    /// How the config gets the key.
    pub via: Via,
    /// What the client needs, after a roll, to use the new key.
    pub after_roll: AfterRoll,
}

/// The clients of the registry, each with whether it is on this machine
/// and the mechanisms it can take.
#[tauri::command]
pub fn install_targets() -> IpcResult<InstallTargets> {
    let home = ScanOptions::for_user(Vec::new())?.home;
    let clients = registry::known_clients()
        .into_iter()
        .map(|known| {
            let user_config = install::config_path_for(known.id, Scope::Global, &home, None);
            // A placeholder project: the path comes out relative to it.
            let project_config =
                install::config_path_for(known.id, Scope::Project, &home, Some(Path::new("")));
            InstallClient {
                id: known.id,
                name: known.name,
                detected: user_config
                    .as_deref()
                    .is_some_and(|config| detected(config, &home)),
                user_config: user_config.map(|path| path.display().to_string()),
                project_config: project_config.map(|path| path.display().to_string()),
                mechanisms: install::mechanisms(known.id)
                    .into_iter()
                    .map(|via| InstallMechanism {
                        via,
                        after_roll: install::after_roll(via),
                    })
                    .collect(),
                default_via: install::default_via(known.id),
            }
        })
        .collect();
    Ok(InstallTargets {
        home: home.display().to_string(),
        clients,
    })
}

/// Whether a client whose user config is `config` is on this machine: the
/// file exists, or its own folder does. The home folder itself says nothing
/// (Claude Code's `~/.claude.json` sits right in it).
fn detected(config: &Path, home: &Path) -> bool {
    config.is_file()
        || config
            .parent()
            .is_some_and(|folder| folder != home && folder.is_dir())
}

/// Installs the key of an open reveal into `client`: into a keyring slot,
/// and an entry naming the slot into the client's user config, or the
/// config of `project` (an absolute folder) when given. `via` defaults to
/// the client's best mechanism.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // One IPC call, its arguments by name.
pub async fn reveal_install<R: Runtime>(
    app: AppHandle<R>,
    reveal_id: String,
    connection_id: String,
    product_id: String,
    surface_id: String,
    client: ClientId,
    via: Option<Via>,
    project: Option<String>,
) -> IpcResult<KeyInstall> {
    let program = mcp_keys_program()?;
    let project = project.map(project_folder).transpose()?;
    let services = app.services().await?;
    let key = services.reveals.key(&reveal_id)?;
    let session = services
        .sessions
        .get(&services.manager, &connection_id)
        .await?;
    let now = Utc::now();
    let surface = session.surface(&product_id, &surface_id, now).await?;
    // The key must be one of this surface's: the slot records the surface's
    // URL, and a key of another surface would be refused there.
    if !surface.keys.iter().any(|listed| listed.id == key.id()) {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            format!("this key is not a key of surface {:?}", surface.name),
        ));
    }
    let target = InstallTarget {
        client,
        via,
        scope: if project.is_some() {
            Scope::Project
        } else {
            Scope::Global
        },
        home: ScanOptions::for_user(Vec::new())?.home,
        project,
        server_name: None,
        program,
    };
    Ok(session
        .install_key(&surface, key.id(), &key, &target, now)
        .await?)
}

/// A project folder as the user typed it: absolute, and an existing folder
/// (an install must not create a project where none is).
fn project_folder(text: String) -> IpcResult<PathBuf> {
    let path = PathBuf::from(text.trim());
    if !path.is_absolute() || !path.is_dir() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            format!(
                "the project folder must be the full path of an existing folder: {}",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// Where the `mcp-keys` program the configs run (`headers`, `bridge`) is
/// when installed beside the app, by its absolute path, since a client
/// started from the desktop may not have it on its PATH.
pub(super) fn program_beside_app() -> IpcResult<PathBuf> {
    let name = if cfg!(windows) {
        "mcp-keys.exe"
    } else {
        "mcp-keys"
    };
    std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map(|exe| exe.with_file_name(name))
        .map_err(|error| {
            IpcError::new(
                ErrorKind::Internal,
                format!("cannot tell where MCP Keys is installed: {error}"),
            )
        })
}

/// The `mcp-keys` program beside the app, which must be there: a config is
/// about to run it.
pub(super) fn mcp_keys_program() -> IpcResult<PathBuf> {
    let program = program_beside_app()?;
    if program.is_file() {
        return Ok(program);
    }
    Err(IpcError::new(
        ErrorKind::Internal,
        format!(
            "the mcp-keys command is not installed beside MCP Keys ({}): the client's config \
             runs it to read the key from the keyring. Install the mcp-keys command in that \
             folder, then try again",
            program
                .parent()
                .map_or_else(String::new, |folder| folder.display().to_string())
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::detected;

    #[test]
    fn a_config_in_the_home_folder_itself_is_detected_only_when_it_exists() -> std::io::Result<()> {
        let home = tempfile_dir()?;
        let config = home.join(".claude.json");
        assert!(
            !detected(&config, &home),
            "the home folder alone says nothing"
        );
        std::fs::write(&config, "{}")?;
        assert!(detected(&config, &home));
        std::fs::remove_dir_all(&home)
    }

    #[test]
    fn a_client_folder_without_its_config_is_detected() -> std::io::Result<()> {
        let home = tempfile_dir()?;
        let config = home.join(".cursor/mcp.json");
        assert!(!detected(&config, &home));
        std::fs::create_dir_all(home.join(".cursor"))?;
        assert!(detected(&config, &home), "Cursor's folder is there");
        std::fs::remove_dir_all(&home)
    }

    fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
        let dir = std::env::temp_dir().join(format!("mcp-keys-detect-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}
