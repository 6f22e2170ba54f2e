//! Tauri commands, one module per domain. Each command is a verb of the
//! domain, takes state, calls one core function and maps its error. The list
//! of commands is `app-commands.rs`, shared with build.rs.

pub mod app;
pub mod connections;
pub mod ide;
pub mod install;
pub mod keys;
pub mod migrate;
pub mod oauth;
pub mod reminders;
pub mod reveal;
pub mod settings;
pub mod workspace;

macro_rules! app_commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        /// The handler of every command in `app-commands.rs`.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }

        /// The name of each command, as the UI invokes it: exported to
        /// TypeScript as a union of strings, never used in Rust.
        #[cfg(test)]
        #[derive(ts_rs::TS)]
        #[ts(export)]
        #[allow(non_camel_case_types, dead_code)]
        enum Command {
            $($command),*
        }
    };
}
include!("../app-commands.rs");
