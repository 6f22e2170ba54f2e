//! OAuth mode (DESIGN §9): the pending authorization requests, approving
//! or denying one, and a surface's grants.

use chrono::Utc;
use mcp_keys_client::Grant;
use tauri::{AppHandle, Manager as _, Runtime};

use crate::authorizations::{Authorizations, PendingAuthorization};
use crate::error::IpcResult;
use crate::services::ServicesExt;

/// The requests pending at the watcher's last look (it looks every 2 s and
/// emits `oauth://requests` when they change).
#[tauri::command]
pub fn oauth_requests_list<R: Runtime>(app: AppHandle<R>) -> Vec<PendingAuthorization> {
    app.try_state::<Authorizations>()
        .map(|state| state.pending())
        .unwrap_or_default()
}

/// Approves a request, with `scopes` narrower than asked when given; the
/// grant made.
#[tauri::command]
pub async fn oauth_request_approve<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    request_id: String,
    scopes: Option<Vec<String>>,
) -> IpcResult<Grant> {
    let session = app.session(&connection_id).await?;
    let grant = session
        .approve_oauth_request(&request_id, scopes.as_deref(), Utc::now())
        .await;
    decided(&app);
    Ok(grant?)
}

/// Denies a request: the client is sent back with `access_denied`.
#[tauri::command]
pub async fn oauth_request_deny<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    request_id: String,
) -> IpcResult<()> {
    let session = app.session(&connection_id).await?;
    let denied = session.deny_oauth_request(&request_id, Utc::now()).await;
    decided(&app);
    Ok(denied?)
}

/// The clients a surface authorized, revoked ones included.
#[tauri::command]
pub async fn grants_list<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
) -> IpcResult<Vec<Grant>> {
    let session = app.session(&connection_id).await?;
    Ok(session
        .client()
        .list_grants(&product_id, &surface_id)
        .await
        .map_err(mcp_keys_manager::Error::from)?)
}

/// Revokes a grant: its tokens are refused from the moment this returns.
#[tauri::command]
pub async fn grant_revoke<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    grant_id: String,
) -> IpcResult<()> {
    let session = app.session(&connection_id).await?;
    Ok(session
        .revoke_grant(&product_id, &surface_id, &grant_id, Utc::now())
        .await?)
}

/// A request was decided here (or failed to be, perhaps because it was
/// decided elsewhere): the watcher looks again now, so the list the UI
/// holds follows at once.
fn decided<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<Authorizations>() {
        state.check_soon();
    }
}
