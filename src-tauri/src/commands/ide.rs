//! The IDEs page: which IDE config uses which key, doctor's findings, their
//! one-click fixes, and "Used by" for a key; the clients the UI names and
//! their Connect-tab configs. Thin: each calls the manager or the IDE
//! crate's registry.

use std::path::PathBuf;

use chrono::Utc;
use mcp_keys_ide::registry::{self, KnownClient};
use mcp_keys_ide::snippet::{self, ConnectSnippets};
use mcp_keys_manager::{IdeDoctor, IdeScan, KeyServices, ScanOptions};
use mcp_keys_store::ScanResult;
use tauri::{AppHandle, Runtime};

use crate::error::IpcResult;
use crate::services::ServicesExt;

/// The scan options of the user's home and `projects`.
pub(super) fn options(projects: Vec<String>) -> IpcResult<ScanOptions> {
    Ok(ScanOptions::for_user(
        projects.into_iter().map(PathBuf::from).collect(),
    )?)
}

/// Scans the IDE configs of the user's home and `projects`; the result is
/// also saved for "Used by" and the revoke dialog, and its configs are
/// watched from then on.
#[tauri::command]
pub async fn ide_scan<R: Runtime>(app: AppHandle<R>, projects: Vec<String>) -> IpcResult<IdeScan> {
    let options = options(projects)?;
    let scan = app
        .services()
        .await?
        .manager
        .scan(&options, KeyServices::Saved, Utc::now())
        .await?;
    // From now on, a change to one of these configs refreshes the page.
    crate::watch::follow(&app, &options);
    Ok(scan)
}

/// Doctor's findings over the same configs.
#[tauri::command]
pub async fn ide_doctor<R: Runtime>(
    app: AppHandle<R>,
    projects: Vec<String>,
) -> IpcResult<IdeDoctor> {
    Ok(app
        .services()
        .await?
        .manager
        .doctor(&options(projects)?, KeyServices::Saved, Utc::now())
        .await?)
}

/// The one-click fix of `plaintext_key_not_gitignored`: adds the config to
/// its work tree's `.gitignore`. Returns the `.gitignore` written. Only a
/// config of the latest scan is accepted (the manager checks).
#[tauri::command]
pub async fn ide_fix<R: Runtime>(app: AppHandle<R>, config_path: String) -> IpcResult<String> {
    let written = app
        .services()
        .await?
        .manager
        .ignore_config(&PathBuf::from(config_path))
        .await?;
    Ok(written.display().to_string())
}

/// The configs of the latest scan that hold the key (client, path, status).
#[tauri::command]
pub async fn key_usage<R: Runtime>(
    app: AppHandle<R>,
    key_id: String,
) -> IpcResult<Vec<ScanResult>> {
    Ok(app.services().await?.manager.key_usage(&key_id).await?)
}

/// Every client MCP Keys knows, with its display name, in the registry's
/// order: the UI names clients and suggests key names from this.
#[tauri::command]
pub fn ide_clients() -> Vec<KnownClient> {
    registry::known_clients()
}

/// A ready-to-paste config per client for the surface `surface_name` at
/// `url`, the key a placeholder (the Connect tab).
#[tauri::command]
pub fn ide_snippets(surface_name: String, url: String) -> ConnectSnippets {
    snippet::connect_snippets(&surface_name, &url)
}
