import { useMemo } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import { localWorkspace } from "../model/localWorkspace";
import { AppShell } from "../shell/AppShell";
import { AppError } from "./AppError";
import { AppLoading } from "./AppLoading";
import { useAppInfo } from "./useAppInfo";

/** The root: loads what the app needs to start, then shows the shell. */
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
  const workspace = useMemo(() => localWorkspace(appInfo), [appInfo]);
  return <AppShell appInfo={appInfo} workspace={workspace} />;
}
