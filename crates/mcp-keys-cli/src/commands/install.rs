//! `keys create --install CLIENT` and `keys install KEY_ID --client CLIENT`:
//! the key goes into a keyring slot and the client's config names the slot
//! (DESIGN §8). A key the server minted always reaches the user: when an
//! install fails, `keys create` prints the key as it would without one.

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use mcp_keys_client::Surface;
use mcp_keys_core::ApiKey;
use mcp_keys_manager::mcp_keys_ide::install::Via;
use mcp_keys_manager::mcp_keys_ide::{ClientId, Scope, registry};
use mcp_keys_manager::{InstallTarget, KeyInstall, Session};
use serde::Serialize;

use crate::context::Context;
use crate::exit::CliError;
use crate::output::printable;

/// Where to install, as `keys create --install` and `keys install` take it.
#[derive(Debug, Clone, Args)]
pub struct InstallOptions {
    /// How the client gets the key: helper, bridge, env, input or literal
    /// (default: the best the client has; literal only when asked for).
    #[arg(long, value_name = "MECHANISM", value_parser = parse_via)]
    pub via: Option<Via>,
    /// Install into this project's config instead of the user's.
    #[arg(long = "project", value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// The home folder whose configs to write (default: yours).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// The server's name in the config (default: the surface's name).
    #[arg(long, value_name = "NAME")]
    pub server_name: Option<String>,
}

/// Options of `mcp-keys keys install`.
#[derive(Debug, Args)]
pub struct InstallKeyArgs {
    /// The key's id; a key MCP Keys installed before (it is in a slot).
    pub key: String,
    /// The client to install into; repeat for more.
    #[arg(long = "client", value_name = "CLIENT", required = true, value_parser = parse_client)]
    pub clients: Vec<ClientId>,
    #[command(flatten)]
    pub options: InstallOptions,
}

/// `keys install --json`: one object per client.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallResult {
    client: ClientId,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    install: Option<KeyInstall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl InstallResult {
    /// Whether this client got the key.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Installs `key` of `surface` into each of `clients`, one result each; a
/// failure does not stop the others.
pub async fn install_all(
    session: &Session,
    surface: &Surface,
    key_id: &str,
    key: &ApiKey,
    clients: &[ClientId],
    options: &InstallOptions,
) -> anyhow::Result<Vec<InstallResult>> {
    let home = match &options.home {
        Some(home) => home.clone(),
        None => dirs::home_dir().ok_or_else(|| {
            CliError::Usage("the home folder is not known: pass --home DIR".to_owned())
        })?,
    };
    let program = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|error| anyhow::anyhow!("cannot tell where mcp-keys is installed: {error}"))?;
    let mut results = Vec::new();
    for &client in clients {
        let target = InstallTarget {
            client,
            via: options.via,
            scope: if options.project.is_some() {
                Scope::Project
            } else {
                Scope::Global
            },
            home: home.clone(),
            project: options.project.clone(),
            server_name: options.server_name.clone(),
            program: program.clone(),
        };
        let outcome = session
            .install_key(surface, key_id, key, &target, Utc::now())
            .await;
        results.push(match outcome {
            Ok(install) => InstallResult {
                client,
                install: Some(install),
                error: None,
            },
            Err(error) => InstallResult {
                client,
                install: None,
                error: Some(error.to_string()),
            },
        });
    }
    Ok(results)
}

/// `mcp-keys keys install`.
pub async fn install(
    context: &Context,
    session: &Session,
    args: InstallKeyArgs,
) -> anyhow::Result<()> {
    let key = session.find_key(&args.key).await?;
    let plaintext = context.manager.installed_key(&key.id).await?;
    let surface = session
        .surface(&key.product_id, &key.surface_id, Utc::now())
        .await?;
    let results = install_all(
        session,
        &surface,
        &key.id,
        &plaintext,
        &args.clients,
        &args.options,
    )
    .await?;
    if context.output.json {
        context.output.json(&results)?;
    } else {
        report(&results);
    }
    failed(&results)
}

/// What each install did, on stderr.
pub fn report(results: &[InstallResult]) {
    for result in results {
        let name =
            registry::client(result.client).map_or(result.client.as_str(), |spec| &spec.name);
        match (&result.install, &result.error) {
            (Some(install), _) => {
                let installed = &install.installed;
                eprintln!(
                    "Installed into {name} through {}: {} ({} {:?}).",
                    installed.via.as_str(),
                    printable(&installed.config_path.display().to_string(), false),
                    if installed.replaced_entry {
                        "replaced server"
                    } else {
                        "server"
                    },
                    installed.server_name,
                );
                if let Some(slot) = &install.slot {
                    eprintln!("  the key is in keyring slot {}", slot.name);
                }
                if let Some(var) = &install.env_var {
                    eprintln!(
                        "  start {name} with the key in {var}: mcp-keys run --slot {} -- COMMAND",
                        install
                            .slot
                            .as_ref()
                            .map_or("NAME", |slot| slot.name.as_str())
                    );
                }
            }
            (None, error) => eprintln!(
                "NOT installed into {name}: {}",
                printable(error.as_deref().unwrap_or("unknown error"), false)
            ),
        }
    }
}

/// An error when any install failed, so the exit code says so.
pub fn failed(results: &[InstallResult]) -> anyhow::Result<()> {
    let failed = results.iter().filter(|result| !result.ok()).count();
    if failed > 0 {
        anyhow::bail!("{failed} install(s) failed: see above");
    }
    Ok(())
}

/// Parses a client id (`claude-code`).
pub fn parse_client(text: &str) -> Result<ClientId, String> {
    registry::known_clients()
        .into_iter()
        .find(|known| known.id.as_str() == text)
        .map(|known| known.id)
        .ok_or_else(|| {
            format!(
                "unknown client {text:?}; one of: {}",
                registry::known_clients()
                    .iter()
                    .map(|known| known.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

fn parse_via(text: &str) -> Result<Via, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not one of helper, bridge, env, input, literal"))
}
