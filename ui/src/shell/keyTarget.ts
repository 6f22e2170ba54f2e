import type { KeyTarget } from "../lib/ipc/appEvents";
import type { Selection } from "../model/selection";
import type { WorkspaceTree } from "../bindings/WorkspaceTree";

/**
 * The surface a reminder's key is on. Each id the reminder knows narrows the
 * search; without a surface id, the surface whose loaded keys include the key.
 * Null when the workspace has no such surface (a connection since removed).
 */
export function surfaceOfKey(workspace: WorkspaceTree, target: KeyTarget): Selection {
  for (const { connection, products } of workspace.connections) {
    if (target.connectionId !== null && connection.id !== target.connectionId) {
      continue;
    }
    for (const { product, surfaces } of products) {
      if (target.productId !== null && product.id !== target.productId) {
        continue;
      }
      const surface = surfaces.find((s) =>
        target.surfaceId === null
          ? s.keys.some((key) => key.id === target.keyId)
          : s.id === target.surfaceId,
      );
      if (surface) {
        return { connectionId: connection.id, productId: product.id, surfaceId: surface.id };
      }
    }
  }
  return null;
}
