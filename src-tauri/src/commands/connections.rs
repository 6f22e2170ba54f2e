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
    Ok(app
        .services()
        .await?
        .manager
        .add_connection(request, Utc::now())
        .await?)
}

/// Forgets a connection and deletes its token from the keyring.
#[tauri::command]
pub async fn connection_remove<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
) -> IpcResult<()> {
    app.services()
        .await?
        .manager
        .remove_connection(&connection_id)
        .await?;
    Ok(())
}
