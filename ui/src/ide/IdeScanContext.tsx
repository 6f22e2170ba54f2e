import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";
import type { IdeScan } from "../bindings/IdeScan";
import { onIdeConfigsChanged } from "../lib/ipc/appEvents";
import { scanIdes } from "../lib/ipc/ide";
import { toIpcError } from "../lib/ipc/ipcError";
import type { LoadState } from "../lib/useLoad";
import { loadProjectFolders, saveProjectFolders } from "./projectFolders";

/** The latest IDE scan, shared by the IDEs page, "Used by" and the revoke dialog. */
export type IdeScanValue = {
  /** The last answer; a refresh keeps it shown until the next one arrives. */
  state: LoadState<IdeScan>;
  /** A scan is running (the first one, or a refresh). */
  scanning: boolean;
  /**
   * Counts the scans asked for: whatever reads the same configs (doctor)
   * loads again when it changes.
   */
  generation: number;
  /** The project folders scanned besides the home folder's configs. */
  projects: readonly string[];
  setProjects: (projects: readonly string[]) => void;
  /** Scans again. */
  refresh: () => void;
};

const IdeScanContext = createContext<IdeScanValue | null>(null);

/**
 * Scans once when the shell loads, then again when a watched config changes
 * (`ide://configs-changed`), when the project folders change, and on
 * `refresh()` (after a key was generated, rolled or revoked). A failed scan is
 * only an error state here: "Used by" is then empty, nothing else breaks.
 */
export function IdeScanProvider({ children }: { children: ReactNode }) {
  const [projects, setProjectsState] = useState<readonly string[]>(loadProjectFolders);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<LoadState<IdeScan>>({ status: "loading" });
  const [scanning, setScanning] = useState(true);

  useEffect(() => {
    // A late answer must not overwrite a newer scan, nor touch an unmounted provider.
    let current = true;
    setScanning(true);
    scanIdes(projects).then(
      (scan) => {
        if (current) {
          setState({ status: "ready", data: scan });
          setScanning(false);
        }
      },
      (error: unknown) => {
        if (current) {
          setState({ status: "error", error: toIpcError(error) });
          setScanning(false);
        }
      },
    );
    return () => {
      current = false;
    };
  }, [projects, generation]);

  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useEffect(() => onIdeConfigsChanged(refresh), [refresh]);

  const setProjects = useCallback((next: readonly string[]) => {
    saveProjectFolders(next);
    setProjectsState(next);
  }, []);

  const value = useMemo(
    () => ({ state, scanning, generation, projects, setProjects, refresh }),
    [state, scanning, generation, projects, setProjects, refresh],
  );
  return <IdeScanContext.Provider value={value}>{children}</IdeScanContext.Provider>;
}

/** The shared scan; only inside an `IdeScanProvider` (the shell has one). */
export function useIdeScan(): IdeScanValue {
  const value = useContext(IdeScanContext);
  if (!value) {
    throw new Error("useIdeScan needs an IdeScanProvider above it.");
  }
  return value;
}

const NO_PROJECTS: readonly string[] = [];

/**
 * The project folders the shared scan reads (the IDEs page's list), for a
 * roll that updates their configs too. Outside an `IdeScanProvider` there is
 * no scan, so no config to update and no folder.
 */
export function useIdeProjects(): readonly string[] {
  return useContext(IdeScanContext)?.projects ?? NO_PROJECTS;
}
