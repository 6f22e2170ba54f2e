//! Rotation reminders in the desktop app: a scheduler that checks
//! what is due at start, every hour and after the machine wakes, sends the
//! notifications [`Manager::plan_notifications`] claims, keeps the tray's
//! count up to date, and keeps the app alive in the tray when its window is
//! closed so reminders still fire.
//!
//! The decisions (what is due, what to send, the claims that keep the CLI
//! and the app from sending the same one) live in `mcp-keys-manager`; this
//! module only runs them on a timer and talks to the desktop.
//!
//! [`Manager::plan_notifications`]: mcp_keys_manager::Manager::plan_notifications

mod clock;
mod deliver;
mod wake;

use std::time::Duration;

use chrono::{DateTime, Utc};
use mcp_keys_manager::{DueReport, KeyServices, Reminder, ScanOptions};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager as _, Runtime, WindowEvent};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::events::AppEvent;
use crate::services::ServicesExt;

pub use clock::now;

/// The command-line flag the login item starts the app with: straight to
/// the tray, no window.
pub const HIDDEN_FLAG: &str = "--hidden";

/// `0` keeps the old behavior of closing the window quitting the app.
const CLOSE_TO_TRAY_VAR: &str = "MCP_KEYS_CLOSE_TO_TRAY";

/// The payload of [`AppEvent::ReminderOpen`]: where the key is.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ReminderOpen")]
pub struct OpenKey {
    /// The saved connection holding the key, when known.
    pub connection_id: Option<String>,
    /// The key's product, when known.
    pub product_id: Option<String>,
    /// The key's surface, when known.
    pub surface_id: Option<String>,
    /// The key.
    pub key_id: String,
}

impl From<&Reminder> for OpenKey {
    fn from(reminder: &Reminder) -> Self {
        Self {
            connection_id: reminder.connection_id.clone(),
            product_id: reminder.product_id.clone(),
            surface_id: reminder.due.surface_id.clone(),
            key_id: reminder.due.key_id.clone(),
        }
    }
}

/// The scheduler's state, managed by the app.
#[derive(Debug, Default)]
pub struct Reminders {
    /// Wakes the scheduler for a check now (after a snooze, a mute, a roll).
    nudge: Notify,
    /// How many keys the last check found due; `None` before the first.
    due: std::sync::Mutex<Option<usize>>,
}

impl Reminders {
    /// How many keys the last check found due; `None` before the first.
    pub fn last_due_count(&self) -> Option<usize> {
        *self
            .due
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_due_count(&self, count: usize) {
        *self
            .due
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(count);
    }

    /// Asks the scheduler to check again now.
    pub fn check_soon(&self) {
        self.nudge.notify_one();
    }
}

/// Adds what reminders need before the app starts: the notification plugin
/// (not on Linux, where notify-rust talks to the desktop directly), the
/// login-item plugin, and closing the main window to the tray.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_notification::init());
    builder
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_FLAG]),
        ))
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && close_to_tray()
                && window.app_handle().try_state::<Reminders>().is_some()
            {
                // The app lives on in the tray: reminders must still fire.
                api.prevent_close();
                if let Err(error) = window.hide() {
                    tracing::warn!(%error, "could not hide the window to the tray");
                }
            }
        })
}

fn close_to_tray() -> bool {
    std::env::var(CLOSE_TO_TRAY_VAR).map_or(true, |value| value != "0")
}

/// Starts reminders once the app's services exist (call it in `setup`,
/// after `app.manage(services)`): the tray icon, and the scheduler task.
pub fn init<R: Runtime>(app: &AppHandle<R>) {
    app.manage(Reminders::default());
    if let Err(error) = crate::tray::create(app) {
        // A desktop without a status area still gets notifications.
        tracing::warn!(%error, "no tray icon; reminders still notify");
    }
    if std::env::args().any(|arg| arg == HIDDEN_FLAG)
        && let Some(window) = app.get_webview_window("main")
        && let Err(error) = window.hide()
    {
        tracing::warn!(%error, "could not start hidden in the tray");
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app).await });
}

/// Checks, then waits for the next hour, a wake from sleep or a nudge.
async fn run<R: Runtime>(app: AppHandle<R>) {
    let interval = clock::interval();
    tokio::time::sleep(clock::start_delay()).await;
    let mut wake = wake::Detector::new();
    loop {
        let next_revocation = check(&app).await;
        let state = app.state::<Reminders>();
        // Wake for the next end of a grace period too, so an old key of a
        // degraded roll is revoked on time, not up to an hour late.
        let until_revocation = next_revocation
            .and_then(|at| (at - now()).to_std().ok())
            .map_or(interval, |wait| wait.min(interval));
        let deadline = tokio::time::Instant::now() + until_revocation;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => break,
                () = state.nudge.notified() => break,
                () = tokio::time::sleep(wake::TICK) => {
                    if wake.slept() {
                        tracing::info!("the machine woke up; checking reminders");
                        break;
                    }
                }
            }
        }
    }
}

/// One check: the degraded rolls whose grace period ended are completed
/// (their old keys revoked), then what is due (tray count, UI event), then
/// the notifications this app won the claims for. Returns when the next
/// pending revocation is due.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Option<DateTime<Utc>> {
    let now = now();
    let manager = match app.services().await {
        Ok(services) => &services.manager,
        Err(error) => {
            tracing::warn!(%error, "no reminders without the app's services");
            return None;
        }
    };
    let next_revocation = match manager.complete_due_revocations(now).await {
        Ok(completed) => {
            if completed.done > 0 {
                tracing::info!(
                    done = completed.done,
                    "revoked old keys whose grace period ended"
                );
            }
            completed.next_at
        }
        Err(error) => {
            tracing::warn!(%error, "could not complete pending revocations");
            None
        }
    };
    let report = match due(manager, now).await {
        Ok(report) => report,
        Err(error) => {
            tracing::warn!(%error, "could not find which keys are due");
            return next_revocation;
        }
    };
    publish(app, &report);
    let plan = match manager.plan_notifications(&report.reminders, now).await {
        Ok(plan) => plan,
        Err(error) => {
            tracing::warn!(%error, "could not plan reminder notifications");
            return next_revocation;
        }
    };
    for notification in plan {
        deliver::send(app, notification);
    }
    next_revocation
}

/// What is due at `now`, with the user's IDE configs diagnosed first
/// (revoked keys still configured, plaintext keys in git-tracked files).
pub async fn due(
    manager: &mcp_keys_manager::Manager,
    now: DateTime<Utc>,
) -> Result<DueReport, mcp_keys_manager::Error> {
    match ScanOptions::for_user(Vec::new()) {
        Ok(options) => {
            manager
                .due_reminders_after_doctor(&options, KeyServices::Saved, now)
                .await
        }
        Err(error) => {
            tracing::warn!(%error, "no home folder: reminders skip the IDE configs");
            manager.due_reminders(KeyServices::Saved, now, &[]).await
        }
    }
}

/// Shows the count of due keys in the tray and tells the UI.
pub fn publish<R: Runtime>(app: &AppHandle<R>, report: &DueReport) {
    let count = remember(app, report);
    if let Err(error) = app.emit(AppEvent::RemindersChanged.name(), count) {
        tracing::warn!(%error, "could not tell the UI about due keys");
    }
}

/// Shows the count of due keys in the tray and keeps it for
/// `reminders_due_count`, without telling the UI; returns it.
pub fn remember<R: Runtime>(app: &AppHandle<R>, report: &DueReport) -> usize {
    let count = due_count(report);
    crate::tray::set_due_count(app, count);
    if let Some(reminders) = app.try_state::<Reminders>() {
        reminders.set_due_count(count);
    }
    count
}

/// How many keys `report` is about (a key can be due for several reasons).
pub fn due_count(report: &DueReport) -> usize {
    let mut keys: Vec<&str> = report
        .reminders
        .iter()
        .map(|reminder| reminder.due.key_id.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

/// Brings the main window forward on `key`, with Roll ready: shown,
/// focused, and told which key through [`AppEvent::ReminderOpen`].
pub fn open_key<R: Runtime>(app: &AppHandle<R>, key: &OpenKey) {
    show_main_window(app);
    if let Err(error) = app.emit(AppEvent::ReminderOpen.name(), key) {
        tracing::warn!(%error, "could not ask the UI to open the key");
    }
}

/// Shows, unminimizes and focuses the main window.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let shown = window
            .show()
            .and_then(|()| window.unminimize())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            tracing::warn!(%error, "could not bring the window forward");
        }
    }
}

/// How long the scheduler waits between checks when nothing wakes it.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(3600);

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use mcp_keys_manager::{DueReminder, DueReport, Reminder};
    use mcp_keys_store::ReminderReason;

    use super::due_count;

    fn reminder(key_id: &str, reason: ReminderReason) -> Reminder {
        Reminder {
            due: DueReminder {
                key_id: key_id.to_owned(),
                key_prefix: "mcp_dev_Zz9yX8wV".to_owned(),
                name: "MCP - Zed".to_owned(),
                surface_id: None,
                reason,
                due_at: Utc::now(),
            },
            connection_id: None,
            product_id: None,
            snoozed_until: None,
        }
    }

    #[test]
    fn a_key_due_for_two_reasons_is_counted_once() {
        let report = DueReport {
            reminders: vec![
                reminder("key_2", ReminderReason::RotationOverdue),
                reminder("key_1", ReminderReason::Expiring),
                reminder("key_2", ReminderReason::Expiring),
            ],
            unreachable: Vec::new(),
            services: 1,
        };

        assert_eq!(due_count(&report), 2);
        let none = DueReport {
            reminders: Vec::new(),
            unreachable: Vec::new(),
            services: 1,
        };
        assert_eq!(due_count(&none), 0);
    }
}
