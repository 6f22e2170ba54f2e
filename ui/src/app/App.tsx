import type { AppInfo } from "../bindings/AppInfo";
import { loadWorkspace } from "../lib/ipc/workspace";
import { useLoad } from "../lib/useLoad";
import { AppShell } from "../shell/AppShell";
import { AppError } from "./AppError";
import { AppLoading } from "./AppLoading";
import { useAppInfo } from "./useAppInfo";

/** The root: learns who it is (`app_info`), loads the workspace, then shows the shell. */
export function App() {
  const { state, retry } = useAppInfo();
  switch (state.status) {
    case "loading":
      return <AppLoading />;
    case "error":
      return <AppError error={state.error} onRetry={retry} />;
    case "ready":
      return <ReadyApp appInfo={state.appInfo} />;
  }
}

function ReadyApp({ appInfo }: { appInfo: AppInfo }) {
  const workspace = useLoad(loadWorkspace, "workspace");
  switch (workspace.state.status) {
    case "loading":
      return <AppLoading text="Loading your keys…" data-testid="workspace-loading" />;
    case "error":
      return (
        <AppError
          title="MCP Keys couldn't load your keys"
          error={workspace.state.error}
          onRetry={workspace.retry}
        />
      );
    case "ready":
      return (
        <AppShell
          appInfo={appInfo}
          workspace={workspace.state.data}
          onReload={workspace.reload}
          onChange={workspace.update}
        />
      );
  }
}
