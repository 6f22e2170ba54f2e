//! The Settings page: the clipboard delay and the rotation periods.

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
