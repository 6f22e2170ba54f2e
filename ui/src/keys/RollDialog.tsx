import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { rollKey, type SurfaceRef } from "../lib/ipc/keys";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { RollOutcome } from "../bindings/RollOutcome";
import { DegradedRollNote } from "./DegradedRollNote";
import { RevealDialog } from "./RevealDialog";
import type { AffectedConfig } from "./RevokeDialog";
import { RollReport } from "./RollReport";
import { SlotRefills } from "./SlotRefills";
import "../components/Field.css";
import "./KeyDialogs.css";

/** How long the old key keeps working after a roll, in seconds. */
export const GRACE_CHOICES = [
  { seconds: 0, label: "Now", hint: "for a leaked key" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86400, label: "24 hours" },
  { seconds: 604800, label: "7 days" },
] as const;

type RollDialogProps = {
  surfaceRef: SurfaceRef;
  keyToRoll: KeyMetadata;
  /** The IDE configs the shared scan found holding the key; the roll can update them. */
  affectedConfigs?: readonly AffectedConfig[] | undefined;
  /** The project folders scanned besides the home folder's configs (the IDEs page's list). */
  projects?: readonly string[] | undefined;
  errorContext?: ErrorContext | undefined;
  /** The new key and the old one with its new expiry. */
  onRolled: (outcome: RollOutcome) => void;
  onClose: () => void;
};

/**
 * Roll: a new key with the same settings, the old one kept for a grace period;
 * when IDE configs hold the key, Rust can write the new one into them in the
 * same step. Then the reveal, with what happened to each config.
 */
export function RollDialog({
  surfaceRef,
  keyToRoll: key,
  affectedConfigs = [],
  projects = [],
  errorContext,
  onRolled,
  onClose,
}: RollDialogProps) {
  const [grace, setGrace] = useState<number>(86400);
  const [updateChecked, setUpdateChecked] = useState(true);
  // With no config holding the key there is nothing to update, whatever the box said.
  const updateConfigs = affectedConfigs.length > 0 && updateChecked;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [outcome, setOutcome] = useState<RollOutcome | null>(null);

  if (outcome) {
    return (
      <RevealDialog
        reveal={{ revealId: outcome.revealId, key: outcome.key }}
        title="Copy the new key"
        errorContext={errorContext}
        onClosed={onClose}
      >
        {outcome.degraded && <DegradedRollNote graceSeconds={grace} />}
        {outcome.configs && <RollReport report={outcome.configs} oldKey={outcome.oldKey} />}
        <SlotRefills slots={outcome.slots} />
      </RevealDialog>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await rollKey(surfaceRef, key.id, grace, { updateConfigs, projects });
      onRolled(result);
      setOutcome(result);
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Roll “${key.name}”`}
      description={
        updateConfigs
          ? "A new key with the same name, scopes and environment replaces this one, in the IDE configs below too. Restart those IDEs before the old key stops working."
          : "A new key with the same name, scopes and environment replaces this one. Put the new key in your IDE before the old one stops working."
      }
      onDismiss={() => !busy && onClose()}
      data-testid="roll-dialog"
    >
      <form className="dialog-form" onSubmit={(e) => void submit(e)}>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">
            The old key (
            <code>
              {key.keyPrefix}…{key.keyHint}
            </code>
            ) stops working
          </legend>
          <div className="choice-list">
            {GRACE_CHOICES.map((choice) => (
              <label key={choice.seconds} className="choice choice-card">
                <input
                  type="radio"
                  name="grace"
                  value={choice.seconds}
                  checked={grace === choice.seconds}
                  autoFocus={grace === choice.seconds}
                  data-testid={`roll-grace-${choice.seconds}`}
                  onChange={() => setGrace(choice.seconds)}
                />
                <span>
                  {choice.seconds === 0 ? choice.label : `In ${choice.label}`}
                  {"hint" in choice && <span className="field__hint"> — {choice.hint}</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {affectedConfigs.length > 0 && (
          <div className="key-dialog__configs" data-testid="roll-affected-configs">
            <p className="key-dialog__affected-title">IDE configs using this key</p>
            <ul>
              {affectedConfigs.map((config) => (
                <li key={`${config.client}:${config.configPath}`}>
                  {config.client} <code>{config.configPath}</code>
                </li>
              ))}
            </ul>
            <label className="choice">
              <input
                type="checkbox"
                checked={updateChecked}
                data-testid="roll-update-configs"
                onChange={(event) => setUpdateChecked(event.target.checked)}
              />
              Update these IDE configs with the new key
            </label>
          </div>
        )}
        {error && <ErrorBanner error={error} context={errorContext} />}
        <div className="dialog-form__actions">
          <Button onClick={onClose} disabled={busy} data-testid="roll-cancel">
            Cancel
          </Button>
          <Button variant="primary" type="submit" disabled={busy} data-testid="roll-submit">
            {busy ? "Rolling…" : "Roll key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
