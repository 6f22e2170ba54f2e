import { useId } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { LogoMark } from "../components/LogoMark";
import type { Selection } from "../model/selection";
import type { Workspace } from "../model/workspace";
import { ConnectionItem } from "./ConnectionItem";
import "./Sidebar.css";

type SidebarProps = {
  appInfo: AppInfo;
  workspace: Workspace;
  selection: Selection;
  onSelectSurface: (selection: NonNullable<Selection>) => void;
};

/** The app's name, the tree of connections → products → surfaces, and the version. */
export function Sidebar({ appInfo, workspace, selection, onSelectSurface }: SidebarProps) {
  const connectionsId = useId();
  return (
    <aside className="sidebar" data-testid="sidebar">
      <div className="sidebar__brand">
        <LogoMark />
        <span className="sidebar__app-name">{appInfo.name}</span>
      </div>
      <nav className="sidebar__nav" aria-labelledby={connectionsId}>
        <h2 id={connectionsId} className="sidebar__section-title">
          Connections
        </h2>
        <ul className="sidebar__connections">
          {workspace.connections.map((node) => (
            <ConnectionItem
              key={node.connection.id}
              node={node}
              selection={selection}
              onSelectSurface={onSelectSurface}
            />
          ))}
        </ul>
      </nav>
      <footer className="sidebar__footer">
        <span data-testid="app-version">Version {appInfo.version}</span>
      </footer>
    </aside>
  );
}
