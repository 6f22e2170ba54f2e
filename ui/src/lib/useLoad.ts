import { useCallback, useEffect, useRef, useState } from "react";
import { toIpcError } from "./ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";

export type LoadState<T> =
  { status: "loading" } | { status: "ready"; data: T } | { status: "error"; error: IpcError };

/**
 * Runs `load` on mount and whenever `key` changes, and again on `retry()`.
 * `update` changes the loaded data in place (after a command answered with the
 * new state of one item), without a reload. `initial` is data already loaded
 * for the first `key`: it is shown at once and the first load is skipped.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
  initial?: T,
): {
  state: LoadState<T>;
  retry: () => void;
  reload: () => void;
  update: (change: (data: T) => T) => void;
} {
  const [state, setState] = useState<LoadState<T>>(() =>
    initial === undefined ? { status: "loading" } : { status: "ready", data: initial },
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
    load().then(
      (data) => current && setState({ status: "ready", data }),
      (error: unknown) => current && setState({ status: "error", error: toIpcError(error) }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render; `key` says when it asks for something else.
  }, [key, attempt]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  // Keeps showing the current data while the fresh copy loads.
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const update = useCallback((change: (data: T) => T) => {
    setState((previous) =>
      previous.status === "ready" ? { status: "ready", data: change(previous.data) } : previous,
    );
  }, []);

  return { state, retry, reload, update };
}
