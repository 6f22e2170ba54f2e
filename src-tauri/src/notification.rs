//! A desktop notification whose click opens something in the window: on
//! Linux sent straight to the desktop's notification server through
//! notify-rust, so the click can be answered; elsewhere through the
//! notification plugin, whose click only shows the app. Reminders, which
//! offer several actions, have their own (`reminders/deliver.rs`).

use tauri::{AppHandle, Runtime};

/// What a clickable notification says.
pub struct Clickable {
    /// Its title.
    pub title: String,
    /// Its body.
    pub body: String,
    /// The label of its default action (where the desktop shows one).
    pub button: &'static str,
    /// What it is about, for the log and its thread's name
    /// ("authorization request").
    pub about: &'static str,
}

/// Shows `notification`; `on_click` runs when it is clicked (on Linux). A
/// failure is logged: the window still shows what the notification says.
pub fn show<R: Runtime>(
    app: &AppHandle<R>,
    notification: Clickable,
    on_click: impl FnOnce(&AppHandle<R>) + Send + 'static,
) {
    #[cfg(target_os = "linux")]
    linux::show(app, notification, on_click);
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_notification::NotificationExt as _;
        drop(on_click);
        let shown = app
            .notification()
            .builder()
            .title(&notification.title)
            .body(&notification.body)
            .show();
        if let Err(error) = shown {
            tracing::warn!(%error, about = notification.about, "could not show a notification");
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use tauri::{AppHandle, Runtime};

    use super::Clickable;

    pub fn show<R: Runtime>(
        app: &AppHandle<R>,
        notification: Clickable,
        on_click: impl FnOnce(&AppHandle<R>) + Send + 'static,
    ) {
        let mut message = notify_rust::Notification::new();
        message
            .appname("MCP Keys")
            .summary(&notification.title)
            .body(&notification.body)
            .icon("dialog-password")
            .action("default", notification.button);
        let app = app.clone();
        let about = notification.about;
        // Waiting for the click blocks until the notification is closed:
        // a thread of its own, never the async runtime.
        let spawned = std::thread::Builder::new()
            .name(format!("{about} notification"))
            .spawn(move || {
                let handle = match message.show() {
                    Ok(handle) => handle,
                    Err(error) => {
                        tracing::warn!(%error, about, "could not show a notification");
                        return;
                    }
                };
                let mut on_click = Some(on_click);
                handle.wait_for_action(|action| {
                    if action == "default"
                        && let Some(on_click) = on_click.take()
                    {
                        on_click(&app);
                    }
                });
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot wait for the notification's answer");
        }
    }
}
