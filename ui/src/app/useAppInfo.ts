import { useCallback, useEffect, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import type { IpcError } from "../lib/ipc/ipcError";
import { getAppInfo } from "../lib/ipc/app";
import { toIpcError } from "../lib/ipc/ipcError";

export type AppInfoState =
  | { status: "loading" }
  | { status: "ready"; appInfo: AppInfo }
  | { status: "error"; error: IpcError };

/** Loads `app_info` once, and again on `retry()`. */
export function useAppInfo(): { state: AppInfoState; retry: () => void } {
  const [state, setState] = useState<AppInfoState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // A late answer must not overwrite a newer attempt, nor touch an unmounted component.
    let current = true;
    getAppInfo().then(
      (appInfo) => current && setState({ status: "ready", appInfo }),
      (error: unknown) => current && setState({ status: "error", error: toIpcError(error) }),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
