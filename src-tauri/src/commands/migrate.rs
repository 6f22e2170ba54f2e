//! "Move keys into the keyring" on the IDEs page (DESIGN §8): the literal
//! keys of the scanned IDE configs into keyring slots, their entries
//! rewritten to name the slots, as `mcp-keys migrate` does, and its undo.
//! Thin: each calls the manager.

use chrono::Utc;
use mcp_keys_manager::{KeyServices, MigrateOptions, Migration, MigrationUndo};
use tauri::{AppHandle, Runtime};

use crate::error::IpcResult;
use crate::services::ServicesExt;

/// Migrates the literal keys of the user's home and `projects` (the scan's
/// configs), or with `dry_run` only says what would be done: nothing is
/// written, to a config or to the keyring.
#[tauri::command]
pub async fn ide_migrate<R: Runtime>(
    app: AppHandle<R>,
    dry_run: bool,
    projects: Vec<String>,
) -> IpcResult<Migration> {
    let options = super::ide::options(projects)?;
    // A dry run writes nothing, so only a migration needs the program.
    let program = if dry_run {
        super::install::program_beside_app()?
    } else {
        super::install::mcp_keys_program()?
    };
    Ok(app
        .services()
        .await?
        .manager
        .migrate(
            &options,
            KeyServices::Saved,
            &MigrateOptions { dry_run, program },
            Utc::now(),
        )
        .await?)
}

/// Puts back each file of the last migration that nobody changed since,
/// from its backup (the slots stay).
#[tauri::command]
pub async fn ide_migrate_undo<R: Runtime>(app: AppHandle<R>) -> IpcResult<MigrationUndo> {
    Ok(app.services().await?.manager.undo_migration().await?)
}
