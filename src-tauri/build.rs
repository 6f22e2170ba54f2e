//! Builds the Tauri context from the workspace-root `tauri.conf.json` and
//! declares the app's own commands, so each one needs an explicit permission
//! in `capabilities/` (least privilege: nothing is callable by default).

/// Every command of the app; each needs a permission in capabilities/.
const COMMANDS: &[&str] = &[
    "app_info",
    "workspace_load",
    "surface_get",
    "product_create",
    "surface_create",
    "surface_set_upstream",
    "surface_sync",
    "upstream_status",
    "events_list",
    "key_generate",
    "key_revoke",
    "key_roll",
    "reveal_show",
    "reveal_copy",
    "reveal_close",
    "connection_add",
    "connection_remove",
    "ide_scan",
    "ide_doctor",
    "ide_fix",
    "key_usage",
    "reminders_list",
    "reminders_due_count",
    "reminder_snooze",
    "reminder_mute",
    "autostart_get",
    "autostart_set",
    "settings_get",
    "settings_set",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports through panics; this one names the cause.
        panic!("tauri build failed: {error:#}");
    }
}
