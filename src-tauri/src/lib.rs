//! The MCP Keys desktop shell: wires plugins, state and one handler list.
//! Every command lives in `commands/<domain>.rs` and calls into the core crates;
//! no business logic lives here.

mod authorizations;
mod client_logs;
mod commands;
mod error;
mod events;
mod local;
mod notification;
mod preload;
mod reminders;
mod reveal;
mod services;
mod settings;
mod tray;
mod watch;
mod webview;

use std::io::IsTerminal;

use tauri::Manager as _;

pub use error::{ErrorKind, IpcError};
use services::Startup;

/// Builds the app and runs it until the last window closes.
///
/// # Panics
/// When the window system cannot start (no display, for instance): a desktop
/// app has nothing useful to do then, and Tauri reports the cause.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(format!(
                    "info,{}",
                    mcp_keys_server::LOG_DIRECTIVES
                ))
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    #[allow(clippy::expect_used)] // Startup failure is fatal and the message says why.
    configure(tauri::Builder::default())
        .setup(|app| {
            // The store, the keyring and the embedded key service, then the
            // first screen's data, while the window and WebView start.
            app.manage(Startup::default());
            Startup::begin(app.handle());
            let preload = preload::Preload::default();
            preload.start(app.handle());
            app.manage(preload);
            app.manage(watch::ConfigWatcher::default());
            webview::configure(app.handle());
            reminders::init(app.handle());
            authorizations::init(app.handle());
            client_logs::init(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("MCP Keys could not start its window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Tray Quit, the last window closed, a signal: a copied key
                // does not outlive the app.
                app.state::<reveal::Clipboard>().clear_on_quit();
            }
        });
}

/// Adds the app's plugins and commands to `builder`: shared by `run` and the
/// tests, which start from Tauri's mock runtime.
pub fn configure<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    reminders::configure(builder)
        // Used from Rust only (copy-once reveal); the WebView has no
        // clipboard permission.
        .manage(reveal::Clipboard::default())
        .invoke_handler(commands::handler())
}
