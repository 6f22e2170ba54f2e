import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { IdeScanProvider } from "../ide/IdeScanContext";
import { onIdeFindingOpen, onReminderOpen, type KeyTarget } from "../lib/ipc/appEvents";
import { onRemindersChanged } from "../lib/ipc/appEvents";
import { dueRemindersCount } from "../lib/ipc/reminders";
import { findSelectedSurface, firstSurface, type Selection } from "../model/selection";
import type { FindingOpen } from "../bindings/FindingOpen";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { withSurface } from "../model/workspaceTree";
import { AuthorizationRequests } from "../oauth/AuthorizationRequests";
import { surfaceOfKey } from "./keyTarget";
import type { OpenFinding } from "../ide/IdesPage";
import { MainArea, type RollRequest } from "./MainArea";
import type { Page } from "./page";
import { Sidebar } from "./Sidebar";
import "./AppShell.css";

type AppShellProps = {
  appInfo: AppInfo;
  workspace: WorkspaceTree;
  /** Loads the workspace again (after a connection was added or removed). */
  onReload?: (() => void) | undefined;
  /** Changes the loaded workspace in place, until the reload brings the real one. */
  onChange?: ((change: (workspace: WorkspaceTree) => WorkspaceTree) => void) | undefined;
};

/**
 * The window's layout: the sidebar at the left, the selected surface or page
 * in the main area. Holds the IDE scan every page shares, answers the
 * reminders' events (a clicked notification opens its key with Roll ready)
 * and the client logs' ones (the IDEs page at the finding), and asks the owner about OAuth clients waiting for consent.
 */
export function AppShell({ appInfo, workspace, onReload, onChange }: AppShellProps) {
  const [page, setPage] = useState<Page>("surface");
  const [picked, setPicked] = useState<Selection>(() => firstSurface(workspace));
  const [rollRequest, setRollRequest] = useState<RollRequest | null>(null);
  const [openFinding, setOpenFinding] = useState<OpenFinding | null>(null);
  const [lostKey, setLostKey] = useState<string | null>(null);
  const [dueCount, setDueCount] = useState<number | null>(null);
  // The first surface's keys as read while the window started: used once.
  const [opened, setOpened] = useState(workspace.opened ?? null);
  // A surface that went away (its connection was removed) falls back to the first one.
  const selection = findSelectedSurface(workspace, picked) ? picked : firstSurface(workspace);

  const navigate = (next: Page, surface?: NonNullable<Selection>) => {
    setPage(next);
    if (surface) {
      setPicked(surface);
    }
    setRollRequest(null);
    setOpenFinding(null);
    setLostKey(null);
    setOpened(null);
  };

  const onSurfaceCreated = (connectionId: string, product: Product, surface: Surface) => {
    onChange?.((current) => withSurface(current, connectionId, product, surface));
    navigate("surface", { connectionId, productId: product.id, surfaceId: surface.id });
    onReload?.();
  };

  // The surface's Keys tab with the Roll dialog open on the key.
  const openKey = (target: KeyTarget) => {
    const surface = surfaceOfKey(workspace, target);
    if (!surface) {
      setLostKey(target.keyId);
      return;
    }
    navigate("surface", surface);
    setRollRequest((previous) => ({ keyId: target.keyId, serial: (previous?.serial ?? 0) + 1 }));
  };
  // The events are subscribed once; they reach the latest workspace through this.
  const openKeyRef = useRef(openKey);
  useLayoutEffect(() => {
    openKeyRef.current = openKey;
  });
  const onNotificationClicked = useCallback((target: KeyTarget) => openKeyRef.current(target), []);
  useEffect(() => onReminderOpen(onNotificationClicked), [onNotificationClicked]);
  // A client-log notification was clicked: the IDEs page, at its finding.
  const onFindingClicked = useCallback((target: FindingOpen) => {
    setPage("ides");
    setRollRequest(null);
    setLostKey(null);
    setOpenFinding((previous) => ({ target, serial: (previous?.serial ?? 0) + 1 }));
  }, []);
  useEffect(() => onIdeFindingOpen(onFindingClicked), [onFindingClicked]);
  useEffect(() => {
    let current = true;
    // Rust's last count may have been sent before this window listened: ask
    // for it once (cheap: nothing is checked again while the window starts).
    dueRemindersCount().then(
      (count) => current && count !== null && setDueCount((shown) => shown ?? count),
      () => {},
    );
    const stop = onRemindersChanged(setDueCount);
    return () => {
      current = false;
      stop();
    };
  }, []);

  return (
    <IdeScanProvider>
      <div className="app-shell" data-testid="app-shell">
        <Sidebar
          appInfo={appInfo}
          workspace={workspace}
          page={page}
          selection={selection}
          onSelectSurface={(surface) => navigate("surface", surface)}
          onSelectPage={(next) => navigate(next)}
          dueCount={dueCount}
          onConnectionsChanged={onReload}
        />
        <div className="app-shell__content">
          {workspace.localError && (
            <p className="app-shell__notice" role="alert" data-testid="local-service-error">
              The local key service is not running: {workspace.localError}
            </p>
          )}
          {workspace.keyringError && (
            <p className="app-shell__notice" role="status" data-testid="keyring-error">
              Tokens are kept in memory until you quit, because the OS keyring is not usable:{" "}
              {workspace.keyringError}
            </p>
          )}
          {lostKey && (
            <p className="app-shell__notice" role="alert" data-testid="open-key-missing">
              Can't open key {lostKey}: none of your connections lists its surface. Reload, or add
              the connection that holds it.
            </p>
          )}
          <AuthorizationRequests workspace={workspace} />
          <MainArea
            page={page}
            appInfo={appInfo}
            workspace={workspace}
            selection={selection}
            rollRequest={rollRequest}
            openFinding={openFinding}
            opened={opened}
            onOpenKey={openKey}
            onSurfaceCreated={onSurfaceCreated}
          />
        </div>
      </div>
    </IdeScanProvider>
  );
}
