import type { Migration } from "../../bindings/Migration";
import type { MigrationUndo } from "../../bindings/MigrationUndo";
import { invokeCommand } from "./invoke";

/**
 * Moves the literal keys of the scanned IDE configs (the home folder's and
 * those of `projects`) into keyring slots and rewrites their entries to name
 * the slots; with `dryRun`, only says what would be done. The report never
 * holds a key.
 */
export function migrateIdes(dryRun: boolean, projects: readonly string[]): Promise<Migration> {
  return invokeCommand<Migration>("ide_migrate", { dryRun, projects });
}

/** Puts back each file of the last migration that nobody changed since. */
export function undoIdeMigration(): Promise<MigrationUndo> {
  return invokeCommand<MigrationUndo>("ide_migrate_undo");
}
