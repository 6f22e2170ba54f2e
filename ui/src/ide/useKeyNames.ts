import { useEffect, useMemo, useState } from "react";
import type { ScanEntry } from "../bindings/ScanEntry";
import { getSurface } from "../lib/ipc/workspace";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";
import type { KnownNames } from "./names";

/** Where a surface is, as `surface_get` takes it. */
type SurfacePlace = { connectionId: string; productId: string; surfaceId: string };

function placeOf(workspace: WorkspaceTree, surfaceId: string): SurfacePlace | undefined {
  for (const { connection, products } of workspace.connections) {
    for (const { product, surfaces } of products) {
      if (surfaces.some((s) => s.id === surfaceId)) {
        return { connectionId: connection.id, productId: product.id, surfaceId };
      }
    }
  }
  return undefined;
}

/**
 * The names of keys the scan identified but the workspace tree doesn't list
 * (its surfaces come without their keys): their surfaces are loaded once,
 * by id. A surface that fails to load only leaves its keys unnamed.
 */
export function useKeyNames(
  workspace: WorkspaceTree,
  entries: readonly ScanEntry[],
  names: KnownNames,
): ReadonlyMap<string, string> {
  const wanted = useMemo(() => {
    const ids = entries
      .filter((e) => e.keyId !== null && e.surfaceId !== null && !names.keyName(e.keyId))
      .map((e) => e.surfaceId as string);
    return [...new Set(ids)].sort();
  }, [entries, names]);
  const [loaded, setLoaded] = useState<ReadonlyMap<string, string>>(new Map());
  const wantedKey = wanted.join("\n");

  useEffect(() => {
    const places = wanted
      .map((id) => placeOf(workspace, id))
      .filter((place): place is SurfacePlace => place !== undefined);
    if (places.length === 0) {
      return;
    }
    let current = true;
    void Promise.allSettled(
      places.map((p) => getSurface(p.connectionId, p.productId, p.surfaceId)),
    ).then((results) => {
      if (!current) {
        return;
      }
      const keys = new Map<string, string>();
      for (const result of results) {
        if (result.status === "fulfilled") {
          for (const key of result.value.keys) {
            keys.set(key.id, key.name);
          }
        }
      }
      setLoaded(keys);
    });
    return () => {
      current = false;
    };
    // `wantedKey` says when other surfaces are wanted; `wanted` follows it.
  }, [wantedKey, workspace]);

  return loaded;
}
