import { useState, type ReactNode } from "react";
import type { FixAction } from "../bindings/FixAction";
import type { IpcError } from "../bindings/IpcError";
import type { ScanEntry } from "../bindings/ScanEntry";
import type { SurfaceDetail } from "../bindings/SurfaceDetail";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { GenerateKeyDialog } from "../keys/GenerateKeyDialog";
import { RollDialog } from "../keys/RollDialog";
import { toIpcError } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { getSurface, setSurfaceStatus } from "../lib/ipc/workspace";
import { useLoad } from "../lib/useLoad";
import { serverName } from "../model/selection";
import { surfaceOfKey } from "../shell/keyTarget";
import { clientNames, suggestedKeyName, useClientName, useKnownClients } from "./clients";
import type { LogFinding } from "./clientLogs";
import { configsUsing } from "./usage";

type LogFixDialogProps = {
  finding: LogFinding;
  action: FixAction;
  workspace: WorkspaceTree;
  /** The latest scan's entries: the configs a roll can update. */
  entries: readonly ScanEntry[];
  /** The project folders the scan reads, whose configs a roll updates too. */
  projects: readonly string[];
  /** Something changed (a key, a surface): scan and diagnose again. */
  onChanged: () => void;
  onClose: () => void;
};

/**
 * The one-click fix of a client-log finding, through the app's own flows:
 * Roll for the key, Generate then "Install into…" for a new key on the
 * surface (with the refused capability among its scopes, since a key's
 * scopes can't be changed), or turning the surface back on. The surface is
 * loaded first: the flows need its keys and capabilities.
 */
export function LogFixDialog({
  finding,
  action,
  workspace,
  entries,
  projects,
  onChanged,
  onClose,
}: LogFixDialogProps) {
  const where = surfaceOfKey(workspace, {
    connectionId: null,
    productId: action.productId,
    surfaceId: action.surfaceId,
    keyId: "keyId" in action ? action.keyId : "",
  });
  if (!where) {
    return (
      <Missing title="Can't open this surface" onClose={onClose}>
        None of your connections lists surface {action.surfaceId}. Add the connection that holds it,
        then try again.
      </Missing>
    );
  }
  return (
    <LoadedFix
      finding={finding}
      action={action}
      surfaceRef={where}
      workspace={workspace}
      entries={entries}
      projects={projects}
      onChanged={onChanged}
      onClose={onClose}
    />
  );
}

type LoadedFixProps = LogFixDialogProps & { surfaceRef: SurfaceRef };

function LoadedFix({
  finding,
  action,
  surfaceRef,
  workspace,
  entries,
  projects,
  onChanged,
  onClose,
}: LoadedFixProps) {
  const { connectionId, productId, surfaceId } = surfaceRef;
  const detail = useLoad(
    () => getSurface(connectionId, productId, surfaceId),
    `${connectionId}/${productId}/${surfaceId}`,
  );
  const clients = useKnownClients();
  const clientName = useClientName();
  const connection = workspace.connections.find((c) => c.connection.id === connectionId);
  const errorContext = connection ? { server: serverName(connection.connection) } : undefined;

  if (detail.state.status !== "ready") {
    return (
      <Dialog
        title="Opening the fix…"
        onDismiss={onClose}
        data-testid="log-fix-loading"
        footer={<Button onClick={onClose}>Cancel</Button>}
      >
        {detail.state.status === "loading" ? (
          <p className="ides-page__status" role="status">
            <Spinner /> Loading the surface…
          </p>
        ) : (
          <ErrorBanner error={detail.state.error} context={errorContext} onRetry={detail.retry} />
        )}
      </Dialog>
    );
  }
  const surface = detail.state.data;
  const client = clientNames(clients)(finding.client);

  switch (action.kind) {
    case "roll": {
      const key = surface.keys.find((k) => k.id === action.keyId);
      if (!key) {
        return <KeyGone surface={surface} onClose={onClose} />;
      }
      return (
        <RollDialog
          surfaceRef={surfaceRef}
          keyToRoll={key}
          affectedConfigs={configsUsing(entries, key.id, clientName)}
          projects={projects}
          errorContext={errorContext}
          onRolled={onChanged}
          onClose={onClose}
        />
      );
    }
    case "install":
    case "widenScope": {
      const old =
        action.kind === "widenScope" ? surface.keys.find((k) => k.id === action.keyId) : undefined;
      const preset =
        action.kind === "install"
          ? {
              name: suggestedKeyName({
                id: action.client,
                name: clientNames(clients)(action.client),
              }),
              installFirst: action.client,
              note: `A new key for ${client}: once it is made, install it into ${client} below.`,
            }
          : {
              name: old?.name ?? suggestedKeyName({ id: finding.client, name: client }),
              // The old key's scopes and the one it was refused. No scopes
              // means every capability already, so a scope refusal comes
              // from a key that has some.
              scopes: [...(old?.scopes ?? []), action.capability],
              installFirst: finding.client,
              note: `MCP Keys can't change a key's scopes. This makes a new key that may also call ${action.capability}; install it into ${client}, then revoke the old key.`,
            };
      return (
        <GenerateKeyDialog
          surfaceRef={surfaceRef}
          surface={surface}
          errorContext={errorContext}
          preset={preset}
          onGenerated={onChanged}
          onClose={onClose}
        />
      );
    }
    case "activateSurface":
      return (
        <ActivateSurface
          surfaceRef={surfaceRef}
          surface={surface}
          errorContext={errorContext}
          onChanged={onChanged}
          onClose={onClose}
        />
      );
  }
}

function KeyGone({ surface, onClose }: { surface: SurfaceDetail; onClose: () => void }) {
  return (
    <Missing title="The key is gone" onClose={onClose}>
      {surface.name} no longer lists this key. Scan again: the finding may be about a key deleted
      since.
    </Missing>
  );
}

/** What the fix needs is no longer there: say what, and close. */
function Missing({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={title}
      onDismiss={onClose}
      data-testid="log-fix-missing"
      footer={<Button onClick={onClose}>Close</Button>}
    >
      <p>{children}</p>
    </Dialog>
  );
}

type ActivateSurfaceProps = {
  surfaceRef: SurfaceRef;
  surface: SurfaceDetail;
  errorContext?: { server?: string | undefined } | undefined;
  onChanged: () => void;
  onClose: () => void;
};

/** Turning the surface back on, confirmed: every key of it is accepted again. */
function ActivateSurface({
  surfaceRef,
  surface,
  errorContext,
  onChanged,
  onClose,
}: ActivateSurfaceProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const activate = async () => {
    setBusy(true);
    setError(null);
    try {
      await setSurfaceStatus(
        surfaceRef.connectionId,
        surfaceRef.productId,
        surfaceRef.surfaceId,
        "active",
      );
      onChanged();
      onClose();
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Turn “${surface.name}” on`}
      description="The surface refuses every key while it is off (403). Turned on, each of its keys that is not revoked or expired works again."
      onDismiss={() => !busy && onClose()}
      data-testid="log-fix-activate"
      footer={
        <>
          <Button onClick={onClose} disabled={busy} data-testid="log-fix-activate-cancel">
            Cancel
          </Button>
          <Button
            variant="primary"
            disabled={busy}
            data-testid="log-fix-activate-submit"
            onClick={() => void activate()}
          >
            {busy ? "Turning on…" : "Turn on"}
          </Button>
        </>
      }
    >
      {error && <ErrorBanner error={error} context={errorContext} />}
    </Dialog>
  );
}
