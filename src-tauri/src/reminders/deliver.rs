//! Sending a reminder notification, and what its buttons do.
//!
//! On Linux the notification goes straight to the desktop's notification
//! server (org.freedesktop.Notifications, through notify-rust, which
//! tauri-plugin-notification also uses there) because the plugin offers no
//! click handling on desktops: sent this way it carries actions — a click
//! ("default") opens the key with Roll ready, and the buttons snooze for a
//! day or a week or stop reminding — and a thread waits for the answer.
//! Elsewhere the plugin sends it (title and body) and a click shows the app.

use mcp_keys_manager::{Notification, Snooze};
use tauri::{AppHandle, Runtime};

use super::OpenKey;

/// Sends `notification`; a failure is logged (the claim is spent: a
/// notification is lost rather than sent twice).
pub fn send<R: Runtime>(app: &AppHandle<R>, notification: Notification) {
    tracing::info!(
        keys = notification.key_ids.len(),
        "sending a reminder notification"
    );
    #[cfg(target_os = "linux")]
    linux::send(app, notification);
    #[cfg(not(target_os = "linux"))]
    plugin_send(app, &notification);
}

#[cfg(not(target_os = "linux"))]
fn plugin_send<R: Runtime>(app: &AppHandle<R>, notification: &Notification) {
    use tauri_plugin_notification::NotificationExt as _;
    if let Err(error) = app
        .notification()
        .builder()
        .title(&notification.title)
        .body(&notification.body)
        .show()
    {
        tracing::warn!(%error, "could not show the reminder notification");
    }
}

/// What the user chose on a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Open,
    Snooze(Snooze),
    Mute,
    Dismissed,
}

impl Choice {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn from_action(action: &str) -> Self {
        match action {
            "default" | "open" => Self::Open,
            "snooze-day" => Self::Snooze(Snooze::Day),
            "snooze-week" => Self::Snooze(Snooze::Week),
            "mute" => Self::Mute,
            _ => Self::Dismissed,
        }
    }
}

/// Carries out `choice` for the keys of `notification`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
async fn act<R: Runtime>(app: &AppHandle<R>, notification: &Notification, choice: Choice) {
    use crate::services::ServicesExt as _;
    let manager = match app.services().await {
        Ok(services) => &services.manager,
        Err(error) => {
            tracing::warn!(%error, "a notification's action needs the app's services");
            return;
        }
    };
    let now = super::now();
    let outcome = match choice {
        Choice::Open => {
            super::open_key(app, &OpenKey::from(&notification.target));
            Ok(())
        }
        Choice::Snooze(snooze) => {
            let mut outcome = Ok(());
            for key_id in &notification.key_ids {
                if let Err(error) = manager.snooze_reminders(key_id, snooze, now).await {
                    outcome = Err(error);
                }
            }
            outcome
        }
        // "Stop reminding for this key": offered on one-key notifications.
        Choice::Mute => {
            manager
                .mute_reminders(&notification.target.due.key_id, true, now)
                .await
        }
        Choice::Dismissed => Ok(()),
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, ?choice, "could not apply the notification's choice");
    }
    if let Some(state) = tauri::Manager::try_state::<super::Reminders>(app) {
        state.check_soon();
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use mcp_keys_manager::Notification;
    use tauri::{AppHandle, Runtime};

    use super::{Choice, act};

    pub fn send<R: Runtime>(app: &AppHandle<R>, notification: Notification) {
        let mut message = notify_rust::Notification::new();
        message
            .appname("MCP Keys")
            .summary(&notification.title)
            .body(&notification.body)
            .icon("dialog-password")
            .action("default", "Open")
            .action("snooze-day", "Snooze 1 day")
            .action("snooze-week", "Snooze 1 week");
        if notification.key_ids.len() == 1 {
            message.action("mute", "Stop reminding");
        }
        let app = app.clone();
        // Showing it and waiting for the answer, which blocks until the
        // notification is clicked or closed, happen on a thread of their own
        // (the D-Bus connection stays on it), never on the async runtime.
        let spawned = std::thread::Builder::new()
            .name("reminder-notification".to_owned())
            .spawn(move || {
                let handle = match message.show() {
                    Ok(handle) => handle,
                    Err(error) => {
                        tracing::warn!(%error, "could not show the reminder notification");
                        return;
                    }
                };
                let mut choice = Choice::Dismissed;
                handle.wait_for_action(|action| choice = Choice::from_action(action));
                if choice != Choice::Dismissed {
                    tauri::async_runtime::block_on(act(&app, &notification, choice));
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot wait for the notification's answer");
        }
    }
}
