//! The MCP Keys desktop shell: wires plugins, state and one handler list.
//! Every command lives in `commands/<domain>.rs` and calls into the core crates;
//! no business logic lives here.

mod commands;
mod error;

pub use error::{ErrorCode, IpcError};

/// Builds the app and runs it until the last window closes.
///
/// # Panics
/// When the window system cannot start (no display, for instance): a desktop
/// app has nothing useful to do then, and Tauri reports the cause.
pub fn run() {
    #[allow(clippy::expect_used)] // Startup failure is fatal and the message says why.
    configure(tauri::Builder::default())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("MCP Keys could not start its window");
}

/// Adds the app's plugins, state and commands to `builder`: shared by `run`
/// and the tests, which start from Tauri's mock runtime.
pub fn configure<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![commands::app::app_info])
}
