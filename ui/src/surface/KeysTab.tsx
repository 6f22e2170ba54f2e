import { useEffect, useState } from "react";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { Spinner } from "../components/Spinner";
import { useIdeProjects } from "../ide/IdeScanContext";
import { GenerateKeyDialog } from "../keys/GenerateKeyDialog";
import { GrantsSection } from "../keys/GrantsSection";
import { KeyTable } from "../keys/KeyTable";
import { RevokeDialog, type AffectedConfig } from "../keys/RevokeDialog";
import { RollDialog } from "../keys/RollDialog";
import type { ErrorContext } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import type { LoadState } from "../lib/useLoad";
import { keyState } from "../model/keyState";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { SurfaceDetail } from "../bindings/SurfaceDetail";

type KeysTabProps = {
  surfaceRef: SurfaceRef;
  /** The surface with its items and keys, as `surface_get` loads it. */
  detail: LoadState<SurfaceDetail>;
  onRetry: () => void;
  /**
   * Puts a key's new metadata into the surface (adds it when new), with when
   * it is due for rotation when that changed (a key just made).
   */
  onKeyChanged: (key: KeyMetadata, rotationDue?: string | null) => void;
  errorContext?: ErrorContext | undefined;
  /** IDE configs that use a key: the revoke warning, and the configs a roll updates. */
  affectedConfigs?: ((key: KeyMetadata) => readonly AffectedConfig[]) | undefined;
  /** The clients whose configs hold a key ("Used by"); unknown without a scan. */
  usedBy?: ((key: KeyMetadata) => readonly string[]) | undefined;
  /** Opens the Roll dialog on this key as soon as the keys are loaded. */
  openRollFor?: string | undefined;
  /** The request of `openRollFor` was answered (the dialog opened, or the key isn't here). */
  onRollOpened?: (() => void) | undefined;
  /** The moment "expired" is judged against; now unless a test says otherwise. */
  now?: Date;
};

type OpenDialog =
  | { kind: "generate" }
  | { kind: "revoke"; key: KeyMetadata }
  | { kind: "roll"; key: KeyMetadata }
  | null;

/**
 * The keys of a surface, and the ways to make, roll and revoke them; then the
 * clients it authorized with OAuth (grants).
 */
export function KeysTab({
  surfaceRef,
  detail,
  onRetry,
  onKeyChanged,
  errorContext,
  affectedConfigs,
  usedBy,
  openRollFor,
  onRollOpened,
  now,
}: KeysTabProps) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const projects = useIdeProjects();
  const [renderedAt] = useState(() => now ?? new Date());
  const close = () => setDialog(null);

  // Once the keys are here, the key asked for gets its Roll dialog when the
  // table would offer Roll for it; otherwise the list shows where it stands.
  useEffect(() => {
    if (openRollFor === undefined || detail.status === "loading") {
      return;
    }
    onRollOpened?.();
    const key =
      detail.status === "ready" ? detail.data.keys.find((k) => k.id === openRollFor) : undefined;
    if (key && keyState(key, renderedAt) === "active") {
      setDialog({ kind: "roll", key });
    }
  }, [openRollFor, onRollOpened, detail, renderedAt]);

  return (
    <>
      <PanelHeader
        title="API keys"
        description={
          <>
            Clients send a key as <code>Authorization: Bearer mcp_…</code> on every request. A key
            is shown once, when it is generated.
          </>
        }
        actions={
          <Button
            variant="primary"
            icon="plus"
            data-testid="generate-key"
            disabled={detail.status !== "ready"}
            onClick={() => setDialog({ kind: "generate" })}
          >
            Generate API key
          </Button>
        }
      />
      {detail.status === "ready" && detail.data.authMode === "oauth" && (
        <p className="keys-oauth-only" role="note" data-testid="keys-oauth-only">
          This surface accepts OAuth only: API keys are refused (401 auth_mode) until its Server tab
          lets keys in again. Clients authorize in the browser and appear under Grants.
        </p>
      )}
      {detail.status === "loading" && (
        <div className="panel-status" role="status" data-testid="keys-loading">
          <Spinner />
          Loading keys…
        </div>
      )}
      {detail.status === "error" && (
        <ErrorBanner error={detail.error} context={errorContext} onRetry={onRetry} />
      )}
      {detail.status === "ready" &&
        (detail.data.keys.length === 0 ? (
          <EmptyState icon="key" title="No keys yet" data-testid="keys-empty">
            <p>
              Generate a key for each IDE or teammate, so you can revoke one without disrupting the
              others.
            </p>
          </EmptyState>
        ) : (
          <KeyTable
            keys={detail.data.keys}
            rotationDue={detail.data.rotationDue}
            now={renderedAt}
            usedBy={usedBy}
            onRoll={(key) => setDialog({ kind: "roll", key })}
            onRevoke={(key) => setDialog({ kind: "revoke", key })}
          />
        ))}
      <GrantsSection
        surfaceRef={surfaceRef}
        authMode={detail.status === "ready" ? detail.data.authMode : undefined}
        errorContext={errorContext}
      />
      {detail.status === "ready" && dialog?.kind === "generate" && (
        <GenerateKeyDialog
          surfaceRef={surfaceRef}
          surface={detail.data}
          errorContext={errorContext}
          onGenerated={onKeyChanged}
          onClose={close}
        />
      )}
      {dialog?.kind === "revoke" && (
        <RevokeDialog
          surfaceRef={surfaceRef}
          keyToRevoke={dialog.key}
          affectedConfigs={affectedConfigs?.(dialog.key)}
          errorContext={errorContext}
          onRevoked={(key) => onKeyChanged(key)}
          onClose={close}
        />
      )}
      {dialog?.kind === "roll" && (
        <RollDialog
          surfaceRef={surfaceRef}
          keyToRoll={dialog.key}
          affectedConfigs={affectedConfigs?.(dialog.key)}
          projects={projects}
          errorContext={errorContext}
          onRolled={({ key, oldKey, rotationDue }) => {
            onKeyChanged(oldKey);
            onKeyChanged(key, rotationDue);
          }}
          onClose={close}
        />
      )}
    </>
  );
}
