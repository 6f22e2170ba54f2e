import { useEffect, useState } from "react";
import type { AuthMode } from "../bindings/AuthMode";
import type { Grant } from "../bindings/Grant";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { Spinner } from "../components/Spinner";
import { formatDate } from "../lib/formatDate";
import { onAuthorizationsChanged } from "../lib/ipc/appEvents";
import type { ErrorContext } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { listGrants } from "../lib/ipc/oauth";
import { useLoad } from "../lib/useLoad";
import { allowsOauth } from "../surface/AuthModeSetting";
import { RevokeGrantDialog } from "./RevokeGrantDialog";
import "./GrantsSection.css";

type GrantsSectionProps = {
  surfaceRef: SurfaceRef;
  /** The surface's mode: the section shows when it includes OAuth, or when any grant exists. */
  authMode: AuthMode | undefined;
  errorContext?: ErrorContext | undefined;
};

/** The clients a surface authorized with OAuth, and Revoke for each. */
export function GrantsSection({ surfaceRef, authMode, errorContext }: GrantsSectionProps) {
  const { connectionId, productId, surfaceId } = surfaceRef;
  const grants = useLoad(
    () => listGrants({ connectionId, productId, surfaceId }),
    `${connectionId}/${productId}/${surfaceId}`,
  );
  const { reload, update } = grants;
  const [revoking, setRevoking] = useState<Grant | null>(null);
  // A request decided anywhere (here, the CLI, the consent page) may have
  // made a grant: read them again.
  useEffect(() => onAuthorizationsChanged(() => reload()), [reload]);

  const { state } = grants;
  const oauth = allowsOauth(authMode);
  const any = state.status === "ready" && state.data.length > 0;
  if (!oauth && !any) {
    // A surface of API keys only, on a server that may know nothing of OAuth: nothing to say.
    return null;
  }
  return (
    <section className="grants" aria-label="OAuth grants" data-testid="grants">
      <PanelHeader
        title="Grants"
        description={
          oauth
            ? "Clients you approved after they authorized in the browser. Each one's tokens reach only its scopes."
            : "This surface no longer accepts OAuth, so these grants' tokens are refused; revoke them to be sure."
        }
      />
      {state.status === "loading" && (
        <div className="panel-status" role="status" data-testid="grants-loading">
          <Spinner />
          Loading grants…
        </div>
      )}
      {state.status === "error" && (
        <ErrorBanner error={state.error} context={errorContext} onRetry={grants.retry} />
      )}
      {state.status === "ready" &&
        (state.data.length === 0 ? (
          <p className="grants__empty" data-testid="grants-empty">
            No client is authorized yet. When one asks, MCP Keys asks you to approve it.
          </p>
        ) : (
          <div className="grants__scroll">
            <table className="grants__table" aria-label="Grants" data-testid="grants-table">
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col">Redirect host</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((grant) => (
                  <GrantRow key={grant.id} grant={grant} onRevoke={() => setRevoking(grant)} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {revoking && (
        <RevokeGrantDialog
          surfaceRef={surfaceRef}
          grant={revoking}
          errorContext={errorContext}
          onRevoked={(revoked) =>
            update((current) => current.map((g) => (g.id === revoked.id ? revoked : g)))
          }
          onClose={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function GrantRow({ grant, onRevoke }: { grant: Grant; onRevoke: () => void }) {
  return (
    <tr
      className="grants__row"
      data-testid={`grant-row-${grant.id}`}
      data-state={grant.isActive ? "active" : "revoked"}
    >
      <td className="grants__client" title={grant.clientId}>
        {grant.clientName}
      </td>
      <td>
        <code>{grant.redirectHost}</code>
      </td>
      <td className="grants__scopes" title={grant.scopes.join(", ")}>
        {grant.scopes.length === 0 ? "All" : grant.scopes.join(", ")}
      </td>
      <td className="grants__date">{formatDate(grant.createdAt)}</td>
      <td className="grants__date">
        {grant.lastUsedAt === null ? (
          <span className="grants__muted">Never used</span>
        ) : (
          formatDate(grant.lastUsedAt)
        )}
      </td>
      <td data-testid={`grant-status-${grant.id}`}>
        <Badge tone={grant.isActive ? "success" : "neutral"} dot>
          {grant.isActive ? "Active" : "Revoked"}
        </Badge>
      </td>
      <td className="grants__actions">
        {grant.isActive && (
          <Button
            variant="ghost"
            size="sm"
            icon="ban"
            aria-label={`Revoke ${grant.clientName}`}
            title="Revoke: stop this client's access now"
            data-testid={`grant-revoke-${grant.id}`}
            onClick={onRevoke}
          />
        )}
      </td>
    </tr>
  );
}
