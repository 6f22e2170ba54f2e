import { useEffect, useState } from "react";
import type { LeftReason } from "../bindings/LeftReason";
import type { MigratedConfig } from "../bindings/MigratedConfig";
import type { MigratedEntry } from "../bindings/MigratedEntry";
import type { Migration } from "../bindings/Migration";
import type { MigrationUndo } from "../bindings/MigrationUndo";
import type { Outcome } from "../bindings/Outcome";
import type { UndoOutcome } from "../bindings/UndoOutcome";
import type { UndoneFile } from "../bindings/UndoneFile";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { migrateIdes, undoIdeMigration } from "../lib/ipc/migrate";
import type { IpcError } from "../bindings/IpcError";
import { toIpcError } from "../lib/ipc/ipcError";
import { useClientName, type ClientNameOf } from "./clients";
import "./MigrateDialog.css";

type MigrateDialogProps = {
  /** The project folders the scan reads: the same configs are migrated. */
  projects: readonly string[];
  /** Something was written (a migration or its undo): the page scans again. */
  onChanged: () => void;
  onClose: () => void;
};

/** Where the dialog is: the plan (a dry run), the migration, then its undo. */
type Step =
  | { kind: "planning" }
  | { kind: "plan"; plan: Migration }
  | { kind: "moving"; plan: Migration }
  | { kind: "moved"; result: Migration }
  | { kind: "undoing"; result: Migration }
  | { kind: "undone"; undo: MigrationUndo };

const OUTCOME: Record<Outcome, string> = {
  planned: "Will move",
  migrated: "Moved",
  left: "Left",
  failed: "Failed",
};

/** A reason in a few words; the report's message says what to do instead. */
const LEFT_REASON: Record<LeftReason, string> = {
  unidentified: "no connection knows this key",
  foreign: "another issuer's key",
  checksum_error: "not a working key",
  revoked: "revoked",
  expired: "expired",
  tracked_by_git: "the file is in git",
  key_on_command_line: "the key is on a command line",
  stdio_server: "a stdio server runs its own program",
  url_mismatch: "the URL is not the surface's",
  shared_file: "several clients read the file",
  unsupported_place: "this client can't name a keyring slot here",
  several_keys: "several keys in one entry",
  slot_taken: "the keyring slot holds another key",
  no_endpoint: "the surface has no endpoint",
};

const UNDO_OUTCOME: Record<UndoOutcome, string> = {
  restored: "Restored",
  changed_since: "Left: it changed since the move",
  missing: "Left: the file is gone",
  backup_missing: "Left: its backup is gone",
  failed: "Failed",
};

/**
 * "Move keys into the keyring": a dry run first, shown as a plan per config;
 * "Move" runs it and says which clients to restart; "Undo" puts the files
 * back. Keys never reach the WebView: the reports hold prefixes only.
 */
export function MigrateDialog({ projects, onChanged, onClose }: MigrateDialogProps) {
  const clientName = useClientName();
  const [step, setStep] = useState<Step>({ kind: "planning" });
  const [error, setError] = useState<IpcError | null>(null);

  useEffect(() => {
    let current = true;
    migrateIdes(true, projects).then(
      (plan) => current && setStep({ kind: "plan", plan }),
      (failure: unknown) => current && setError(toIpcError(failure)),
    );
    return () => {
      current = false;
    };
  }, [projects]);

  const move = async (plan: Migration) => {
    setError(null);
    setStep({ kind: "moving", plan });
    try {
      const result = await migrateIdes(false, projects);
      setStep({ kind: "moved", result });
    } catch (failure) {
      setError(toIpcError(failure));
      setStep({ kind: "plan", plan });
    }
    onChanged();
  };

  const undo = async (result: Migration) => {
    setError(null);
    setStep({ kind: "undoing", result });
    try {
      setStep({ kind: "undone", undo: await undoIdeMigration() });
    } catch (failure) {
      setError(toIpcError(failure));
      setStep({ kind: "moved", result });
    }
    onChanged();
  };

  const busy = step.kind === "planning" || step.kind === "moving" || step.kind === "undoing";
  const footer = (
    <>
      <Button data-testid="migrate-close" disabled={busy} onClick={onClose}>
        Close
      </Button>
      {(step.kind === "plan" || step.kind === "moving") && (
        <Button
          variant="primary"
          data-testid="migrate-move"
          disabled={step.kind === "moving" || planned(step.plan) === 0}
          onClick={() => void move(step.plan)}
        >
          {step.kind === "moving" ? "Moving…" : "Move"}
        </Button>
      )}
      {(step.kind === "moved" || step.kind === "undoing") && step.result.record !== null && (
        <Button
          data-testid="migrate-undo"
          disabled={step.kind === "undoing"}
          onClick={() => void undo(step.result)}
        >
          {step.kind === "undoing" ? "Undoing…" : "Undo"}
        </Button>
      )}
    </>
  );

  return (
    <Dialog
      title="Move keys into the keyring"
      description="Each literal key an IDE config holds goes into a keyring slot, and its entry is rewritten to name the slot. The rest of each file stays as it is."
      onDismiss={() => !busy && onClose()}
      footer={footer}
      size="lg"
      data-testid="migrate-dialog"
    >
      {error && <ErrorBanner error={error} data-testid="migrate-error" />}
      {step.kind === "planning" && (
        <div className="migrate__status" role="status" data-testid="migrate-planning">
          <Spinner />
          Reading the configs…
        </div>
      )}
      {(step.kind === "plan" || step.kind === "moving") && (
        <MigrationReport migration={step.plan} clientName={clientName} testId="migrate-plan" />
      )}
      {(step.kind === "moved" || step.kind === "undoing") && (
        <MigrationReport migration={step.result} clientName={clientName} testId="migrate-result" />
      )}
      {step.kind === "undone" && <UndoReport undo={step.undo} />}
    </Dialog>
  );
}

/** How many keys the plan would move. */
function planned(plan: Migration): number {
  return plan.configs.flatMap((config) => config.entries).filter((e) => e.outcome === "planned")
    .length;
}

function MigrationReport({
  migration,
  clientName,
  testId,
}: {
  migration: Migration;
  clientName: ClientNameOf;
  testId: string;
}) {
  if (migration.configs.length === 0) {
    return (
      <p data-testid={testId}>No IDE config holds a literal MCP key: there is nothing to move.</p>
    );
  }
  const entries = migration.configs.flatMap((config) => config.entries);
  const runs = entries.filter((entry) => entry.envVar !== null && entry.outcome !== "left");
  return (
    <div className="migrate" data-testid={testId}>
      {migration.configs.map((config, i) => (
        <ConfigReport key={config.configPath} config={config} index={i} clientName={clientName} />
      ))}
      {runs.map((entry) => (
        <p key={`${entry.configPath}-${entry.serverName}`} className="migrate__hint">
          Start {clientName(entry.client)} with the key of its slot:{" "}
          <code>mcp-keys run --slot {entry.slot ?? "NAME"} -- COMMAND</code>
        </p>
      ))}
      {migration.dryRun ? (
        <p className="migrate__hint">Nothing has been written yet.</p>
      ) : (
        migration.restart.length > 0 && (
          <p className="migrate__hint" role="status" data-testid="migrate-restart">
            Restart (or reload the servers of): {migration.restart.map(clientName).join(", ")}
          </p>
        )
      )}
    </div>
  );
}

function ConfigReport({
  config,
  index,
  clientName,
}: {
  config: MigratedConfig;
  index: number;
  clientName: ClientNameOf;
}) {
  return (
    <section className="migrate__config" data-testid={`migrate-config-${index}`}>
      <h3 className="migrate__path">
        <code>{config.configPath}</code>{" "}
        <span className="migrate__clients">({config.clients.map(clientName).join(", ")})</span>
      </h3>
      <ul className="migrate__entries">
        {config.entries.map((entry, i) => (
          <li
            key={`${entry.serverName}-${entry.field}`}
            className="migrate__entry"
            data-testid={`migrate-entry-${index}-${i}`}
            data-outcome={entry.outcome}
          >
            {describe(entry)}
            {entry.message && <span className="migrate__message">{entry.message}</span>}
            {entry.droppedFields.length > 0 && (
              <span className="migrate__message">
                Fields the new entry has not: {entry.droppedFields.join(", ")}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One entry in a line: its outcome, server, key prefix, and how or why. */
function describe(entry: MigratedEntry): string {
  const what = `${OUTCOME[entry.outcome]}: ${entry.serverName} (${entry.keyPrefix}…)`;
  if (entry.outcome === "planned" || entry.outcome === "migrated") {
    return `${what} through ${entry.via ?? "?"}, keyring slot ${entry.slot ?? "?"}`;
  }
  return entry.reason ? `${what}: ${LEFT_REASON[entry.reason]}` : what;
}

function UndoReport({ undo }: { undo: MigrationUndo }) {
  if (undo.files.length === 0) {
    return <p data-testid="migrate-undone">There was no migration to undo.</p>;
  }
  return (
    <ul className="migrate__entries" data-testid="migrate-undone">
      {undo.files.map((file: UndoneFile, i) => (
        <li
          key={file.configPath}
          className="migrate__entry"
          data-testid={`migrate-undone-${i}`}
          data-outcome={file.outcome}
        >
          {UNDO_OUTCOME[file.outcome]}: <code>{file.configPath}</code>
          {file.message && <span className="migrate__message">{file.message}</span>}
        </li>
      ))}
    </ul>
  );
}
