//! GUI tests: the real app in a real window under Xvfb, through tauri-driver.

mod client_logs;
mod connections;
mod flows;
mod ides;
mod install;
mod keys;
mod oauth;
mod reminders;
mod rotate;
mod secrets;
mod server;
mod settings;
mod shell;
mod theme;
