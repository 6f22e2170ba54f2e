import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext, type IpcError } from "../lib/ipc/ipcError";
import { rollKey, type SurfaceRef } from "../lib/ipc/keys";
import type { KeyMetadata, RollOutcome } from "../model/workspace";
import { RevealDialog } from "./RevealDialog";
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
  errorContext?: ErrorContext | undefined;
  /** The new key and the old one with its new expiry. */
  onRolled: (outcome: RollOutcome) => void;
  onClose: () => void;
};

/** Roll: a new key with the same settings, the old one kept for a grace period; then the reveal. */
export function RollDialog({
  surfaceRef,
  keyToRoll: key,
  errorContext,
  onRolled,
  onClose,
}: RollDialogProps) {
  const [grace, setGrace] = useState<number>(86400);
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
      />
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
      const result = await rollKey(surfaceRef, key.id, grace);
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
      description="A new key with the same name, scopes and environment replaces this one. Put the new key in your IDE before the old one stops working."
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
