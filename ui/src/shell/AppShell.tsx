import { useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { findSelectedSurface, firstSurface, type Selection } from "../model/selection";
import type { Product, Surface, WorkspaceTree } from "../model/workspace";
import { withSurface } from "../model/workspaceTree";
import { MainArea } from "./MainArea";
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

/** The window's layout: the sidebar at the left, the selected surface in the main area. */
export function AppShell({ appInfo, workspace, onReload, onChange }: AppShellProps) {
  const [picked, setPicked] = useState<Selection>(() => firstSurface(workspace));
  // A surface that went away (its connection was removed) falls back to the first one.
  const selection = findSelectedSurface(workspace, picked) ? picked : firstSurface(workspace);

  const onSurfaceCreated = (connectionId: string, product: Product, surface: Surface) => {
    onChange?.((current) => withSurface(current, connectionId, product, surface));
    setPicked({ connectionId, productId: product.id, surfaceId: surface.id });
    onReload?.();
  };

  return (
    <div className="app-shell" data-testid="app-shell">
      <Sidebar
        appInfo={appInfo}
        workspace={workspace}
        selection={selection}
        onSelectSurface={setPicked}
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
        <MainArea workspace={workspace} selection={selection} onSurfaceCreated={onSurfaceCreated} />
      </div>
    </div>
  );
}
