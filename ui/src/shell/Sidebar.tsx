import { useId, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { Button } from "../components/Button";
import { LogoMark } from "../components/LogoMark";
import type { Selection } from "../model/selection";
import type { WorkspaceTree } from "../model/workspace";
import { AddConnectionDialog } from "./AddConnectionDialog";
import { ConnectionItem } from "./ConnectionItem";
import "./Sidebar.css";

type SidebarProps = {
  appInfo: AppInfo;
  workspace: WorkspaceTree;
  selection: Selection;
  onSelectSurface: (selection: NonNullable<Selection>) => void;
  /** A connection was added or removed: the workspace needs loading again. */
  onConnectionsChanged?: (() => void) | undefined;
};

/** The app's name, the tree of connections → products → surfaces, and the version. */
export function Sidebar({
  appInfo,
  workspace,
  selection,
  onSelectSurface,
  onConnectionsChanged,
}: SidebarProps) {
  const connectionsId = useId();
  const [adding, setAdding] = useState(false);
  return (
    <aside className="sidebar" data-testid="sidebar">
      <div className="sidebar__brand">
        <LogoMark />
        <span className="sidebar__app-name">{appInfo.name}</span>
      </div>
      <nav className="sidebar__nav" aria-labelledby={connectionsId}>
        <div className="sidebar__section">
          <h2 id={connectionsId} className="sidebar__section-title">
            Connections
          </h2>
          <Button
            variant="ghost"
            size="sm"
            icon="plus"
            data-testid="add-connection"
            onClick={() => setAdding(true)}
          >
            Add
          </Button>
        </div>
        <ul className="sidebar__connections">
          {workspace.connections.map((node) => (
            <ConnectionItem
              key={node.connection.id}
              node={node}
              selection={selection}
              onSelectSurface={onSelectSurface}
              onRemoved={onConnectionsChanged}
            />
          ))}
        </ul>
      </nav>
      <footer className="sidebar__footer">
        <span data-testid="app-version">Version {appInfo.version}</span>
      </footer>
      {adding && (
        <AddConnectionDialog
          onAdded={() => {
            setAdding(false);
            onConnectionsChanged?.();
          }}
          onClose={() => setAdding(false)}
        />
      )}
    </aside>
  );
}
