//! Builds the Tauri context from this folder's `tauri.conf.json` (where Tauri's
//! bundler looks for it) and declares the app's own commands, so each one needs
//! an explicit permission in `capabilities/` (least privilege: nothing is
//! callable by default).

/// Every command of the app (app-commands.rs); each needs a permission in capabilities/.
macro_rules! app_commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}
include!("app-commands.rs");
include!("../crates/build-info.rs");

fn main() {
    println!("cargo::rerun-if-changed=app-commands.rs");
    export_build_info();
    let attributes = tauri_build::Attributes::new()
        .config_path("tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports through panics; this one names the cause.
        panic!("tauri build failed: {error:#}");
    }
}
