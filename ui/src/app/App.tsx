import type { AppInfo } from "../bindings/AppInfo";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import { firstWorkspace, type EarlyAnswers } from "../lib/ipc/startup";
import { useLoad } from "../lib/useLoad";
import { AppShell } from "../shell/AppShell";
import { AppError } from "./AppError";
import { AppLoading } from "./AppLoading";
import { useAppInfo } from "./useAppInfo";

type AppProps = {
  /** What main.tsx already received; what is missing is asked for here. */
  early?: EarlyAnswers | undefined;
};

/** The root: learns who it is (`app_info`), loads the workspace, then shows the shell. */
export function App({ early }: AppProps = {}) {
  const { state, retry } = useAppInfo(early?.appInfo);
  switch (state.status) {
    case "loading":
      return <AppLoading />;
    case "error":
      return <AppError error={state.error} onRetry={retry} />;
    case "ready":
      return <ReadyApp appInfo={state.appInfo} early={early?.workspace} />;
  }
}

function ReadyApp({ appInfo, early }: { appInfo: AppInfo; early: WorkspaceTree | undefined }) {
  const workspace = useLoad(firstWorkspace, "workspace", early);
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
