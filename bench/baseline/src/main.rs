//! The baseline of `cargo xtask bench app`: a Tauri 2 app with nothing of
//! its own, one window on one static page, so that what WebKitGTK and Tauri
//! cost by themselves is measured on this machine in the same run as the
//! desktop app. The page's `#ready` element is the first paint.

// As the desktop app: no console window next to it on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("the bench baseline could not start its window: {error}");
        std::process::exit(1);
    }
}
