//! Reminders: what is due, snooze, "stop reminding for this key", and
//! starting at login.

use chrono::{DateTime, Utc};
use mcp_keys_manager::{DueReport, Snooze};
use tauri::{AppHandle, Manager as _, Runtime};
use tauri_plugin_autostart::ManagerExt as _;

use crate::error::{ErrorKind, IpcError, IpcResult};
use crate::reminders::{self, Reminders};
use crate::services::ServicesExt;

/// Every key that needs attention now, and which connections were offline.
#[tauri::command]
pub async fn reminders_list<R: Runtime>(app: AppHandle<R>) -> IpcResult<DueReport> {
    let services = app.services().await?;
    let report = reminders::due(&services.manager, reminders::now()).await?;
    // The tray follows; the UI asked, so it is not told again (a listener
    // that re-fetches on `reminder://changed` would loop).
    reminders::remember(&app, &report);
    Ok(report)
}

/// How many keys the last check found due, without checking again: what the
/// window shows at start, until `reminder://changed` brings a newer count.
/// `None` before the first check (a few seconds after the app starts).
#[tauri::command]
pub fn reminders_due_count<R: Runtime>(app: AppHandle<R>) -> Option<usize> {
    app.try_state::<Reminders>()
        .and_then(|reminders| reminders.last_due_count())
}

/// No reminder about `key_id` for a day or a week; returns until when.
#[tauri::command]
pub async fn reminder_snooze<R: Runtime>(
    app: AppHandle<R>,
    key_id: String,
    snooze: Snooze,
) -> IpcResult<DateTime<Utc>> {
    let until = app
        .services()
        .await?
        .manager
        .snooze_reminders(&key_id, snooze, reminders::now())
        .await?;
    check_soon(&app);
    Ok(until)
}

/// Stops (`muted`) or resumes every reminder about `key_id`.
#[tauri::command]
pub async fn reminder_mute<R: Runtime>(
    app: AppHandle<R>,
    key_id: String,
    muted: bool,
) -> IpcResult<()> {
    app.services()
        .await?
        .manager
        .mute_reminders(&key_id, muted, reminders::now())
        .await?;
    check_soon(&app);
    Ok(())
}

/// Whether the app starts (hidden, in the tray) when the user logs in.
#[tauri::command]
pub fn autostart_get<R: Runtime>(app: AppHandle<R>) -> IpcResult<bool> {
    app.autolaunch().is_enabled().map_err(login_item)
}

/// Starts the app at login (`enabled`), or stops doing so.
#[tauri::command]
pub fn autostart_set<R: Runtime>(app: AppHandle<R>, enabled: bool) -> IpcResult<bool> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(login_item)?;
    } else {
        launcher.disable().map_err(login_item)?;
    }
    launcher.is_enabled().map_err(login_item)
}

/// The tray count and the due list follow a change at once.
fn check_soon<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<Reminders>() {
        state.check_soon();
    }
}

fn login_item(error: tauri_plugin_autostart::Error) -> IpcError {
    IpcError::new(
        ErrorKind::Internal,
        format!("could not change the login item: {error}"),
    )
}
