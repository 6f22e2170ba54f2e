//! Adding and removing connections to other key services.

use chrono::Utc;
use mcp_keys_manager::NewConnectionRequest;
use mcp_keys_store::Connection;
use tauri::{AppHandle, Runtime};

use crate::error::IpcResult;
use crate::services::ServicesExt;

/// Checks the token against the server, saves the connection and puts the
/// token in the OS keyring.
#[tauri::command]
pub async fn connection_add<R: Runtime>(
    app: AppHandle<R>,
    request: NewConnectionRequest,
) -> IpcResult<Connection> {
    let services = app.services().await?;
    let added = services.manager.add_connection(request, Utc::now()).await;
    services.sessions.forget_all();
    Ok(added?)
}

/// Forgets a connection and deletes its token from the keyring.
#[tauri::command]
pub async fn connection_remove<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
) -> IpcResult<()> {
    let services = app.services().await?;
    let removed = services.manager.remove_connection(&connection_id).await;
    services.sessions.forget_all();
    removed?;
    Ok(())
}
