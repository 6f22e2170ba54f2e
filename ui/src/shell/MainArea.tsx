import { EmptyState } from "../components/EmptyState";
import { useIdeScan } from "../ide/IdeScanContext";
import { useClientName } from "../ide/clients";
import { IdesPage, type OpenFinding } from "../ide/IdesPage";
import { clientsUsing, configsUsing } from "../ide/usage";
import type { KeyTarget } from "../lib/ipc/appEvents";
import {
  findSelectedSurface,
  hasNoSurfaces,
  localConnection,
  type Selection,
} from "../model/selection";
import type { OpenedSurface } from "../bindings/OpenedSurface";
import type { Product } from "../bindings/Product";
import type { AppInfo } from "../bindings/AppInfo";
import type { Surface } from "../bindings/Surface";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { RemindersPage } from "../reminders/RemindersPage";
import { SettingsPage } from "../settings/SettingsPage";
import { SurfaceView } from "../surface/SurfaceView";
import { WorkspaceWelcome } from "../workspace/WorkspaceWelcome";
import type { Page } from "./page";

/** Open the Roll dialog on this key once its surface is shown; `serial` tells repeats apart. */
export type RollRequest = { keyId: string; serial: number };

type MainAreaProps = {
  page: Page;
  appInfo: AppInfo;
  workspace: WorkspaceTree;
  selection: Selection;
  rollRequest: RollRequest | null;
  /** The client-log finding a clicked notification asked for, on the IDEs page. */
  openFinding?: OpenFinding | null | undefined;
  /** The first surface's keys, read while the window started; null once anything else is picked. */
  opened?: OpenedSurface | null | undefined;
  onOpenKey: (target: KeyTarget) => void;
  onSurfaceCreated: (connectionId: string, product: Product, surface: Surface) => void;
};

/**
 * The page picked in the sidebar; for surfaces, the selected one, otherwise
 * the first-run form (no surfaces yet) or a hint to pick one.
 */
export function MainArea({
  page,
  appInfo,
  workspace,
  selection,
  rollRequest,
  openFinding,
  opened,
  onOpenKey,
  onSurfaceCreated,
}: MainAreaProps) {
  return (
    <main className="app-shell__main" data-testid="main">
      {page === "ides" ? (
        <IdesPage
          // A clicked notification opens the page afresh: a new scan and diagnosis.
          key={openFinding?.serial ?? 0}
          workspace={workspace}
          openFinding={openFinding}
        />
      ) : page === "reminders" ? (
        <RemindersPage onOpenKey={onOpenKey} />
      ) : page === "settings" ? (
        <SettingsPage appInfo={appInfo} />
      ) : (
        <SurfaceArea
          workspace={workspace}
          selection={selection}
          rollRequest={rollRequest}
          opened={opened}
          onSurfaceCreated={onSurfaceCreated}
        />
      )}
    </main>
  );
}

type SurfaceAreaProps = Omit<MainAreaProps, "page" | "appInfo" | "onOpenKey" | "openFinding">;

function SurfaceArea({
  workspace,
  selection,
  rollRequest,
  opened,
  onSurfaceCreated,
}: SurfaceAreaProps) {
  const ideScan = useIdeScan();
  const clientName = useClientName();
  const selected = findSelectedSurface(workspace, selection);
  const local = localConnection(workspace);
  if (selected) {
    // Without a scan (still running, or failed) the keys show no IDE usage, nothing worse.
    const entries = ideScan.state.status === "ready" ? ideScan.state.data.entries : null;
    return (
      <SurfaceView
        // A new roll request opens the surface afresh, on its Keys tab.
        key={`${selected.connection.id}/${selected.product.id}/${selected.surface.id}#${rollRequest?.serial ?? 0}`}
        connection={selected.connection}
        product={selected.product}
        surface={selected.surface}
        offline={selected.offline}
        usedBy={entries ? (key) => clientsUsing(entries, key.id, clientName) : undefined}
        affectedConfigs={entries ? (key) => configsUsing(entries, key.id, clientName) : undefined}
        onKeysChanged={ideScan.refresh}
        openRollFor={rollRequest?.keyId}
        preloaded={
          opened &&
          opened.connectionId === selected.connection.id &&
          opened.productId === selected.product.id &&
          opened.surface.id === selected.surface.id
            ? opened.surface
            : undefined
        }
      />
    );
  }
  if (local && hasNoSurfaces(workspace)) {
    return (
      <WorkspaceWelcome
        connection={local.connection}
        existingProduct={local.products[0]?.product}
        onCreated={(product, surface) => onSurfaceCreated(local.connection.id, product, surface)}
      />
    );
  }
  return (
    <EmptyState icon="layers" title="Pick a surface" titleAs="h1" size="lg">
      <p>Choose a surface in the sidebar to see its keys, connect an IDE or review its activity.</p>
    </EmptyState>
  );
}
