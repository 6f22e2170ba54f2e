import { useEffect, useState, type FormEvent } from "react";
import type { IpcError } from "../bindings/IpcError";
import type { PendingAuthorization } from "../bindings/PendingAuthorization";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import { approveAuthorization, denyAuthorization } from "../lib/ipc/oauth";
import { getSurface } from "../lib/ipc/workspace";
import "../components/Field.css";
import "./AuthorizationDialog.css";

type AuthorizationDialogProps = {
  pending: PendingAuthorization;
  /** The name of the connection that holds the request, when there are several. */
  serverName?: string | undefined;
  errorContext?: ErrorContext | undefined;
  /** The request was approved or denied here, or turned out to be decided already. */
  onDecided: () => void;
  /** Closed without deciding: the request still waits. */
  onDismiss: () => void;
};

/**
 * The owner's consent to an OAuth client: who asks, for which surface, where
 * the browser goes back to, and which capabilities (narrowed by unchecking).
 */
export function AuthorizationDialog({
  pending,
  serverName,
  errorContext,
  onDecided,
  onDismiss,
}: AuthorizationDialogProps) {
  const { request } = pending;
  // What the client may get: what it asked for, or (asking for nothing
  // means everything) the surface's capabilities, once read.
  const [offered, setOffered] = useState<readonly string[]>(request.scopes);
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set(request.scopes));
  const [busy, setBusy] = useState<"approve" | "deny" | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const narrowed = checked.size < offered.length;
  const nothing = offered.length > 0 && checked.size === 0;

  const { connectionId } = pending;
  const { productId, surfaceId } = request;
  const askedAll = request.scopes.length === 0;
  useEffect(() => {
    if (!askedAll) {
      return;
    }
    let current = true;
    // Without them the dialog still approves everything, as asked.
    getSurface(connectionId, productId, surfaceId).then(
      (surface) => {
        if (current) {
          const names = surface.items.map((item) => item.capabilityName);
          setOffered(names);
          setChecked(new Set(names));
        }
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [askedAll, connectionId, productId, surfaceId]);

  const toggle = (scope: string) =>
    setChecked((current) => {
      const next = new Set(current);
      if (!next.delete(scope)) {
        next.add(scope);
      }
      return next;
    });

  const decide = async (decision: "approve" | "deny") => {
    setBusy(decision);
    setError(null);
    try {
      if (decision === "approve") {
        const scopes = narrowed ? offered.filter((scope) => checked.has(scope)) : null;
        await approveAuthorization(pending, scopes);
      } else {
        await denyAuthorization(pending);
      }
      onDecided();
    } catch (e) {
      const failure = toIpcError(e);
      if (failure.code === "not_found" || failure.code === "conflict") {
        // Expired (not found) or decided elsewhere (the CLI, the consent
        // page: a conflict) meanwhile: nothing is left to decide here.
        onDecided();
        return;
      }
      setError(failure);
      setBusy(null);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy === null && !nothing) {
      void decide("approve");
    }
  };

  return (
    <Dialog
      title={`${request.clientName} asks to use ${request.surfaceName}`}
      onDismiss={() => busy === null && onDismiss()}
      data-testid="authorization-dialog"
    >
      <form className="dialog-form" onSubmit={submit}>
        <dl className="authorization__facts">
          <dt>Client</dt>
          <dd data-testid="authorization-client" title={request.clientId}>
            {request.clientName}
          </dd>
          <dt>Returns to</dt>
          <dd>
            <code data-testid="authorization-redirect-host" title={request.redirectUri}>
              {request.redirectHost}
            </code>
          </dd>
          <dt>Surface</dt>
          <dd data-testid="authorization-surface">
            {request.surfaceName}
            {serverName && <span className="field__hint"> on {serverName}</span>}
          </dd>
        </dl>
        <p className="field__hint">
          Approve only if you just connected {request.clientName} yourself: it gets tokens that
          reach this surface until you revoke them in its Keys tab.
        </p>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Scopes</legend>
          {offered.length === 0 ? (
            <p className="field__hint" data-testid="authorization-scopes-all">
              Every capability of the surface.
            </p>
          ) : (
            <>
              <div className="choice-row">
                {offered.map((scope) => (
                  <label key={scope} className="choice">
                    <input
                      type="checkbox"
                      data-testid={`authorization-scope-${scope}`}
                      checked={checked.has(scope)}
                      disabled={busy !== null}
                      onChange={() => toggle(scope)}
                    />
                    <code>{scope}</code>
                  </label>
                ))}
              </div>
              <p className="field__hint" data-testid="authorization-scopes-hint">
                {nothing
                  ? "Check at least one, or deny."
                  : narrowed
                    ? `The client may call only the ${checked.size} checked.`
                    : askedAll
                      ? "It asked for every capability; uncheck any it should not have."
                      : "All it asked for; uncheck any it should not have."}
              </p>
            </>
          )}
        </fieldset>
        {error && <ErrorBanner error={error} context={errorContext} />}
        <div className="dialog-form__actions">
          <Button
            disabled={busy !== null}
            data-testid="authorization-deny"
            onClick={() => void decide("deny")}
          >
            {busy === "deny" ? "Denying…" : "Deny"}
          </Button>
          <Button
            variant="primary"
            type="submit"
            disabled={busy !== null || nothing}
            data-testid="authorization-approve"
          >
            {busy === "approve" ? "Approving…" : "Approve"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
