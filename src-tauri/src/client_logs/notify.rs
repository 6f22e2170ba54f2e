//! The desktop notification of a client refused by an MCP server: "Claude
//! Code's MCP key was refused", with doctor's words for why. A click opens
//! the IDEs page at the finding (`crate::notification`). The fix itself
//! happens in the window, never from the notification.

use mcp_keys_ide::{ClientId, Finding};
use tauri::{AppHandle, Runtime};

use super::FindingOpen;
use crate::notification::Clickable;

/// The notification's title: the client, by its display name.
fn title(client: ClientId) -> String {
    format!("{}'s MCP key was refused", client.display_name())
}

/// The notification's body: what happened, as doctor says it (a key's
/// public prefix and name at most, never the key).
fn body(finding: &Finding) -> String {
    format!("{} Open the IDEs page to fix it.", finding.message)
}

/// Sends the notification of `finding`; a failure is logged (the IDEs page
/// still shows the finding).
pub fn send<R: Runtime>(app: &AppHandle<R>, finding: &Finding, target: FindingOpen) {
    let notification = Clickable {
        title: title(target.client),
        body: body(finding),
        button: "Show",
        about: "client log",
    };
    // Elsewhere than on Linux the click only shows the app.
    crate::notification::show(app, notification, move |app| {
        super::open_finding(app, &target);
    });
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
