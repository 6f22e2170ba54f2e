//! The tray icon: how many keys are due, Open and Quit. With it the app
//! keeps running when its window is closed, so reminders still fire.
//!
//! Linux tray icons (StatusNotifierItem through libayatana-appindicator)
//! show no tooltip and open the menu on any click, so the count is also the
//! first, disabled, line of the menu and the icon's title.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager as _, Runtime};

const TRAY_ID: &str = "mcp-keys";
const STATUS_ID: &str = "tray-status";
const OPEN_ID: &str = "tray-open";
const QUIT_ID: &str = "tray-quit";

/// The menu line that shows the count, kept to be updated.
struct Status<R: Runtime>(MenuItem<R>);

/// Creates the tray icon with its menu.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, STATUS_ID, due_text(0), false, None::<&str>)?;
    let open = MenuItem::with_id(app, OPEN_ID, "Open MCP Keys", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT_ID, "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip(tooltip(0))
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN_ID => crate::reminders::show_main_window(app),
            QUIT_ID => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            // Windows and macOS: a left click opens the app; the menu is on
            // the right button.
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::reminders::show_main_window(tray.app_handle());
            }
        });
    #[cfg(not(target_os = "linux"))]
    {
        builder = builder.show_menu_on_left_click(false);
    }
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(Status(status));
    Ok(())
}

/// Shows `count` due keys in the tooltip, the title and the menu.
pub fn set_due_count<R: Runtime>(app: &AppHandle<R>, count: usize) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let title = (count > 0).then(|| count.to_string());
    let updated = tray
        .set_tooltip(Some(tooltip(count)))
        .and_then(|()| tray.set_title(title));
    if let Err(error) = updated {
        tracing::warn!(%error, "could not update the tray icon");
    }
    if let Some(status) = app.try_state::<Status<R>>()
        && let Err(error) = status.0.set_text(due_text(count))
    {
        tracing::warn!(%error, "could not update the tray menu");
    }
}

fn due_text(count: usize) -> String {
    match count {
        0 => "No keys due".to_owned(),
        1 => "1 key due".to_owned(),
        n => format!("{n} keys due"),
    }
}

fn tooltip(count: usize) -> String {
    format!("MCP Keys \u{2014} {}", due_text(count).to_lowercase())
}
