import { useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import type { Selection } from "../model/selection";
import type { Workspace } from "../model/workspace";
import { MainArea } from "./MainArea";
import { Sidebar } from "./Sidebar";
import "./AppShell.css";

type AppShellProps = {
  appInfo: AppInfo;
  workspace: Workspace;
  onGenerateKey?: (() => void) | undefined;
};

/** The window's layout: the sidebar at the left, the selected thing in the main area. */
export function AppShell({ appInfo, workspace, onGenerateKey }: AppShellProps) {
  const [selection, setSelection] = useState<Selection>(null);
  return (
    <div className="app-shell" data-testid="app-shell">
      <Sidebar
        appInfo={appInfo}
        workspace={workspace}
        selection={selection}
        onSelectSurface={setSelection}
      />
      <MainArea workspace={workspace} selection={selection} onGenerateKey={onGenerateKey} />
    </div>
  );
}
