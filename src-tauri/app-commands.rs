// The app's commands, listed once as `module::command`. build.rs declares each
// (so each needs a permission in capabilities/), src/commands.rs registers
// them and generates the TypeScript `Command` type the UI's `invokeCommand`
// takes, so a misspelt name fails to compile. `cargo xtask test` checks that
// each is granted in capabilities/ and called from the UI.
app_commands! {
    app::app_info,
    workspace::workspace_load,
    workspace::surface_get,
    workspace::product_create,
    workspace::surface_create,
    workspace::surface_set_upstream,
    workspace::surface_sync,
    workspace::upstream_status,
    workspace::events_list,
    keys::key_generate,
    keys::key_revoke,
    keys::key_roll,
    reveal::reveal_show,
    reveal::reveal_copy,
    reveal::reveal_close,
    connections::connection_add,
    connections::connection_remove,
    ide::ide_scan,
    ide::ide_doctor,
    ide::ide_fix,
    ide::key_usage,
    ide::ide_clients,
    ide::ide_snippets,
    reminders::reminders_list,
    reminders::reminders_due_count,
    reminders::reminder_snooze,
    reminders::reminder_mute,
    reminders::autostart_get,
    reminders::autostart_set,
    settings::settings_get,
    settings::settings_set,
    settings::audit_list,
}
