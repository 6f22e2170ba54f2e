import { useCallback, useEffect, useRef, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import type { IpcError } from "../bindings/IpcError";
import { toIpcError } from "../lib/ipc/ipcError";
import { firstAppInfo } from "../lib/ipc/startup";

export type AppInfoState =
  | { status: "loading" }
  | { status: "ready"; appInfo: AppInfo }
  | { status: "error"; error: IpcError };

/** Loads `app_info` once (unless `initial` has it), and again on `retry()`. */
export function useAppInfo(initial?: AppInfo): { state: AppInfoState; retry: () => void } {
  const [state, setState] = useState<AppInfoState>(() =>
    initial === undefined ? { status: "loading" } : { status: "ready", appInfo: initial },
  );
  const [attempt, setAttempt] = useState(0);
  const skipFirstLoad = useRef(initial !== undefined);

  useEffect(() => {
    if (skipFirstLoad.current) {
      skipFirstLoad.current = false;
      return;
    }
    // A late answer must not overwrite a newer attempt, nor touch an unmounted component.
    let current = true;
    firstAppInfo().then(
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
