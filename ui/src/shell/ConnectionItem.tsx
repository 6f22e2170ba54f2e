import { useState } from "react";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Icon, type IconName } from "../components/Icon";
import { removeConnection } from "../lib/ipc/connections";
import { explainError, toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { serverName, type Selection } from "../model/selection";
import type { Connection } from "../bindings/Connection";
import type { ConnectionKind } from "../bindings/ConnectionKind";
import type { ConnectionView } from "../bindings/ConnectionView";
import { SurfaceLink } from "./SurfaceLink";

type ConnectionItemProps = {
  node: ConnectionView;
  selection: Selection;
  onSelectSurface: (selection: NonNullable<Selection>) => void;
  onRemoved?: (() => void) | undefined;
};

const icons: Record<ConnectionKind, IconName> = {
  local: "computer",
  "mcp-keys": "server",
  runtype: "cloud",
};

/** The local connection keeps a fixed test id: its id is the backend's to choose. */
function testId(connection: Connection): string {
  return connection.kind === "local" ? "connection-local" : `connection-${connection.id}`;
}

/** One connection in the sidebar, with its products and their surfaces nested below. */
export function ConnectionItem({
  node,
  selection,
  onSelectSurface,
  onRemoved,
}: ConnectionItemProps) {
  const { connection, products, error, offline } = node;
  const [removing, setRemoving] = useState(false);
  return (
    <li className="sidebar-connection" data-testid={testId(connection)}>
      <div className="sidebar-connection__header">
        <Icon name={icons[connection.kind]} />
        <div className="sidebar-connection__text">
          <span className="sidebar-connection__name">
            {connection.name}
            {offline && (
              <span data-testid={`connection-offline-${connection.id}`}>
                <Badge tone="warning">Offline</Badge>
              </span>
            )}
          </span>
          <span className="sidebar-connection__url" title={connection.baseUrl}>
            {connection.baseUrl}
          </span>
        </div>
        {connection.kind !== "local" && (
          <button
            type="button"
            className="sidebar-connection__remove"
            aria-label={`Remove ${connection.name}`}
            data-testid={`connection-remove-${connection.id}`}
            onClick={() => setRemoving(true)}
          >
            <Icon name="close" size="sm" />
          </button>
        )}
      </div>
      {error && (
        <p
          className="sidebar-connection__error"
          role="status"
          data-testid={`connection-error-${connection.id}`}
        >
          {explainError(error, { server: serverName(connection) }).summary}
        </p>
      )}
      {products.length === 0 ? (
        !error && <p className="sidebar-connection__empty">No products yet</p>
      ) : (
        <ul className="sidebar-products">
          {products.map(({ product, surfaces }) => (
            <li key={product.id} className="sidebar-product">
              <span className="sidebar-product__name">
                <Icon name="product" size="sm" />
                {product.name}
              </span>
              {surfaces.length === 0 ? (
                <p className="sidebar-connection__empty">No surfaces yet</p>
              ) : (
                <ul className="sidebar-surfaces">
                  {surfaces.map((surface) => (
                    <li key={surface.id}>
                      <SurfaceLink
                        surface={surface}
                        selected={
                          selection?.connectionId === connection.id &&
                          selection.productId === product.id &&
                          selection.surfaceId === surface.id
                        }
                        onSelect={() =>
                          onSelectSurface({
                            connectionId: connection.id,
                            productId: product.id,
                            surfaceId: surface.id,
                          })
                        }
                      />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {removing && (
        <RemoveConnectionDialog
          connection={connection}
          onRemoved={() => {
            setRemoving(false);
            onRemoved?.();
          }}
          onClose={() => setRemoving(false)}
        />
      )}
    </li>
  );
}

type RemoveConnectionDialogProps = {
  connection: Connection;
  onRemoved: () => void;
  onClose: () => void;
};

function RemoveConnectionDialog({ connection, onRemoved, onClose }: RemoveConnectionDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await removeConnection(connection.id);
      onRemoved();
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Remove ${connection.name}?`}
      onDismiss={() => !busy && onClose()}
      data-testid="remove-connection-dialog"
      footer={
        <>
          <Button autoFocus onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={busy}
            data-testid="connection-remove-confirm"
            onClick={() => void remove()}
          >
            Remove
          </Button>
        </>
      }
    >
      <p>
        MCP Keys forgets this connection and deletes its token from your keyring. Its keys keep
        working on <code>{connection.baseUrl}</code>.
      </p>
      {error && <ErrorBanner error={error} />}
    </Dialog>
  );
}
