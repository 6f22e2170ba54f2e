import { useState, type FormEvent } from "react";
import type { Grant } from "../bindings/Grant";
import type { IpcError } from "../bindings/IpcError";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { revokeGrant } from "../lib/ipc/oauth";
import "./KeyDialogs.css";

type RevokeGrantDialogProps = {
  surfaceRef: SurfaceRef;
  grant: Grant;
  errorContext?: ErrorContext | undefined;
  onRevoked: (grant: Grant) => void;
  onClose: () => void;
};

/** Revoke a client's access, after naming the client, like a key's revoke. */
export function RevokeGrantDialog({
  surfaceRef,
  grant,
  errorContext,
  onRevoked,
  onClose,
}: RevokeGrantDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await revokeGrant(surfaceRef, grant.id);
      onRevoked({ ...grant, isActive: false, revokedAt: new Date().toISOString() });
      onClose();
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Revoke access for “${grant.clientName}”?`}
      onDismiss={() => !busy && onClose()}
      data-testid="grant-revoke-dialog"
    >
      <form className="dialog-form" onSubmit={(e) => void submit(e)}>
        <p>
          {grant.clientName} (returning to <code>{grant.redirectHost}</code>) loses access at once:
          its tokens are refused from now on, and it must be authorized again to come back. This
          can't be undone.
        </p>
        {error && <ErrorBanner error={error} context={errorContext} />}
        <div className="dialog-form__actions">
          <Button onClick={onClose} disabled={busy} autoFocus data-testid="grant-revoke-cancel">
            Cancel
          </Button>
          <Button variant="danger" type="submit" disabled={busy} data-testid="grant-revoke-submit">
            {busy ? "Revoking…" : "Revoke access"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
