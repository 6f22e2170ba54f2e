import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { revokeKey, type SurfaceRef } from "../lib/ipc/keys";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import "../components/Field.css";
import "./KeyDialogs.css";

/** An IDE config on this computer that uses the key (filled in by the IDE scan). */
export type AffectedConfig = {
  /** The IDE, as people call it ("Cursor"). */
  client: string;
  configPath: string;
};

type RevokeDialogProps = {
  surfaceRef: SurfaceRef;
  keyToRevoke: KeyMetadata;
  /** IDE configs that will stop working; none listed when empty. */
  affectedConfigs?: readonly AffectedConfig[] | undefined;
  errorContext?: ErrorContext | undefined;
  onRevoked: (key: KeyMetadata) => void;
  onClose: () => void;
};

/**
 * Revoke, after naming the key. A production key needs its name typed in,
 * because revoking it breaks every client that uses it, at once.
 */
export function RevokeDialog({
  surfaceRef,
  keyToRevoke: key,
  affectedConfigs = [],
  errorContext,
  onRevoked,
  onClose,
}: RevokeDialogProps) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const needsName = key.environment === "production";
  const confirmed = !needsName || typed === key.name;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onRevoked(await revokeKey(surfaceRef, key.id));
      onClose();
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Revoke “${key.name}”?`}
      onDismiss={() => !busy && onClose()}
      data-testid="revoke-dialog"
    >
      <form className="dialog-form" onSubmit={(e) => void submit(e)}>
        <p>
          <code>
            {key.keyPrefix}…{key.keyHint}
          </code>{" "}
          stops working at once: every request made with it is refused from now on. This can't be
          undone.
        </p>
        {affectedConfigs.length > 0 && (
          <div className="key-dialog__affected" data-testid="revoke-affected-configs">
            <p className="key-dialog__affected-title">IDE configs that will break</p>
            <ul>
              {affectedConfigs.map((config) => (
                <li key={`${config.client}:${config.configPath}`}>
                  {config.client} <code>{config.configPath}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        {needsName && (
          <Field label={`This is a production key. Type its name, ${key.name}, to confirm.`}>
            {(ids) => (
              <input
                {...ids}
                className="input"
                autoFocus
                autoComplete="off"
                spellCheck={false}
                data-testid="revoke-confirm-name"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            )}
          </Field>
        )}
        {error && <ErrorBanner error={error} context={errorContext} />}
        <div className="dialog-form__actions">
          <Button
            onClick={onClose}
            disabled={busy}
            autoFocus={!needsName}
            data-testid="revoke-cancel"
          >
            Cancel
          </Button>
          <Button
            variant="danger"
            type="submit"
            disabled={!confirmed || busy}
            data-testid="revoke-submit"
          >
            {busy ? "Revoking…" : "Revoke key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
