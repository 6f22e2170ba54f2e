//! The desktop notification of a new authorization request: "Cursor asks
//! to use Docs". Sent the way reminders are (see `reminders/deliver.rs`):
//! on Linux straight to the desktop's notification server through
//! notify-rust, so a click can bring the window (and its consent dialog)
//! forward; elsewhere through the notification plugin, whose click shows
//! the app. Approving happens in the window, never from the notification:
//! the dialog names the redirect host and lets the scopes be narrowed.

use mcp_keys_client::OAuthRequest;
use tauri::{AppHandle, Runtime};

/// The notification's title.
fn title(request: &OAuthRequest) -> String {
    format!(
        "{} asks to use {}",
        request.client_name, request.surface_name
    )
}

/// The notification's body.
fn body(request: &OAuthRequest) -> String {
    format!(
        "It would send you back to {}. Approve or deny it in MCP Keys.",
        request.redirect_host
    )
}

/// Sends the notification of `request`; a failure is logged (the dialog
/// in the window still asks).
pub fn send<R: Runtime>(app: &AppHandle<R>, request: &OAuthRequest) {
    tracing::info!(request = %request.id, "sending an authorization request notification");
    #[cfg(target_os = "linux")]
    linux::send(app, title(request), body(request));
    #[cfg(not(target_os = "linux"))]
    plugin_send(app, &title(request), &body(request));
}

#[cfg(not(target_os = "linux"))]
fn plugin_send<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt as _;
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(%error, "could not show the authorization request notification");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use tauri::{AppHandle, Runtime};

    pub fn send<R: Runtime>(app: &AppHandle<R>, title: String, body: String) {
        let mut message = notify_rust::Notification::new();
        message
            .appname("MCP Keys")
            .summary(&title)
            .body(&body)
            .icon("dialog-password")
            .action("default", "Review");
        let app = app.clone();
        // Waiting for the click blocks until the notification is closed:
        // a thread of its own, never the async runtime.
        let spawned = std::thread::Builder::new()
            .name("authorization-notification".to_owned())
            .spawn(move || {
                let handle = match message.show() {
                    Ok(handle) => handle,
                    Err(error) => {
                        tracing::warn!(%error, "could not show the authorization request notification");
                        return;
                    }
                };
                handle.wait_for_action(|action| {
                    if action == "default" {
                        crate::reminders::show_main_window(&app);
                    }
                });
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot wait for the notification's answer");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use mcp_keys_client::OAuthRequest;

    #[test]
    fn the_title_names_the_client_and_the_surface() {
        let request = OAuthRequest {
            id: "req_1".to_owned(),
            product_id: "prod_1".to_owned(),
            surface_id: "srf_1".to_owned(),
            surface_name: "Docs".to_owned(),
            client_id: "client_1".to_owned(),
            client_name: "Cursor".to_owned(),
            redirect_uri: "cursor://anysphere.cursor-mcp/oauth/callback".to_owned(),
            redirect_host: "anysphere.cursor-mcp".to_owned(),
            scopes: Vec::new(),
            created_at: Utc::now(),
            expires_at: Utc::now(),
        };
        assert_eq!(super::title(&request), "Cursor asks to use Docs");
        assert!(super::body(&request).contains("anysphere.cursor-mcp"));
    }
}
