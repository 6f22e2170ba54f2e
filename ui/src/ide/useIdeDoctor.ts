import { useCallback, useEffect, useState } from "react";
import type { IdeDoctor } from "../bindings/IdeDoctor";
import { doctorIdes } from "../lib/ipc/ide";
import { toIpcError } from "../lib/ipc/ipcError";
import type { LoadState } from "../lib/useLoad";
import { useIdeScan } from "./IdeScanContext";

/**
 * Doctor's findings over the configs the shared scan reads. Opening the page
 * scans afresh (the shell's scan may be hours old); doctor then runs with each
 * scan asked for from there on, never with the stale one.
 */
export function useIdeDoctor(): { state: LoadState<IdeDoctor>; retry: () => void } {
  const { projects, generation, refresh } = useIdeScan();
  const [opened] = useState(() => generation + 1);
  const [state, setState] = useState<LoadState<IdeDoctor>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => refresh(), [refresh]);

  useEffect(() => {
    if (generation < opened) {
      return;
    }
    // A late answer must not overwrite a newer one, nor touch an unmounted page.
    let current = true;
    doctorIdes(projects).then(
      (doctor) => current && setState({ status: "ready", data: doctor }),
      (error: unknown) => current && setState({ status: "error", error: toIpcError(error) }),
    );
    return () => {
      current = false;
    };
  }, [projects, generation, opened, attempt]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);
  return { state, retry };
}
