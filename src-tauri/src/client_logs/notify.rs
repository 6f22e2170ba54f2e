//! The desktop notification of a client refused by an MCP server: "Claude
//! Code's MCP key was refused", with doctor's words for why. Sent the way
//! reminders are (see `reminders/deliver.rs`): on Linux straight to the
//! desktop's notification server through notify-rust, so a click can open
//! the IDEs page at the finding; elsewhere through the notification
//! plugin, whose click shows the app. The fix itself happens in the
//! window, never from the notification.

use mcp_keys_ide::{ClientId, Finding, registry};
use tauri::{AppHandle, Runtime};

use super::FindingOpen;

/// The notification's title: the client, by its display name.
fn title(client: ClientId) -> String {
    let name =
        registry::client(client).map_or_else(|| client.to_string(), |spec| spec.name.clone());
    format!("{name}'s MCP key was refused")
}

/// The notification's body: what happened, as doctor says it (a key's
/// public prefix and name at most, never the key).
fn body(finding: &Finding) -> String {
    format!("{} Open the IDEs page to fix it.", finding.message)
}

/// Sends the notification of `finding`; a failure is logged (the IDEs page
/// still shows the finding).
pub fn send<R: Runtime>(app: &AppHandle<R>, finding: &Finding, target: FindingOpen) {
    let (title, body) = (title(target.client), body(finding));
    #[cfg(target_os = "linux")]
    linux::send(app, title, body, target);
    #[cfg(not(target_os = "linux"))]
    {
        // The plugin's click only shows the app: there is no finding to open.
        drop(target);
        plugin_send(app, &title, &body);
    }
}

#[cfg(not(target_os = "linux"))]
fn plugin_send<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt as _;
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(%error, "could not show the client-log notification");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use tauri::{AppHandle, Runtime};

    use super::FindingOpen;

    pub fn send<R: Runtime>(app: &AppHandle<R>, title: String, body: String, target: FindingOpen) {
        let mut message = notify_rust::Notification::new();
        message
            .appname("MCP Keys")
            .summary(&title)
            .body(&body)
            .icon("dialog-password")
            .action("default", "Show");
        let app = app.clone();
        // Waiting for the click blocks until the notification is closed:
        // a thread of its own, never the async runtime.
        let spawned = std::thread::Builder::new()
            .name("client-log-notification".to_owned())
            .spawn(move || {
                let handle = match message.show() {
                    Ok(handle) => handle,
                    Err(error) => {
                        tracing::warn!(%error, "could not show the client-log notification");
                        return;
                    }
                };
                handle.wait_for_action(|action| {
                    if action == "default" {
                        super::super::open_finding(&app, &target);
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
    use mcp_keys_ide::{ClientId, Finding, FindingCode, FindingDetail, Severity};

    #[test]
    fn the_title_names_the_client_and_the_body_says_what_happened() {
        let finding = Finding {
            severity: Severity::Error,
            code: FindingCode::ClientLogAuthFailure,
            client: Some(ClientId::ClaudeCode),
            config_path: None,
            key_prefix: Some("mcp_dev_Ab3dE5gH".to_owned()),
            message: "Claude Code got 401 at 10:32 because 'MCP - Claude Code' was revoked."
                .to_owned(),
            fix: "Install a new key.".to_owned(),
            detail: FindingDetail::default(),
        };

        assert_eq!(
            super::title(ClientId::ClaudeCode),
            "Claude Code's MCP key was refused"
        );
        assert!(super::body(&finding).starts_with("Claude Code got 401 at 10:32"));
    }
}
