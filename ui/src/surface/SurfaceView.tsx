import { useCallback, useId, useState } from "react";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import { Tabs } from "../components/Tabs";
import type { AffectedConfig } from "../keys/RevokeDialog";
import type { SurfaceDetail } from "../bindings/SurfaceDetail";
import { getSurface } from "../lib/ipc/workspace";
import { useLoad } from "../lib/useLoad";
import { serverName } from "../model/selection";
import type { Connection } from "../bindings/Connection";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import { ActivityTab } from "./ActivityTab";
import { ConnectTab } from "./ConnectTab";
import { EnvironmentBadge } from "./EnvironmentBadge";
import { KeysTab } from "./KeysTab";
import { ServerTab } from "./ServerTab";
import { StatusBadge } from "./StatusBadge";
import "./SurfaceView.css";

type SurfaceViewProps = {
  connection: Connection;
  product: Product;
  /** The surface as the workspace tree lists it (maybe without keys). */
  surface: Surface;
  /** Shown from the local cache: the server is unreachable. */
  offline?: boolean;
  /** IDE configs that use a key, for revoke and roll (the IDE scan fills it). */
  affectedConfigs?: ((key: KeyMetadata) => readonly AffectedConfig[]) | undefined;
  /** The clients whose configs hold a key ("Used by"); unknown without a scan. */
  usedBy?: ((key: KeyMetadata) => readonly string[]) | undefined;
  /** A key was generated, rolled or revoked: what the IDE scan said may be stale. */
  onKeysChanged?: (() => void) | undefined;
  /** Opens the Roll dialog on this key once the keys are loaded (a reminder was clicked). */
  openRollFor?: string | undefined;
  /** The surface with its keys, read while the window started: shown without asking again. */
  preloaded?: SurfaceDetail | undefined;
};

/** Puts a key's new metadata in its place, or first when it is new. */
function withKey(
  surface: SurfaceDetail,
  key: KeyMetadata,
  rotationDue: string | null | undefined,
): SurfaceDetail {
  const exists = surface.keys.some((k) => k.id === key.id);
  return {
    ...surface,
    keys: exists ? surface.keys.map((k) => (k.id === key.id ? key : k)) : [key, ...surface.keys],
    rotationDue:
      rotationDue === undefined
        ? surface.rotationDue
        : { ...surface.rotationDue, [key.id]: rotationDue },
  };
}

/** One surface: its name and state, then Keys (first), Server, Connect and Activity. */
export function SurfaceView({
  connection,
  product,
  surface,
  offline = false,
  affectedConfigs,
  usedBy,
  onKeysChanged,
  openRollFor,
  preloaded,
}: SurfaceViewProps) {
  const titleId = useId();
  // Asked once per opening: switching tabs and back must not roll again.
  const [pendingRoll, setPendingRoll] = useState(openRollFor);
  const rollOpened = useCallback(() => setPendingRoll(undefined), []);
  const surfaceRef = {
    connectionId: connection.id,
    productId: product.id,
    surfaceId: surface.id,
  };
  const detail = useLoad(
    () => getSurface(connection.id, product.id, surface.id),
    `${connection.id}/${product.id}/${surface.id}`,
    preloaded,
  );
  const { update } = detail;
  const onKeyChanged = useCallback(
    (key: KeyMetadata, rotationDue?: string | null) => {
      update((current) => withKey(current, key, rotationDue));
      onKeysChanged?.();
    },
    [update, onKeysChanged],
  );
  const shown = detail.state.status === "ready" ? detail.state.data : surface;
  const errorContext = { server: serverName(connection) };

  return (
    <section className="surface-view" aria-labelledby={titleId} data-testid="surface-view">
      <header className="surface-view__header">
        <p className="surface-view__product">
          <Icon name="product" size="sm" />
          {product.name}
          <span aria-hidden="true">·</span>
          {connection.name}
        </p>
        <div className="surface-view__title-row">
          <h1 id={titleId} className="surface-view__title">
            {shown.name}
          </h1>
          <StatusBadge status={shown.status} />
          <EnvironmentBadge environment={shown.environment} />
          {offline && <Badge tone="warning">Offline</Badge>}
        </div>
        <code className="surface-view__url">{shown.url}</code>
        {offline && (
          <p className="surface-view__offline" role="status" data-testid="surface-offline">
            Can't reach {serverName(connection)}: showing the keys as they were last seen. Changes
            need the server.
          </p>
        )}
      </header>
      <Tabs
        label="Surface sections"
        items={[
          {
            id: "keys",
            label: "Keys",
            icon: "key",
            testId: "tab-keys",
            panel: (
              <KeysTab
                surfaceRef={surfaceRef}
                detail={detail.state}
                onRetry={detail.retry}
                onKeyChanged={onKeyChanged}
                errorContext={errorContext}
                affectedConfigs={affectedConfigs}
                usedBy={usedBy}
                openRollFor={pendingRoll}
                onRollOpened={rollOpened}
              />
            ),
          },
          {
            id: "server",
            label: "Server",
            icon: "server",
            testId: "tab-server",
            panel: (
              <ServerTab
                connectionId={connection.id}
                connectionKind={connection.kind}
                productId={product.id}
                surface={shown}
                onSurfaceChanged={(changed) =>
                  update((current) => ({ ...current, ...changed, keys: current.keys }))
                }
                errorContext={errorContext}
              />
            ),
          },
          {
            id: "connect",
            label: "Connect",
            icon: "plug",
            testId: "tab-connect",
            panel: <ConnectTab surface={shown} />,
          },
          {
            id: "activity",
            label: "Activity",
            icon: "activity",
            testId: "tab-activity",
            panel: (
              <ActivityTab
                connectionId={connection.id}
                surfaceId={surface.id}
                keys={shown.keys}
                errorContext={errorContext}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
