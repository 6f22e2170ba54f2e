//! The desktop notification of a new authorization request: "Cursor asks
//! to use Docs". A click brings the window (and its consent dialog)
//! forward (`crate::notification`). Approving happens in the window, never from the notification:
//! the dialog names the redirect host and lets the scopes be narrowed.

use mcp_keys_client::OAuthRequest;
use tauri::{AppHandle, Runtime};

use crate::notification::Clickable;

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
    let notification = Clickable {
        title: title(request),
        body: body(request),
        button: "Review",
        about: "authorization request",
    };
    crate::notification::show(app, notification, |app| {
        crate::reminders::show_main_window(app);
    });
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
