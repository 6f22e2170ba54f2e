//! The Settings page: the clipboard delay, the rotation periods, and the
//! history of what was done from this computer.

use mcp_keys_manager::AuditPage;
use tauri::{AppHandle, Runtime};

use crate::error::IpcResult;
use crate::services::ServicesExt;
use crate::settings::Settings;

/// The preferences as stored, with defaults for what was never set.
#[tauri::command]
pub async fn settings_get<R: Runtime>(app: AppHandle<R>) -> IpcResult<Settings> {
    Ok(Settings::load(&app.services().await?.manager).await?)
}

/// Stores `settings` and returns them as stored; rotation reminders follow
/// the new periods at once.
#[tauri::command]
pub async fn settings_set<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
) -> IpcResult<Settings> {
    let saved = settings.save(&app.services().await?.manager).await?;
    if let Some(reminders) = tauri::Manager::try_state::<crate::reminders::Reminders>(&app) {
        reminders.check_soon();
    }
    Ok(saved)
}

/// A page of the local audit log, newest first: what the app and the CLI
/// did from this computer (ids and words, never a key). `before_id` asks
/// for the entries older than one already shown.
#[tauri::command]
pub async fn audit_list<R: Runtime>(
    app: AppHandle<R>,
    before_id: Option<i64>,
) -> IpcResult<AuditPage> {
    Ok(app.services().await?.manager.audit_log(before_id).await?)
}
