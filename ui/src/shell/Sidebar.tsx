import { useId, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { Button } from "../components/Button";
import { Icon } from "../components/Icon";
import { LogoMark } from "../components/LogoMark";
import type { Selection } from "../model/selection";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { AddConnectionDialog } from "./AddConnectionDialog";
import { ConnectionItem } from "./ConnectionItem";
import { NavLink } from "./NavLink";
import { SettingsIcon } from "./SettingsIcon";
import type { Page } from "./page";
import "./Sidebar.css";

type SidebarProps = {
  appInfo: AppInfo;
  workspace: WorkspaceTree;
  /** The page shown; surfaces are marked current only while one is. */
  page: Page;
  selection: Selection;
  onSelectSurface: (selection: NonNullable<Selection>) => void;
  onSelectPage: (page: Exclude<Page, "surface">) => void;
  /** How many keys are due for attention; unknown until Rust has said. */
  dueCount?: number | null | undefined;
  /** A connection was added or removed: the workspace needs loading again. */
  onConnectionsChanged?: (() => void) | undefined;
};

/**
 * The app's name, its pages (IDEs, Reminders), the tree of connections →
 * products → surfaces, then Settings and the version.
 */
export function Sidebar({
  appInfo,
  workspace,
  page,
  selection,
  onSelectSurface,
  onSelectPage,
  dueCount = null,
  onConnectionsChanged,
}: SidebarProps) {
  const pagesId = useId();
  const connectionsId = useId();
  const [adding, setAdding] = useState(false);
  return (
    <aside className="sidebar" data-testid="sidebar">
      <div className="sidebar__brand">
        <LogoMark />
        <span className="sidebar__app-name">{appInfo.name}</span>
      </div>
      <nav className="sidebar__pages" aria-labelledby={pagesId}>
        <h2 id={pagesId} className="visually-hidden">
          Pages
        </h2>
        <NavLink
          label="IDEs"
          icon={<Icon name="plug" />}
          current={page === "ides"}
          onSelect={() => onSelectPage("ides")}
          data-testid="nav-ides"
        />
        <NavLink
          label="Reminders"
          icon={<Icon name="alert" />}
          current={page === "reminders"}
          onSelect={() => onSelectPage("reminders")}
          badge={
            dueCount !== null &&
            dueCount > 0 && (
              <span className="sidebar-nav-link__count" data-testid="nav-reminders-count">
                {dueCount}
                <span className="visually-hidden"> due</span>
              </span>
            )
          }
          data-testid="nav-reminders"
        />
      </nav>
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
              selection={page === "surface" ? selection : null}
              onSelectSurface={onSelectSurface}
              onRemoved={onConnectionsChanged}
            />
          ))}
        </ul>
      </nav>
      <footer className="sidebar__footer">
        <NavLink
          label="Settings"
          icon={<SettingsIcon />}
          current={page === "settings"}
          onSelect={() => onSelectPage("settings")}
          data-testid="nav-settings"
        />
        <span className="sidebar__version" data-testid="app-version" title={appInfo.build}>
          Version {appInfo.version}
        </span>
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
