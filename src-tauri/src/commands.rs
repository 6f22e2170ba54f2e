//! Tauri commands, one module per domain. Each command is a verb of the
//! domain, takes state, calls one core function and maps its error.

pub mod app;
pub mod connections;
pub mod ide;
pub mod keys;
pub mod reminders;
pub mod reveal;
pub mod settings;
pub mod workspace;
